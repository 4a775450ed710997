"""The monitoring commands: compute once, refused twice, recompute on purpose; the scorecard
as XLSX; warnings raised; deliver with nothing to push."""

from __future__ import annotations

from openpyxl import load_workbook
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.cli.test_cli import _env
from tests.monitoring.dataset import build
from xinyong.cli.main import app
from xinyong.core.db import unit_of_work

runner = CliRunner()


def test_monitoring_commands(engine: Engine, settings, tmp_path) -> None:
    with unit_of_work(engine) as session:
        build(session)
    env = _env(settings)
    first = runner.invoke(app, ["monitoring", "compute", "--period", "2026-11"], env=env)
    assert first.exit_code == 0 and "已计算统计期 2026-11" in first.output
    again = runner.invoke(app, ["monitoring", "compute", "--period", "2026-11"], env=env)
    assert again.exit_code == 2 and "period_computed" in again.output
    redo = runner.invoke(app, ["monitoring", "compute", "--period", "2026-11", "--recompute"],
                         env=env)
    assert redo.exit_code == 0 and "已重新计算" in redo.output
    bad = runner.invoke(app, ["monitoring", "compute", "--period", "2026-13"], env=env)
    assert bad.exit_code == 2 and "period_invalid" in bad.output
    out = tmp_path / "考核表.xlsx"
    card = runner.invoke(app, ["monitoring", "scorecard", "--period", "2026-11", "--scope",
                               "county", "--xlsx", str(out)], env=env)
    assert card.exit_code == 0, card.output
    assert load_workbook(out).worksheets[0].cell(2, 1).value == "350203"
    warn = runner.invoke(app, ["monitoring", "warn", "--as-of", "2026-12-07"], env=env)
    assert warn.exit_code == 0 and "新产生预警 3 条" in warn.output
    deliver = runner.invoke(app, ["monitoring", "deliver"], env=env)
    assert deliver.exit_code == 0 and "推送成功 0 条" in deliver.output
