"""Publication (公示): whether a record is public on a day, computed from the catalog and the
versioned publication rule sets in data/*.yaml (NDRC Order 58, Order 36)."""

from xinyong.publication.loader import (
    ClassPeriod,
    RuleBook,
    RuleSet,
    SectorOverride,
    default_rules,
    load_rules,
)
from xinyong.publication.rules import (
    OPEN_END,
    Decision,
    PenaltyJudgement,
    Window,
    add_months,
    fixed_window,
    infer_severity,
    is_public,
    judge_penalty,
    licence_window,
    penalty_window,
    period_end,
    provider_last_day,
    within_rule,
)

__all__ = [
    "OPEN_END",
    "ClassPeriod",
    "Decision",
    "PenaltyJudgement",
    "RuleBook",
    "RuleSet",
    "SectorOverride",
    "Window",
    "add_months",
    "default_rules",
    "fixed_window",
    "infer_severity",
    "is_public",
    "judge_penalty",
    "licence_window",
    "load_rules",
    "penalty_window",
    "period_end",
    "provider_last_day",
    "within_rule",
]
