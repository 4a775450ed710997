"""Audited reads of objections (异议): one, its attachments, a queue, the credit office's
overdue list and report. An objection holds a subject's reasons and evidence and whom it
concerns: every read is a non-public read, audited in the caller's transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor
from xinyong.core import attachments
from xinyong.core.workdays import WorkingCalendar
from xinyong.objections.service import (
    Overdue,
    RatioRow,
    effective_ratio,
    list_objections,
    overdue,
    view,
)
from xinyong.objections.tables import Objection
from xinyong.subjects.tables import Subject


def _uscc(session: Session, o: Objection) -> str | None:
    subject = session.get(Subject, o.subject_id)
    return subject.uscc if subject else None


def read(session: Session, actor: Actor, objection_id: int) -> Objection:
    """One objection as its applicant, its provider or the credit office may see it."""
    o = view(session, actor, objection_id)
    audit.append(session, actor, "objection.read", subject_uscc=_uscc(session, o),
                 details={"objection_id": o.id})
    return o


def read_attachment(session: Session, actor: Actor, objection_id: int,
                    attachment_id: int) -> attachments.Attachment:
    o = view(session, actor, objection_id)
    found = attachments.get(session, "objection", o.id, attachment_id)
    audit.append(session, actor, "objection.attachment.read", subject_uscc=_uscc(session, o),
                 details={"objection_id": o.id, "attachment_id": found.id})
    return found


def read_queue(session: Session, actor: Actor, *, state: str | None = None,
               limit: int = 200) -> list[Objection]:
    """The objections the actor may list (its own, its department's, or all)."""
    items = list_objections(session, actor, state=state, limit=limit)
    audit.append(session, actor, "objection.list", details={
        "state": state, "objection_ids": [o.id for o in items]})
    return items


def read_overdue(session: Session, actor: Actor, calendar: WorkingCalendar) -> list[Overdue]:
    items = overdue(session, calendar)
    audit.append(session, actor, "objection.overdue.read",
                 details={"objection_ids": [od.objection.id for od in items]})
    return items


def read_report(session: Session, actor: Actor, *, since: date | None = None
                ) -> list[RatioRow]:
    rows = effective_ratio(session, since=since)
    audit.append(session, actor, "objection.report.read",
                 details={"since": since.isoformat() if since else None})
    return rows
