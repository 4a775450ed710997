"""Initiation -> response -> feedback: what the case officer did with each prompted measure.

A check (initiation) creates one prompt per triggered measure (response); the case officer
records feedback per measure: applied, or not applied with a reason. Not applying a triggered
punishment measure without a reason is refused: the override must be accountable, and the
credit office sees every one (`list_overrides`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.accounts import Actor
from xinyong.core import clock
from xinyong.core.errors import Conflict, Invalid, NotFound, RuleViolation
from xinyong.measures.tables import CheckFeedback, CheckPrompt

APPLIED = "applied"
NOT_APPLIED = "not_applied"
OUTCOME_LABELS = {APPLIED: "已实施", NOT_APPLIED: "未实施"}


@dataclass(frozen=True)
class FeedbackItem:
    measure_id: str
    outcome: str
    reason: str | None = None
    applied_until: date | None = None  # the last day the department applies it


def prompts_of(session: Session, check_id: int) -> list[CheckPrompt]:
    return list(session.scalars(select(CheckPrompt).where(CheckPrompt.check_id == check_id)
                                .order_by(CheckPrompt.id)))


def check_period(prompt: CheckPrompt, item: FeedbackItem, today: date) -> None:
    """A measure is applied within its catalog period only: not after it has run out, and
    never until a day past its end (longer than the catalog sets)."""
    if item.outcome != APPLIED:
        if item.applied_until is not None:
            raise Invalid("未实施的措施不能填写实施期限", code="applied_until_not_applied")
        return
    end = prompt.period_end
    if end is not None and today > end:
        raise RuleViolation(f"措施「{prompt.measure_name}」的实施期限已于 {end.isoformat()} "
                            "届满（按措施清单规定的期限），不能反馈为已实施",
                            code="measure_period_over")
    if item.applied_until is not None:
        if item.applied_until < today:
            raise Invalid("实施期限不能早于今天", code="applied_until_past")
        if end is not None and item.applied_until > end:
            raise RuleViolation(f"措施「{prompt.measure_name}」最长实施至 {end.isoformat()}"
                                "（措施清单规定的期限），不能实施至 "
                                f"{item.applied_until.isoformat()}",
                                code="measure_longer_than_catalog")


def record_feedback(session: Session, check_id: int, items: Sequence[FeedbackItem],
                    actor: Actor, *, today: date | None = None) -> list[CheckFeedback]:
    """Record feedback on measures this check prompted (all items or none)."""
    today = today or clock.today()
    if not items:
        raise Invalid("请至少反馈一项措施", code="feedback_empty")
    prompts = {p.measure_id: p for p in prompts_of(session, check_id)}
    done = set(session.scalars(select(CheckFeedback.measure_id)
                               .where(CheckFeedback.check_id == check_id)))
    now = clock.now()
    rows: list[CheckFeedback] = []
    for item in items:
        prompt = prompts.get(item.measure_id)
        if prompt is None:
            shown = "、".join(p.measure_name for p in prompts.values()) or "无"
            raise NotFound(f"本次核查未提示该措施，不能对其反馈（本次提示：{shown}）",
                           code="measure_not_prompted")
        if item.outcome not in OUTCOME_LABELS:
            raise Invalid("反馈结果只能是“已实施”或“未实施”",
                          code="outcome_invalid")
        reason = (item.reason or "").strip() or None
        if prompt.suspended and item.outcome == APPLIED:
            raise RuleViolation(f"措施「{prompt.measure_name}」所依据的信息正在异议核查中，"
                                "暂停实施，不能反馈为已实施；异议办结后请重新核查",
                                code="measure_suspended")
        if prompt.suspended and not reason:
            reason = "所依据的信息异议核查中，暂停实施"
        if item.outcome == NOT_APPLIED and prompt.measure_kind == "punishment" and not reason:
            raise RuleViolation(f"未实施惩戒措施「{prompt.measure_name}」须填写理由，"
                                "该理由将报送信用办", code="not_applied_reason_required")
        if item.measure_id in done:
            raise Conflict(f"措施「{prompt.measure_name}」已反馈，不能重复反馈",
                           code="feedback_exists")
        check_period(prompt, item, today)
        done.add(item.measure_id)
        rows.append(CheckFeedback(prompt_id=prompt.id, check_id=check_id,
                                  measure_id=item.measure_id, outcome=item.outcome,
                                  reason=reason, applied_until=item.applied_until,
                                  actor=actor.name,
                                  department_name=actor.department_name
                                  or actor.department_uscc, created_at=now))
    session.add_all(rows)
    session.flush()
    return rows


def feedback_of(session: Session, check_id: int) -> list[CheckFeedback]:
    return list(session.scalars(select(CheckFeedback).where(CheckFeedback.check_id == check_id)
                                .order_by(CheckFeedback.id)))


@dataclass(frozen=True)
class Override:
    check_id: int
    measure_id: str
    measure_name: str
    subject_name: str
    uscc: str | None
    department: str | None
    actor: str
    reason: str | None
    at: datetime


def list_overrides(session: Session, *, since: date | None = None,
                   limit: int = 500) -> list[Override]:
    """Triggered punishment measures recorded as not applied, for the credit office."""
    stmt = (select(CheckFeedback, CheckPrompt)
            .join(CheckPrompt, CheckPrompt.id == CheckFeedback.prompt_id)
            .where(CheckFeedback.outcome == NOT_APPLIED,
                   CheckPrompt.measure_kind == "punishment")
            .order_by(CheckFeedback.created_at.desc()).limit(limit))
    if since:
        stmt = stmt.where(CheckFeedback.created_at >= datetime.combine(since, datetime.min.time()))
    return [Override(f.check_id, p.measure_id, p.measure_name, p.subject_name, p.uscc,
                     f.department_name or p.department_name, f.actor, f.reason, f.created_at)
            for f, p in session.execute(stmt).tuples()]


@dataclass(frozen=True)
class MeasureStats:
    department: str
    measure_id: str
    measure_name: str
    initiated: int  # prompts raised by checks
    responded: int  # prompts with feedback
    applied: int
    not_applied: int

    @property
    def feedback_rate(self) -> float | None:
        return self.responded / self.initiated if self.initiated else None


MONTH_YEARS = (1900, 2999)  # a report month outside these years is a typing error


def month_bounds(month: str) -> tuple[datetime, datetime]:
    try:
        start = datetime.strptime(month + "-01", "%Y-%m-%d")
    except ValueError:
        raise Invalid(f"月份格式应为 YYYY-MM，收到「{month[:20]}」", code="month_invalid") from None
    if not MONTH_YEARS[0] <= start.year <= MONTH_YEARS[1]:
        # 9999-12 would end in year 10000, which no date can hold.
        raise Invalid(f"月份应在 {MONTH_YEARS[0]}-01 至 {MONTH_YEARS[1]}-12 之间，"
                      f"收到「{month[:20]}」", code="month_invalid")
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 \
        else start.replace(month=start.month + 1)
    return start, end


def measure_stats(session: Session, *, month: str | None = None) -> list[MeasureStats]:
    """Initiation -> response -> feedback counts per department and measure."""
    dept = func.coalesce(CheckPrompt.department_name, CheckPrompt.department_class, "未登记")
    stmt = (select(dept, CheckPrompt.measure_id, CheckPrompt.measure_name,
                   func.count(CheckPrompt.id), func.count(CheckFeedback.id),
                   func.count(CheckFeedback.id).filter(CheckFeedback.outcome == APPLIED),
                   func.count(CheckFeedback.id).filter(CheckFeedback.outcome == NOT_APPLIED))
            .outerjoin(CheckFeedback, CheckFeedback.prompt_id == CheckPrompt.id)
            .group_by(dept, CheckPrompt.measure_id, CheckPrompt.measure_name)
            .order_by(dept, CheckPrompt.measure_id))
    if month:
        start, end = month_bounds(month)
        stmt = stmt.where(CheckPrompt.created_at >= start, CheckPrompt.created_at < end)
    return [MeasureStats(str(d), m, n, int(i), int(r), int(a), int(na))
            for d, m, n, i, r, a, na in session.execute(stmt).tuples()]
