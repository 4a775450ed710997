"""`xinyong commitments import | overdue | coverage`."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.cli.test_cli import _env
from tests.commitments.helpers import COMPANY, NAME, PROVIDER, setup
from xinyong.cli.main import app
from xinyong.core.db import unit_of_work

runner = CliRunner()


def test_import_overdue_and_coverage(engine, settings, tmp_path):
    with unit_of_work(engine) as s:
        setup(s)
    f = tmp_path / "承诺.json"
    f.write_text(json.dumps([{
        "committer_uscc": COMPANY, "committer_name": NAME, "kind": "deficiency",
        "reason": "申请食品经营许可证", "content": "五日内补齐材料", "liability": "撤销受理",
        "made_on": "2026-11-02", "verify_due": "2026-11-09", "disclosure": "public"}],
        ensure_ascii=False), "utf-8")
    env = _env(settings)
    r = runner.invoke(app, ["commitments", "import", str(f), "--department", PROVIDER], env=env)
    assert r.exit_code == 0 and "已导入 1 条" in r.output, r.output
    r = runner.invoke(app, ["commitments", "overdue", "--json"], env=env)
    assert r.exit_code == 0 and json.loads(r.output)[0]["verify_due"] == "2026-11-09"
    r = runner.invoke(app, ["commitments", "coverage", "--by", "department", "--json"], env=env)
    assert r.exit_code == 0 and json.loads(r.output)[0]["commitments"] == 1
