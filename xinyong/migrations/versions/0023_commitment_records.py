"""commitments through the catalog: the breach's dishonesty record and the sent record

Revision ID: 0023_commitment_records
Revises: 0019_commitments
Create Date: 2026-12-05 02:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_commitment_records"
down_revision = "0020_grading"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("commitment") as batch:
        # The 违背信用承诺失信信息 record a breach created (record type commitment_breach).
        batch.add_column(sa.Column("breach_record_id", sa.Integer(), nullable=True))
        batch.create_index("ix_commitment_breach_record_id", ["breach_record_id"])


def downgrade() -> None:
    with op.batch_alter_table("commitment") as batch:
        batch.drop_index("ix_commitment_breach_record_id")
        batch.drop_column("breach_record_id")
