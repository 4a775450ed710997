"""`xinyong inspections avoid | avoidances | draw` (SQLite: the CLI is a thin layer)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.accounts.helpers import make_account
from tests.factories import COMPANY, PROVIDER
from tests.grading.helpers import penalties
from tests.grading.test_cli import _env
from xinyong.accounts import Role
from xinyong.cli.main import app

runner = CliRunner()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_declared_avoidance_shows_in_the_draw(engine, settings):
    penalties(engine, settings, [{"decision_date": "2026-11-20"}])  # COMPANY, ungraded
    for name in ("a", "b", "c"):
        make_account(engine, name, Role.INSPECTOR, department=PROVIDER)
    declared = runner.invoke(app, ["inspections", "avoid", "--inspector", "a", "--uscc", COMPANY,
                                   "--reason", "配偶在该企业任职", "--json"], env=_env(settings))
    assert declared.exit_code == 0, declared.output
    assert json.loads(declared.stdout)["subject_uscc"] == COMPANY
    listed = json.loads(runner.invoke(app, ["inspections", "avoidances", "--json"],
                                      env=_env(settings)).stdout)
    assert [(d["inspector"], d["subject_uscc"]) for d in listed] == [("a", COMPANY)]
    again = runner.invoke(app, ["inspections", "avoid", "--inspector", "a", "--uscc", COMPANY,
                                "--reason", "配偶在该企业任职"], env=_env(settings))
    assert again.exit_code != 0 and "已申报" in again.output
    drawn = json.loads(runner.invoke(app, ["inspections", "draw", "annual_report",
                                           "--department", PROVIDER, "--seed", "9", "--json"],
                                     env=_env(settings)).stdout)
    assert drawn["sampled"] == 1 and drawn["excluded_avoidance"] == 1
