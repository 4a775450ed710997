"""Run from another directory, a command does not create an empty database and answer
"not found": it refuses (exit 2), naming the file it looked for and how to choose another."""

from __future__ import annotations

from typer.testing import CliRunner

from tests.factories import COMPANY, penalty
from tests.ingest.helpers import push
from xinyong.cli.main import app

runner = CliRunner()


def _no_database_settings(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # "another directory": no var/ here
    monkeypatch.delenv("XINYONG_DATABASE_URL", raising=False)
    monkeypatch.delenv("XINYONG_VAR_DIR", raising=False)
    return {"COLUMNS": "400", "XINYONG_SECRET_KEY": "test-secret-key"}


def test_a_command_in_another_directory_refuses_and_names_the_path(monkeypatch, tmp_path):
    env = _no_database_settings(monkeypatch, tmp_path)
    expected = tmp_path.resolve() / "var" / "xinyong.db"
    for args in (["subjects", "reviews"], ["check", "--uscc", COMPANY], ["calendar", "years"],
                 ["objections", "overdue"], ["serve"]):
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 2, (args, result.output)
        text = "".join(result.output.split())
        assert "找不到数据库文件" in text and "".join(str(expected).split()) in text, args
        assert "XINYONG_DATABASE_URL" in text and "XINYONG_VAR_DIR" in text
    assert not (tmp_path / "var").exists()  # nothing was created


def test_db_upgrade_creates_it_and_then_commands_run(monkeypatch, tmp_path):
    env = _no_database_settings(monkeypatch, tmp_path)
    result = runner.invoke(app, ["db", "upgrade"], env=env)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "var" / "xinyong.db").is_file()
    result = runner.invoke(app, ["subjects", "reviews", "--json"], env=env)
    assert result.exit_code == 0, result.output


def test_an_explicit_sqlite_url_to_a_missing_file_is_refused(monkeypatch, tmp_path):
    env = _no_database_settings(monkeypatch, tmp_path)
    missing = tmp_path / "elsewhere" / "credit.db"
    result = runner.invoke(app, ["calendar", "years"],
                           env={**env, "XINYONG_DATABASE_URL": f"sqlite:///{missing}"})
    assert result.exit_code == 2
    assert "".join(str(missing).split()) in "".join(result.output.split())
    assert not missing.parent.exists()


def test_the_configured_database_is_used_from_any_directory(engine, settings, monkeypatch,
                                                           tmp_path):
    # SQLite through XINYONG_DATABASE_URL, or PostgreSQL (never refused for a missing file).
    push(engine, settings, "penalty", [penalty()])
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", "--uscc", COMPANY, "--json"], env={
        "XINYONG_DATABASE_URL": settings.database_url, "XINYONG_SECRET_KEY": settings.secret_key,
        "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert COMPANY in result.output
