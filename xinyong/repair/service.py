"""Credit repair (信用修复): eligibility, the workflow and what an approval changes.

submitted -> forwarded -> accepted | refused -> approved | rejected -> synced. Each step has a
working-day clock from the rule set the penalty was judged under (Order 58 for decisions
before 2026-04-01, Order 36 after; publication/data/*.yaml says which numbers are confirmed
and which provisional). An approval, in one transaction: ends publication (override), which
the public site, API, exports and shared reads all derive from; stops the check from
triggering measures on the record; queues the subject's grade for re-evaluation; queues an
exchange event for upper-level platforms. Nothing is deleted. A broken repair commitment
voids the repair: the penalty is published again up to its maximum period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong import audit, commitments
from xinyong.accounts import Actor, Permission, Role, authorize
from xinyong.accounts.access import scope_cases
from xinyong.accounts.policy import has_control_chars
from xinyong.catalog import default_catalog
from xinyong.core import attachments, clock
from xinyong.core.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolation
from xinyong.core.masking import scrub_text
from xinyong.core.workdays import CalendarNotCovered, WorkingCalendar
from xinyong.exchange.service import queue_event
from xinyong.exchange.tables import ExchangeEvent
from xinyong.grading import request_reevaluation
from xinyong.ingest.tables import Provider, Record
from xinyong.publication.judging import end_publication, rejudge
from xinyong.publication.loader import RuleSet, default_rules
from xinyong.publication.rules import add_months
from xinyong.publication.tables import PublicationJudgement
from xinyong.recordstate import REPAIRED, REVOKED, live_overrides, void_repairs
from xinyong.repair.tables import RepairApplication, RepairStep
from xinyong.subjects.tables import Subject

SUBMITTED, FORWARDED, ACCEPTED, REFUSED = "submitted", "forwarded", "accepted", "refused"
APPROVED, REJECTED, SYNCED = "approved", "rejected", "synced"
OPEN_STATES = (SUBMITTED, FORWARDED, ACCEPTED)
STATE_LABELS = {SUBMITTED: "已提交", FORWARDED: "已推送至认定单位", ACCEPTED: "已受理",
                REFUSED: "不予受理", APPROVED: "准予修复", REJECTED: "不予修复",
                SYNCED: "已同步"}
REFUSAL_CODES = {"not_eligible": "不符合修复条件", "materials_incomplete": "材料不齐全",
                 "not_fulfilled": "未履行法定义务", "false_materials": "提供虚假材料或虚假承诺",
                 "other": "其他"}
FALSE_MATERIALS = "false_materials"
TEXT_MAX = 2000


def commitment_text(subject_name: str, document_number: str, rs: RuleSet) -> str:
    """The repair-type commitment (信用修复型承诺) the subject signs with its application."""
    return (f"本主体（{subject_name}）就行政处罚决定书 {document_number} 申请信用修复，郑重承诺："
            "一、已纠正失信行为、履行法定义务，所提交材料真实、准确、完整；"
            "二、今后依法诚信经营，不再发生同类违法失信行为；"
            "三、如违反本承诺，自愿接受该行政处罚信息按最长公示期重新公示，"
            "并依法承担相应责任。"
            f"（依据：{rs.repair.basis.cite()}）")


def _text(value: str | None, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise Invalid(f"请填写{what}", code="text_required")
    if len(text) > TEXT_MAX:
        raise Invalid(f"{what}不能超过{TEXT_MAX}字", code="text_too_long")
    if has_control_chars(text.replace("\n", "").replace("\r", "").replace("\t", "")):
        raise Invalid(f"{what}含有控制字符", code="text_invalid")
    return scrub_text(text)  # an ID number typed into the text is kept masked only


def _due(cal: WorkingCalendar, start: date, days: int) -> date | None:
    try:
        return cal.add_working_days(start, days)
    except CalendarNotCovered:
        return None


def _step(session: Session, app: RepairApplication, action: str, before: str | None,
          actor: Actor, note: str | None, today: date) -> None:
    session.add(RepairStep(application_id=app.id, action=action, from_state=before,
                           to_state=app.state, actor=actor.name,
                           department=actor.department_name or actor.department_uscc,
                           note=note, on_day=today, at=clock.now()))
    session.flush()


@dataclass(frozen=True)
class Eligibility:
    record: Record
    subject: Subject
    judgement: PublicationJudgement
    rule_set: RuleSet
    repairable_from: date


def _months_before(day: date, months: int) -> date:
    return add_months(day, -months)


def eligibility(session: Session, record_id: int, today: date, *,
                deciding: int | None = None) -> Eligibility:
    """May this penalty be repaired today? Refusals name the rule that blocks it.
    `deciding`: the open application being decided, which does not block itself."""
    record = session.get(Record, record_id)
    if record is None:
        raise NotFound(f"信息 {record_id} 不存在", code="record_not_found")
    rt = default_catalog().get(record.record_type)
    if rt.publication.window != "repair_rules":
        raise Invalid(f"「{rt.name}」不是失信信息，无需信用修复", code="repair_not_applicable")
    j = session.get(PublicationJudgement, record_id)
    if j is None or j.rule_set_id in ("none",) or j.min_end is None or j.max_end is None:
        raise Invalid("该信息尚未判定公示期，暂不能申请修复", code="repair_not_judged")
    rs = default_rules().get(j.rule_set_id)
    subject = session.get(Subject, record.subject_id)
    assert subject is not None
    overrides = live_overrides(session, record_id)
    if any(o.reason == REPAIRED for o in overrides):
        raise Conflict("该信息已完成信用修复", code="repair_already_done")
    if any(o.reason == REVOKED for o in overrides):
        raise RuleViolation("该行政处罚已被撤销，依法撤下公示，无需申请修复",
                            code="repair_record_revoked")
    if j.max_end < today:
        raise RuleViolation(f"最长公示期已于 {j.max_end.isoformat()} 届满，已自动停止公示，"
                            "无需申请修复", code="repair_period_over")
    if j.ended_by == "provider" and j.window_end is not None and j.window_end < today:
        # The deciding department's own 公示截止期 (within the rule) has passed.
        raise RuleViolation(f"公示期限已于 {j.window_end.isoformat()} 届满，已停止公示，"
                            "无需申请修复", code="repair_period_over")
    if j.never_early:
        raise RuleViolation(f"该处罚种类不得提前停止公示（{rs.never_early.basis.cite()}），"
                            f"须公示至 {j.max_end.isoformat()}", code="repair_never_early")
    repairable_from = j.min_end.toordinal() + 1
    first_day = date.fromordinal(repairable_from)
    if today < first_day:
        raise RuleViolation(
            f"最短公示期未满：本处罚按「{rs.title}」（{rs.document_number}）判定为{j.severity}"
            f"失信信息，最短公示期至 {j.min_end.isoformat()}，自 {first_day.isoformat()} 起"
            "可申请信用修复", code="repair_before_minimum")
    broken = session.scalar(select(RepairApplication.commitment_broken_on).where(
        RepairApplication.record_id == record_id,
        RepairApplication.commitment_state == "broken").limit(1))
    if broken is not None:
        # 违诺责任: the penalty is published for its maximum period; a new repair would undo it.
        raise RuleViolation(f"已于 {broken.isoformat()} 认定违反信用修复承诺，该信息按最长公示期"
                            f"公示至 {j.max_end.isoformat()}，不得再次申请修复",
                            code="repair_commitment_broken")
    pending = session.scalar(select(RepairApplication.id).where(
        RepairApplication.record_id == record_id, RepairApplication.id != (deciding or 0),
        RepairApplication.state.in_(OPEN_STATES)).limit(1))
    if pending is not None:
        raise Conflict(f"该信息已有正在办理的修复申请（编号 {pending}）",
                       code="repair_pending")
    since = _months_before(today, rs.repair.repeat_block_months)
    last = session.scalar(select(RepairApplication).where(
        RepairApplication.record_id == record_id,
        RepairApplication.state.in_((REFUSED, REJECTED)),
        RepairApplication.accepted_on.is_not(None))
        .order_by(RepairApplication.id.desc()).limit(1))
    if last is not None:
        ended = last.decided_on or last.accepted_on
        assert ended is not None
        if ended > since:
            again = add_months(ended, rs.repair.repeat_block_months)
            raise RuleViolation(
                f"该信息的修复申请已于 {ended.isoformat()} 被{STATE_LABELS[last.state]}，"
                f"{rs.repair.repeat_block_months}个月内不得重复申请（最早 {again.isoformat()}；"
                f"依据：{rs.repair.basis.cite()}）", code="repair_repeat_within_window")
    since_false = _months_before(today, rs.repair.false_materials_block_months)
    false = session.scalar(select(RepairApplication).where(
        RepairApplication.subject_id == subject.id,
        RepairApplication.refusal_code == FALSE_MATERIALS)
        .order_by(RepairApplication.id.desc()).limit(1))
    if false is not None:
        ended = false.decided_on or false.accepted_on
        if ended is not None and ended > since_false:
            raise RuleViolation(
                f"本主体于 {ended.isoformat()} 因提供虚假材料或虚假承诺被驳回修复申请，"
                f"{rs.repair.false_materials_block_months}个月内不得申请信用修复"
                f"（依据：{rs.repair.basis.cite()}）", code="repair_false_materials")
    return Eligibility(record, subject, j, rs, first_day)


@dataclass(frozen=True)
class Application:
    record_id: int
    fulfilment: str  # how the legal obligation was fulfilled
    commitment_accepted: bool
    uploads: tuple[attachments.Upload, ...] = ()


def owned_record(session: Session, actor: Actor, record_id: int) -> tuple[Record, Subject]:
    """The record and its subject if the record is the acting subject's own. Checked before
    anything is said about the record (its eligibility, open applications, end dates): a
    record that is another subject's and one that does not exist get the same answer."""
    record = session.get(Record, record_id)
    subject = session.get(Subject, record.subject_id) if record is not None else None
    if record is None or subject is None or not actor.subject_uscc \
            or subject.uscc != actor.subject_uscc:
        raise Forbidden("只能对本主体的信息申请信用修复", code="repair_not_own")
    return record, subject


