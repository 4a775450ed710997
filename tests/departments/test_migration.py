"""Migration 0013 on a database holding accounts: the departments the accounts (and the
classes set through them) implied become rows, accounts point at them, the class leaves the
provider table; downgrade puts it back. SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import Engine, text

from tests.conftest import BACKENDS, PG_URL
from tests.factories import OTHER_PROVIDER, PROVIDER
from xinyong.core.db import alembic_config, build_engine
from xinyong.subjects.uscc import make

SOURCE_ONLY = make("11", "350200", "00361317")  # supplies records, no account, no class


@pytest.fixture(params=BACKENDS)
def fresh(request, tmp_path) -> Iterator[Engine]:
    if request.param == "sqlite":
        eng = build_engine(f"sqlite:///{tmp_path / 'm.db'}")
        yield eng
        eng.dispose()
        return
    admin = build_engine(PG_URL)
    schema = f"m_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    eng = build_engine(f"{PG_URL}?options=-csearch_path%3D{schema}")
    yield eng
    eng.dispose()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def test_departments_implied_by_accounts_become_rows(fresh):
    cfg = alembic_config(fresh)
    command.upgrade(cfg, "0009_screening_pending")
    with fresh.begin() as c:
        c.execute(text(
            "INSERT INTO provider (uscc, name, department_class, created_at) VALUES "
            "(:a, '示范市市场监督管理局', 'enforcement', '2026-01-01'), "
            "(:b, '示范市财政局', NULL, '2026-01-01'), "
            "(:c, '示范市生态环境局', NULL, '2026-01-01')"),
            {"a": PROVIDER, "b": OTHER_PROVIDER, "c": SOURCE_ONLY})
        c.execute(text(
            "INSERT INTO account (name, role, provider_id, failed_logins, active, created_at) "
            "VALUES ('sjj', 'data_officer', 1, 0, true, '2026-01-01'), "
            "('czj', 'case_officer', 2, 0, true, '2026-01-01'), "
            "('root', 'admin', NULL, 0, true, '2026-01-01')"))
        c.execute(text("INSERT INTO api_key (account_id, prefix, key_hash, created_at) "
                       "VALUES (1, 'abcdefgh', 'x', '2026-01-01')"))
    command.upgrade(cfg, "heads")
    with fresh.begin() as c:
        assert c.execute(text("SELECT code, department_class, region_code FROM department "
                              "ORDER BY id")).all() == [
            (PROVIDER, "enforcement", "350200"), (OTHER_PROVIDER, None, "350200")]
        assert c.execute(text("SELECT a.name, d.code FROM account a LEFT JOIN department d "
                              "ON d.id = a.department_id ORDER BY a.id")).all() == [
            ("sjj", PROVIDER), ("czj", OTHER_PROVIDER), ("root", None)]
        assert c.execute(text("SELECT count(*) FROM api_key")).scalar() == 1
    command.downgrade(cfg, "0009_screening_pending")
    with fresh.begin() as c:
        assert c.execute(text("SELECT a.name, p.uscc, p.department_class FROM account a "
                              "JOIN provider p ON p.id = a.provider_id ORDER BY a.id")).all() \
            == [("sjj", PROVIDER, "enforcement"), ("czj", OTHER_PROVIDER, None)]
    command.upgrade(cfg, "heads")
