"""Where monitoring reads data from branches not merged yet: commitments (xinyong.commitments)
and grades (xinyong.grading). Each returns None ("nothing yet") until wired; wiring is a few
lines here, nothing else changes. Listed in docs/decisions/0018-monitoring.md."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select


def commitments_made(as_of: date) -> Select[Any] | None:
    """Commitments (承诺及践诺信息) made up to `as_of`, one row per commitment with the columns
    unit, dept, region, w (see sources.Source). To wire: a SELECT over the commitments table
    (reads.coverage(session, as_of, by) is per-subject; a set-based SELECT is needed here)."""
    return None


def a_grade_taxpayers(as_of: date) -> Select[Any] | None:
    """Enterprises with a valid 纳税信用 A grade on `as_of` (grading: industry_results of kind
    纳税信用, grade A, valid_to >= as_of), one row per subject. None: the red list's
    tax_a_grade entries stand in (sources.a_grade_taxpayers)."""
    return None


def risk_class(session: Any, subject_id: int, as_of: date) -> str | None:
    """An enterprise's risk class for early warning (grading: reads.latest_grade(...).grade).
    None until grading merges."""
    return None
