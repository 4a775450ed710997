"""Objections (异议): filing, routing, the provider's decision, clocks and what "open" means.

Lifecycle: marked (异议处理中, at once on filing) -> routed (转办 to the providing department,
at once when the record names it) -> corrected | revoked | kept. Clocks count working days
of the official calendar from configuration (clocks.py, Shanghai model by default): marked
within 1, routed within 2 of filing, decided within 5 of routing. While an objection is open
the public pages show the mark and the check suspends the measures its record triggers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from xinyong import audit, recordstate
from xinyong.accounts import SYSTEM, Actor, Permission, Role, authorize
from xinyong.accounts.access import scope_cases
from xinyong.accounts.policy import has_control_chars
from xinyong.catalog import default_catalog
from xinyong.core import attachments, clock
from xinyong.core.errors import Conflict, Forbidden, Invalid, NotFound
from xinyong.core.masking import keyed_hash, mask_name, scrub_text
from xinyong.core.workdays import CalendarNotCovered, WorkingCalendar
from xinyong.ingest.tables import Provider, Record
from xinyong.lists.tables import ListEntry
from xinyong.objections.clocks import ObjectionClocks
from xinyong.objections.identity import identity_failed
from xinyong.objections.tables import Objection, ObjectionStep
from xinyong.publication.judging import end_publication
from xinyong.subjects.tables import Subject

MARKED, ROUTED, CORRECTED, REVOKED, KEPT = "marked", "routed", "corrected", "revoked", "kept"
OPEN_STATES = (MARKED, ROUTED)
OUTCOMES = (CORRECTED, REVOKED, KEPT)
EFFECTIVE = (CORRECTED, REVOKED)  # the objection was right
STATE_LABELS = {MARKED: "异议处理中（待转办）", ROUTED: "异议处理中（提供单位核查）",
                CORRECTED: "已更正", REVOKED: "已撤销", KEPT: "维持原记录"}
REASONS_MAX = 2000
MARK_LABEL = "异议处理中"


@dataclass(frozen=True)
class Filing:
    target: str  # record | list_entry
    target_id: int
    reasons: str
    uploads: tuple[attachments.Upload, ...] = ()
    # A natural person named in a record proves identity with the full ID number; the
    # platform compares its keyed hash and never stores the number.
    person_id_number: str | None = None
    person_name: str | None = None
    contact: str | None = None


def _clean_text(value: str | None, what: str, *, required: bool = True,
                limit: int = REASONS_MAX) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise Invalid(f"请填写{what}", code="reasons_required")
        return None
    if len(text) > limit:
        raise Invalid(f"{what}不能超过{limit}字", code="reasons_too_long")
    if has_control_chars(text.replace("\n", "").replace("\r", "").replace("\t", "")):
        raise Invalid(f"{what}含有控制字符", code="reasons_invalid")
    return scrub_text(text)  # an ID number typed into the text is kept masked only


def _due(cal: WorkingCalendar, start: date | None, days: int) -> date | None:
    if start is None:
        return None
    try:
        return cal.add_working_days(start, days)
    except CalendarNotCovered:
        return None  # reported by `overdue` as "clock unknown", never guessed


def _step(session: Session, o: Objection, action: str, from_state: str | None, actor: Actor,
          note: str | None, today: date) -> None:
    session.add(ObjectionStep(objection_id=o.id, action=action, from_state=from_state,
                              to_state=o.state, actor=actor.name,
                              department=actor.department_name or actor.department_uscc,
                              note=note, on_day=today, at=clock.now()))


def _verify_applicant(actor: Actor, subject: Subject, filing: Filing, secret: str
                      ) -> tuple[str, str]:
    """Who may object: the subject's own account, or the natural person the record names."""
    if actor.role == Role.SUBJECT:
        authorize(actor, Permission.OBJECTIONS_FILE)
        if not actor.subject_uscc or actor.subject_uscc != subject.uscc:
            raise Forbidden("只能对本主体的信用信息提出异议", code="objection_not_own")
        return "subject", actor.name
    if filing.person_id_number:
        # One answer for every failure: it must not tell whether the record is a person's.
        if (subject.kind != "person" or not subject.person_key
                or keyed_hash(secret, filing.person_id_number) != subject.person_key):
            raise identity_failed()
        return "named_person", mask_name(filing.person_name or subject.name)
    raise Forbidden("请以信用主体账户登录，或以证件号码核验身份后提出异议",
                    code="objection_identity_required")


