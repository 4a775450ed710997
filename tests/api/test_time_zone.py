"""Beijing dates whatever the server's zone: the process runs in UTC; at 21:30 UTC on
2 March 2026 it is 05:30 on 3 March in Beijing, and a batch pushed then is received on
3 March."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, tzinfo

from sqlalchemy import select

from tests.api.test_batches_api import OFFICER, _client
from tests.factories import penalty
from xinyong.core import clock
from xinyong.ingest import Batch, Record

INSTANT = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)


class _Frozen(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        return INSTANT.astimezone(tz) if tz else INSTANT.astimezone().replace(tzinfo=None)


def test_a_push_at_0530_beijing_is_received_that_day(engine, settings, monkeypatch):
    assert time.localtime().tm_gmtoff == 0  # the suite runs the process in UTC
    monkeypatch.setattr(clock, "datetime", _Frozen)
    assert clock.today() == date(2026, 3, 3)
    with _client(settings, OFFICER) as c:
        r = c.post("/api/v1/batches/penalty", json=[penalty(
            decision_date="2026-02-27", penalty_valid_until="2027-02-27")])
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 1
    with engine.connect() as conn:
        assert conn.execute(select(Batch.received_on)).scalar_one() == date(2026, 3, 3)
        assert conn.execute(select(Record.received_on)).scalar_one() == date(2026, 3, 3)
        started = conn.execute(select(Batch.started_at)).scalar_one()
    assert started == datetime(2026, 3, 3, 5, 30)  # naive wall-clock time in Beijing
