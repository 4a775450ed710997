"""inspections as their own domain: 回避 declarations, the draw's count of exclusions, and the
record a published result became

Revision ID: 0024_inspections
Revises: 0023_commitment_records
Create Date: 2026-12-05 04:30:00

The tables inspection_draw and inspection_task keep their names (created by 0020_grading);
xinyong.inspections owns them now.
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_inspections"
down_revision = "0023_commitment_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inspection_avoidance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("department_code", sa.String(length=18), nullable=False),
        sa.Column("subject_uscc", sa.String(length=18), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("declared_by", sa.String(length=100), nullable=False),
        sa.Column("declared_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_by", sa.String(length=100), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                name="fk_inspection_avoidance_account_id_account"),
        sa.PrimaryKeyConstraint("id", name="pk_inspection_avoidance"),
    )
    op.create_index("ix_inspection_avoidance_account_id", "inspection_avoidance",
                    ["account_id"])
    op.create_index("ix_inspection_avoidance_department_code", "inspection_avoidance",
                    ["department_code"])
    op.create_index("ix_inspection_avoidance_subject_uscc", "inspection_avoidance",
                    ["subject_uscc"])
    with op.batch_alter_table("inspection_draw") as batch:
        batch.add_column(sa.Column("excluded_avoidance", sa.Integer(), nullable=False,
                                   server_default="0"))
    with op.batch_alter_table("inspection_task") as batch:
        batch.add_column(sa.Column("result_record_id", sa.Integer(), nullable=True))
        batch.create_index("ix_inspection_task_result_record_id", ["result_record_id"])


def downgrade() -> None:
    with op.batch_alter_table("inspection_task") as batch:
        batch.drop_index("ix_inspection_task_result_record_id")
        batch.drop_column("result_record_id")
    with op.batch_alter_table("inspection_draw") as batch:
        batch.drop_column("excluded_avoidance")
    op.drop_index("ix_inspection_avoidance_subject_uscc", "inspection_avoidance")
    op.drop_index("ix_inspection_avoidance_department_code", "inspection_avoidance")
    op.drop_index("ix_inspection_avoidance_account_id", "inspection_avoidance")
    op.drop_table("inspection_avoidance")
