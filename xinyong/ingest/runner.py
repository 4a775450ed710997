"""Run one file batch end to end in one transaction (used by the cli and the demo loader)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from xinyong.catalog import Catalog
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


def default_errors_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}_错误.csv")


def run_file_batch(engine: Engine, catalog: Catalog, settings: Settings, job: FileBatch, *,
                   on_progress: Callable[[int], None] | None = None,
                   ) -> tuple[BatchSummary, Path | None]:
    rt = catalog.get(job.record_type)
    source = open_rows(job.path, rt, job.fmt)
    errors_path = job.errors_path or default_errors_path(job.path)
    with ErrorFile(errors_path) as errors, unit_of_work(engine) as session:
        summary = ingest(
            session,
            BatchInput(record_type=rt, provider_uscc=job.provider_uscc, operator=job.operator,
                       channel="file", received_on=job.received_on, file_name=job.path.name,
                       file_sha256=source.sha256, atomic=job.atomic),
            source.rows, calendar=load_calendar(session), secret=settings.secret_key,
            today=date.today(), chunk_rows=settings.ingest_chunk_rows,
            on_problem=errors.add, on_progress=on_progress)
    return summary, (errors_path if errors.count else None)
