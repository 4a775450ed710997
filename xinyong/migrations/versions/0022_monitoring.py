"""monitoring: indicator values kept per period, early warnings, watched subjects

Revision ID: 0022_monitoring
Revises: 0019_commitments
Create Date: 2026-12-05 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_monitoring"
down_revision = "0021_reports"
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
    op.create_table(
        "monitoring_warning",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(60), nullable=False),
        sa.Column("dedupe", sa.String(200), nullable=False),
        sa.Column("department_uscc", sa.String(18), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("subject_name", sa.String(200), nullable=True),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("risk_class", sa.String(20), nullable=True),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("responded_by", sa.String(100), nullable=True),
        sa.Column("responded_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["subject_id"], ["subject.id"],
                                name="fk_monitoring_warning_subject_id_subject"),
        sa.PrimaryKeyConstraint("id", name="pk_monitoring_warning"),
        sa.UniqueConstraint("dedupe", name="uq_monitoring_warning_dedupe"),
    )
    op.create_index("ix_monitoring_warning_department_uscc", "monitoring_warning",
                    ["department_uscc"])
    op.create_index("ix_monitoring_warning_state", "monitoring_warning", ["state"])
    op.create_table(
        "watch_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_kind", sa.String(20), nullable=False),
        sa.Column("owner_key", sa.String(100), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("subject_uscc", sa.String(18), nullable=False),
        sa.Column("subject_name", sa.String(200), nullable=False),
        sa.Column("own", sa.Boolean(), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=True),
        sa.Column("purpose_text", sa.String(200), nullable=True),
        sa.Column("webhook_url", sa.String(500), nullable=True),
        sa.Column("secret", sa.String(100), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("scanned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["subject_id"], ["subject.id"],
                                name="fk_watch_subscription_subject_id_subject"),
        sa.PrimaryKeyConstraint("id", name="pk_watch_subscription"),
    )
    op.create_index("ix_watch_subscription_owner_key", "watch_subscription", ["owner_key"])
    op.create_index("ix_watch_subscription_subject_id", "watch_subscription", ["subject_id"])
    op.create_table(
        "watch_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(60), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["subscription_id"], ["watch_subscription.id"],
                                name="fk_watch_event_subscription_id_watch_subscription"),
        sa.PrimaryKeyConstraint("id", name="pk_watch_event"),
        sa.UniqueConstraint("subscription_id", "kind", "ref_id", name="uq_watch_event"),
    )
    op.create_index("ix_watch_event_state", "watch_event", ["state"])
    op.create_table(
        "watch_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["watch_event.id"],
                                name="fk_watch_delivery_event_id_watch_event"),
        sa.PrimaryKeyConstraint("id", name="pk_watch_delivery"),
    )
    op.create_index("ix_watch_delivery_event_id", "watch_delivery", ["event_id"])


def downgrade() -> None:
    op.drop_table("watch_delivery")
    op.drop_table("watch_event")
    op.drop_table("watch_subscription")
    op.drop_table("monitoring_warning")
    op.drop_table("indicator_value")
