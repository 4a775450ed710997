from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Engine

from tests.factories import PROVIDER
from xinyong.catalog import default_catalog
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Problem
from xinyong.core.settings import Settings
from xinyong.core.workdays import load_calendar
from xinyong.ingest import BatchInput, BatchSummary, ingest, json_rows


def push(engine: Engine, settings: Settings, record_type: str, rows: Sequence[dict[str, Any]],
         *, received_on: date = date(2026, 11, 27), provider: str = PROVIDER,
         atomic: bool = False, chunk_rows: int = 2000,
         today: date | None = None) -> tuple[BatchSummary, list[Problem]]:
    rt = default_catalog().get(record_type)
    problems: list[Problem] = []
    with unit_of_work(engine) as session:
        summary = ingest(session, BatchInput(record_type=rt, provider_uscc=provider,
                                             operator="tester", channel="api",
                                             received_on=received_on, atomic=atomic),
                         json_rows(list(rows), rt), calendar=load_calendar(session),
                         secret=settings.secret_key, today=today or max(received_on,
                                                                        clock.today()),
                         chunk_rows=chunk_rows, on_problem=problems.append)
    return summary, problems
