"""The evaluation, written once as set-based Ibis expressions over the sources
(xinyong.grading.sources): one aggregate per indicator grouped by subject, left-joined to the
subjects, points computed per column, the grade band and the overrides as CASE expressions.
The same expression is compiled to the configured database's SQL (SQLite, PostgreSQL) or run
on Apache Spark. Every day the evaluation depends on is a literal computed here from `as_of`
(window starts, registration-age thresholds), so the database does no date arithmetic and a
past day is recomputed by passing that day.

Output columns: subject_id, v_<indicator> (the input value), p_<indicator> (its points after
caps and weight), score, grade, override.
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


def _value(ind: Indicator, t: dict[str, ir.Table], as_of: date) -> ir.Table | None:
    """(subject_id, v) for one indicator, or None for registration age (a subject column)."""
    day = ibis.literal(as_of)
    since = ibis.literal(years_before(as_of, ind.window_years or 0))
    if ind.source == "penalties":
        p = t["g_penalties"]
        sev = p.severity.fill_null("一般")
        not_undone = ((p.repaired_on.isnull() | (p.repaired_on > day))
                      & (p.revoked_on.isnull() | (p.revoked_on > day)))
        rows = p.filter(sev == ind.severity, p.decision_date <= day, p.decision_date > since,
                        not_undone)
        return rows.group_by("subject_id").aggregate(v=rows.count())
    if ind.source == "repairs":
        p = t["g_penalties"]
        rows = p.filter(p.repaired_on.notnull(), p.repaired_on <= day, p.repaired_on > since,
                        p.revoked_on.isnull() | (p.revoked_on > day))
        return rows.group_by("subject_id").aggregate(v=rows.count())
    if ind.source == "lists":
        li = t["g_lists"]
        rows = li.filter(li.list_kind.isin(ind.list_kinds or []), _active_listing(li, day))
        return rows.group_by("subject_id").aggregate(v=rows.count())
    if ind.source == "objections_upheld":
        o = t["g_objections"]
        rows = o.filter(o.decided_on <= day)
        return rows.group_by("subject_id").aggregate(v=rows.count())
    if ind.source == "commitments_broken":
        c = t["g_commitments"]
        rows = c.filter(c.broken_on <= day, c.broken_on > since)
        return rows.group_by("subject_id").aggregate(v=rows.count())
    if ind.source == "industry_results":
        r = t["g_industry"]
        rows = r.filter(r.valid_from <= day, r.valid_to >= day)
        points = ibis.cases(*[(rows.grade == g, float(pts))
                              for g, pts in (ind.grade_points or {}).items()], else_=0.0)
        return rows.group_by("subject_id").aggregate(v=points.sum())
    return None


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
    # 1. one aggregate per indicator (and per override), each grouped by subject, joined.
    for ind in model.indicators:
        agg = _value(ind, t, as_of)
        if agg is not None:
            agg = agg.rename({f"s_{ind.id}": "subject_id", f"v_{ind.id}": "v"})
            joined = joined.left_join(agg, joined.subject_id == agg[f"s_{ind.id}"])
    for o in model.overrides:
        li = t["g_lists"]
        hit = li.filter(li.list_kind == o.when_list_kind, _active_listing(li, day))
        hit = hit.group_by("subject_id").aggregate(n=hit.count()).rename(
            {f"s_o_{o.id}": "subject_id", f"o_{o.id}": "n"})
        joined = joined.left_join(hit, joined.subject_id == hit[f"s_o_{o.id}"])
    j = joined.select(~ibis.selectors.startswith("s_"))

    # 2. per column: value, points (caps, weight), score, band, overrides.
    cols: dict[str, ir.Value] = {"subject_id": j.subject_id}
    points: list[ir.NumericValue] = []
    for ind in model.indicators:
        if ind.source == "registration_age":
            bands = sorted(ind.age_points or [], key=lambda b: -b.min_years)
            older = [(j.registered_on <= ibis.literal(years_before(as_of, b.min_years)), b)
                     for b in bands]
            v = ibis.cases(*[(c, float(b.min_years)) for c, b in older], else_=0.0)
            raw = ibis.cases(*[(c, float(b.points)) for c, b in older], else_=0.0)
        else:
            v = j[f"v_{ind.id}"].fill_null(0).cast("float64")
            raw = v if ind.source == "industry_results" else v * float(ind.points_each or 0)
        lo, hi = ind.bounds()
        p = (_clip(raw, lo, hi) * ind.weight).round(2)
        cols[f"v_{ind.id}"] = v
        cols[f"p_{ind.id}"] = p
        points.append(p)
    total = points[0]
    for p in points[1:]:
        total = total + p
    score = _clip(total + float(model.base_score), model.min_score, model.max_score).round(2)
    cols["score"] = score
    band = ibis.cases(*[(score >= g.min_score, g.grade) for g in model.scale.grades[:-1]],
                      else_=model.scale.grades[-1].grade)
    hits = [(j[f"o_{o.id}"].notnull(), o) for o in model.overrides]
    if hits:
        cols["override"] = ibis.cases(*[(h, o.id) for h, o in hits], else_=ibis.null("string"))
        cols["grade"] = ibis.cases(*[(h, o.grade) for h, o in hits], else_=band)
    else:
        cols["override"] = ibis.null("string")
        cols["grade"] = band
    return j.select(**cols)
