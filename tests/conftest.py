"""Fixtures: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL unreachable is a failure, not a skip. Each run migrates once into its own schema
(PostgreSQL) or file (SQLite); tables are emptied after each test.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from xinyong.core import clock
from xinyong.core.db import build_engine, load_all_tables, upgrade
from xinyong.core.settings import Settings

# The platform takes its dates in Asia/Shanghai whatever the server's zone: the tests run
# the process in UTC so that any date taken from the server's clock shows up as a bug.
os.environ["TZ"] = "UTC"
time.tzset()

PG_URL = os.environ.get("XINYONG_TEST_POSTGRES_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "test.db"
        url = f"sqlite:///{path}"
        upgrade(build_engine(url))
        yield url
        return
    admin = build_engine(PG_URL)
    schema = f"t_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:  # fails loudly when PostgreSQL is unreachable
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    upgrade(build_engine(url))
    yield url
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, var_dir=tmp_path / "var",
                    secret_key="test-secret-key", environment="test")


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    from xinyong.core.db import engine_for

    eng = engine_for(settings)
    yield eng
    tables = list(reversed(load_all_tables().sorted_tables))
    with eng.begin() as conn:
        if eng.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(t.delete())


@pytest.fixture
def today() -> date:
    return clock.today()
