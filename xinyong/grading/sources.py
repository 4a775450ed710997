"""The inputs of the evaluation as typed relations, one per source, read from the platform's
tables through SQLAlchemy (which reads the JSON fields portably on SQLite and PostgreSQL).

They do not depend on the evaluation day: the computation (xinyong.grading.compute) filters
them as of a day. The same relations feed both engines: compiled into the SQL the database
runs (as common table expressions), or read out and handed to Spark as temporary views.
`subject_ids` narrows every source to the subjects the re-evaluation queue named.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Date, Integer, case, cast, false, func, null, select
from sqlalchemy.sql import Select

from xinyong.core.db import load_all_tables

PERSON = "person"
INDUSTRY_TYPE = "industry_evaluation"
BROKEN_COMMITMENT = "broken"  # xinyong.commitments.rules.BROKEN, as stored

# name -> ibis schema of the relation (the computation is written against these).
SCHEMAS: dict[str, dict[str, str]] = {
    "g_subjects": {"subject_id": "int64", "registered_on": "date"},
    "g_penalties": {"subject_id": "int64", "decision_date": "date", "severity": "string",
                    "repaired_on": "date", "revoked_on": "date"},
    "g_lists": {"subject_id": "int64", "list_kind": "string", "decided_on": "date",
                "ended_on": "date"},
    "g_objections": {"subject_id": "int64", "decided_on": "date"},
    "g_industry": {"subject_id": "int64", "grade": "string", "valid_from": "date",
                   "valid_to": "date"},
    "g_commitments": {"subject_id": "int64", "broken_on": "date"},
}


def commitments_broken_source(subject_ids: Sequence[int] | None) -> Select[Any] | None:
    """Broken or false commitments (部分履行 / 全部未履行, as xinyong.commitments determines
    them) as (subject_id, broken_on = the determination day): the set-based form of
    `commitments.reads.broken_within`, read from the table like every other source here
    (grading imports no other domain's code: commitments asks grading for re-evaluations)."""
    commitment = load_all_tables().tables["commitment"]
    return _narrow(select(commitment.c.subject_id.label("subject_id"),
                          commitment.c.determined_on.label("broken_on"))
                   .where(commitment.c.state == BROKEN_COMMITMENT,
                          commitment.c.determined_on.is_not(None)),
                   commitment.c.subject_id, subject_ids)


def _narrow(stmt: Select[Any], column: Any, subject_ids: Sequence[int] | None) -> Select[Any]:
    return stmt if subject_ids is None else stmt.where(column.in_(list(subject_ids)))


def selects(dialect: str, subject_ids: Sequence[int] | None = None) -> dict[str, Select[Any]]:
    """The sources for `dialect` (sqlite keeps dates as ISO text, PostgreSQL as dates)."""

    def as_date(expr: Any, *, timestamp: bool = False) -> Any:
        if dialect == "sqlite":
            return func.date(expr) if timestamp else expr
        return cast(expr, Date)

    t = load_all_tables().tables
    subject, record, override = t["subject"], t["record"], t["publication_override"]
    entry, objection = t["list_entry"], t["objection"]

    subjects = _narrow(select(subject.c.id.label("subject_id"),
                              as_date(subject.c.created_at, timestamp=True).label("registered_on"))
                       .where(subject.c.kind != PERSON, subject.c.merged_into_id.is_(None)),
                       subject.c.id, subject_ids)

    # A record's repair / revocation in force (not voided): the computation compares the
    # day it took effect with the evaluation day. A voided repair counts as never made.
    # One aggregate over the (small) override table joined in: no per-record subquery.
    undone = (select(override.c.record_id,
                     func.min(case((override.c.reason == "repaired", override.c.effective_on)))
                     .label("repaired_on"),
                     func.min(case((override.c.reason == "revoked", override.c.effective_on)))
                     .label("revoked_on"))
              .where(override.c.voided_on.is_(None)).group_by(override.c.record_id).subquery())

    # Severity as the publication judgement settled it (the provider's, or inferred from
    # the penalty kinds under the repair rules in force), so no JSON is read per record.
    judgement = t["publication_judgement"]
    penalties = _narrow(select(record.c.subject_id, record.c.decision_date,
                               judgement.c.severity, undone.c.repaired_on,
                               undone.c.revoked_on)
                        .select_from(record.outerjoin(judgement,
                                                      judgement.c.record_id == record.c.id)
                                     .outerjoin(undone, undone.c.record_id == record.c.id))
                        .where(record.c.record_type == "penalty"),
                        record.c.subject_id, subject_ids)

    # A listing counts from its decision until removed or until its listing period ends.
    lists = _narrow(select(entry.c.subject_id, entry.c.list_kind,
                           entry.c.decided_on,
                           func.coalesce(entry.c.removed_on, entry.c.listed_until)
                           .label("ended_on"))
                    .where(entry.c.decided_on.is_not(None),
                           entry.c.state.in_(("listed", "published", "removed"))),
                    entry.c.subject_id, subject_ids)

    objections = _narrow(select(objection.c.subject_id, objection.c.decided_on)
                         .where(objection.c.state.in_(("corrected", "revoked")),
                                objection.c.decided_on.is_not(None)),
                         objection.c.subject_id, subject_ids)

    industry = _narrow(select(record.c.subject_id,
                              record.c.data["grade"].as_string().label("grade"),
                              as_date(record.c.data["valid_from"].as_string()).label("valid_from"),
                              as_date(record.c.data["valid_to"].as_string()).label("valid_to"))
                       .where(record.c.record_type == INDUSTRY_TYPE),
                       record.c.subject_id, subject_ids)

    commitments = commitments_broken_source(subject_ids)
    if commitments is None:
        commitments = select(cast(null(), Integer).label("subject_id"),
                             cast(null(), Date).label("broken_on")).where(false())
    return {"g_subjects": subjects, "g_penalties": penalties, "g_lists": lists,
            "g_objections": objections, "g_industry": industry, "g_commitments": commitments}

