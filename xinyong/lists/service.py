"""Listing use cases: propose, notify, decide, publish, remove, expire. Never commit.

Every step checks the state machine (rules.py), records a ListTransition (who, why, when)
and bumps the entry's version, so that a reviewed false match is raised again after a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, Role
from xinyong.core import clock
from xinyong.core.errors import Invalid, NotFound, RuleViolation
from xinyong.core.masking import mask_name, scrub_text
from xinyong.core.workdays import load_calendar
from xinyong.lists import rules
from xinyong.lists.integrity import seal_write
from xinyong.lists.model import ListKind, get_list_kind
from xinyong.lists.tables import ListEntry, ListTransition
from xinyong.subjects import Subject, get_subject

SYSTEM = "系统（定时任务）"
# Automatic steps (expiry) are recorded, and audited, as the system.
SYSTEM_ACTOR = Actor(role=Role.SYSTEM, name=SYSTEM, client="system")


@dataclass(frozen=True)
class LegalDocument:
    """The legal-effect document a listing rests on (number, date, issuing body)."""

    type: str
    number: str
    date: date | None
    issuing_body: str


@dataclass(frozen=True)
class Proposal:
    list_kind: str
    uscc: str
    document: LegalDocument
    legal_basis_id: str
    facts: str
    responsible_person: str | None = None
    person_role: str | None = None


def _who(actor: Actor) -> tuple[str, str | None]:
    return actor.name, actor.department_name or actor.department_uscc


def _record(session: Session, entry: ListEntry, action: str, to_state: str, actor: Actor,
            reason: str, today: date, *, audited_as: Actor | None = None) -> None:
    """One step: its transition, the entry's new state and version, and the one audit entry
    of the write, which seals the new content (lists.integrity); it names `audited_as` when
    someone other than the step's actor started it (an expiry run)."""
    now = clock.now()
    name, department = _who(actor)
    session.add(ListTransition(entry_id=entry.id, action=action, from_state=entry.state,
                               to_state=to_state, actor=name, department=department,
                               reason=reason, on_day=today, at=now))
    entry.state = to_state
    entry.version += 1
    entry.updated_at = now
    seal_write(session, entry, audited_as or actor, action)


def _require_reason(reason: str | None) -> str:
    clean = (reason or "").strip()
    if not clean:
        raise Invalid("每一步都须填写理由（reason）", code="reason_required")
    return scrub_text(clean)  # an ID number typed into the text is kept masked only


def _check_document(kind: ListKind, p: Proposal) -> None:
    d = p.document
    missing = [label for label, v in (("文书类型", d.type), ("文书编号", d.number),
                                      ("文书日期", d.date), ("作出机关", d.issuing_body))
               if not (v.strip() if isinstance(v, str) else v)]
    if missing:
        raise RuleViolation(f"列入「{kind.name}」须依据具有法律效力的文书；缺少："
                            f"{'、'.join(missing)}", code="legal_document_required")
    basis = kind.basis(p.legal_basis_id or "")
    if basis is None:
        allowed = ";".join(f"{b.id} = {b.cite()}" for b in kind.legal_bases)
        raise RuleViolation(f"「{p.legal_basis_id or '未填写'}」不是「{kind.name}」允许的设定依据；"
                            f"允许的依据：{allowed}", code="legal_basis_not_allowed")
    if p.responsible_person:
        if not basis.carry_to_person:
            raise RuleViolation(f"依据{basis.cite()}不能将责任落实到个人，不得登记责任人",
                                code="person_not_allowed")
        if p.person_role not in basis.person_roles:
            raise RuleViolation(f"责任人身份须为：{'、'.join(basis.person_roles)}",
                                code="person_role_not_allowed")


