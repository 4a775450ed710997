"""Making, receiving and determining commitments (takes a Session; never commits).

Two ways in: `sign` (an enterprise signs online from a template) and `receive` (the accepting
department sends one made in its own approval system). `determine` records the accepting
department's verdict (践诺/监诺); a broken commitment records its breach and consequence.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, Permission, Role, authorize
from xinyong.accounts.policy import has_control_chars
from xinyong.commitments import rules
from xinyong.commitments.model import Rules, Template, load_rules
from xinyong.commitments.tables import (
    Commitment,
    CommitmentCounter,
    CommitmentSignature,
    CommitmentStep,
)
from xinyong.core import clock
from xinyong.core.errors import Forbidden, Invalid, NotFound, Problem
from xinyong.core.workdays import WorkingCalendar, due_or_none, load_calendar
from xinyong.departments.service import find_department
from xinyong.exchange.service import queue_event
from xinyong.grading import request_reevaluation
from xinyong.publication.rules import add_months
from xinyong.subjects import SubjectRef, get_subject, resolve_subjects
from xinyong.subjects.uscc import UsccError, validate


def next_serial(session: Session, region_code: str, day: date) -> int:
    """The next serial of (region, day): one upsert that increments the counter row under
    its row lock (PostgreSQL) or the database write lock (SQLite), returning the new value.
    Two transactions never get the same serial; a rolled-back one leaves a gap."""
    conn = session.connection()
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(CommitmentCounter).values(region_code=region_code, day=day, last=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["region_code", "day"],
        set_={"last": CommitmentCounter.__table__.c.last + 1},
    ).returning(CommitmentCounter.__table__.c.last)
    return int(conn.execute(stmt).scalar_one())


def allocate_code(session: Session, region_code: str, day: date) -> str:
    if not (region_code or "").isdigit() or len(region_code) != 6:
        rules.commitment_code(region_code, day, 1)  # raises the right error
    return rules.commitment_code(region_code, day, next_serial(session, region_code, day))


def content_hash(c: Commitment) -> str:
    """SHA-256 over what was committed to: code, committer, type, 事由, 内容, 违诺责任, dates."""
    parts = (c.code, c.committer_code, c.committer_name, c.kind, c.reason, c.content,
             c.liability, c.made_on.isoformat(),
             c.valid_until.isoformat() if c.valid_until else "", c.accepting_uscc)
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _text(name: str, label: str, value: str | None, limit: int, *,
          required: bool = True) -> str | None:
    clean = (value or "").strip()
    if not clean:
        if required:
            raise Invalid(f"请填写{label}", code="text_required",
                          errors=[Problem(None, name, "required", f"请填写{label}")])
        return None
    if has_control_chars(clean.replace("\n", "").replace("\r", "")):
        raise Invalid(f"{label}含有控制字符", code="text_invalid",
                      errors=[Problem(None, name, "control_chars", f"{label}含有控制字符")])
    if len(clean) > limit:
        raise Invalid(f"{label}不能超过{limit}字", code="text_too_long",
                      errors=[Problem(None, name, "max_length", f"{label}不能超过{limit}字")])
    return clean


def _disclosure(value: str) -> str:
    if value not in rules.DISCLOSURES:
        raise Invalid(f"公开类型「{value[:20]}」应为可向社会公开、特定范围内公开或不可公开",
                      code="disclosure_invalid")
    return value


def _accepting(session: Session, code: str) -> tuple[str, str, str]:
    dept = find_department(session, code)
    if dept is None:
        raise NotFound(f"未找到受理单位 {code[:18]}", code="department_not_found")
    return dept.code, dept.name, dept.region_code


def _step(session: Session, c: Commitment, action: str, before: str | None, actor: Actor,
          today: date, note: str | None = None) -> None:
    session.add(CommitmentStep(commitment_id=c.id, action=action, from_state=before,
                               to_state=c.state, actor=actor.name[:100], on_day=today,
                               at=clock.now(), note=note))


def _verify_due(calendar: WorkingCalendar, made_on: date, days: int | None) -> date | None:
    return due_or_none(calendar, made_on, days) if days else None


@dataclass(frozen=True)
class Signing:
    """An enterprise signs a template online for a matter at an accepting department."""

    template_id: str
    accepting_uscc: str
    disclosure: str = "public"
    matter_detail: str | None = None  # e.g. the licence applied for, appended to 事由


def sign(session: Session, actor: Actor, signing: Signing, *, calendar: WorkingCalendar,
         today: date | None = None, rules_data: Rules | None = None) -> Commitment:
    authorize(actor, Permission.COMMITMENTS_SIGN)
    if not actor.subject_uscc:
        raise Forbidden("账户未关联信用主体，不能作出信用承诺", code="no_subject")
    data = rules_data or load_rules()
    today = today or clock.today()
    template = data.template(signing.template_id)
    if template is None or not template.in_force(today):
        raise NotFound("该承诺书模板不存在或不在有效期内", code="template_not_found")
    disclosure = _disclosure(signing.disclosure)
    detail = _text("matter_detail", "办理事项说明", signing.matter_detail, 200, required=False)
    accepting, accepting_name, region = _accepting(session, signing.accepting_uscc)
    code = allocate_code(session, region, today)  # first: the write lock before any read
    subject = get_subject(session, actor.subject_uscc)
    reason = template.reason + (f"（{detail}）" if detail else "")
    c = _new(session, data, template.kind, code=code, subject_id=subject.id,
             committer_name=subject.name, committer_code=subject.uscc or "",
             category="legal" if subject.kind != "individual_business" else "individual",
             template=template, reason=reason[:512], content=template.content,
             liability=template.liability, made_on=today,
             valid_until=(today + timedelta(days=template.validity_days)
                          if template.validity_days else None),
             accepting=(accepting, accepting_name, region), disclosure=disclosure,
             remark=None, source="online", actor=actor, calendar=calendar)
    sig = CommitmentSignature(commitment_id=c.id, signer_name=actor.name[:100],
                              signer_account_id=actor.account_id, signed_at=clock.now(),
                              content_hash=content_hash(c))
    session.add(sig)
    session.flush()
    audit.append(session, actor, "commitment.sign", subject_uscc=c.committer_code,
                 details={"code": c.code, "template": template.id, "hash": sig.content_hash})
    return c


@dataclass(frozen=True)
class Incoming:
    """A commitment the accepting department made in its own system (file or API)."""

    committer_uscc: str
    committer_name: str
    kind: str
    reason: str
    content: str
    liability: str
    made_on: date
    disclosure: str
    valid_until: date | None = None
    verify_due: date | None = None  # 容缺: the missing materials' deadline
    category: str = "legal"
    remark: str | None = None


def receive(session: Session, actor: Actor, inc: Incoming, *, calendar: WorkingCalendar,
            today: date | None = None, rules_data: Rules | None = None,
            accepting_uscc: str | None = None) -> Commitment:
    """A department's commitment: the actor's own department accepts it (the credit office
    names the department)."""
    authorize(actor, Permission.COMMITMENTS_VERIFY)
    data = rules_data or load_rules()
    today = today or clock.today()
    dept_code = actor.department_uscc if actor.role != Role.ADMIN else (
        accepting_uscc or actor.department_uscc)
    if not dept_code:
        raise Forbidden("账户未关联受理单位，不能报送信用承诺", code="no_department")
    if inc.kind not in rules.KINDS:
        raise Invalid(f"承诺类型「{inc.kind[:20]}」不在规定类型中", code="kind_invalid")
    if inc.category not in ("legal", "individual"):
        raise Invalid("承诺人类别应为法人及非法人组织或个体工商户（自然人承诺不在本平台归集）",
                      code="category_invalid")
    try:
        uscc = validate(inc.committer_uscc).code
    except UsccError as exc:
        raise Invalid(f"承诺人代码：{exc}", code=exc.rule,
                      errors=[Problem(None, "committer_uscc", exc.rule, str(exc),
                                      inc.committer_uscc[:18])]) from exc
    name = _text("committer_name", "承诺人名称", inc.committer_name, 200) or ""
    if inc.made_on > today:
        raise Invalid("承诺作出日期不能晚于今天", code="made_on_future")
    if inc.valid_until and inc.valid_until < inc.made_on:
        raise Invalid("承诺有效期不能早于承诺作出日期", code="valid_until_before_made")
    disclosure = _disclosure(inc.disclosure)
    accepting = _accepting(session, dept_code)
    code = allocate_code(session, accepting[2], inc.made_on)
    cat_label = rules.CATEGORIES[inc.category]
    ids = resolve_subjects(session, [SubjectRef(uscc, None, None, cat_label, name, None)])
    c = _new(session, data, inc.kind, code=code, subject_id=ids[uscc], committer_name=name,
             committer_code=uscc, category=inc.category, template=None,
             reason=_text("reason", "承诺事由", inc.reason, 512) or "",
             content=_text("content", "承诺内容", inc.content, 4000) or "",
             liability=_text("liability", "违诺责任", inc.liability, 4000) or "",
             made_on=inc.made_on, valid_until=inc.valid_until, accepting=accepting,
             disclosure=disclosure, remark=_text("remark", "备注", inc.remark, 1000,
                                                 required=False),
             source="department", actor=actor, calendar=calendar, verify_due=inc.verify_due)
    audit.append(session, actor, "commitment.receive", subject_uscc=uscc,
                 details={"code": c.code, "kind": c.kind})
    return c


def _new(session: Session, data: Rules, kind_id: str, *, code: str, subject_id: int,
         committer_name: str, committer_code: str, category: str, template: Template | None,
         reason: str, content: str, liability: str, made_on: date, valid_until: date | None,
         accepting: tuple[str, str, str], disclosure: str, remark: str | None, source: str,
         actor: Actor, calendar: WorkingCalendar, verify_due: date | None = None,
         ref: tuple[str, int] | None = None) -> Commitment:
    kind = data.kind(kind_id)
    due = None
    if kind.verified:
        days = (template.verify_working_days if template and template.verify_working_days
                else kind.verify_working_days)
        due = verify_due or _verify_due(calendar, made_on, days)
    c = Commitment(code=code, subject_id=subject_id, committer_name=committer_name,
                   committer_category=category, committer_code=committer_code, kind=kind_id,
                   template_id=template.id if template else None, reason=reason,
                   content=content, liability=liability, made_on=made_on,
                   valid_until=valid_until, state=rules.initial_state(kind.verified,
                                                                      disclosure),
                   accepting_uscc=accepting[0], accepting_name=accepting[1],
                   region_code=accepting[2], disclosure=disclosure, remark=remark,
                   source=source, verify_due=due, created_by=actor.name[:100],
                   ref_kind=ref[0] if ref else None, ref_id=ref[1] if ref else None,
                   created_at=clock.now())
    session.add(c)
    session.flush()
    _step(session, c, "make", None, actor, made_on)
    return c


def get(session: Session, code: str) -> Commitment:
    c = session.scalar(select(Commitment).where(Commitment.code == code))
    if c is None:
        raise NotFound(f"未找到承诺编码为 {code[:20]} 的信用承诺", code="commitment_not_found")
    return c


@dataclass(frozen=True)
class Determination:
    fulfilment: str  # kept | partly | not_kept
    on: date | None = None  # 认定日期 (default today)
    unfulfilled_content: str | None = None
    liability_pursued: str | None = None


def _may_determine(actor: Actor, c: Commitment) -> None:
    authorize(actor, Permission.COMMITMENTS_VERIFY)
    if actor.role != Role.ADMIN and actor.department_uscc != c.accepting_uscc:
        raise Forbidden("只有承诺受理单位可以认定承诺履行状态", code="not_accepting_department")


def determine(session: Session, actor: Actor, code: str, d: Determination, *, secret: str,
              calendar: WorkingCalendar | None = None, today: date | None = None,
              rules_data: Rules | None = None) -> Commitment:
    """The accepting department's verdict with its date; a breach records its consequence,
    creates its dishonesty record (catalog type commitment_breach, through the ingest path,
    with the publication window of the rules; `secret` is the settings' key for identifier
    hashing) and asks for the subject's grade to be re-evaluated."""
    from xinyong.commitments.breach import breach_record

    data = rules_data or load_rules()
    today = today or clock.today()
    c = get(session, code)
    _may_determine(actor, c)
    on = d.on or today
    if on > today:
        raise Invalid("认定日期不能晚于今天", code="determined_in_future")
    unfulfilled = _text("unfulfilled_content", "未履行的承诺内容", d.unfulfilled_content,
                        4000, required=False)
    pursued = _text("liability_pursued", "违诺责任追究内容", d.liability_pursued, 4000,
                    required=False)
    before = c.state
    overdue = rules.is_overdue(before, c.verify_due, on)
    c.state = rules.determine(before, d.fulfilment, unfulfilled, pursued,
                              made_on=c.made_on, on=on)
    c.fulfilment = d.fulfilment
    c.unfulfilled_content = unfulfilled if d.fulfilment != "kept" else None
    c.liability_pursued = pursued if d.fulfilment != "kept" else None
    c.determined_on = on
    c.determined_by_uscc = actor.department_uscc or c.accepting_uscc
    c.determined_by_name = actor.department_name or c.accepting_name
    if c.verify_due is not None:
        c.verified_late = overdue
    note = None
    if c.state == rules.BROKEN:
        kind = data.kind(c.kind)
        c.consequence = kind.consequence
        c.breach_published_until = add_months(on, 12 * data.breach.publication_years)
        note = kind.consequence_label
        session.flush()
        breach_record(session, actor, c, secret=secret,
                      calendar=calendar or load_calendar(session), today=today)
        request_reevaluation(session, c.subject_id, "信用承诺违诺", ref=("commitment", c.id))
        # The consequence goes to the accepting department (revoke the approval or the
        # certificate, cancel the acceptance) and the breach to the credit platforms.
        queue_event(session, "commitment.breached", {
            "code": c.code, "kind": c.kind, "fulfilment": c.fulfilment,
            "consequence": kind.consequence, "consequence_label": kind.consequence_label,
            "determined_on": on.isoformat(), "accepting_uscc": c.accepting_uscc,
            "published_until": c.breach_published_until.isoformat(),
            "record_id": c.breach_record_id},
            subject_uscc=c.committer_code, ref=("commitment", c.id),
            targets=(c.accepting_name, "信用中国", "省公共信用信息平台"))
    _step(session, c, "determine", before, actor, on, note)
    session.flush()
    audit.append(session, actor, "commitment.determine", subject_uscc=c.committer_code,
                 details={"code": c.code, "fulfilment": d.fulfilment,
                          "late": bool(c.verified_late)})
    return c


