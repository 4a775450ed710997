"""`xinyong objections overdue|report`, `xinyong repair overdue|notices` and
`xinyong exchange export`: the credit office's commands for subjects' rights work."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import delete, select
from typer.testing import CliRunner

from tests.accounts.helpers import ACTORS
from tests.factories import penalty
from tests.ingest.helpers import push
from xinyong.accounts import Role
from xinyong.cli.main import app
from xinyong.core import attachments, clock
from xinyong.core.db import unit_of_work
from xinyong.core.workdays import load_calendar
from xinyong.ingest import Record
from xinyong.objections import service as objections
from xinyong.objections.clocks import load_clocks
from xinyong.repair import service as repair
from xinyong.repair.tables import RepairApplication, RepairNotice

runner = CliRunner()
PDF = attachments.Upload("凭证.pdf", b"%PDF-1.4\n%%EOF\n")


def _env(settings):
    return {"XINYONG_DATABASE_URL": settings.database_url, "XINYONG_VAR_DIR": str(settings.var_dir),
            "XINYONG_SECRET_KEY": settings.secret_key, "COLUMNS": "200"}


def test_overdue_report_and_exchange_export(engine, settings, tmp_path):
    today = clock.today()
    decided = today - timedelta(days=200)
    push(engine, settings, "penalty", [
        penalty(decision_date=decided.isoformat(),
                penalty_valid_until=(decided + timedelta(days=365)).isoformat()),
        penalty(document_number="示市监处罚〔2026〕2号", decision_date=decided.isoformat(),
                penalty_valid_until=(decided + timedelta(days=365)).isoformat())],
        received_on=decided + timedelta(days=1), today=today)
    env = _env(settings)
    with unit_of_work(engine) as s:
        r1, r2 = s.scalars(select(Record.id).order_by(Record.id)).all()
        cal = load_calendar(s)
        # Filed 20 days ago: its 5-working-day decision clock has run out.
        objections.file_objection(s, ACTORS[Role.SUBJECT], objections.Filing(
            "record", r1, "金额有误"), clocks=load_clocks(), calendar=cal,
            secret=settings.secret_key, today=today - timedelta(days=20))
        app_ = repair.apply(s, ACTORS[Role.SUBJECT], repair.Application(
            r2, "已缴纳罚款", True, (PDF,)), calendar=cal)
        repair.accept(s, app_.id, ACTORS[Role.DATA_OFFICER], calendar=cal)
        repair.approve(s, app_.id, ACTORS[Role.DATA_OFFICER], "已履行", calendar=cal)
        app_id = app_.id
    result = runner.invoke(app, ["objections", "overdue", "--json"], env=env)
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["total"] == 1 and body["items"][0]["step"] == "decide"
    assert body["items"][0]["working_days_late"] >= 5
    result = runner.invoke(app, ["objections", "report", "--json"], env=env)
    assert json.loads(result.output)[0]["records"] == 2
    result = runner.invoke(app, ["exchange", "export", "--out", str(tmp_path / "out")], env=env)
    assert result.exit_code == 0 and "已导出 1 条" in result.output, result.output
    lines = next((tmp_path / "out").glob("*.jsonl")).read_text("utf-8").splitlines()
    assert json.loads(lines[0])["kind"] == "repair.approved"
    with unit_of_work(engine) as s:
        assert s.get(RepairApplication, app_id).state == "synced"  # type: ignore[union-attr]
    result = runner.invoke(app, ["exchange", "export", "--out", str(tmp_path / "out")], env=env)
    assert "已导出 0 条" in result.output  # nothing is sent twice
    with unit_of_work(engine) as s:
        s.execute(delete(RepairNotice))
    result = runner.invoke(app, ["repair", "notices"], env=env)
    assert "已签发 2 份" in result.output