def propose(session: Session, p: Proposal, actor: Actor, *, today: date | None = None
            ) -> ListEntry:
    today = today or clock.today()
    kind = get_list_kind(p.list_kind)
    _check_document(kind, p)
    if not p.facts.strip():
        raise Invalid("须填写列入事实（facts）", code="facts_required")
    subject: Subject = get_subject(session, p.uscc)
    assert p.document.date is not None
    now = clock.now()
    entry = ListEntry(
        list_kind=kind.id, subject_id=subject.id, subject_name=subject.name,
        state=rules.PROPOSED, document_type=p.document.type.strip(),
        document_number=p.document.number.strip(), document_date=p.document.date,
        issuing_body=p.document.issuing_body.strip(), legal_basis_id=p.legal_basis_id,
        facts=scrub_text(p.facts.strip()), department_name=actor.department_name,
        department_uscc=actor.department_uscc,
        person_name_masked=mask_name(p.responsible_person) if p.responsible_person else None,
        person_role=p.person_role if p.responsible_person else None,
        version=1, created_at=now, updated_at=now)
    session.add(entry)
    session.flush()
    name, dept = _who(actor)
    session.add(ListTransition(entry_id=entry.id, action="propose", from_state=None,
                               to_state=rules.PROPOSED, actor=name, department=dept,
                               reason=entry.facts, on_day=today, at=now))
    seal_write(session, entry, actor, "propose")
    return entry


def get_entry(session: Session, entry_id: int) -> ListEntry:
    entry = session.get(ListEntry, entry_id)
    if entry is None:
        raise NotFound(f"名单记录 {entry_id} 不存在", code="list_entry_not_found")
    return entry


def _begin(session: Session, entry_id: int, action: str) -> tuple[ListEntry, ListKind]:
    """Load the entry and its kind, and refuse an action its state does not allow."""
    entry = get_entry(session, entry_id)
    kind = get_list_kind(entry.list_kind)
    rules.check_action(entry.state, action, kind.notice_required)
    return entry, kind


def notify(session: Session, entry_id: int, actor: Actor, reason: str, *,
           today: date | None = None) -> ListEntry:
    """告知: the statement period runs from the day after, in working days."""
    today = today or clock.today()
    entry, kind = _begin(session, entry_id, "notify")
    calendar = load_calendar(session)
    entry.notice_sent_on = today
    entry.statement_until = calendar.add_working_days(today, kind.statement_working_days)
    _record(session, entry, "notify", rules.NOTICE_SENT, actor, _require_reason(reason),
            today)
    return entry


def decide(session: Session, entry_id: int, actor: Actor, outcome: str, reason: str, *,
           today: date | None = None) -> ListEntry:
    """Decide listed or dropped; a listing runs for the kind's period from today."""
    today = today or clock.today()
    entry, kind = _begin(session, entry_id, "decide")
    if outcome not in (rules.LISTED, rules.DROPPED):
        raise Invalid("决定结果只能是 listed（列入）或 dropped（不列入）", code="outcome_invalid")
    reason = _require_reason(reason)
    rules.check_statement_period_over(entry.statement_until, today)
    entry.decided_on = today
    if outcome == rules.LISTED:
        entry.listed_until = rules.add_years(today, kind.period_years)
    _record(session, entry, "decide", outcome, actor, reason, today)
    return entry


def publish(session: Session, entry_id: int, actor: Actor, reason: str, *,
            today: date | None = None) -> ListEntry:
    today = today or clock.today()
    entry, kind = _begin(session, entry_id, "publish")
    entry.published_on = today
    _record(session, entry, "publish", rules.PUBLISHED, actor, _require_reason(reason),
            today)
    return entry


def remove(session: Session, entry_id: int, actor: Actor, reason: str, *,
           today: date | None = None) -> ListEntry:
    """Early removal after correction, under the kind's rule (expiry is `expire`)."""
    today = today or clock.today()
    entry, kind = _begin(session, entry_id, "remove")
    reason = _require_reason(reason)
    early = kind.early_removal
    if not early.allowed:
        raise RuleViolation(f"「{kind.name}」不允许提前移出，须待期满",
                            code="early_removal_refused")
    assert entry.decided_on is not None
    earliest = rules.add_years(entry.decided_on, early.min_years)
    if today < earliest:
        raise RuleViolation(f"提前移出规则：{early.rule}；最早可于 {earliest.isoformat()} 申请",
                            code="early_removal_too_soon")
    entry.removed_on = today
    entry.removal_reason = "early"
    _record(session, entry, "remove", rules.REMOVED, actor, reason, today)
    return entry