def apply(session: Session, actor: Actor, application: Application, *,
          calendar: WorkingCalendar, today: date | None = None) -> RepairApplication:
    """A subject applies for repair of one of its penalties; the platform forwards it to the
    department that made the finding (谁认定、谁修复) at once."""
    today = today or clock.today()
    authorize(actor, Permission.REPAIR_APPLY)
    record, subject = owned_record(session, actor, application.record_id)
    fulfilment = _text(application.fulfilment, "履行法定义务的情况")
    if not application.commitment_accepted:
        raise Invalid("申请信用修复须作出信用修复承诺", code="commitment_required")
    checked = attachments.check_uploads(list(application.uploads), required=True)
    el = eligibility(session, record.id, today)
    rs = el.rule_set
    provider = session.get(Provider, record.provider_id)
    assert provider is not None
    app = RepairApplication(
        record_id=record.id, record_version=record.version, subject_id=subject.id,
        subject_name=subject.name, provider_uscc=provider.uscc, provider_name=provider.name,
        rule_set_id=rs.id, severity=el.judgement.severity, state=SUBMITTED,
        applicant_name=actor.name, applicant_account_id=actor.account_id,
        fulfilment=fulfilment,
        commitment_text=commitment_text(subject.name,
                                        str(record.data.get("document_number", "")), rs),
        commitment_state="made", submitted_on=today, submitted_at=clock.now(),
        forward_due=_due(calendar, today, rs.repair.forward.working_days))
    session.add(app)
    session.flush()
    # The repair commitment is a 信用修复型 commitment of the commitments domain (#16).
    commitments.for_repair(session, actor, application_id=app.id, subject_id=subject.id,
                           committer_name=subject.name, committer_code=subject.uscc or "",
                           text=app.commitment_text, provider_uscc=provider.uscc,
                           provider_name=provider.name, made_on=today, calendar=calendar)
    attachments.store(session, "repair", app.id, checked)
    _step(session, app, "submit", None, actor, None, today)
    audit.append(session, actor, "repair.apply", subject_uscc=subject.uscc,
                 details={"application_id": app.id, "record_id": record.id,
                          "rule_set_id": rs.id})
    app.state, app.forwarded_on = FORWARDED, today
    app.accept_due = _due(calendar, today, rs.repair.accept.working_days)
    _step(session, app, "forward", SUBMITTED, actor, f"推送至认定单位 {provider.name}", today)
    return app