def file_objection(session: Session, actor: Actor, filing: Filing, *, clocks: ObjectionClocks,
                   calendar: WorkingCalendar, secret: str, today: date | None = None
                   ) -> Objection:
    today = today or clock.today()
    reasons = _clean_text(filing.reasons, "异议理由")
    contact = _clean_text(filing.contact, "联系方式", required=False, limit=100)
    checked = attachments.check_uploads(list(filing.uploads))
    record: Record | None = None
    entry: ListEntry | None = None
    provider_uscc = provider_name = None
    if filing.target == "record":
        record = session.get(Record, filing.target_id)
        if record is None:
            raise NotFound("要提出异议的信息不存在", code="record_not_found")
        subject = session.get(Subject, record.subject_id)
        provider = session.get(Provider, record.provider_id)
        assert provider is not None
        provider_uscc, provider_name = provider.uscc, provider.name
    elif filing.target == "list_entry":
        entry = session.get(ListEntry, filing.target_id)
        if entry is None:
            raise NotFound("要提出异议的名单信息不存在", code="list_entry_not_found")
        subject = session.get(Subject, entry.subject_id)
        provider_uscc, provider_name = entry.department_uscc, entry.department_name
    else:
        raise Invalid("异议对象应为信用信息或名单信息",
                      code="objection_target_invalid")
    assert subject is not None
    kind, applicant = _verify_applicant(actor, subject, filing, secret)
    open_q = select(Objection.id).where(Objection.state.in_(OPEN_STATES))
    open_q = (open_q.where(Objection.record_id == record.id) if record is not None
              else open_q.where(Objection.list_entry_id == filing.target_id))
    if (existing := session.scalar(open_q.limit(1))) is not None:
        raise Conflict(f"该信息已有正在处理的异议（编号 {existing}），请等待处理结果",
                       code="objection_open_exists")
    o = Objection(target=filing.target, record_id=record.id if record else None,
                  record_version=record.version if record else None,
                  list_entry_id=entry.id if entry else None, subject_id=subject.id,
                  subject_name=subject.name, provider_uscc=provider_uscc,
                  provider_name=provider_name, applicant_kind=kind, applicant_name=applicant,
                  applicant_account_id=actor.account_id, applicant_contact=contact,
                  reasons=reasons or "", state=MARKED, clock_rule_id=clocks.id,
                  filed_on=today, filed_at=clock.now(), marked_on=today,
                  mark_due=_due(calendar, today, clocks.mark_working_days),
                  route_due=_due(calendar, today, clocks.route_working_days))
    session.add(o)
    session.flush()
    recordstate.open_dispute(session, target=o.target,
                             target_id=o.record_id if o.record_id is not None
                             else filing.target_id, case_kind="objection", case_id=o.id,
                             on=today)
    attachments.store(session, "objection", o.id, checked)
    _step(session, o, "file", None, actor, f"标注{MARK_LABEL}", today)
    audit.append(session, actor, "objection.file", subject_uscc=subject.uscc,
                 details={"objection_id": o.id, "target": o.target,
                          "record_id": o.record_id, "list_entry_id": o.list_entry_id,
                          "attachments": len(checked)})
    if provider_uscc:
        # The record names its provider: the platform routes it at once (the 2-day clock is
        # then met), recorded as done by the system, not by the applicant.
        _route(session, o, SYSTEM, provider_uscc, provider_name, clocks, calendar, today,
               note="按信息提供单位自动转办")
    return o


