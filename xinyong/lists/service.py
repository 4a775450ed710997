"""Listing use cases: propose, notify, decide, publish, remove, expire. Never commit.

Every step checks the state machine (rules.py), records a ListTransition (who, why, when)
and bumps the entry's version, so that a reviewed false match is raised again after a change.
Only the department that made the listing (or the credit office) acts on it. Listing,
publication, removal and expiry are queued for the upper-level platforms (exchange outbox) in
the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, Permission, Role, authorize
from xinyong.core import clock
from xinyong.core.errors import Forbidden, Invalid, NotFound, RuleViolation
from xinyong.core.masking import (
    PersonIdError,
    keyed_hash,
    mask_id,
    mask_name,
    scrub_text,
    validate_resident_id,
)
from xinyong.core.workdays import load_calendar
from xinyong.exchange import queue_event
from xinyong.lists import rules
from xinyong.lists.integrity import STATEMENT_PART, seal_part, seal_write
from xinyong.lists.model import ListKind, get_list_kind
from xinyong.lists.tables import ListEntry, ListEntryPerson, ListStatement, ListTransition
from xinyong.subjects import Subject, get_subject

SYSTEM = "系统（定时任务）"
# Automatic steps (expiry) are recorded, and audited, as the system.
SYSTEM_ACTOR = Actor(role=Role.SYSTEM, name=SYSTEM, client="system")
LIST_TARGETS = ("信用中国", "省公共信用信息平台")
NOTICE_PREFIX, DECISION_PREFIX = "XYGZ", "XYJD"


@dataclass(frozen=True)
class LegalDocument:
    """The legal-effect document a listing rests on (number, date, issuing body)."""

    type: str
    number: str
    date: date | None
    issuing_body: str


@dataclass(frozen=True)
class NamedPerson:
    """A responsible person the listing decision names; the ID number is hashed and masked
    at once and never stored."""

    name: str
    role: str
    id_number: str | None = None


@dataclass(frozen=True)
class Proposal:
    list_kind: str
    uscc: str
    document: LegalDocument
    legal_basis_id: str
    facts: str
    responsible_person: str | None = None
    person_role: str | None = None
    persons: tuple[NamedPerson, ...] = ()
    # A natural person as the listed subject (court defaulters): by ID number, not USCC.
    subject_id_number: str | None = None


def _who(actor: Actor) -> tuple[str, str | None]:
    return actor.name, actor.department_name or actor.department_uscc


def may_handle(actor: Actor, entry: ListEntry) -> bool:
    """The credit office handles every listing, a department the ones it made."""
    if actor.role == Role.ADMIN:
        return True
    return (actor.role == Role.DATA_OFFICER and actor.department_uscc is not None
            and actor.department_uscc == entry.department_uscc)


def _authorize(actor: Actor, entry: ListEntry | None = None) -> None:
    authorize(actor, Permission.LISTS_DECIDE)
    if entry is not None and not may_handle(actor, entry):
        raise Forbidden("只有作出列入的部门（或信用办）可以办理该名单记录",
                        code="list_entry_not_own")


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


def _event(session: Session, entry: ListEntry, kind: str) -> None:
    """Queue the change for the upper-level platforms, with the change (one transaction)."""
    subject = session.get(Subject, entry.subject_id)
    person = subject is not None and subject.kind == "person"
    list_kind = get_list_kind(entry.list_kind)
    basis = list_kind.basis(entry.legal_basis_id)
    payload = {
        "entry_id": entry.id, "list_kind": entry.list_kind, "list_name": list_kind.name,
        "subject_name": mask_name(entry.subject_name) if person else entry.subject_name,
        "subject_id_masked": subject.person_id_masked if person and subject else None,
        "document_type": entry.document_type, "document_number": entry.document_number,
        "issuing_body": entry.issuing_body,
        "legal_basis": basis.cite() if basis else entry.legal_basis_id,
        "decision_number": entry.decision_number,
        "decided_on": entry.decided_on.isoformat() if entry.decided_on else None,
        "listed_until": entry.listed_until.isoformat() if entry.listed_until else None,
        "published_on": entry.published_on.isoformat() if entry.published_on else None,
        "removed_on": entry.removed_on.isoformat() if entry.removed_on else None,
        "removal_reason": entry.removal_reason, "version": entry.version}
    queue_event(session, kind, payload, subject_uscc=subject.uscc if subject else None,
                ref=("list_entry", entry.id), targets=LIST_TARGETS)


def _require_reason(reason: str | None) -> str:
    clean = (reason or "").strip()
    if not clean:
        raise Invalid("每一步都须填写理由（reason）", code="reason_required")
    return scrub_text(clean)  # an ID number typed into the text is kept masked only


def _persons(kind: ListKind, p: Proposal) -> list[NamedPerson]:
    persons = list(p.persons)
    if p.responsible_person:
        persons.insert(0, NamedPerson(p.responsible_person, p.person_role or ""))
    basis = kind.basis(p.legal_basis_id or "")
    assert basis is not None
    for person in persons:
        if not person.name.strip():
            raise Invalid("责任人姓名不能为空", code="person_name_required")
        if not basis.carry_to_person:
            raise RuleViolation(f"依据{basis.cite()}不能将责任落实到个人，不得登记责任人",
                                code="person_not_allowed")
        if person.role not in basis.person_roles:
            raise RuleViolation(f"责任人身份须为：{'、'.join(basis.person_roles)}",
                                code="person_role_not_allowed")
    return persons


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


def _hash_id(secret: str | None, raw: str) -> tuple[str, str]:
    if not secret:
        raise Invalid("登记身份证件号码需要平台密钥（secret）", code="secret_required")
    try:
        value = validate_resident_id(raw)
    except PersonIdError as exc:
        raise Invalid(f"身份证件号码无效：{exc}", code="person_id_invalid") from None
    return keyed_hash(secret, value), mask_id(value)


def _subject(session: Session, kind: ListKind, p: Proposal, secret: str | None) -> Subject:
    if not p.subject_id_number:
        subject = get_subject(session, p.uscc)
        if not kind.admits(subject.uscc):
            raise RuleViolation(f"「{subject.name}」不能列入「{kind.name}」："
                                f"{kind.subject_refusal}", code="subject_not_admitted")
        return subject
    if not kind.admits(None):
        raise RuleViolation(f"自然人不能列入「{kind.name}」：{kind.subject_refusal}",
                            code="subject_not_admitted")
    basis = kind.basis(p.legal_basis_id)
    assert basis is not None
    if not basis.persons_listed:
        raise RuleViolation(f"依据{basis.cite()}不能将自然人列入「{kind.name}」",
                            code="person_subject_not_allowed")
    key, _masked = _hash_id(secret, p.subject_id_number)
    person = session.scalar(select(Subject).where(Subject.person_key == key))
    if person is None:
        raise NotFound("平台没有该自然人的信用档案（按身份证件号码）", code="subject_not_found")
    return person


def propose(session: Session, p: Proposal, actor: Actor, *, today: date | None = None,
            secret: str | None = None) -> ListEntry:
    """拟列入. `secret`: the platform key, needed to hash the ID numbers of named persons."""
    today = today or clock.today()
    _authorize(actor)
    kind = get_list_kind(p.list_kind)
    _check_document(kind, p)
    persons = _persons(kind, p)
    if not p.facts.strip():
        raise Invalid("须填写列入事实（facts）", code="facts_required")
    subject = _subject(session, kind, p, secret)
    assert p.document.date is not None
    hashed = [(person, *(_hash_id(secret, person.id_number) if person.id_number
                         else (None, None))) for person in persons]
    now = clock.now()
    first = persons[0] if persons else None
    entry = ListEntry(
        list_kind=kind.id, subject_id=subject.id, subject_name=subject.name,
        state=rules.PROPOSED, document_type=p.document.type.strip(),
        document_number=p.document.number.strip(), document_date=p.document.date,
        issuing_body=p.document.issuing_body.strip(), legal_basis_id=p.legal_basis_id,
        facts=scrub_text(p.facts.strip()), department_name=actor.department_name,
        department_uscc=actor.department_uscc,
        person_name_masked=mask_name(first.name) if first else None,
        person_role=first.role if first else None,
        version=1, created_at=now, updated_at=now)
    session.add(entry)
    session.flush()
    for person, key, masked in hashed:
        session.add(ListEntryPerson(entry_id=entry.id, role=person.role,
                                    name_masked=mask_name(person.name), id_masked=masked,
                                    id_key=key))
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


def persons_of(session: Session, entry_id: int) -> list[ListEntryPerson]:
    return list(session.scalars(select(ListEntryPerson)
                                .where(ListEntryPerson.entry_id == entry_id)
                                .order_by(ListEntryPerson.id)))


def _begin(session: Session, entry_id: int, action: str, actor: Actor | None
           ) -> tuple[ListEntry, ListKind]:
    """Load the entry and its kind, and refuse an action its state does not allow."""
    entry = get_entry(session, entry_id)
    if actor is not None:
        _authorize(actor, entry)
    kind = get_list_kind(entry.list_kind)
    rules.check_action(entry.state, action, kind.notice_required)
    return entry, kind


def notify(session: Session, entry_id: int, actor: Actor, reason: str, *,
           today: date | None = None) -> ListEntry:
    """告知： the notice （告知书） gets its number; the statement period runs from the day
    after, in working days."""
    today = today or clock.today()
    entry, kind = _begin(session, entry_id, "notify", actor)
    calendar = load_calendar(session)
    entry.notice_sent_on = today
    entry.notice_number = f"{NOTICE_PREFIX}-{today.year}-{entry.id:06d}"
    entry.statement_until = calendar.add_working_days(today, kind.statement_working_days)
    _record(session, entry, "notify", rules.NOTICE_SENT, actor, _require_reason(reason),
            today)
    return entry


def statements_of(session: Session, entry_id: int) -> list[ListStatement]:
    return list(session.scalars(select(ListStatement).where(ListStatement.entry_id == entry_id)
                                .order_by(ListStatement.id)))


def _consider(session: Session, entry: ListEntry, actor: Actor, consideration: str | None,
              today: date) -> None:
    """A decision on a listing the subject made a statement about records how the statement
    was considered （采纳情况及理由）; without that it is refused."""
    pending = [st for st in statements_of(session, entry.id) if st.consideration is None]
    if not pending:
        return
    text = (consideration or "").strip()
    if not text:
        raise RuleViolation(f"当事人已提交{len(pending)}份陈述申辩，作出决定前须记录对陈述申辩的"
                            "审查和采纳情况（consideration）", code="statement_not_considered")
    uscc = session.scalar(select(Subject.uscc).where(Subject.id == entry.subject_id))
    for st in pending:
        st.consideration, st.considered_by, st.considered_on = text, actor.name, today
        seal_part(session, actor, "list.statement_considered", STATEMENT_PART, st,
                  subject_uscc=uscc, details={"list_entry_id": entry.id, "statement_id": st.id})


def decide(session: Session, entry_id: int, actor: Actor, outcome: str, reason: str, *,
           consideration: str | None = None, today: date | None = None) -> ListEntry:
    """Decide listed or dropped; a listing runs for its basis's period from today and gets
    the decision （认定决定书） number."""
    today = today or clock.today()
    entry, kind = _begin(session, entry_id, "decide", actor)
    if outcome not in (rules.LISTED, rules.DROPPED):
        raise Invalid("决定结果只能是 listed（列入）或 dropped（不列入）", code="outcome_invalid")
    reason = _require_reason(reason)
    rules.check_statement_period_over(entry.statement_until, today)
    _consider(session, entry, actor, consideration, today)
    entry.decided_on = today
    if outcome == rules.LISTED:
        entry.listed_until = rules.add_years(today, kind.period_for(entry.legal_basis_id))
        entry.decision_number = f"{DECISION_PREFIX}-{today.year}-{entry.id:06d}"
    _record(session, entry, "decide", outcome, actor, reason, today)
    if outcome == rules.LISTED:
        _event(session, entry, "list.listed")
    return entry


def publish(session: Session, entry_id: int, actor: Actor, reason: str, *,
            today: date | None = None) -> ListEntry:
    today = today or clock.today()
    entry, _kind = _begin(session, entry_id, "publish", actor)
    entry.published_on = today
    _record(session, entry, "publish", rules.PUBLISHED, actor, _require_reason(reason),
            today)
    _event(session, entry, "list.published")
    return entry


def earliest_removal(kind: ListKind, entry: ListEntry) -> date | None:
    """The first day early removal may be applied for; None where the basis allows none."""
    early = kind.early_removal_for(entry.legal_basis_id)
    if not early.allowed or entry.decided_on is None:
        return None
    return rules.add_years(entry.decided_on, early.min_years)


def check_early_removal(kind: ListKind, entry: ListEntry, today: date) -> None:
    early = kind.early_removal_for(entry.legal_basis_id)
    if not early.allowed:
        basis = kind.basis(entry.legal_basis_id)
        cite = basis.cite() if basis else entry.legal_basis_id
        raise RuleViolation(f"依据{cite}列入「{kind.name}」的，不允许提前移出，须待期满；"
                            f"{early.rule}", code="early_removal_refused")
    earliest = earliest_removal(kind, entry)
    assert earliest is not None
    if today < earliest:
        raise RuleViolation(f"提前移出规则：{early.rule}；最早可于 {earliest.isoformat()} 申请",
                            code="early_removal_too_soon")


def remove(session: Session, entry_id: int, actor: Actor, reason: str, *,
           today: date | None = None) -> ListEntry:
    """Early removal after correction, under the kind's rule (expiry is `expire`)."""
    today = today or clock.today()
    entry, kind = _begin(session, entry_id, "remove", actor)
    reason = _require_reason(reason)
    check_early_removal(kind, entry, today)
    entry.removed_on = today
    entry.removal_reason = "early"
    _record(session, entry, "remove", rules.REMOVED, actor, reason, today)
    _event(session, entry, "list.removed")
    return entry


