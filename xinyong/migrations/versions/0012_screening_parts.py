"""check's name index on the parsed parts of a name: screening_name.form, cores of division |
字号 and 行业 | branch, typo blocks over the whole body (issue 20)

Revision ID: 0012_screening_parts
Revises: 0010_record_state
Create Date: 2026-12-04 22:30:00

The cores and blocks of the names already indexed were made by the old rule (the name without
its suffix; blocks over four characters after a guessed region). They cannot be converted in
SQL, and a frozen copy of the new parser (GB/T 2260 divisions, forms, branches) in this file
would drift from the code. So the index is emptied and every organisation and other name is
recorded in screening_pending, as the transaction that creates a subject does: the next
`xinyong screening refresh` (run by `xinyong serve` on start) or check indexes them with the
code in use; `xinyong screening reindex` does the same at once. Downgrade does the same for
the code of the previous revision.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_screening_parts"
down_revision = "0010_record_state"
branch_labels = None
depends_on = None

# One pending run over all organisations (natural persons inside it are skipped by the
# refresh) and one over all other names of organisations.
_PENDING = """
INSERT INTO screening_pending (kind, first_id, last_id)
SELECT 'subject', min(id), max(id) FROM subject WHERE kind <> 'person' HAVING count(*) > 0
UNION ALL
SELECT 'name', min(sn.id), max(sn.id) FROM subject_name sn JOIN subject s ON s.id = sn.subject_id
WHERE s.kind <> 'person' HAVING count(*) > 0
"""


def _record_all_pending() -> None:
    op.execute("DELETE FROM screening_block")
    op.execute("DELETE FROM screening_name")
    op.execute("DELETE FROM screening_pending")
    op.execute(_PENDING)


def upgrade() -> None:
    with op.batch_alter_table("screening_name", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form", sa.String(length=40), nullable=False,
                                      server_default=""))
    _record_all_pending()


def downgrade() -> None:
    with op.batch_alter_table("screening_name", schema=None) as batch_op:
        batch_op.drop_column("form")
    _record_all_pending()
