"""check's name index: screening_pending, the subjects and other names not indexed yet, replaces
the high-water marks (max indexed subject / name id)

Revision ID: 0009_screening_pending
Revises: 0008_merge_screening_ingest
Create Date: 2026-11-27 13:30:00

PostgreSQL hands out ids from sequences and transactions commit in any order: a check that ran
while a long batch was open moved the marks past that batch's ids, and its subjects were never
indexed. The transaction that creates subjects or other names now records them here (one row
per run of consecutive ids), and each check indexes what is recorded.

For the data already held, everything that is not in the index is recorded here: what the
marks had not reached yet, and what they had skipped (subjects of a batch that committed
after a check). Runs are counted among organisations (natural persons are never indexed and
may sit inside a run), so an index that lacks only the newest subjects gets one row.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_screening_pending"
down_revision = "0008_merge_screening_ingest"
branch_labels = None
depends_on = None

# Gaps and islands: among the rows of `source` (ordered by id), those not indexed and next to
# each other share `r - row_number()`.
_RUNS = """
INSERT INTO screening_pending (kind, first_id, last_id)
SELECT '{kind}', min(id), max(id) FROM (
    SELECT id, r - row_number() OVER (ORDER BY id) AS grp FROM ({source}) AS o
    WHERE NOT indexed
) AS m GROUP BY grp
"""
_SUBJECTS = """
SELECT s.id, row_number() OVER (ORDER BY s.id) AS r,
       EXISTS (SELECT 1 FROM screening_name n
               WHERE n.subject_id = s.id AND n.source_name_id IS NULL) AS indexed
FROM subject s WHERE s.kind <> 'person'
"""
_NAMES = """
SELECT sn.id, row_number() OVER (ORDER BY sn.id) AS r,
       EXISTS (SELECT 1 FROM screening_name n WHERE n.source_name_id = sn.id) AS indexed
FROM subject_name sn JOIN subject s ON s.id = sn.subject_id WHERE s.kind <> 'person'
"""


def upgrade() -> None:
    op.create_table(
        "screening_pending",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_pending")),
    )
    op.execute(_RUNS.format(kind="subject", source=_SUBJECTS))
    op.execute(_RUNS.format(kind="name", source=_NAMES))


def downgrade() -> None:
    # The marks of the previous revision are read from the index itself: nothing to restore.
    op.drop_table("screening_pending")
