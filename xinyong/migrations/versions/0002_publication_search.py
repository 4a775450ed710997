"""publication judgements and overrides; the subject name search index

Revision ID: 0002_publication_search
Revises: 0001_spine
Create Date: 2026-11-27 06:10:00

SQLite: an FTS5 trigram table over subject_search.haystack, kept in step by triggers.
PostgreSQL: pg_trgm (installed in schema public so that per-run test schemas can share it
and dropping a schema never drops the extension) and a GIN index on haystack.
Existing subjects are indexed by `xinyong subjects reindex`; existing records are judged by
`xinyong publication judge`.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_publication_search"
down_revision = "0001_spine"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subject_search",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("core", sa.String(length=200), nullable=False),
        sa.Column("haystack", sa.String(length=410), nullable=False),
        sa.ForeignKeyConstraint(["subject_id"], ["subject.id"],
                                name=op.f("fk_subject_search_subject_id_subject")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_search")),
    )
    op.create_index("ix_subject_search_subject_name", "subject_search", ["subject_id", "name"],
                    unique=True)
    op.create_index(op.f("ix_subject_search_key"), "subject_search", ["key"])
    op.create_index(op.f("ix_subject_search_core"), "subject_search", ["core"])
    op.create_table(
        "subject_search_gram",
        sa.Column("gram", sa.String(length=2), nullable=False),
        sa.Column("search_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["search_id"], ["subject_search.id"],
                                name=op.f("fk_subject_search_gram_search_id_subject_search")),
        sa.PrimaryKeyConstraint("gram", "search_id", name=op.f("pk_subject_search_gram")),
    )
    op.create_table(
        "publication_judgement",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("record_version", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("rule_set_id", sa.String(length=60), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=True),
        sa.Column("severity_source", sa.String(length=20), nullable=True),
        sa.Column("min_end", sa.Date(), nullable=True),
        sa.Column("max_end", sa.Date(), nullable=True),
        sa.Column("never_early", sa.Boolean(), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=True),
        sa.Column("window_end", sa.Date(), nullable=True),
        sa.Column("ended_by", sa.String(length=20), nullable=True),
        sa.Column("public_from", sa.Date(), nullable=True),
        sa.Column("judged_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["record.id"],
                                name=op.f("fk_publication_judgement_record_id_record")),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_publication_judgement")),
    )
    op.create_index("ix_publication_judgement_type_end", "publication_judgement",
                    ["record_type", "window_end", "public_from"])
    op.create_table(
        "publication_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["record.id"],
                                name=op.f("fk_publication_override_record_id_record")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_override")),
    )
    op.create_index(op.f("ix_publication_override_record_id"), "publication_override",
                    ["record_id"])

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("CREATE VIRTUAL TABLE subject_search_fts USING fts5(haystack, "
                   "content='subject_search', content_rowid='id', tokenize='trigram')")
        op.execute("CREATE TRIGGER subject_search_ai AFTER INSERT ON subject_search BEGIN "
                   "INSERT INTO subject_search_fts(rowid, haystack) "
                   "VALUES (new.id, new.haystack); END")
        op.execute("CREATE TRIGGER subject_search_ad AFTER DELETE ON subject_search BEGIN "
                   "INSERT INTO subject_search_fts(subject_search_fts, rowid, haystack) "
                   "VALUES ('delete', old.id, old.haystack); END")
        op.execute("CREATE TRIGGER subject_search_au AFTER UPDATE ON subject_search BEGIN "
                   "INSERT INTO subject_search_fts(subject_search_fts, rowid, haystack) "
                   "VALUES ('delete', old.id, old.haystack); "
                   "INSERT INTO subject_search_fts(rowid, haystack) "
                   "VALUES (new.id, new.haystack); END")
    elif dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
        schema = op.get_bind().execute(sa.text(
            "SELECT extnamespace::regnamespace::text FROM pg_extension "
            "WHERE extname = 'pg_trgm'")).scalar_one()
        op.execute(f"CREATE INDEX ix_subject_search_haystack_trgm ON subject_search "
                   f"USING gin (haystack {schema}.gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("subject_search_ai", "subject_search_ad", "subject_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS subject_search_fts")
    op.drop_table("publication_override")
    op.drop_table("publication_judgement")
    op.drop_table("subject_search_gram")
    op.drop_table("subject_search")
