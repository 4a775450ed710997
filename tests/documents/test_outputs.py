"""Every file the platform hands out that carries text someone else wrote is formula-safe:
the public column export (departments' facts) and the batch check result (applicants'
names), read back as a clerk's spreadsheet would read them."""

from __future__ import annotations

import csv
from datetime import timedelta

from typer.testing import CliRunner

from tests.accounts.helpers import ACTORS, client_as
from tests.documents.test_tabular import HOSTILE, read_csv
from tests.factories import penalty
from tests.ingest.helpers import push
from xinyong.accounts import Role
from xinyong.cli.main import app
from xinyong.core import clock

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cells(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows for cell in row]


def test_the_public_column_export_neutralises_departments_text(engine, settings) -> None:
    decided = clock.today() - timedelta(days=10)
    push(engine, settings, "penalty", [
        penalty(document_number=f"示市监处罚〔2026〕{i}号", penalty_content=h,
                violation_type=h, decision_date=decided.isoformat())
        for i, h in enumerate(HOSTILE, start=1)], received_on=decided + timedelta(days=1))
    with client_as(settings, ACTORS[Role.PUBLIC]) as c:
        r = c.get("/api/v1/columns/penalty/export.csv")
    assert r.status_code == 200
    rows = read_csv(r.content)
    header = rows[0]
    content = [row[header.index("处罚内容")] for row in rows[1:]]
    assert len(content) == len(HOSTILE)
    # what ingest kept of each value (it trims surrounding whitespace), behind a quote
    assert sorted(content) == sorted("'" + h.strip() for h in HOSTILE)
    assert not [c for c in _cells(rows) if c.startswith(FORMULA_START)]


def test_the_batch_check_result_neutralises_applicants_names(engine, settings,
                                                             tmp_path) -> None:
    applicants = tmp_path / "投标人.csv"
    with applicants.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["名称"])
        writer.writerows([h] for h in HOSTILE)
    out = tmp_path / "结果.csv"
    env = {"XINYONG_DATABASE_URL": settings.database_url,
           "XINYONG_VAR_DIR": str(settings.var_dir), "XINYONG_SECRET_KEY": settings.secret_key}
    result = CliRunner().invoke(app, ["check", "--file", str(applicants), "-o", str(out),
                                      "--json"], env=env)
    assert result.exit_code == 0, result.output
    rows = read_csv(out.read_bytes())
    names = [row[rows[0].index("名称")] for row in rows[1:]]
    assert names == ["'" + h.strip() for h in HOSTILE]
    assert not [c for c in _cells(rows) if c.startswith(FORMULA_START)]
