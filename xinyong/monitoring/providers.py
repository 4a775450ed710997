"""Where monitoring reads other branches' data: commitments (xinyong.commitments, merged and
wired) and grades (xinyong.grading, not merged yet: its functions return None, "nothing yet",
until wired; wiring is a few lines here, nothing else changes). Listed in decision 0018."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, select


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
    """Enterprises with a valid 纳税信用 A grade on `as_of` (grading: industry_results of kind
    纳税信用, grade A, valid_to >= as_of), one row per subject. None: the red list's
    tax_a_grade entries stand in (sources.a_grade_taxpayers)."""
    return None


def risk_class(session: Any, subject_id: int, as_of: date) -> str | None:
    """An enterprise's risk class for early warning (grading: reads.latest_grade(...).grade).
    None until grading merges."""
    return None
