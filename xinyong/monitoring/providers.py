"""Where monitoring reads other domains' data: commitments (xinyong.commitments) and grades
(xinyong.grading: the industry evaluation results behind the A-grade taxpayer share, and
the latest grade as an enterprise's risk class). Listed in decision 0018."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, func, select


def commitments_made(as_of: date) -> Select[Any] | None:
    """Commitments and fulfilment records (承诺及践诺信息) up to `as_of`, one row per commitment
    with unit, dept (accepting department), region (of the accepting place) and w = 1, plus 1
    when its fulfilment was determined by then — the count commitments' `reads.coverage` uses
    (seed 001: that count over the enterprises, target 100 %)."""
    from xinyong.commitments import Commitment

    fulfilled = case((and_(Commitment.determined_on.is_not(None),
                           Commitment.determined_on <= as_of), 2), else_=1)
    return (select(Commitment.id.label("unit"), Commitment.accepting_uscc.label("dept"),
                   Commitment.region_code.label("region"), fulfilled.label("w"))
            .where(Commitment.made_on <= as_of))


def a_grade_taxpayers(as_of: date) -> Select[Any] | None:
    """Enterprises with a valid 纳税信用 A grade on `as_of`: the industry evaluation results
    (行业信用评价, catalog type industry_evaluation) of kind 纳税信用, grade A, valid that day,
    as the ids of those subjects."""
    from xinyong.grading.reads import INDUSTRY_TYPE
    from xinyong.ingest.tables import Record

    day = as_of.isoformat()  # valid_from/valid_to are ISO dates in the record's JSON
    kind = Record.data["evaluation_kind"].as_string()
    return (select(Record.subject_id)
            .where(Record.record_type == INDUSTRY_TYPE, kind.like("%纳税%"),
                   Record.data["grade"].as_string() == "A",
                   func.substr(Record.data["valid_from"].as_string(), 1, 10) <= day,
                   func.substr(Record.data["valid_to"].as_string(), 1, 10) >= day))


def risk_class(session: Any, subject_id: int, as_of: date) -> str | None:
    """An enterprise's risk class for early warning: the grade of its latest credit
    evaluation as of that day (None when never evaluated)."""
    from xinyong.grading import reads

    grade = reads.latest_grade(session, subject_id, as_of)
    return grade.grade if grade else None