def get_application(session: Session, app_id: int) -> RepairApplication:
    app = session.get(RepairApplication, app_id)
    if app is None:
        raise NotFound(f"修复申请 {app_id} 不存在", code="repair_not_found")
    return app


def view(session: Session, actor: Actor, app_id: int) -> RepairApplication:
    app = get_application(session, app_id)
    if actor.role == Role.ADMIN:
        return app
    if actor.role == Role.DATA_OFFICER and actor.department_uscc == app.provider_uscc:
        return app
    if actor.role == Role.SUBJECT and actor.subject_uscc:
        subject = session.get(Subject, app.subject_id)
        if subject is not None and subject.uscc == actor.subject_uscc:
            return app
    raise NotFound(f"修复申请 {app_id} 不存在", code="repair_not_found")


def _deciding(session: Session, app_id: int, actor: Actor, states: Iterable[str],
              action: str) -> RepairApplication:
    authorize(actor, Permission.REPAIR_DECIDE)
    app = get_application(session, app_id)
    if actor.role != Role.ADMIN and actor.department_uscc != app.provider_uscc:
        raise Forbidden("只有作出认定的单位可以办理该修复申请（谁认定、谁修复）",
                        code="repair_not_provider")
    if app.state not in states:
        raise Conflict(f"修复申请 {app.id} 当前为「{STATE_LABELS[app.state]}」，不能{action}",
                       code="repair_state")
    return app


