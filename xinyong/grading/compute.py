"""The evaluation, written once as set-based Ibis expressions over the sources
(xinyong.grading.sources): one aggregate per indicator grouped by subject, left-joined to the
subjects, points computed per column, the grade band and the overrides as CASE expressions.
The same expression is compiled to the configured database's SQL (SQLite, PostgreSQL) or run
on Apache Spark. Every day the evaluation depends on is a literal computed here from `as_of`
(window starts, registration-age thresholds), so the database does no date arithmetic and a
past day is recomputed by passing that day.

Output columns: subject_id, v_<indicator> (the input value), p_<indicator> (its points after
caps and weight), score, grade, override. Each source table is scanned once: one aggregate
per source with a conditional count (or sum) per indicator that reads it.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from xinyong.grading.model import EvaluationModel, Indicator
from xinyong.grading.sources import SCHEMAS


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _tables() -> dict[str, ir.Table]:
    return {name: ibis.table(schema, name=name) for name, schema in SCHEMAS.items()}


def _active_listing(t: ir.Table, as_of: ir.Value) -> ir.BooleanValue:
    return (t.decided_on <= as_of) & (t.ended_on.isnull() | (t.ended_on > as_of))


SOURCE_TABLES = {"penalties": "g_penalties", "repairs": "g_penalties", "lists": "g_lists",
                 "objections_upheld": "g_objections", "commitments_broken": "g_commitments",
                 "industry_results": "g_industry"}


def _measure(ind: Indicator, r: ir.Table, as_of: date) -> ir.Value:
    """The indicator's value for one subject as an aggregate over the rows of its source:
    a conditional count, or for industry results the sum of the grade points."""
    day = ibis.literal(as_of)
    since = ibis.literal(years_before(as_of, ind.window_years or 0))
    if ind.source == "penalties":
        not_undone = ((r.repaired_on.isnull() | (r.repaired_on > day))
                      & (r.revoked_on.isnull() | (r.revoked_on > day)))
        cond = ((r.severity.fill_null("一般") == ind.severity) & (r.decision_date <= day)
                & (r.decision_date > since) & not_undone)
    elif ind.source == "repairs":
        cond = (r.repaired_on.notnull() & (r.repaired_on <= day) & (r.repaired_on > since)
                & (r.revoked_on.isnull() | (r.revoked_on > day)))
    elif ind.source == "lists":
        cond = r.list_kind.isin(ind.list_kinds or []) & _active_listing(r, day)
    elif ind.source == "objections_upheld":
        cond = r.decided_on <= day
    elif ind.source == "commitments_broken":
        cond = (r.broken_on <= day) & (r.broken_on > since)
    else:  # industry_results: the grade points of the results valid that day
        valid = (r.valid_from <= day) & (r.valid_to >= day)
        return ibis.cases(*[(valid & (r.grade == g), float(pts))
                            for g, pts in (ind.grade_points or {}).items()], else_=0.0).sum()
    return ibis.cases((cond, 1), else_=0).sum()


def _aggregates(model: EvaluationModel, t: dict[str, ir.Table], as_of: date
                ) -> list[tuple[ir.Table, list[str]]]:
    """One aggregate per source table, grouped by subject: a column v_<indicator> for each
    indicator reading it (and o_<override> for overrides on listings). Each source is
    scanned once, whatever the number of indicators that read it."""
    by_table: dict[str, dict[str, ir.Value]] = {}
    for ind in model.indicators:
        name = SOURCE_TABLES.get(ind.source)
        if name:
            by_table.setdefault(name, {})[f"v_{ind.id}"] = _measure(ind, t[name], as_of)
    day = ibis.literal(as_of)
    li = t["g_lists"]
    for o in model.overrides:
        hit = (li.list_kind == o.when_list_kind) & _active_listing(li, day)
        by_table.setdefault("g_lists", {})[f"o_{o.id}"] = ibis.cases((hit, 1), else_=0).sum()
    out = []
    for name, metrics in by_table.items():
        agg = t[name].group_by("subject_id").aggregate(**metrics)
        agg = agg.rename({f"s_{name}": "subject_id"})
        out.append((agg, list(metrics)))
    return out


def _clip(x: ir.NumericValue, lo: float | None, hi: float | None) -> ir.NumericValue:
    if lo is not None:
        x = ibis.greatest(x, lo)
    if hi is not None:
        x = ibis.least(x, hi)
    return x


def expression(model: EvaluationModel, as_of: date) -> ir.Table:
    t = _tables()
    day = ibis.literal(as_of)
    subjects = t["g_subjects"]
    joined = subjects.filter(subjects.registered_on <= day)
    # 1. one aggregate per source, grouped by subject, left-joined to the subjects.
    for agg, _cols in _aggregates(model, t, as_of):
        name = next(c for c in agg.columns if c.startswith("s_"))
        joined = joined.left_join(agg, joined.subject_id == agg[name])
    j = joined.select(~ibis.selectors.startswith("s_"))

    # 2. in stages, each reading the previous one's columns by name (so that no expression
    # is repeated inside another): values, points (caps, weight), score, band and overrides.
    values: dict[str, ir.Value] = {"subject_id": j.subject_id}
    for ind in model.indicators:
        if ind.source == "registration_age":
            bands = sorted(ind.age_points or [], key=lambda b: -b.min_years)
            values[f"v_{ind.id}"] = ibis.cases(
                *[(j.registered_on <= ibis.literal(years_before(as_of, b.min_years)),
                   float(b.min_years)) for b in bands], else_=0.0)
        else:
            values[f"v_{ind.id}"] = j[f"v_{ind.id}"].fill_null(0).cast("float64")
    for o in model.overrides:
        values[f"o_{o.id}"] = j[f"o_{o.id}"].fill_null(0)
    a = j.select(**values)

    points: dict[str, ir.Value] = {}
    for ind in model.indicators:
        v = a[f"v_{ind.id}"]
        if ind.source == "registration_age":
            bands = sorted(ind.age_points or [], key=lambda b: -b.min_years)
            raw = ibis.cases(*[(v == float(b.min_years), float(b.points)) for b in bands],
                             else_=0.0)
        else:
            raw = v if ind.source == "industry_results" else v * float(ind.points_each or 0)
        lo, hi = ind.bounds()
        p = _clip(raw, lo, hi)
        points[f"p_{ind.id}"] = p if ind.weight == 1 else (p * ind.weight).round(2)
    b = a.mutate(**points)

    total = b[f"p_{model.indicators[0].id}"]
    for ind in model.indicators[1:]:
        total = total + b[f"p_{ind.id}"]
    score = _clip(total + float(model.base_score), model.min_score, model.max_score)
    # Rounded only where a weight or points could leave float residue (whole points add up
    # exactly in binary floating point on every engine).
    fractional = any(i.weight != int(i.weight) or (i.points_each or 0) != int(i.points_each or 0)
                     for i in model.indicators)
    c = b.mutate(score=score.round(2) if fractional else score)

    band = ibis.cases(*[(c.score >= g.min_score, g.grade) for g in model.scale.grades[:-1]],
                      else_=model.scale.grades[-1].grade)
    hits = [(c[f"o_{o.id}"] > 0, o) for o in model.overrides]
    if hits:
        override = ibis.cases(*[(h, o.id) for h, o in hits], else_=ibis.null("string"))
        grade = ibis.cases(*[(h, o.grade) for h, o in hits], else_=band)
    else:
        override, grade = ibis.null("string"), band
    d = c.mutate(override=override, grade=grade)
    keep = ["subject_id"] + [f"{k}_{i.id}" for i in model.indicators for k in ("v", "p")]
    return d.select(*keep, "score", "grade", "override")
