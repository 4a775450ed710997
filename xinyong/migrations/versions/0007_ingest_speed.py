"""name search bigrams as a column; SQLite search index written in bulk (ingest speed)

Revision ID: 0007_ingest_speed
Revises: 0005_objections_repair
Create Date: 2026-11-27 10:00:00

The bigram table (one subject_search_gram row per character bigram of every indexed name,
about 13 per company) made every new subject cost a dozen index inserts, each with a foreign
key check on PostgreSQL. The bigrams now sit in one column, subject_search.grams (distinct
bigrams, space-separated), indexed where each engine indexes tokens:

* SQLite: an FTS5 table over that column (ascii tokenizer: a bigram is one token; detail=none,
  only single-token queries are asked). The per-row AFTER INSERT trigger of the trigram table
  is dropped: `index_names` fills both FTS tables in bulk (a trigger costs ~60 us per row;
  the bulk insert ~10). Delete and update triggers stay, for reindexing.
* PostgreSQL: a GIN index on string_to_array(grams, ' ').
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_ingest_speed"
down_revision = "0005_objections_repair"
branch_labels = None
depends_on = None

PAGE = 5000


def _grams(haystack: str) -> str:
    # As xinyong.subjects.search.bigram_text (kept here: a migration must not change when
    # the application code does).
    seen = dict.fromkeys(p[i:i + 2] for p in haystack.split("|") for i in range(len(p) - 1))
    return " ".join(seen)


def upgrade() -> None:
    op.add_column("subject_search", sa.Column("grams", sa.Text(), nullable=True))
    conn = op.get_bind()
    last = 0
    while True:
        page = conn.execute(sa.text("SELECT id, haystack FROM subject_search WHERE id > :last "
                                    "ORDER BY id LIMIT :n"), {"last": last, "n": PAGE}).all()
        if not page:
            break
        conn.execute(sa.text("UPDATE subject_search SET grams = :g WHERE id = :id"),
                     [{"id": i, "g": _grams(h)} for i, h in page])
        last = page[-1][0]
    if conn.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS subject_search_ai")
        op.execute("CREATE VIRTUAL TABLE subject_search_bigram USING fts5(grams, "
                   "content='subject_search', content_rowid='id', tokenize='ascii', "
                   "detail=none)")
        op.execute("CREATE TRIGGER subject_search_bigram_ad AFTER DELETE ON subject_search "
                   "BEGIN INSERT INTO subject_search_bigram(subject_search_bigram, rowid, grams) "
                   "VALUES ('delete', old.id, old.grams); END")
        op.execute("CREATE TRIGGER subject_search_bigram_au AFTER UPDATE ON subject_search "
                   "BEGIN INSERT INTO subject_search_bigram(subject_search_bigram, rowid, grams) "
                   "VALUES ('delete', old.id, old.grams); "
                   "INSERT INTO subject_search_bigram(rowid, grams) VALUES (new.id, new.grams); "
                   "END")
        op.execute("INSERT INTO subject_search_bigram(subject_search_bigram) VALUES ('rebuild')")
    else:
        op.execute("CREATE INDEX ix_subject_search_grams ON subject_search "
                   "USING gin (string_to_array(grams, ' '))")
    op.drop_table("subject_search_gram")


def downgrade() -> None:
    op.create_table(
        "subject_search_gram",
        sa.Column("gram", sa.String(length=2), nullable=False),
        sa.Column("search_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["search_id"], ["subject_search.id"],
                                name=op.f("fk_subject_search_gram_search_id_subject_search")),
        sa.PrimaryKeyConstraint("gram", "search_id", name=op.f("pk_subject_search_gram")),
    )
    conn = op.get_bind()
    last = 0
    while True:
        page = conn.execute(sa.text("SELECT id, grams FROM subject_search WHERE id > :last "
                                    "ORDER BY id LIMIT :n"), {"last": last, "n": PAGE}).all()
        if not page:
            break
        rows = [{"g": g, "id": i} for i, grams in page for g in (grams or "").split()]
        if rows:
            conn.execute(sa.text("INSERT INTO subject_search_gram (gram, search_id) "
                                 "VALUES (:g, :id)"), rows)
        last = page[-1][0]
    if conn.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS subject_search_bigram_ad")
        op.execute("DROP TRIGGER IF EXISTS subject_search_bigram_au")
        op.execute("DROP TABLE IF EXISTS subject_search_bigram")
        op.execute("CREATE TRIGGER subject_search_ai AFTER INSERT ON subject_search BEGIN "
                   "INSERT INTO subject_search_fts(rowid, haystack) "
                   "VALUES (new.id, new.haystack); END")
    else:
        op.execute("DROP INDEX IF EXISTS ix_subject_search_grams")
    op.drop_column("subject_search", "grams")