def withdraw(session: Session, entry_id: int, actor: Actor, reason: str, *,
             today: date | None = None) -> ListEntry:
    """Removal because the listing itself was wrong (an objection upheld, the document behind
    it revoked): not an early removal, so the kind's early-removal rule does not apply."""
    today = today or clock.today()
    entry, _kind = _begin(session, entry_id, "remove")
    entry.removed_on = today
    entry.removal_reason = "objection"
    _record(session, entry, "remove", rules.REMOVED, actor, _require_reason(reason),
            today)
    return entry


def move_to_subject(session: Session, from_subject_id: int, to_subject: Subject, actor: Actor,
                    reason: str, *, today: date | None = None) -> list[ListEntry]:
    """Re-point the entries of a subject merged into another (a wrong code resolved): each
    keeps its state, gets a new version, a transition and its audit entry."""
    today = today or clock.today()
    reason = _require_reason(reason)
    moved = list(session.scalars(select(ListEntry).where(
        ListEntry.subject_id == from_subject_id).order_by(ListEntry.id)))
    for entry in moved:
        entry.subject_id = to_subject.id
        _record(session, entry, "merge", entry.state, actor, reason, today)
    return moved


def expire(session: Session, *, today: date | None = None,
           actor: Actor | None = None) -> list[ListEntry]:
    """Remove every entry whose period has run (idempotent; run on start and on schedule).
    Each removal is recorded as the system's step and audited (its seal) as `actor`, who
    started the run (the system when None); a run an actor started that found nothing due
    leaves one `list.expire` entry, so that the request is on record too."""
    today = today or clock.today()
    due = list(session.scalars(select(ListEntry).where(
        ListEntry.state.in_(rules.IN_FORCE), ListEntry.listed_until <= today)
        .order_by(ListEntry.id)))
    for entry in due:
        entry.removed_on = today
        entry.removal_reason = "expired"
        _record(session, entry, "remove", rules.REMOVED, SYSTEM_ACTOR,
                f"列入期满（{entry.listed_until}）自动移出", today, audited_as=actor)
    if not due and actor is not None:
        audit.append(session, actor, "list.expire",
                     details={"entry_ids": [], "on": today.isoformat()})
    return due


def list_entries(session: Session, *, state: str | None = None, list_kind: str | None = None,
                 subject_ids: list[int] | None = None, limit: int = 200) -> list[ListEntry]:
    stmt = select(ListEntry).order_by(ListEntry.id.desc()).limit(limit)
    if state:
        stmt = stmt.where(ListEntry.state == state)
    if list_kind:
        stmt = stmt.where(ListEntry.list_kind == list_kind)
    if subject_ids is not None:
        stmt = stmt.where(ListEntry.subject_id.in_(subject_ids))
    return list(session.scalars(stmt))


def in_force_for(session: Session, subject_ids: list[int], today: date
                 ) -> dict[int, list[ListEntry]]:
    """List entries that have effect today, by subject (what the check looks at)."""
    found: dict[int, list[ListEntry]] = {}
    if not subject_ids:
        return found
    for entry in session.scalars(select(ListEntry).where(
            ListEntry.subject_id.in_(subject_ids), ListEntry.state.in_(rules.IN_FORCE))
            .order_by(ListEntry.id)):
        if entry.listed_until is None or entry.listed_until > today:
            found.setdefault(entry.subject_id, []).append(entry)
    return found


def transitions_of(session: Session, entry_id: int) -> list[ListTransition]:
    return list(session.scalars(select(ListTransition).where(ListTransition.entry_id == entry_id)
                                .order_by(ListTransition.id)))