def _route(session: Session, o: Objection, actor: Actor, uscc: str, name: str | None,
           clocks: ObjectionClocks, calendar: WorkingCalendar, today: date, note: str) -> None:
    before = o.state
    o.provider_uscc, o.provider_name = uscc, name or o.provider_name
    o.state, o.routed_on = ROUTED, today
    o.decide_due = _due(calendar, today, clocks.decide_working_days)
    session.flush()
    _step(session, o, "route", before, actor, note, today)
    audit.append(session, actor, "objection.route", details={
        "objection_id": o.id, "provider_uscc": uscc})


def get_objection(session: Session, objection_id: int) -> Objection:
    o = session.get(Objection, objection_id)
    if o is None:
        raise NotFound(f"异议 {objection_id} 不存在", code="objection_not_found")
    return o


def may_see(actor: Actor, o: Objection, subject_uscc: str | None) -> bool:
    if actor.role == Role.ADMIN:
        return True
    if actor.role == Role.DATA_OFFICER:
        return bool(actor.department_uscc) and actor.department_uscc == o.provider_uscc
    if actor.role == Role.SUBJECT:
        return bool(actor.subject_uscc) and actor.subject_uscc == subject_uscc
    return False


def view(session: Session, actor: Actor, objection_id: int) -> Objection:
    """An objection as its applicant, its provider or the credit office may see it (others:
    not found, so that its existence is not disclosed)."""
    o = get_objection(session, objection_id)
    subject = session.get(Subject, o.subject_id)
    if not may_see(actor, o, subject.uscc if subject else None):
        raise NotFound(f"异议 {objection_id} 不存在", code="objection_not_found")
    return o


def route(session: Session, objection_id: int, actor: Actor, provider_uscc: str, *,
          clocks: ObjectionClocks, calendar: WorkingCalendar, today: date | None = None
          ) -> Objection:
    """The credit office routes an objection whose target names no department."""
    authorize(actor, Permission.OBJECTIONS_MANAGE)
    today = today or clock.today()
    o = get_objection(session, objection_id)
    if o.state != MARKED:
        raise Conflict(f"异议 {o.id} 当前状态为「{STATE_LABELS[o.state]}」，不能转办",
                       code="objection_state")
    provider = session.scalar(select(Provider).where(Provider.uscc == provider_uscc.strip()
                                                     .upper()))
    if provider is None:
        raise NotFound(f"数据提供单位 {provider_uscc} 不存在", code="provider_not_found")
    _route(session, o, actor, provider.uscc, provider.name, clocks, calendar, today,
           note="信用办转办")
    return o


def _may_decide(actor: Actor, o: Objection) -> None:
    authorize(actor, Permission.OBJECTIONS_DECIDE)
    if actor.role != Role.ADMIN and actor.department_uscc != o.provider_uscc:
        raise Forbidden("只有信息提供单位可以核查处理该异议", code="objection_not_provider")


@dataclass(frozen=True)
class Decision:
    outcome: str
    reasons: str
    changes: Mapping[str, Any] | None = None  # corrected: field name -> new value
    revoked_on: date | None = None  # revoked: the day the act was revoked (default: today)


