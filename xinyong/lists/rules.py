"""The listing procedure as a pure state machine (no I/O): which step may follow which.

proposed -> notice_sent -> (statement period) -> listed | dropped -> published -> removed.
Kinds that need no notice (the red list, lists received from courts) go proposed -> listed.
"""

from __future__ import annotations

from datetime import date, timedelta

from xinyong.core.errors import Conflict, RuleViolation

PROPOSED = "proposed"
NOTICE_SENT = "notice_sent"
LISTED = "listed"
DROPPED = "dropped"
PUBLISHED = "published"
REMOVED = "removed"

STATE_LABELS = {PROPOSED: "拟列入", NOTICE_SENT: "已告知（陈述申辩期）", LISTED: "已决定列入",
                DROPPED: "已决定不列入", PUBLISHED: "已公示", REMOVED: "已移出"}
ACTION_LABELS = {"notify": "告知", "decide": "作出决定", "publish": "公示", "remove": "移出"}
# States in which a listing has effect (measures are triggered by it).
IN_FORCE = frozenset({LISTED, PUBLISHED})

# action -> states it may start from (for kinds with a notice step / without one).
_FROM_WITH_NOTICE = {"notify": {PROPOSED}, "decide": {NOTICE_SENT}, "publish": {LISTED},
                     "remove": {LISTED, PUBLISHED}}
_FROM_WITHOUT_NOTICE = {"notify": set(), "decide": {PROPOSED}, "publish": {LISTED},
                        "remove": {LISTED, PUBLISHED}}


def allowed_actions(state: str, notice_required: bool) -> list[str]:
    table = _FROM_WITH_NOTICE if notice_required else _FROM_WITHOUT_NOTICE
    return [action for action, starts in table.items() if state in starts]


def check_action(state: str, action: str, notice_required: bool) -> None:
    """Refuse an impossible transition, naming the ones that are possible."""
    allowed = allowed_actions(state, notice_required)
    if action in allowed:
        return
    options = "、".join(f"{ACTION_LABELS[a]}({a})" for a in allowed) or "无（流程已结束）"
    extra = ""
    if action == "notify" and not notice_required:
        extra = "该名单类别无需告知程序；"
    raise Conflict(f"名单当前状态为「{STATE_LABELS[state]}」，不能执行「"
                   f"{ACTION_LABELS.get(action, action)}」；{extra}当前允许的操作：{options}",
                   code="list_transition_refused")


def check_statement_period_over(statement_until: date | None, today: date) -> None:
    """Deciding before the statement period (陈述申辩期) has run is refused."""
    if statement_until is not None and today <= statement_until:
        raise RuleViolation(f"陈述申辩期至 {statement_until.isoformat()} 届满，期内不得作出列入"
                            "决定", code="statement_period_running")


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def publication_periods(decided_on: date | None, listed_until: date | None,
                        early_allowed: bool, early_min_years: int) -> tuple[date | None,
                                                                         date | None]:
    """(min_end, max_end) of a listing, as a penalty has them: the earliest removal allowed
    before expiry (the day before it) and the last listed day."""
    if decided_on is None or listed_until is None:
        return None, None
    max_end = listed_until - timedelta(days=1)
    if not early_allowed:
        return max_end, max_end
    return min(add_years(decided_on, early_min_years) - timedelta(days=1), max_end), max_end
