"""Engine, sessions, metadata and migrations.

Services never commit: the caller (an API dependency, a CLI command) owns one transaction,
which is what makes a batch all-or-nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event, inspect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from xinyong.core.settings import Settings

# Identical constraint names on SQLite and PostgreSQL keep migrations portable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Every domain that owns tables; imported so that Base.metadata is complete for Alembic.
TABLE_MODULES = (
    "xinyong.core.calendar_tables",
    "xinyong.subjects.tables",
    "xinyong.ingest.tables",
    "xinyong.subjects.search_tables",
    "xinyong.publication.tables",
    "xinyong.departments.tables", "xinyong.accounts.tables",
    "xinyong.audit.tables",
    "xinyong.lists.tables", "xinyong.screening.tables", "xinyong.measures.tables",
    "xinyong.core.attachments", "xinyong.objections.tables", "xinyong.repair.tables",
    "xinyong.exchange.tables", "xinyong.grading.tables", "xinyong.inspections.tables",
    "xinyong.recordstate.tables",
    "xinyong.notices.tables",
    "xinyong.commitments.tables",
    "xinyong.reports.tables",
    "xinyong.monitoring.tables",
)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def load_all_tables() -> MetaData:
    for name in TABLE_MODULES:
        importlib.import_module(name)
    return Base.metadata


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    # WAL lets the web server read while an ingest batch writes.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def build_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


@cache
def _engine_for(url: str) -> Engine:
    return build_engine(url)


def engine_for(settings: Settings) -> Engine:
    return _engine_for(settings.effective_database_url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any exception."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent.parent / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Apply all migrations (idempotent)."""
    from alembic import command

    command.upgrade(alembic_config(engine), "heads")


def needs_upgrade(engine: Engine) -> bool:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return True
        current = set(MigrationContext.configure(conn).get_current_heads())
    return current != set(script.get_heads())


def ensure_schema(engine: Engine) -> None:
    """Every command upgrades a fresh or older database by itself."""
    if needs_upgrade(engine):
        upgrade(engine)
