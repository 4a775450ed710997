"""record state: disputes (异议处理中) get a table of their own beside the overrides

Revision ID: 0010_record_state
Revises: 0009_screening_pending
Create Date: 2026-12-05 06:30:00

The state of a record (disputed, repaired, revoked) had no home: publication read the
objection table to mark disputed records, objections wrote publication's overrides, and the
shared reads read both. `record_dispute` is that home for disputes (the overrides table keeps
its name and moves to the recordstate domain). Existing objections become disputes with the
same days: open from filing until the decision day.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_record_state"
down_revision = "0009_screening_pending"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_dispute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(20), nullable=False),
        sa.Column("record_id", sa.Integer(), sa.ForeignKey(
            "record.id", name="fk_record_dispute_record_id_record"), nullable=True),
        sa.Column("list_entry_id", sa.Integer(), sa.ForeignKey(
            "list_entry.id", name="fk_record_dispute_list_entry_id_list_entry"),
            nullable=True),
        sa.Column("case_kind", sa.String(20), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_record_dispute"),
    )
    op.create_index("ix_record_dispute_record_id", "record_dispute", ["record_id"])
    op.create_index("ix_record_dispute_list_entry_id", "record_dispute", ["list_entry_id"])
    op.create_index("ix_record_dispute_case_id", "record_dispute", ["case_id"])
    op.execute(
        "INSERT INTO record_dispute (target, record_id, list_entry_id, case_kind, case_id, "
        "opened_on, closed_on) SELECT target, record_id, list_entry_id, 'objection', id, "
        "filed_on, decided_on FROM objection ORDER BY id")


def downgrade() -> None:
    op.drop_table("record_dispute")
