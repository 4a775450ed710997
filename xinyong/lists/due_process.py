"""The subject's side of a listing, online: its proposed and decided listings, its statement
（陈述申辩） within the statement period, and its application for early removal （提前移出）
where its list kind allows one; the listing department decides the application. Never commit;
every write and every read of the subject's own listings is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, Permission, Role, authorize
from xinyong.accounts.policy import has_control_chars
from xinyong.core import attachments, clock
from xinyong.core.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolation
from xinyong.documents import Document
from xinyong.lists import rules
from xinyong.lists.documents import decision_content, notice_content
from xinyong.lists.integrity import REMOVAL_PART, STATEMENT_PART, seal_part
from xinyong.lists.model import get_list_kind
from xinyong.lists.service import (
    check_early_removal,
    get_entry,
    list_entries,
    may_handle,
    remove,
    statements_of,
)
from xinyong.lists.tables import ListEntry, ListRemovalApplication, ListStatement
from xinyong.subjects import Subject, get_subject

STATEMENT = STATEMENT_PART  # attachment owner kinds, and sealed parts (lists.integrity)
REMOVAL = REMOVAL_PART
SUBMITTED, APPROVED, REJECTED = "submitted", "approved", "rejected"
REMOVAL_LABELS = {SUBMITTED: "已提交，待认定部门审核", APPROVED: "已准予提前移出",
                  REJECTED: "不予提前移出"}
# States a subject sees: proposals become visible when the notice is sent.
VISIBLE = (rules.NOTICE_SENT, rules.LISTED, rules.DROPPED, rules.PUBLISHED, rules.REMOVED)
TEXT_MAX = 4000


def _text(raw: str, what: str, code: str) -> str:
    clean = (raw or "").strip()
    if not clean:
        raise Invalid(f"请填写{what}", code=code)
    if len(clean) > TEXT_MAX or has_control_chars(clean.replace("\n", "").replace("\r", "")):
        raise Invalid(f"{what}不能超过{TEXT_MAX}字，且不能含控制字符", code=code)
    return clean


def _own_subject(session: Session, actor: Actor) -> Subject:
    if actor.role != Role.SUBJECT or not actor.subject_uscc:
        raise Forbidden("仅信用主体账户可以办理本主体的名单事项", code="no_subject")
    return get_subject(session, actor.subject_uscc)


def own_entry(session: Session, actor: Actor, entry_id: int, *,
              audited: bool = False) -> ListEntry:
    """One of the subject's own listings (a proposal from the notice on); another subject's
    or an unnotified proposal is "not found". `audited`: a read of it (page, documents)."""
    subject = _own_subject(session, actor)
    entry = session.get(ListEntry, entry_id)
    if entry is None or entry.subject_id != subject.id or entry.state not in VISIBLE:
        raise NotFound(f"名单记录 {entry_id} 不存在", code="list_entry_not_found")
    if audited:
        audit.append(session, actor, "own_lists.read", subject_uscc=subject.uscc,
                     details={"list_entry_ids": [entry.id]})
    return entry


def own_entries(session: Session, actor: Actor) -> list[ListEntry]:
    """The subject's listings, newest first (audited: part of its non-public file)."""
    authorize(actor, Permission.OWN_FILE_READ)
    subject = _own_subject(session, actor)
    entries = list(session.scalars(select(ListEntry).where(
        ListEntry.subject_id == subject.id, ListEntry.state.in_(VISIBLE))
        .order_by(ListEntry.id.desc())))
    audit.append(session, actor, "own_lists.read", subject_uscc=subject.uscc,
                 details={"list_entry_ids": [e.id for e in entries]})
    return entries


@dataclass(frozen=True)
class Statement:
    entry_id: int
    text: str
    uploads: tuple[attachments.Upload, ...] = ()
    contact: str | None = None


