"""Audited reads of credit repair (信用修复) applications: one, its attachments, a queue,
the overdue list, and a subject's question whether one of its penalties may be repaired.
Every one is a non-public read, audited in the caller's transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor
from xinyong.core import attachments
from xinyong.repair.service import OverdueStep, list_applications, overdue, view
from xinyong.repair.tables import RepairApplication
from xinyong.subjects.tables import Subject


def _uscc(session: Session, app: RepairApplication) -> str | None:
    subject = session.get(Subject, app.subject_id)
    return subject.uscc if subject else None


def read(session: Session, actor: Actor, app_id: int) -> RepairApplication:
    """One application as its subject, its deciding department or the credit office may
    see it."""
    app = view(session, actor, app_id)
    audit.append(session, actor, "repair.read", subject_uscc=_uscc(session, app),
                 details={"application_id": app.id})
    return app


def read_attachment(session: Session, actor: Actor, app_id: int,
                    attachment_id: int) -> attachments.Attachment:
    app = view(session, actor, app_id)
    found = attachments.get(session, "repair", app.id, attachment_id)
    audit.append(session, actor, "repair.attachment.read", subject_uscc=_uscc(session, app),
                 details={"application_id": app.id, "attachment_id": found.id})
    return found


def read_queue(session: Session, actor: Actor, *, state: str | None = None,
               limit: int = 200) -> list[RepairApplication]:
    items = list_applications(session, actor, state=state, limit=limit)
    audit.append(session, actor, "repair.list", details={
        "state": state, "application_ids": [a.id for a in items]})
    return items


def read_overdue(session: Session, actor: Actor) -> list[OverdueStep]:
    items = overdue(session)
    audit.append(session, actor, "repair.overdue.read",
                 details={"application_ids": [o.application.id for o in items]})
    return items


def audit_eligibility(session: Session, actor: Actor, record_id: int,
                      subject_uscc: str | None) -> None:
    """A subject asked whether its record may be repaired (the API and the form)."""
    audit.append(session, actor, "repair.eligibility.read", subject_uscc=subject_uscc,
                 details={"record_id": record_id})
