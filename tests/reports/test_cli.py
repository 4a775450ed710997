"""`xinyong report make / verify / keys`: a PDF and a JSON report made from the shell verify
with the exported public keyring only; rotation keeps them valid, revocation refuses them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.cli.test_cli import _env
from tests.reports.helpers import COMPANY, penalty, push_rows
from xinyong.cli.main import app

runner = CliRunner()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_make_verify_rotate_revoke(engine, settings, tmp_path):
    push_rows(engine, settings, "penalty", [penalty()])
    env = _env(settings)
    pdf, js, ring = tmp_path / "r.pdf", tmp_path / "r.json", tmp_path / "keys.json"
    made = runner.invoke(app, ["report", "make", "--uscc", COMPANY, "-o", str(pdf)], env=env)
    assert made.exit_code == 0, made.output
    made = runner.invoke(app, ["report", "make", "--uscc", COMPANY, "--special", "ecology",
                               "--special", "market_regulation", "--json", "-o", str(js)],
                         env=env)
    assert made.exit_code == 0, made.output
    doc = json.loads(js.read_text("utf-8"))
    assert [d["result"] for d in doc["report"]["domains"]] == ["无违法违规记录", "有相关记录 1 条"]
    assert runner.invoke(app, ["report", "keys", "export", "-o", str(ring)], env=env
                         ).exit_code == 0
    assert "private" not in ring.read_text() and "BEGIN PRIVATE" not in ring.read_text()

    def verdict(path):
        res = runner.invoke(app, ["report", "verify", str(path), "--keys", str(ring),
                                  "--json"], env=env)
        return res.exit_code, json.loads(res.output)["outcome"]

    assert verdict(pdf) == (0, "valid") and verdict(js) == (0, "valid")
    bad = tmp_path / "bad.json"
    bad.write_text(js.read_text("utf-8").replace("华盛", "华胜", 1), "utf-8")
    assert verdict(bad) == (1, "altered")
    kid = doc["signature"]["kid"]
    assert runner.invoke(app, ["report", "keys", "rotate"], env=env).exit_code == 0
    runner.invoke(app, ["report", "keys", "export", "-o", str(ring)], env=env)
    assert verdict(pdf) == (0, "valid")
    assert runner.invoke(app, ["report", "keys", "revoke", kid, "--reason", "测试吊销"],
                         env=env).exit_code == 0
    runner.invoke(app, ["report", "keys", "export", "-o", str(ring)], env=env)
    assert verdict(pdf) == (1, "revoked") and verdict(js) == (1, "revoked")
    listed = runner.invoke(app, ["report", "keys", "list"], env=env | {"COLUMNS": "200"})
    assert "revoked" in listed.output and "active" in listed.output
