from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Engine

from tests.factories import PROVIDER
from xinyong.catalog import Catalog, default_catalog
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Problem
from xinyong.core.settings import Settings
from xinyong.core.workdays import load_calendar
from xinyong.ingest import BatchInput, BatchSummary, ingest, json_rows
from xinyong.ingest.runner import audit_batch, operator_actor


def push(engine: Engine, settings: Settings, record_type: str, rows: Sequence[dict[str, Any]],
         *, received_on: date = date(2026, 11, 27), provider: str = PROVIDER,
         atomic: bool = False, chunk_rows: int = 2000,
         today: date | None = None, catalog: Catalog | None = None
         ) -> tuple[BatchSummary, list[Problem]]:
    """Ingest rows as an API push does, audit entry included (it binds the batch's record
    digest, which `xinyong audit verify` checks)."""
    rt = (catalog or default_catalog()).get(record_type)
    problems: list[Problem] = []
    with unit_of_work(engine) as session:
        summary = ingest(session, BatchInput(record_type=rt, provider_uscc=provider,
                                             operator="tester", channel="api",
                                             received_on=received_on, atomic=atomic),
                         json_rows(list(rows), rt), calendar=load_calendar(session),
                         secret=settings.secret_key, today=today or max(received_on,
                                                                        clock.today()),
                         chunk_rows=chunk_rows, on_problem=problems.append)
        audit_batch(session, operator_actor("tester"), summary, "api")
    return summary, problems
