"""monitoring: indicator values kept per period

Revision ID: 0022_monitoring
Revises: 0015_lists_measures_scope
Create Date: 2026-12-05 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_monitoring"
down_revision = "0015_lists_measures_scope"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indicator_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.String(60), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("dimension", sa.String(20), nullable=False),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("numerator", sa.Integer(), nullable=False),
        sa.Column("denominator", sa.Integer(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("target_op", sa.String(2), nullable=True),
        sa.Column("target_value", sa.Float(), nullable=True),
        sa.Column("met", sa.Boolean(), nullable=True),
        sa.Column("no_data", sa.Boolean(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("computed_by", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_indicator_value"),
        sa.UniqueConstraint("indicator_id", "period", "dimension", "key",
                            name="uq_indicator_value"),
    )
    op.create_index("ix_indicator_value_period", "indicator_value", ["period"])


def downgrade() -> None:
    op.drop_table("indicator_value")
