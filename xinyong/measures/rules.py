"""Which catalog measures a subject's (or a person's) list entries and records trigger today,
and until when (pure, no I/O).

The platform never suggests a measure the catalog does not hold, nor one outside the scope its
legal basis draws: a list entry triggers a measure only when the measure's basis covers that
kind of listing on that legal basis; a record only when it has the penalty kind and the tie to
the law the basis requires (the law applied, the licence revoked, the violation); and only
within the measure's period, counted from the decision or the listing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from xinyong.lists.rules import add_years
from xinyong.measures.model import (
    ListTrigger,
    Measure,
    MeasureCatalog,
    RecordTrigger,
    default_measures,
)

SUBJECT, PERSON = "subject", "person"


@dataclass(frozen=True)
class Fact:
    """One thing known about a subject (or a person) that may trigger a measure."""

    kind: str  # "list" | "record"
    ref_id: int
    type: str  # list kind or record type
    label: str  # zh-CN description for the case officer
    data: Mapping[str, Any] | None = None
    decided_on: date | None = None  # record: decision date; list: date of the listing
    basis: str | None = None  # list: the legal basis id the listing rests on
    document_date: date | None = None  # list: date of the legal-effect document
    listed_until: date | None = None  # list: first day it is no longer listed
    role: str | None = None  # reaching a person: the role the listing decision names


@dataclass(frozen=True)
class Triggered:
    measure: Measure
    because: tuple[Fact, ...]
    # Last day the measure may be applied on these facts; None: while the listing lasts,
    # with no end date known.
    period_end: date | None = None


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def penalty_kinds_of(data: Mapping[str, Any], legacy: Mapping[str, Mapping[str, str]]
                     ) -> set[str]:
    """The penalty kinds (2021 law, Art. 9) a record's 处罚类别 holds. A legacy combined code
    (暂扣或者吊销许可证、暂扣或者吊销执照) is a revocation only if the penalty content says so: a
    suspension is not a revocation."""
    content = str(data.get("penalty_content") or "")
    kinds: set[str] = set()
    for c in _texts(data.get("penalty_categories")):
        if c in legacy:
            kinds.update(k for k, word in legacy[c].items() if word in content)
        else:
            kinds.add(c)
    return kinds


def _fine(data: Mapping[str, Any]) -> float:
    try:
        return float(data.get("fine_amount") or 0)
    except (TypeError, ValueError):
        return 0.0


def record_in_scope(t: RecordTrigger, fact: Fact, catalog: MeasureCatalog) -> bool:
    """The record has every feature the trigger names (pure)."""
    if fact.kind != "record" or fact.type != t.record_type:
        return False
    data = fact.data or {}
    if t.penalty_kinds or t.min_fine:
        kinds = penalty_kinds_of(data, catalog.legacy_penalty_kinds)
        if t.penalty_kinds and not kinds.intersection(t.penalty_kinds):
            return False
        if t.min_fine and ("罚款" not in kinds or _fine(data) < t.min_fine):
            return False
    if t.laws and not any(law in text for text in _texts(data.get("penalty_basis"))
                          for law in t.laws):
        return False
    if t.licence_kinds:
        revoked = " ".join(_texts(data.get("licence_revoked")))
        certificates = [c for lk in t.licence_kinds
                        for c in catalog.licence_kinds[lk].certificates]
        if not any(c in revoked for c in certificates):
            return False
    if t.violation_types:
        said = " ".join(_texts(data.get("violation_type")) + _texts(data.get("violation_facts")))
        if not any(v in said for v in t.violation_types):
            return False
    return True


def list_in_scope(t: ListTrigger, fact: Fact) -> bool:
    return fact.kind == "list" and fact.type == t.kind and fact.basis in t.bases


def fact_window(m: Measure, fact: Fact) -> tuple[date | None, date | None] | None:
    """(first, last) day the measure holds on this fact; None when it cannot be counted.
    A listing ends it whatever its years; `last` None: no end date known."""
    p = m.period
    ends: list[date] = []
    if fact.kind == "list":
        start = fact.decided_on if p.start == "listing" else (fact.document_date
                                                               or fact.decided_on)
        if fact.listed_until is not None:
            ends.append(fact.listed_until - timedelta(days=1))
    else:
        start = fact.decided_on
    if p.years is not None:
        if start is None:
            return None
        ends.append(add_years(start, p.years) - timedelta(days=1))
    return start, (min(ends) if ends else None)


def _active(window: tuple[date | None, date | None] | None, today: date) -> bool:
    if window is None:
        return False
    start, end = window
    return (start is None or start <= today) and (end is None or today <= end)


def in_scope(m: Measure, fact: Fact, catalog: MeasureCatalog) -> bool:
    return (any(list_in_scope(t, fact) for t in m.triggers.lists)
            or any(record_in_scope(t, fact, catalog) for t in m.triggers.records))


def triggered_measures(measures: Sequence[Measure], facts: Iterable[Fact], today: date, *,
                       target: str = SUBJECT, catalog: MeasureCatalog | None = None
                       ) -> list[Triggered]:
    """The measures among `measures` that `facts` trigger today, with the facts that did and
    the last day they may be applied. `target`: SUBJECT (the facts are the subject's own) or
    PERSON (facts reaching a responsible person, each with the role a listing names: only
    measures binding persons in that role)."""
    catalog = catalog or default_measures()
    facts = list(facts)
    out: list[Triggered] = []
    for m in measures:
        if target == PERSON and not m.targets.persons:
            continue
        if target == SUBJECT and not m.targets.subject:
            continue
        because: list[Fact] = []
        ends: list[date | None] = []
        for f in facts:
            if target == PERSON and f.role not in m.targets.persons:
                continue
            if not in_scope(m, f, catalog):
                continue
            window = fact_window(m, f)
            if _active(window, today):
                assert window is not None
                because.append(f)
                ends.append(window[1])
        if because:
            end = None if any(e is None for e in ends) else max(e for e in ends if e)
            out.append(Triggered(m, tuple(because), end))
    return out
