"""Joint measures (联合奖惩): the measure catalog, prompts, feedback, statistics, reports."""

from xinyong.measures.model import (
    TIER_LABELS,
    LicenceKind,
    Measure,
    MeasureCatalog,
    default_measures,
    load_measures,
    measures_following,
)
from xinyong.measures.report import HEADERS, case_rows, write_report
from xinyong.measures.rules import PERSON, SUBJECT, Fact, Triggered, triggered_measures
from xinyong.measures.tables import CheckFeedback, CheckPrompt
from xinyong.measures.workflow import (
    APPLIED,
    NOT_APPLIED,
    FeedbackItem,
    MeasureStats,
    Override,
    feedback_of,
    list_overrides,
    measure_stats,
    prompts_of,
    record_feedback,
)

__all__ = ["APPLIED", "HEADERS", "NOT_APPLIED", "PERSON", "SUBJECT", "TIER_LABELS",
           "CheckFeedback", "CheckPrompt", "Fact", "FeedbackItem", "LicenceKind", "Measure",
           "MeasureCatalog", "MeasureStats", "Override", "Triggered",
           "case_rows", "default_measures", "feedback_of", "list_overrides", "load_measures",
           "measure_stats", "measures_following", "prompts_of", "record_feedback",
           "triggered_measures", "write_report"]
