"""merge the screening typo keys (0006) and the ingest speed (0007) branches

Revision ID: 0008_merge_screening_ingest
Revises: 0006_screening_blocks, 0007_ingest_speed
Create Date: 2026-11-27 11:10:00

Both were written in parallel on top of 0005 and touch different tables; this revision only
joins them so that the history has one head again.
"""

revision = "0008_merge_screening_ingest"
down_revision = ("0006_screening_blocks", "0007_ingest_speed")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
