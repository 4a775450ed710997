"""`xinyong publication judge|late|end` and `xinyong subjects reindex`."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from typer.testing import CliRunner

from tests.factories import penalty
from tests.ingest.helpers import push
from xinyong.cli.main import app
from xinyong.core.db import unit_of_work
from xinyong.ingest import Record

runner = CliRunner()


def _env(settings):
    return {"XINYONG_DATABASE_URL": settings.database_url, "XINYONG_VAR_DIR": str(settings.var_dir),
            "XINYONG_SECRET_KEY": settings.secret_key, "COLUMNS": "200"}


def test_commands(engine, settings):
    push(engine, settings, "penalty", [penalty(decision_date="2026-10-09")],
         received_on=date(2026, 11, 27))
    env = _env(settings)
    with unit_of_work(engine) as s:
        rid = s.scalar(select(Record.id))
    result = runner.invoke(app, ["publication", "late", "--json"], env=env)
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["total"] == 1 and body["items"][0]["id"] == rid
    result = runner.invoke(app, ["publication", "judge", "--all"], env=env)
    assert result.exit_code == 0 and "已判定 1 条" in result.output
    result = runner.invoke(app, ["publication", "end", str(rid), "--reason", "repaired",
                                 "--on", "2027-01-15"], env=env)
    assert result.exit_code == 0 and "2027-01-14" in result.output  # stops on the 15th
    result = runner.invoke(app, ["publication", "end", str(rid), "--reason", "x",
                                 "--on", "2027-01-15"], env=env)
    assert result.exit_code == 2 and "override_reason_unknown" in result.output
    result = runner.invoke(app, ["subjects", "reindex"], env=env)
    assert result.exit_code == 0 and "1 个名称" in result.output