def submit_statement(session: Session, actor: Actor, st: Statement, *,
                     today: date | None = None) -> ListStatement:
    """陈述申辩： only on a notified proposal, by the subject, until the period's last day."""
    today = today or clock.today()
    authorize(actor, Permission.LISTS_RESPOND)
    entry = own_entry(session, actor, st.entry_id)
    if entry.state != rules.NOTICE_SENT:
        raise Conflict("该名单记录不在陈述申辩期内（已作出决定或尚未告知）",
                       code="statement_not_open")
    if entry.statement_until is not None and today > entry.statement_until:
        raise RuleViolation(f"陈述申辩期已于 {entry.statement_until.isoformat()} 届满，"
                            "不能再在线提交", code="statement_period_over")
    text = _text(st.text, "陈述申辩的事实和理由", "statement_text_required")
    checked = attachments.check_uploads(list(st.uploads))
    row = ListStatement(entry_id=entry.id, text=text,
                        contact=(st.contact or "").strip()[:200] or None,
                        submitted_by=actor.name, submitted_on=today,
                        submitted_at=clock.now())
    session.add(row)
    session.flush()
    attachments.store(session, STATEMENT, row.id, checked)
    seal_part(session, actor, "list.statement", STATEMENT, row,
              subject_uscc=actor.subject_uscc,
              details={"list_entry_id": entry.id, "statement_id": row.id,
                       "files": len(checked)})
    return row


def removal_applications(session: Session, entry_id: int) -> list[ListRemovalApplication]:
    return list(session.scalars(select(ListRemovalApplication)
                                .where(ListRemovalApplication.entry_id == entry_id)
                                .order_by(ListRemovalApplication.id)))


@dataclass(frozen=True)
class RemovalRequest:
    entry_id: int
    reasons: str
    uploads: tuple[attachments.Upload, ...] = ()


def apply_early_removal(session: Session, actor: Actor, req: RemovalRequest, *,
                        today: date | None = None) -> ListRemovalApplication:
    """提前移出申请： where the kind (and the listing's basis) allows it, from the earliest day;
    one open application at a time; proof of correction attached."""
    today = today or clock.today()
    authorize(actor, Permission.LISTS_RESPOND)
    entry = own_entry(session, actor, req.entry_id)
    if entry.state not in rules.IN_FORCE:
        raise Conflict("该名单记录不在列入期间，无需申请移出", code="removal_not_open")
    kind = get_list_kind(entry.list_kind)
    check_early_removal(kind, entry, today)
    if any(a.state == SUBMITTED for a in removal_applications(session, entry.id)):
        raise Conflict("已有待审核的提前移出申请", code="removal_pending")
    reasons = _text(req.reasons, "纠正失信行为、履行义务的情况", "removal_reasons_required")
    checked = attachments.check_uploads(list(req.uploads), required=True)
    app = ListRemovalApplication(entry_id=entry.id, state=SUBMITTED, reasons=reasons,
                                 applicant=actor.name, submitted_on=today,
                                 submitted_at=clock.now())
    session.add(app)
    session.flush()
    attachments.store(session, REMOVAL, app.id, checked)
    seal_part(session, actor, "list.removal_applied", REMOVAL, app,
              subject_uscc=actor.subject_uscc,
              details={"list_entry_id": entry.id, "application_id": app.id})
    return app


def get_removal_application(session: Session, app_id: int) -> ListRemovalApplication:
    app = session.get(ListRemovalApplication, app_id)
    if app is None:
        raise NotFound(f"提前移出申请 {app_id} 不存在", code="removal_not_found")
    return app


