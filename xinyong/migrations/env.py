"""Alembic environment: runs on the engine handed over by xinyong.core.db."""

from __future__ import annotations

from alembic import context

from xinyong.core.db import build_engine, load_all_tables

config = context.config
target_metadata = load_all_tables()

engine = config.attributes.get("engine")
if engine is None:  # plain `alembic` invocation: fall back to the settings
    from xinyong.core.settings import Settings

    engine = build_engine(Settings().effective_database_url)

sqlite = engine.dialect.name == "sqlite"
with engine.connect() as connection:
    if sqlite:
        # Batch mode rebuilds a table (copy, drop, rename); with foreign keys enforced,
        # dropping a table that other rows point at fails. The Alembic recipe: enforcement off
        # for the migration (the pragma only takes effect outside a transaction), then
        # foreign_key_check before the commit, and back on.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with connection.begin():
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
