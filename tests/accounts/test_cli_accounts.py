"""`xinyong accounts ...`: first administrator, accounts, keys issued, rotated, revoked; the
CLI operator is an audited admin actor."""

from __future__ import annotations

import json

from sqlalchemy import select
from typer.testing import CliRunner

from tests.accounts.helpers import client_as
from tests.factories import PROVIDER, penalty, write_csv
from xinyong.accounts.tables import Account, ApiKey
from xinyong.audit import AuditEntry
from xinyong.cli.main import app as cli
from xinyong.core.db import unit_of_work

runner = CliRunner()


def _run(settings, *args: str, input: str | None = None):  # noqa: A002
    return runner.invoke(cli, list(args), obj=settings, input=input)


def test_first_admin_then_a_department_key(engine, settings):
    r = _run(settings, "accounts", "create-admin", "root", "--password-stdin",
             "--operator", "ops", input="a long password\n")
    assert r.exit_code == 0, r.output
    r = _run(settings, "departments", "add", PROVIDER, "--name", "示范市市场监督管理局",
             "--class", "enforcement")
    assert r.exit_code == 0, r.output
    r = _run(settings, "accounts", "create", "sjj", "--role", "data_officer", "--department",
             PROVIDER, "--no-password")
    assert r.exit_code == 0, r.output
    r = _run(settings, "accounts", "key-issue", "sjj", "--json")
    assert r.exit_code == 0, r.output
    issued = json.loads(r.stdout)
    with unit_of_work(engine) as s:
        root = s.scalar(select(Account).where(Account.name == "root"))
        assert root is not None and root.password_hash.startswith("$argon2id$")
        stored = s.scalar(select(ApiKey))
        assert stored is not None and issued["key"] not in stored.key_hash  # only a hash
        ops = s.scalar(select(AuditEntry).where(AuditEntry.action == "account.create"))
        assert ops is not None and (ops.actor_name, ops.role, ops.client) == ("ops", "admin",
                                                                               "cli")
    with client_as(settings, None) as c:
        ok = c.post("/api/v1/batches/penalty", json=[penalty()],
                    headers={"X-API-Key": issued["key"]})
        assert ok.status_code == 200
        r = _run(settings, "accounts", "key-rotate", str(issued["id"]), "--json")
        rotated = json.loads(r.stdout)
        assert c.get("/api/v1/me", headers={"X-API-Key": issued["key"]}).status_code == 401
        assert c.get("/api/v1/me", headers={"X-API-Key": rotated["key"]}).json()["name"] == "sjj"
        assert _run(settings, "accounts", "key-revoke", str(rotated["id"])).exit_code == 0
        assert c.get("/api/v1/me", headers={"X-API-Key": rotated["key"]}).status_code == 401
    listed = json.loads(_run(settings, "accounts", "keys", "--json").stdout)
    assert len(listed) == 2 and all(k["revoked_at"] for k in listed)
    assert "key" not in listed[0]


def test_short_passwords_and_duplicates_are_refused(engine, settings):
    assert _run(settings, "accounts", "create-admin", "root", "--password-stdin",
                input="short\n").exit_code == 2
    assert _run(settings, "accounts", "create-admin", "root", "--password-stdin",
                input="a long password\n").exit_code == 0
    r = _run(settings, "accounts", "create-admin", "root", "--password-stdin",
             input="a long password\n")
    assert r.exit_code == 2 and "已存在" in r.output


def test_cli_ingest_is_audited_as_the_operator(engine, settings, tmp_path):
    path = write_csv(tmp_path / "p.csv", "penalty", [penalty()])
    r = _run(settings, "ingest", str(path), "--type", "penalty", "--provider", PROVIDER,
             "--operator", "zhang", "--json")
    assert r.exit_code == 0, r.output
    with unit_of_work(engine) as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "batch.ingest"))
    assert entry is not None and (entry.actor_name, entry.role) == ("zhang", "admin")
    details = json.loads(entry.details)
    assert (details["record_type"], details["accepted"], details["channel"]) == (
        "penalty", 1, "file")