def _code(code: str | None) -> str:
    if code not in REFUSAL_CODES:
        raise Invalid("理由类别应为：" + "、".join(f"{k}={v}" for k, v in REFUSAL_CODES.items()),
                      code="refusal_code_invalid")
    return code


def accept(session: Session, app_id: int, actor: Actor, *, calendar: WorkingCalendar,
           today: date | None = None) -> RepairApplication:
    today = today or clock.today()
    app = _deciding(session, app_id, actor, (FORWARDED,), "受理")
    rs = default_rules().get(app.rule_set_id)
    app.state, app.accepted_on = ACCEPTED, today
    app.decide_due = _due(calendar, today, rs.repair.decide.working_days)
    _step(session, app, "accept", FORWARDED, actor, None, today)
    audit.append(session, actor, "repair.accept", details={"application_id": app.id})
    return app


def _turn_down(session: Session, app_id: int, actor: Actor, reasons: str, code: str,
               today: date | None, *, refusing: bool) -> RepairApplication:
    """不予受理 (refusing, at acceptance) or 不予修复 (at the decision): reasons and a code."""
    today = today or clock.today()
    action, label = ("refuse", "不予受理") if refusing else ("reject", "不予修复")
    before = FORWARDED if refusing else ACCEPTED
    app = _deciding(session, app_id, actor, (before,), label)
    why, code = _text(reasons, f"{label}理由"), _code(code)  # checked before any change
    if refusing:
        app.state, app.accepted_on = REFUSED, today
    else:
        app.state, app.decided_on = REJECTED, today
    app.outcome_reasons, app.refusal_code, app.decided_by = why, code, actor.name
    _step(session, app, action, before, actor, why, today)
    audit.append(session, actor, f"repair.{action}", details={"application_id": app.id,
                                                              "code": code})
    return app


def refuse(session: Session, app_id: int, actor: Actor, reasons: str, code: str, *,
           today: date | None = None) -> RepairApplication:
    return _turn_down(session, app_id, actor, reasons, code, today, refusing=True)


def reject(session: Session, app_id: int, actor: Actor, reasons: str, code: str, *,
           today: date | None = None) -> RepairApplication:
    return _turn_down(session, app_id, actor, reasons, code, today, refusing=False)


def approve(session: Session, app_id: int, actor: Actor, reasons: str, *,
            calendar: WorkingCalendar, today: date | None = None) -> RepairApplication:
    today = today or clock.today()
    app = _deciding(session, app_id, actor, (ACCEPTED,), "作出准予修复决定")
    rs = default_rules().get(app.rule_set_id)
    # The rules are checked again at the decision: a repeat penalty, a second application
    # approved meanwhile, or the minimum period recomputed after a correction all count.
    why = _text(reasons, "准予修复理由")
    record = eligibility(session, app.record_id, today, deciding=app.id).record
    app.state, app.decided_on = APPROVED, today
    app.outcome_reasons, app.decided_by = why, actor.name
    app.commitment_state = "in_force"
    app.sync_due = _due(calendar, today, rs.repair.sync.working_days)
    end_publication(session, app.record_id, REPAIRED, today, created_by=actor.name,
                 note=f"修复申请 {app.id}")
    request_reevaluation(session, app.subject_id, "repair_approved", ref=("repair", app.id))
    subject = session.get(Subject, app.subject_id)
    queue_event(session, "repair.approved", {
        "application_id": app.id, "record_id": app.record_id,
        "record_type": record.record_type,
        "document_number": str(record.data.get("document_number", "")),
        "subject_uscc": subject.uscc if subject else None, "subject_name": app.subject_name,
        "provider_uscc": app.provider_uscc, "repaired_on": today.isoformat(),
        "rule_set_id": app.rule_set_id}, subject_uscc=subject.uscc if subject else None,
        record_id=app.record_id, ref=("repair", app.id))
    _step(session, app, "approve", ACCEPTED, actor, app.outcome_reasons, today)
    audit.append(session, actor, "repair.approve", subject_uscc=subject.uscc if subject
                 else None, details={"application_id": app.id, "record_id": app.record_id})
    return app