def withdraw(session: Session, entry_id: int, actor: Actor, reason: str, *,
             today: date | None = None) -> ListEntry:
    """Removal because the listing itself was wrong (an objection upheld, the document behind
    it revoked): not an early removal, so the kind's early-removal rule does not apply."""
    today = today or clock.today()
    entry, _kind = _begin(session, entry_id, "remove", None)
    entry.removed_on = today
    entry.removal_reason = "objection"
    _record(session, entry, "remove", rules.REMOVED, actor, _require_reason(reason),
            today)
    _event(session, entry, "list.removed")
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
        entry.removed_on = entry.listed_until
        entry.removal_reason = "expired"
        _record(session, entry, "remove", rules.REMOVED, SYSTEM_ACTOR,
                f"列入期满（{entry.listed_until}）自动移出", today, audited_as=actor)
        _event(session, entry, "list.expired")
    if not due and actor is not None:
        audit.append(session, actor, "list.expire",
                     details={"entry_ids": [], "on": today.isoformat()})
    return due


def list_entries(session: Session, *, state: str | None = None, list_kind: str | None = None,
                 subject_ids: list[int] | None = None, department_uscc: str | None = None,
                 limit: int = 200) -> list[ListEntry]:
    stmt = select(ListEntry).order_by(ListEntry.id.desc()).limit(limit)
    if state:
        stmt = stmt.where(ListEntry.state == state)
    if list_kind:
        stmt = stmt.where(ListEntry.list_kind == list_kind)
    if subject_ids is not None:
        stmt = stmt.where(ListEntry.subject_id.in_(subject_ids))
    if department_uscc:
        stmt = stmt.where(ListEntry.department_uscc == department_uscc)
    return list(session.scalars(stmt))


