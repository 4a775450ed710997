"""A breach as a 违背信用承诺失信信息 record (catalog type `commitment_breach`), sent through
the ingest path like any record and judged for publication like any record. Apart from
intake.py (rows in), so that the service that determines a breach and the intake that creates
commitments from rows do not import each other."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.accounts import Actor
from xinyong.commitments import rules
from xinyong.commitments.tables import Commitment
from xinyong.core.workdays import WorkingCalendar

BREACH_TYPE = "commitment_breach"


def breach_row(c: Commitment) -> dict[str, Any]:
    """The 违背信用承诺失信信息 row of a broken commitment, by catalog field name."""
    return {
        "subject_name": c.committer_name,
        "subject_category": rules.CATEGORIES.get(c.committer_category, "法人及非法人组织"),
        "subject_uscc": c.committer_code, "document_number": c.code,
        "commitment_kind": rules.KINDS[c.kind], "reason": c.reason,
        "fulfilment": rules.FULFILMENTS[c.fulfilment or "not_kept"],
        "unfulfilled_content": c.unfulfilled_content,
        "liability_pursued": c.liability_pursued,
        "decision_date": c.determined_on.isoformat() if c.determined_on else None,
        "publish_until": (c.breach_published_until.isoformat()
                          if c.breach_published_until else None),
        "accepting_name": c.accepting_name, "provider_name": c.determined_by_name,
        "provider_uscc": c.determined_by_uscc}


def breach_record(session: Session, actor: Actor, c: Commitment, *, secret: str,
                  calendar: WorkingCalendar, today: date) -> int:
    """Send the breach of `c` through the ingest path as one record of `commitment_breach`
    (provider: the 认定单位), audited as a batch; link it to the commitment."""
    from xinyong.catalog import default_catalog
    from xinyong.ingest import BatchInput, Record, ingest
    from xinyong.ingest.runner import audit_batch

    rt = default_catalog().get(BREACH_TYPE)
    provider = c.determined_by_uscc or c.accepting_uscc
    summary = ingest(session, BatchInput(
        record_type=rt, provider_uscc=provider, operator=actor.name[:100],
        channel="commitment", received_on=today, file_name=c.code,
        provider_name=c.determined_by_name or c.accepting_name, atomic=True),
        [(1, breach_row(c))], calendar=calendar, secret=secret, today=today)
    audit_batch(session, actor, summary, "commitment")
    rid = session.scalar(select(Record.id).where(
        Record.record_type == BREACH_TYPE, Record.natural_key == c.code)
        .order_by(Record.id.desc()).limit(1))
    c.breach_record_id = rid
    return int(rid or 0)
