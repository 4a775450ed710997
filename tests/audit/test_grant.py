"""On PostgreSQL the application role may only INSERT and SELECT audit entries."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError
from typer.testing import CliRunner

from tests.accounts.helpers import ACTORS
from xinyong import audit
from xinyong.accounts import Role
from xinyong.cli.main import app as cli
from xinyong.core.db import unit_of_work


def test_the_app_role_cannot_update_or_delete_the_log(engine, settings):
    if engine.dialect.name != "postgresql":
        r = CliRunner().invoke(cli, ["audit", "grant", "--role", "app"], obj=settings)
        assert r.exit_code == 2  # SQLite: verify is the check
        return
    role = f"xy_app_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        conn.execute(text(f'CREATE ROLE "{role}"'))
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
        conn.execute(text(f'GRANT UPDATE, DELETE ON audit_entry TO "{role}"'))  # to be revoked
    try:
        r = CliRunner().invoke(cli, ["audit", "grant", "--role", role], obj=settings)
        assert r.exit_code == 0, r.output
        with unit_of_work(engine) as s:
            s.execute(text(f'SET LOCAL ROLE "{role}"'))
            audit.append(s, ACTORS[Role.ADMIN], "test.insert")  # INSERT and SELECT work
        for stmt in ("UPDATE audit_entry SET action = 'x'", "DELETE FROM audit_entry"):
            with pytest.raises(ProgrammingError, match="permission denied"), \
                    unit_of_work(engine) as s:
                s.execute(text(f'SET LOCAL ROLE "{role}"'))
                s.execute(text(stmt))
        with unit_of_work(engine) as s:
            assert audit.verify(s).checked == 1
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'REVOKE ALL ON audit_entry FROM "{role}"'))
            conn.execute(text(f'REVOKE ALL ON SCHEMA "{schema}" FROM "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