def signature_of(session: Session, c: Commitment) -> CommitmentSignature | None:
    return session.scalar(select(CommitmentSignature).where(
        CommitmentSignature.commitment_id == c.id))


def steps_of(session: Session, c: Commitment) -> list[CommitmentStep]:
    return list(session.scalars(select(CommitmentStep).where(
        CommitmentStep.commitment_id == c.id).order_by(CommitmentStep.id)))




def for_repair(session: Session, actor: Actor, *, application_id: int, subject_id: int,
               committer_name: str, committer_code: str, text: str, provider_uscc: str,
               provider_name: str, made_on: date, calendar: WorkingCalendar,
               rules_data: Rules | None = None) -> Commitment:
    """The 信用修复型 commitment of a repair application, accepted by the department that
    made the finding (谁认定、谁修复); 特定范围内公开. The repair workflow audits its own step."""
    data = rules_data or load_rules()
    dept = find_department(session, provider_uscc)
    region = dept.region_code if dept is not None else provider_uscc[2:8]
    code = allocate_code(session, region, made_on)
    kind = data.kind("repair")
    return _new(session, data, "repair", code=code, subject_id=subject_id,
                committer_name=committer_name, committer_code=committer_code,
                category="legal", template=None, reason="申请信用修复",
                content=text[:4000], liability=kind.consequence_label, made_on=made_on,
                valid_until=None, accepting=(provider_uscc, provider_name, region),
                disclosure="scoped", remark=None, source="repair", actor=actor,
                calendar=calendar, ref=("repair", application_id))


def linked(session: Session, ref: tuple[str, int]) -> Commitment | None:
    return session.scalar(select(Commitment).where(Commitment.ref_kind == ref[0],
                                                   Commitment.ref_id == ref[1]))


def break_linked(session: Session, actor: Actor, ref: tuple[str, int], reason: str, *,
                 today: date) -> Commitment | None:
    """The workflow that made the commitment found it broken (its own permission check and
    consequence already done): 全部未履行, with the type's consequence as the pursuit."""
    c = linked(session, ref)
    if c is None or c.state not in rules.OPEN_STATES:
        return None
    kind = load_rules().kind(c.kind)
    before = c.state
    c.state = rules.determine(before, "not_kept", reason, kind.consequence_label,
                              made_on=c.made_on, on=today)
    c.fulfilment, c.unfulfilled_content = "not_kept", reason[:4000]
    c.liability_pursued, c.determined_on = kind.consequence_label, today
    c.determined_by_uscc, c.determined_by_name = c.accepting_uscc, c.accepting_name
    c.consequence = kind.consequence
    c.breach_published_until = add_months(today, 12 * load_rules().breach.publication_years)
    _step(session, c, "determine", before, actor, today, kind.consequence_label)
    session.flush()
    return c
