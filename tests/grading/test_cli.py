"""`xinyong grading run` and `xinyong inspections ...` (SQLite: the CLI is a thin layer)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from tests.accounts.helpers import make_account
from tests.factories import COMPANY, PROVIDER
from tests.grading.helpers import penalties, registered
from xinyong.accounts import Role
from xinyong.cli.main import app

runner = CliRunner()


def _env(settings) -> dict[str, str]:
    return {"XINYONG_DATABASE_URL": settings.database_url,
            "XINYONG_VAR_DIR": str(settings.var_dir), "XINYONG_SECRET_KEY": "test-secret-key"}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_grading_run_and_a_draw_from_the_command_line(engine, settings):
    penalties(engine, settings, [{"decision_date": "2026-11-20"}])
    registered(engine, COMPANY, date(2020, 1, 1))
    r = runner.invoke(app, ["grading", "run", "--as-of", "2026-12-01", "--json"],
                      env=_env(settings))
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["subjects"] == 1
    bad = runner.invoke(app, ["grading", "run", "--engine", "hadoop"], env=_env(settings))
    assert bad.exit_code == 2 and "engine_invalid" in bad.output
    for name in ("a", "b"):
        make_account(engine, name, Role.INSPECTOR, department=PROVIDER)
    args = ["inspections", "draw", "annual_report", "--department", PROVIDER, "--seed", "5",
            "--json"]
    first = json.loads(runner.invoke(app, args, env=_env(settings)).stdout)
    again = json.loads(runner.invoke(app, args, env=_env(settings)).stdout)
    assert first["subjects"] == again["subjects"] and first["seed"] == 5
    share = runner.invoke(app, ["inspections", "share", "--year", "2026", "--json"],
                          env=_env(settings))
    assert json.loads(share.stdout)["share"] == 1.0