def decide_early_removal(session: Session, actor: Actor, app_id: int, approve: bool,
                         reason: str, *, today: date | None = None) -> ListRemovalApplication:
    """The listing department approves (the entry is removed that day, under the kind's
    early-removal rule) or rejects, with reasons told to the subject."""
    today = today or clock.today()
    authorize(actor, Permission.LISTS_DECIDE)
    app = get_removal_application(session, app_id)
    entry = get_entry(session, app.entry_id)
    if not may_handle(actor, entry):
        raise Forbidden("只有作出列入的部门（或信用办）可以审核该申请", code="list_entry_not_own")
    if app.state != SUBMITTED:
        raise Conflict(f"申请已办结（{REMOVAL_LABELS[app.state]}）", code="removal_decided")
    reason = _text(reason, "审核理由", "reason_required")
    if approve:
        remove(session, entry.id, actor, f"准予提前移出申请 #{app.id}：{reason}", today=today)
    app.state = APPROVED if approve else REJECTED
    app.decided_by, app.decided_on, app.decision_reason = actor.name, today, reason
    session.flush()
    subject = session.get(Subject, entry.subject_id)
    seal_part(session, actor, "list.removal_decided", REMOVAL, app,
              subject_uscc=subject.uscc if subject else None,
              details={"list_entry_id": entry.id, "application_id": app.id,
                       "approved": approve})
    return app


def department_entries(session: Session, actor: Actor, *, states: Sequence[str] | None = None,
                       list_kind: str | None = None, limit: int = 200) -> list[ListEntry]:
    """The listings the caller's department made (all, for the credit office), newest first:
    proposals included, so a non-public read, audited with the entries shown."""
    authorize(actor, Permission.LISTS_DECIDE)
    own = None if actor.role == Role.ADMIN else (actor.department_uscc or "-")
    entries = [e for e in list_entries(session, list_kind=list_kind, department_uscc=own,
                                       state=states[0] if states and len(states) == 1
                                       else None, limit=limit)
               if states is None or e.state in states]
    audit.append(session, actor, "list.queue_read", details={
        "list_entry_ids": [e.id for e in entries], "states": list(states or []),
        "list_kind": list_kind})
    return entries


def case_view(session: Session, actor: Actor, entry_id: int) -> ListEntry:
    """A listing as its department (or the credit office) sees it: statements, applications
    and their files are a non-public read, audited."""
    authorize(actor, Permission.LISTS_DECIDE)
    entry = get_entry(session, entry_id)
    if not may_handle(actor, entry):
        raise NotFound(f"名单记录 {entry_id} 不存在", code="list_entry_not_found")
    subject = session.get(Subject, entry.subject_id)
    audit.append(session, actor, "list.case_read",
                 subject_uscc=subject.uscc if subject else None,
                 details={"list_entry_id": entry.id})
    return entry


def _uscc(session: Session, entry: ListEntry) -> str | None:
    subject = session.get(Subject, entry.subject_id)
    return subject.uscc if subject else None


def notice_of(session: Session, entry: ListEntry, *, measures: Sequence[tuple[str, str]] = (),
              url: str = "/me") -> Document:
    return notice_content(entry, _uscc(session, entry), measures=measures, url=url)


def decision_of(session: Session, entry: ListEntry, *,
                measures: Sequence[tuple[str, str]] = ()) -> Document:
    return decision_content(entry, _uscc(session, entry), statements_of(session, entry.id),
                            measures=measures)


def pending_for(session: Session, entry_ids: list[int]) -> dict[int, int]:
    """Entry id -> number of statements not yet considered (for the queue)."""
    out: dict[int, int] = {}
    if not entry_ids:
        return out
    for st in session.scalars(select(ListStatement).where(
            ListStatement.entry_id.in_(entry_ids), ListStatement.consideration.is_(None))):
        out[st.entry_id] = out.get(st.entry_id, 0) + 1
    return out


__all__ = ["APPROVED", "REJECTED", "REMOVAL_LABELS", "SUBMITTED", "RemovalRequest",
           "Statement", "apply_early_removal", "case_view", "decide_early_removal",
           "decision_of", "department_entries", "get_removal_application", "notice_of",
           "own_entries", "own_entry",
           "pending_for", "removal_applications", "statements_of", "submit_statement"]
