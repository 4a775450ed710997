"""Run one file batch end to end in one transaction (used by the cli and the demo loader)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, Role, authorize_write
from xinyong.catalog import Catalog
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.core.settings import Settings
from xinyong.core.workdays import load_calendar
from xinyong.ingest.errorfile import ErrorFile
from xinyong.ingest.readers import open_rows
from xinyong.ingest.service import BatchInput, BatchSummary, ingest


@dataclass(frozen=True)
class FileBatch:
    path: Path
    record_type: str
    provider_uscc: str
    operator: str
    received_on: date
    fmt: str | None = None
    errors_path: Path | None = None
    atomic: bool = False
    # Who submits; None: the operator running the CLI on the server, an administrator.
    actor: Actor | None = None


def operator_actor(name: str) -> Actor:
    """The CLI is run by the credit office's administrator on the server."""
    return Actor(role=Role.ADMIN, name=name, client="cli")


def audit_batch(session: Session, actor: Actor, summary: BatchSummary, channel: str) -> None:
    """Every batch is an audited write, in the batch's own transaction. The entry binds what
    the batch wrote into the chain: the number of record versions and their digest
    (`ingest.integrity`), which `xinyong audit verify` checks the stored records against."""
    audit.append(session, actor, "batch.ingest", details={
        "batch_id": summary.batch_id, "record_type": summary.record_type,
        "provider": summary.provider, "channel": channel,
        **{k: getattr(summary, k) for k in ("total", "accepted", "updated", "duplicates",
                                            "rejected", "late", "masked")},
        "versions": summary.versions_written, "records_digest": summary.records_digest,
        **({"code_reviews_closed": summary.code_reviews_closed}
           if summary.code_reviews_closed else {})})


def default_errors_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}_错误.csv")


def run_file_batch(engine: Engine, catalog: Catalog, settings: Settings, job: FileBatch, *,
                   on_progress: Callable[[int], None] | None = None,
                   ) -> tuple[BatchSummary, Path | None]:
    rt = catalog.get(job.record_type)
    actor = job.actor or operator_actor(job.operator)
    provider = authorize_write(actor, rt, job.provider_uscc)
    source = open_rows(job.path, rt, job.fmt)
    errors_path = job.errors_path or default_errors_path(job.path)
    with ErrorFile(errors_path) as errors, unit_of_work(engine) as session:
        summary = ingest(
            session,
            BatchInput(record_type=rt, provider_uscc=provider, operator=job.operator,
                       channel="file", received_on=job.received_on, file_name=job.path.name,
                       file_sha256=source.sha256, atomic=job.atomic,
                       earliest_date=settings.earliest_decision_date),
            source.rows, calendar=load_calendar(session), secret=settings.secret_key,
            today=clock.today(), chunk_rows=settings.ingest_chunk_rows,
            on_problem=errors.add, on_progress=on_progress)
        audit_batch(session, actor, summary, "file")
    return summary, (errors_path if errors.count else None)
