"""The data officer's commands: template, ingest (progress, summary, --json), quality."""

from __future__ import annotations

import json

from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.factories import PROVIDER, penalty, write_csv, write_xlsx
from xinyong.cli.main import app
from xinyong.core.db import unit_of_work
from xinyong.ingest import Batch

runner = CliRunner()


def _env(settings):
    return {"XINYONG_DATABASE_URL": settings.database_url,
            "XINYONG_VAR_DIR": str(settings.var_dir),
            "XINYONG_SECRET_KEY": settings.secret_key, "COLUMNS": "200"}


def test_template_has_chinese_headers_and_guidance(tmp_path):
    out = tmp_path / "处罚模板.xlsx"
    result = runner.invoke(app, ["template", "penalty", "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    headers = [c.value for c in wb.worksheets[0][1]]
    assert headers[:3] == ["行政相对人名称", "行政相对人类别", "行政相对人代码_1(统一社会信用代码)"]
    assert "行政处罚决定书文号" in headers
    guide = wb["填报说明"]
    assert any("中华人民共和国行政处罚法" in str(c.value) for row in guide.iter_rows()
               for c in row)


def test_template_format_follows_the_file_name(tmp_path):
    out = tmp_path / "处罚模板.csv"
    assert runner.invoke(app, ["template", "penalty", "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8-sig").startswith("行政相对人名称,")
    clash = runner.invoke(app, ["template", "penalty", "--format", "xlsx", "-o", str(out)])
    assert clash.exit_code == 2 and "不一致" in clash.output


def test_template_round_trips_through_ingest(engine, settings, tmp_path):
    out = tmp_path / "t.xlsx"
    runner.invoke(app, ["template", "penalty", "-o", str(out)])
    wb = load_workbook(out)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    from xinyong.catalog import default_catalog

    by_header = {f.header: f.name for f in default_catalog().get("penalty").fields}
    row = penalty()
    ws.append([row.get(by_header[h]) for h in headers])
    wb.save(out)
    result = runner.invoke(app, ["ingest", str(out), "--type", "penalty", "--provider", PROVIDER,
                                 "--json"], env=_env(settings))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["accepted"] == 1


def test_ingest_json_summary_and_error_file(engine, settings, tmp_path):
    path = write_csv(tmp_path / "处罚数据.csv", "penalty",
                     [penalty(), penalty(document_number="B", subject_uscc="913502007760496530")])
    result = runner.invoke(app, ["ingest", str(path), "--type", "penalty", "--provider",
                                 PROVIDER, "--received-on", "2026-11-27", "--json"],
                           env=_env(settings))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert {k: summary[k] for k in ("total", "accepted", "rejected", "duplicates", "updated",
                                    "late")} == {"total": 2, "accepted": 1, "rejected": 1,
                                                 "duplicates": 0, "updated": 0, "late": 0}
    errors = tmp_path / "处罚数据_错误.csv"
    assert summary["errors_file"] == str(errors)
    assert "统一社会信用代码校验位错误" in errors.read_text(encoding="utf-8-sig")


def test_ingest_human_summary(engine, settings, tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", "penalty", [penalty()])
    result = runner.invoke(app, ["ingest", str(path), "--type", "penalty", "--provider",
                                 PROVIDER], env=_env(settings))
    assert result.exit_code == 0, result.output
    assert "归集结果" in result.output and "accepted" in result.output


def test_ingest_unknown_type_and_bad_provider_are_clear(engine, settings, tmp_path):
    path = write_csv(tmp_path / "p.csv", "penalty", [penalty()])
    r1 = runner.invoke(app, ["ingest", str(path), "--type", "fine", "--provider", PROVIDER],
                       env=_env(settings))
    assert r1.exit_code == 2 and "record_type_unknown" in r1.output
    r2 = runner.invoke(app, ["ingest", str(path), "--type", "penalty", "--provider",
                             PROVIDER[:-1] + "0", "--json"], env=_env(settings))
    assert r2.exit_code == 2
    assert json.loads(r2.stdout)["code"] == "uscc_checksum"


def test_quality_reports_compliance_and_timeliness(engine, settings, tmp_path):
    rows = [penalty(document_number=str(i), decision_date="2026-11-02") for i in range(3)]
    rows.append(penalty(document_number="late", decision_date="2026-10-09"))
    rows.append(penalty(document_number="bad", fine_amount="-1"))
    path = write_csv(tmp_path / "p.csv", "penalty", rows)
    runner.invoke(app, ["ingest", str(path), "--type", "penalty", "--provider", PROVIDER,
                        "--received-on", "2026-11-06"], env=_env(settings))
    result = runner.invoke(app, ["quality", "--json"], env=_env(settings))
    assert result.exit_code == 0, result.output
    [q] = json.loads(result.stdout)
    assert (q["submitted"], q["valid"], q["late"], q["on_time"]) == (5, 4, 1, 3)
    assert q["compliance_rate"] == 0.8 and q["timeliness_rate"] == 0.75
    human = runner.invoke(app, ["quality"], env=_env(settings))
    assert "80.0%" in human.output and "75.0%" in human.output


def test_calendar_add_command(engine, settings, tmp_path):
    path = tmp_path / "2027.yaml"
    path.write_text("year: 2027\nsource: 测试用安排\nholidays:\n"
                    "  - {name: 元旦, from: 2027-01-01, to: 2027-01-01}\n", encoding="utf-8")
    result = runner.invoke(app, ["calendar", "add", str(path)], env=_env(settings))
    assert result.exit_code == 0, result.output
    years = runner.invoke(app, ["calendar", "years"], env=_env(settings))
    assert "2027" in years.output


def test_db_upgrade_is_idempotent(engine, settings):
    result = runner.invoke(app, ["db", "upgrade"], env=_env(settings))
    assert result.exit_code == 0, result.output


def test_demo_data_ingests_with_exactly_the_planted_errors(engine, settings, tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo-data", "--subjects", "120", "--seed", "3", "-o", str(out),
                                 "--today", "2026-11-27", "--ingest"], env=_env(settings))
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    planted = sum(len(f["errors"]) for f in manifest["files"])
    rows = sum(f["rows"] for f in manifest["files"])
    q = json.loads(runner.invoke(app, ["quality", "--json"], env=_env(settings)).stdout)
    # Besides the files, the demo's departments report through other channels (the tax
    # bureau's results, inspection results, a breach): all valid rows.
    with unit_of_work(engine) as s:
        from_files = s.scalar(select(func.sum(Batch.total)).where(Batch.channel == "file"))
    assert from_files == rows < sum(p["submitted"] for p in q)
    assert sum(p["submitted"] - p["valid"] for p in q) == planted > 0
    assert sum(p["late"] for p in q) > 0


def test_ingest_indexes_the_batch_names_for_the_check_once_committed(engine, settings,
                                                                      tmp_path):
    """The first case officer's check after a batch does not wait for its new names: the
    ingest command indexes them after the commit; `screening refresh` finds nothing left."""
    from xinyong.screening.tables import ScreeningName, ScreeningPending

    path = write_csv(tmp_path / "p.csv", "penalty", [penalty()])
    result = runner.invoke(app, ["ingest", str(path), "--type", "penalty", "--provider",
                                 PROVIDER, "--json"], env=_env(settings))
    assert result.exit_code == 0, result.output
    with unit_of_work(engine) as s:
        assert s.scalar(select(func.count()).select_from(ScreeningPending)) == 0
        assert list(s.scalars(select(ScreeningName.name))) == [penalty()["subject_name"]]
    again = runner.invoke(app, ["screening", "refresh", "--json"], env=_env(settings))
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout.strip().splitlines()[-1]) == {"indexed": 0}