def mark_synced(session: Session, events: list[ExchangeEvent]) -> None:
    """Exchange callback: an approved repair whose event was delivered becomes 已同步."""
    ids = [e.ref_id for e in events if e.ref_kind == "repair" and e.kind == "repair.approved"
           and e.ref_id is not None]
    if not ids:
        return
    system = Actor(role=Role.ADMIN, name="exchange")
    for app in session.scalars(select(RepairApplication).where(
            RepairApplication.id.in_(ids), RepairApplication.state == APPROVED)):
        app.state, app.synced_on = SYNCED, clock.today()
        _step(session, app, "sync", APPROVED, system, "修复结果已推送至上级平台", clock.today())


def break_commitment(session: Session, app_id: int, actor: Actor, reasons: str, *,
                     today: date | None = None) -> RepairApplication:
    """The subject broke its repair commitment: the repair is voided and the penalty is
    published again until its maximum period ends (信用修复型承诺 违诺责任)."""
    today = today or clock.today()
    authorize(actor, Permission.REPAIR_DECIDE)
    app = get_application(session, app_id)
    if actor.role != Role.ADMIN and actor.department_uscc != app.provider_uscc:
        raise Forbidden("只有作出认定的单位或信用办可以认定违反修复承诺",
                        code="repair_not_provider")
    if app.state not in (APPROVED, SYNCED) or app.commitment_state != "in_force":
        raise Conflict("只有已准予修复且承诺有效的申请才能认定违诺", code="commitment_state")
    why = _text(reasons, "违诺事实")
    void_repairs(session, app.record_id, today, f"违反信用修复承诺（修复申请 {app.id}）：{why}")
    rejudge(session, app.record_id)
    app.commitment_state, app.commitment_broken_on = "broken", today
    commitments.break_linked(session, actor, ("repair", app.id), why, today=today)
    app.commitment_broken_reason = why
    request_reevaluation(session, app.subject_id, "repair_voided", ref=("repair", app.id))
    subject = session.get(Subject, app.subject_id)
    queue_event(session, "repair.voided", {
        "application_id": app.id, "record_id": app.record_id, "voided_on": today.isoformat(),
        "reason": why}, subject_uscc=subject.uscc if subject else None,
        record_id=app.record_id, ref=("repair", app.id))
    _step(session, app, "break", app.state, actor, why, today)
    audit.append(session, actor, "repair.commitment_broken",
                 subject_uscc=subject.uscc if subject else None,
                 details={"application_id": app.id, "record_id": app.record_id})
    return app


def list_applications(session: Session, actor: Actor, *, state: str | None = None,
                      limit: int = 200) -> list[RepairApplication]:
    stmt = select(RepairApplication).order_by(RepairApplication.id.desc()).limit(limit)
    if state == "open":
        stmt = stmt.where(RepairApplication.state.in_(OPEN_STATES))
    elif state:
        if state not in STATE_LABELS:
            raise Invalid(f"未知的修复申请状态「{state}」", code="repair_state_unknown")
        stmt = stmt.where(RepairApplication.state == state)
    scoped = scope_cases(stmt, actor, provider_uscc=RepairApplication.provider_uscc,
                         subject_id=RepairApplication.subject_id)
    return list(session.scalars(scoped)) if scoped is not None else []


def steps_of(session: Session, app_id: int) -> list[RepairStep]:
    return list(session.scalars(select(RepairStep).where(RepairStep.application_id == app_id)
                                .order_by(RepairStep.id)))


@dataclass(frozen=True)
class OverdueStep:
    application: RepairApplication
    step: str
    due: date | None


def overdue(session: Session, today: date | None = None, *,
            ids: Iterable[int] | None = None) -> list[OverdueStep]:
    """Open steps past their clock (or with a clock the calendar cannot compute); `ids`
    narrows it to the applications a page shows."""
    today = today or clock.today()
    out = []
    stmt = select(RepairApplication).where(RepairApplication.state.in_((*OPEN_STATES,
                                                                        APPROVED)))
    if ids is not None:
        stmt = stmt.where(RepairApplication.id.in_(list(ids)))
    for app in session.scalars(stmt.order_by(RepairApplication.id)):
        step, due = {SUBMITTED: ("forward", app.forward_due),
                     FORWARDED: ("accept", app.accept_due),
                     ACCEPTED: ("decide", app.decide_due),
                     APPROVED: ("sync", app.sync_due)}[app.state]
        if due is None or due < today:
            out.append(OverdueStep(app, step, due))
    return out