def decide(session: Session, objection_id: int, actor: Actor, decision: Decision, *,
           calendar: WorkingCalendar, secret: str, today: date | None = None) -> Objection:
    today = today or clock.today()
    o = get_objection(session, objection_id)
    _may_decide(actor, o)
    if o.state not in OPEN_STATES:
        raise Conflict(f"异议 {o.id} 已办结（「{STATE_LABELS[o.state]}」）",
                       code="objection_closed")
    if o.state == MARKED:
        raise Conflict("异议尚未转办给提供单位", code="objection_not_routed")
    if decision.outcome not in OUTCOMES:
        raise Invalid("处理结果应为 corrected（更正）、revoked（撤销）或 kept（维持）",
                      code="objection_outcome_invalid")
    reasons = _clean_text(decision.reasons, "处理理由")
    if decision.outcome == CORRECTED:
        if o.target != "record" or o.record_id is None:
            raise Invalid("名单条目的更正请按名单程序办理；此处可撤销或维持",
                          code="objection_correct_list_entry")
        o.corrected_version = _correct(session, o.record_id, decision.changes or {}, actor,
                                       calendar, secret, today)
    elif decision.outcome == REVOKED:
        revoked_on = decision.revoked_on or today
        if revoked_on > today:
            raise Invalid("撤销日期不能晚于今天", code="revoked_on_future")
        if o.record_id is not None:
            end_publication(session, o.record_id, recordstate.REVOKED, revoked_on,
                         created_by=actor.name, note=f"异议 {o.id}:{reasons}"[:500])
        elif o.list_entry_id is not None:
            from xinyong.lists.service import withdraw

            withdraw(session, o.list_entry_id, actor, f"异议 {o.id}:{reasons}", today=today)
        o.revoked_on = revoked_on
    before = o.state
    o.state, o.decided_on, o.decided_by, o.outcome_reasons = (decision.outcome, today,
                                                              actor.name, reasons)
    session.flush()
    recordstate.close_dispute(session, case_kind="objection", case_id=o.id, on=today)
    _step(session, o, "decide", before, actor, reasons, today)
    subject = session.get(Subject, o.subject_id)
    audit.append(session, actor, "objection.decide", subject_uscc=subject.uscc if subject
                 else None, details={"objection_id": o.id, "outcome": o.state,
                                     "corrected_version": o.corrected_version})
    return o


