"""Finding 1 of #14: the secret key is never a built-in default. Without configuration it is
generated on the first run into the var directory (owner-only) and reused; example values
are refused at start; a cookie signed with the old built-in key signs nobody in."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from pydantic import ValidationError
from typer.testing import CliRunner

from tests.accounts.helpers import make_account
from xinyong.accounts import Role
from xinyong.api.app import create_app, session_secret
from xinyong.cli.main import app as cli
from xinyong.core.errors import ConfigError
from xinyong.core.keys import SECRET_KEY_FILE, load_secret_key, with_secret_key
from xinyong.core.settings import DEV_SECRET, Settings

ENV_EXAMPLE = Path(__file__).parents[2] / ".env.example"


@pytest.fixture(autouse=True)
def _no_configured_key(monkeypatch, tmp_path):
    monkeypatch.delenv("XINYONG_SECRET_KEY", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_var_dir_gets_an_owner_only_key_reused_after(tmp_path):
    var = tmp_path / "fresh" / "var"
    first = with_secret_key(Settings(var_dir=var))
    key_file = var / SECRET_KEY_FILE
    assert _mode(key_file) == 0o600 and _mode(var) == 0o700
    assert len(first.secret_key) >= 32 and first.secret_key != DEV_SECRET
    # The next start reads the same key back; another installation gets another key.
    assert with_secret_key(Settings(var_dir=var)).secret_key == first.secret_key
    assert with_secret_key(Settings(var_dir=tmp_path / "other")).secret_key != first.secret_key


def test_a_key_file_others_can_read_is_refused(tmp_path):
    load_secret_key(tmp_path)
    (tmp_path / SECRET_KEY_FILE).chmod(0o644)
    with pytest.raises(ConfigError) as exc:
        load_secret_key(tmp_path)
    assert "chmod 600" in exc.value.message


def _example_value() -> str:
    line = next(x for x in ENV_EXAMPLE.read_text("utf-8").splitlines()
                if x.lstrip("# ").startswith("XINYONG_SECRET_KEY="))
    return line.split("=", 1)[1].strip()


@pytest.mark.parametrize("value", ["change-me", DEV_SECRET, "", "CHANGE-ME", "__example__"])
def test_placeholder_keys_are_refused(value):
    value = _example_value() if value == "__example__" else value
    with pytest.raises(ValidationError) as exc:
        Settings(secret_key=value)
    assert "XINYONG_SECRET_KEY" in str(exc.value)


def test_short_keys_are_refused_in_production_only():
    Settings(secret_key="a-short-test-key")
    with pytest.raises(ValidationError):
        Settings(secret_key="a-short-test-key", environment="production")
    Settings(secret_key="x" * 32, environment="production")


def test_the_cli_refuses_a_placeholder_at_start(monkeypatch, tmp_path):
    monkeypatch.setenv("XINYONG_SECRET_KEY", "change-me")
    monkeypatch.setenv("XINYONG_VAR_DIR", str(tmp_path / "var"))
    r = CliRunner().invoke(cli, ["db", "upgrade"])
    assert r.exit_code == 2
    assert "XINYONG_SECRET_KEY" in r.output and "Traceback" not in r.output


def _old_cookie(data: dict[str, object]) -> str:
    """A session cookie as the old code signed it, with the built-in key."""
    old = Settings(secret_key="placeholder-for-derivation").model_copy(
        update={"secret_key": DEV_SECRET})
    payload = base64.b64encode(json.dumps(data).encode())
    return TimestampSigner(session_secret(old)).sign(payload).decode()


def test_a_cookie_signed_with_the_old_built_in_key_signs_nobody_in(database_url, engine,
                                                                   tmp_path):
    make_account(engine, "root", Role.ADMIN, password="a long password")
    settings = Settings(database_url=database_url, var_dir=tmp_path / "var")  # dev, no key
    app = create_app(settings)
    assert (tmp_path / "var" / SECRET_KEY_FILE).exists()
    with TestClient(app, base_url="https://testserver") as c:
        for data in ({"account_id": 1}, {"account_id": 1, "sid": "s-" + "x" * 43}):
            c.cookies.set("xinyong_session", _old_cookie(data))
            assert c.get("/api/v1/me").json()["role"] == "public"
            # Nobody signed in: 401 (security-api: no credentials is 401, not 403).
            assert c.get("/api/v1/audit/entries").status_code == 401
