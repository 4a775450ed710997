"""Pure rules of a commitment: its 承诺编码, its lifecycle and what a determination needs.

Lifecycle (standards §10): 已作出 → 已公示 (when 公开类型 allows) → 履约核查中 (types the
accepting department verifies) → 全部履行 (kept) | 部分履行 / 全部未履行 (broken).
"""

from __future__ import annotations

import re
from datetime import date

from xinyong.core.errors import Conflict, Invalid, Problem, RuleViolation

KINDS = {"approval_substitute": "审批替代型", "deficiency": "容缺受理型",
         "certification": "证明事项型", "voluntary": "主动自愿型", "industry": "行业自律型",
         "repair": "信用修复型"}
MADE, PUBLISHED, VERIFYING, KEPT, BROKEN = "made", "published", "verifying", "kept", "broken"
STATES = (MADE, PUBLISHED, VERIFYING, KEPT, BROKEN)
OPEN_STATES = (MADE, PUBLISHED, VERIFYING)
STATE_LABELS = {MADE: "已作出", PUBLISHED: "已公示", VERIFYING: "履约核查中",
                KEPT: "已履行", BROKEN: "违诺"}
FULFILMENTS = {"kept": "全部履行", "partly": "部分履行", "not_kept": "全部未履行"}
DISCLOSURES = {"public": "可向社会公开", "scoped": "特定范围内公开", "none": "不可公开"}
CATEGORIES = {"legal": "法人及非法人组织", "person": "自然人", "individual": "个体工商户"}
CODE_RE = re.compile(r"^\d{6}\d{8}\d{6}$")
SERIAL_MAX = 999_999


def commitment_code(region_code: str, day: date, serial: int) -> str:
    """承诺编码: the accepting place's six-digit region + yyyymmdd + six-digit serial."""
    if not re.fullmatch(r"\d{6}", region_code or ""):
        raise Invalid(f"受理地行政区划代码「{region_code}」应为6位数字",
                      code="region_code_invalid")
    if not 1 <= serial <= SERIAL_MAX:
        raise RuleViolation(f"受理地{region_code}当日承诺编码流水号已用尽（最多{SERIAL_MAX}个）",
                            code="serial_exhausted")
    return f"{region_code}{day:%Y%m%d}{serial:06d}"


def initial_state(verified: bool, disclosure: str) -> str:
    if verified:
        return VERIFYING
    return PUBLISHED if disclosure != "none" else MADE


def determination_problems(fulfilment: str, unfulfilled: str | None,
                           pursued: str | None) -> list[Problem]:
    """未履行的承诺内容 and 违诺责任追究内容 are required unless fully kept."""
    problems: list[Problem] = []
    if fulfilment not in FULFILMENTS:
        problems.append(Problem(None, "fulfilment", "enum",
                                f"履行状态「{fulfilment}」应为全部履行、部分履行或全部未履行"))
        return problems
    if fulfilment != "kept":
        if not (unfulfilled or "").strip():
            problems.append(Problem(None, "unfulfilled_content", "required_unless_kept",
                                    "履行状态不是全部履行时须填写未履行的承诺内容"))
        if not (pursued or "").strip():
            problems.append(Problem(None, "liability_pursued", "required_unless_kept",
                                    "履行状态不是全部履行时须填写违诺责任追究内容"))
    return problems


def determine(state: str, fulfilment: str, unfulfilled: str | None, pursued: str | None,
              *, made_on: date, on: date) -> str:
    """The state after the accepting department determines 履行状态; refusals as errors."""
    if state not in OPEN_STATES:
        raise Conflict(f"该承诺已认定为「{STATE_LABELS.get(state, state)}」，不能再次认定",
                       code="already_determined")
    if on < made_on:
        raise Invalid("认定日期不能早于承诺作出日期", code="determined_before_made",
                      errors=[Problem(None, "determined_on", "not_before_made",
                                      "认定日期不能早于承诺作出日期", on.isoformat())])
    problems = determination_problems(fulfilment, unfulfilled, pursued)
    if problems:
        raise Invalid(problems[0].message, code="determination_incomplete", errors=problems)
    return KEPT if fulfilment == "kept" else BROKEN


def is_overdue(state: str, verify_due: date | None, today: date) -> bool:
    """A verification task past its due date and not yet determined."""
    return state == VERIFYING and verify_due is not None and today > verify_due


def visible_to(disclosure: str, audience: str, *, accepting: bool = False,
               shared: bool = False) -> bool:
    """公开类型: 可向社会公开 to everyone; 特定范围内公开 to the subject itself, the accepting
    department and the department classes the rules share them with; 不可公开 to the subject
    and the accepting department only."""
    if disclosure == "public" or audience == "own":
        return True
    if audience == "public":
        return False
    if disclosure == "scoped":
        return accepting or shared
    return accepting
