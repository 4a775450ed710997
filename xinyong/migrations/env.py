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

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
