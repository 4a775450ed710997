"""Which catalog measures a subject's list entries and records trigger (pure, no I/O).

The platform never suggests a measure the catalog does not hold: the only source of a prompt
is a catalog measure for the matter whose trigger matches.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from xinyong.measures.model import Measure, RecordTrigger


@dataclass(frozen=True)
class Fact:
    """One thing known about a subject that may trigger a measure."""

    kind: str  # "list" | "record"
    ref_id: int
    type: str  # list kind or record type
    label: str  # zh-CN description for the case officer
    data: Mapping[str, Any] | None = None
    decided_on: date | None = None


@dataclass(frozen=True)
class Triggered:
    measure: Measure
    because: tuple[Fact, ...]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def record_matches(trigger: RecordTrigger, fact: Fact, today: date) -> bool:
    if fact.kind != "record" or fact.type != trigger.record_type:
        return False
    if trigger.within_years is not None:
        if fact.decided_on is None or fact.decided_on <= _years_before(today,
                                                                       trigger.within_years):
            return False
    if trigger.field is not None:
        value = (fact.data or {}).get(trigger.field)
        values: Iterable[str] = value if isinstance(value, list) else [str(value or "")]
        wanted = trigger.contains_any or []
        return any(w in v for v in values for w in wanted)
    return True


def triggered_measures(measures: Sequence[Measure], facts: Sequence[Fact], today: date
                       ) -> list[Triggered]:
    """The measures among `measures` that `facts` trigger, with the facts that did."""
    out: list[Triggered] = []
    for m in measures:
        because = [f for f in facts
                   if (f.kind == "list" and f.type in m.triggers.lists)
                   or any(record_matches(t, f, today) for t in m.triggers.records)]
        if because:
            out.append(Triggered(m, tuple(because)))
    return out