def _raw_value(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return value


def _correct(session: Session, record_id: int, changes: Mapping[str, Any], actor: Actor,
             calendar: WorkingCalendar, secret: str, today: date) -> int:
    """A corrected record is a new version written through ingest (same validation, history
    kept, publication re-judged) as a one-row batch on the 'objection' channel."""
    from xinyong.ingest.runner import audit_batch
    from xinyong.ingest.service import BatchInput, ingest

    record = session.get(Record, record_id)
    assert record is not None
    rt = default_catalog().get(record.record_type)
    names = {f.name for f in rt.fields}
    unknown = sorted(set(changes) - names)
    if not changes:
        raise Invalid("更正须给出更正后的字段值（changes）", code="correction_empty")
    if unknown:
        raise Invalid(f"「{rt.name}」没有字段：{'、'.join(unknown)}", code="correction_field")
    for key in rt.natural_key:
        if key in changes and str(changes[key]) != str(record.data.get(key)):
            raise Invalid(f"更正不能改变记录的标识字段「{rt.field(key).header}」；"
                          "标识有误的记录应撤销后重新报送", code="correction_key_changed")
    row: dict[str, Any] = {}
    for spec in rt.fields:
        if spec.name in changes:
            row[spec.name] = changes[spec.name]
        elif spec.type == "person_id" and record.data.get(spec.name):
            raise Invalid(f"平台不保存完整证件号码：更正此记录须重新填写「{spec.header}」",
                          code="correction_person_id_required")
        else:
            row[spec.name] = _raw_value(record.data.get(spec.name))
    provider = session.get(Provider, record.provider_id)
    assert provider is not None
    summary = ingest(session, BatchInput(record_type=rt, provider_uscc=provider.uscc,
                                         operator=actor.name, channel="objection",
                                         received_on=today, atomic=True),
                     [(1, row)], calendar=calendar, secret=secret, today=today)
    if summary.duplicates:
        raise Invalid("更正后的内容与原记录相同", code="correction_unchanged")
    # The correction is a batch like any other: its audit entry binds the new version.
    audit_batch(session, actor, summary, "objection")
    session.refresh(record)
    return record.version


# -- what is open -------------------------------------------------------------------------

def _open_on(day: date) -> Any:
    return (Objection.filed_on <= day) & or_(Objection.decided_on.is_(None),
                                             Objection.decided_on > day)


def open_for_records(session: Session, record_ids: Iterable[int], day: date | None = None
                     ) -> dict[int, Objection]:
    """Objections open on `day` (default today) about these records, by record id."""
    ids = sorted(set(record_ids))
    day = day or clock.today()
    found: dict[int, Objection] = {}
    for i in range(0, len(ids), 500):
        for o in session.scalars(select(Objection).where(
                Objection.record_id.in_(ids[i:i + 500]), _open_on(day))):
            assert o.record_id is not None
            found[o.record_id] = o
    return found


def open_for_entries(session: Session, entry_ids: Iterable[int], day: date | None = None
                     ) -> dict[int, Objection]:
    ids = sorted(set(entry_ids))
    day = day or clock.today()
    found: dict[int, Objection] = {}
    for i in range(0, len(ids), 500):
        for o in session.scalars(select(Objection).where(
                Objection.list_entry_id.in_(ids[i:i + 500]), _open_on(day))):
            assert o.list_entry_id is not None
            found[o.list_entry_id] = o
    return found


def list_objections(session: Session, actor: Actor, *, state: str | None = None,
                    limit: int = 200) -> list[Objection]:
    stmt = select(Objection).order_by(Objection.id.desc()).limit(limit)
    if state == "open":
        stmt = stmt.where(Objection.state.in_(OPEN_STATES))
    elif state:
        if state not in STATE_LABELS:
            raise Invalid(f"未知的异议状态「{state}」", code="objection_state_unknown")
        stmt = stmt.where(Objection.state == state)
    scoped = scope_cases(stmt, actor, provider_uscc=Objection.provider_uscc,
                         subject_id=Objection.subject_id)
    return list(session.scalars(scoped)) if scoped is not None else []


def steps_of(session: Session, objection_id: int) -> list[ObjectionStep]:
    return list(session.scalars(select(ObjectionStep).where(
        ObjectionStep.objection_id == objection_id).order_by(ObjectionStep.id)))


@dataclass(frozen=True)
class Overdue:
    objection: Objection
    step: str  # route | decide
    due: date | None  # None: the calendar does not cover the year
    working_days_late: int | None


def overdue(session: Session, calendar: WorkingCalendar, today: date | None = None, *,
            ids: Iterable[int] | None = None) -> list[Overdue]:
    """Open objections past their clock (or whose clock the calendar cannot compute), for the
    credit office; `ids` narrows it to the objections a page shows."""
    today = today or clock.today()
    out: list[Overdue] = []
    stmt = select(Objection).where(Objection.state.in_(OPEN_STATES))
    if ids is not None:
        stmt = stmt.where(Objection.id.in_(list(ids)))
    for o in session.scalars(stmt.order_by(Objection.filed_on, Objection.id)):
        step, due = ("route", o.route_due) if o.state == MARKED else ("decide", o.decide_due)
        if due is not None and due >= today:
            continue
        try:
            late = calendar.working_days_between(due, today) if due else None
        except CalendarNotCovered:
            late = None
        out.append(Overdue(o, step, due, late))
    return out


@dataclass(frozen=True)
class RatioRow:
    provider_uscc: str
    provider_name: str
    records: int
    objections: int
    effective: int

    @property
    def per_100k(self) -> float:
        return self.effective * 100_000 / self.records if self.records else 0.0

    @property
    def within_target(self) -> bool:
        """Seed 001 target: effective objections below 1 in 100,000 records."""
        return self.per_100k < 1.0


def effective_ratio(session: Session, *, since: date | None = None) -> list[RatioRow]:
    """Effective objections (the record was corrected or revoked) per providing department,
    against the records it holds."""
    records = dict(session.execute(select(Record.provider_id, func.count())
                                   .group_by(Record.provider_id)).tuples().all())
    stmt = (select(Objection.provider_uscc, func.count(),
                   func.count().filter(Objection.state.in_(EFFECTIVE)))
            .where(Objection.provider_uscc.is_not(None)).group_by(Objection.provider_uscc))
    if since:
        stmt = stmt.where(Objection.filed_on >= since)
    counted = {u: (int(n), int(e)) for u, n, e in session.execute(stmt).tuples()}
    rows = []
    for p in session.scalars(select(Provider).order_by(Provider.name)):
        n, e = counted.get(p.uscc, (0, 0))
        rows.append(RatioRow(p.uscc, p.name, int(records.get(p.id, 0)), n, e))
    return rows