def _in_force(entry: ListEntry, today: date) -> bool:
    return entry.listed_until is None or entry.listed_until > today


@cache
def _in_force_stmt() -> Select[tuple[ListEntry]]:
    """Built once (every check runs it; building it cost more than running it)."""
    return (select(ListEntry).where(ListEntry.subject_id.in_(bindparam("ids", expanding=True)),
                                    ListEntry.state.in_(bindparam("states", expanding=True)))
            .order_by(ListEntry.id))


def in_force_for(session: Session, subject_ids: list[int], today: date
                 ) -> dict[int, list[ListEntry]]:
    """List entries that have effect today, by subject (what the check looks at)."""
    found: dict[int, list[ListEntry]] = {}
    if not subject_ids:
        return found
    for entry in session.scalars(_in_force_stmt(), {"ids": subject_ids,
                                                    "states": list(rules.IN_FORCE)}):
        if _in_force(entry, today):
            found.setdefault(entry.subject_id, []).append(entry)
    return found


def naming_person(session: Session, keys: list[str], today: date
                  ) -> dict[str, list[tuple[ListEntry, ListEntryPerson]]]:
    """Entries in force whose listing decision names the person (by keyed hash), by key."""
    found: dict[str, list[tuple[ListEntry, ListEntryPerson]]] = {}
    if not keys:
        return found
    for entry, person in session.execute(
            select(ListEntry, ListEntryPerson)
            .join(ListEntryPerson, ListEntryPerson.entry_id == ListEntry.id)
            .where(ListEntryPerson.id_key.in_(keys), ListEntry.state.in_(rules.IN_FORCE))
            .order_by(ListEntry.id)).tuples():
        if _in_force(entry, today) and person.id_key:
            found.setdefault(person.id_key, []).append((entry, person))
    return found


def transitions_of(session: Session, entry_id: int) -> list[ListTransition]:
    return list(session.scalars(select(ListTransition).where(ListTransition.entry_id == entry_id)
                                .order_by(ListTransition.id)))
