"""objections, repair, notices, exchange outbox, regrade queue (issue 6)

Revision ID: 0005_objections_repair
Revises: 0002_publication_search, 0003_accounts_audit, 0004_lists_measures (merges the heads)
Create Date: 2026-11-27 08:04:23.766315
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005_objections_repair"
down_revision = ("0002_publication_search", "0003_accounts_audit", "0004_lists_measures")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_kind", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index("ix_attachment_owner", ["owner_kind", "owner_id"], unique=False)

    op.create_table(
        "exchange_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject_uscc", sa.String(length=18), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("ref_kind", sa.String(length=20), nullable=True),
        sa.Column("ref_id", sa.Integer(), nullable=True),
        sa.Column(
            "targets",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("sent_to", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_event")),
    )
    with op.batch_alter_table("exchange_event", schema=None) as batch_op:
        batch_op.create_index("ix_exchange_event_pending", ["sent_at", "id"], unique=False)

    op.create_table(
        "grade_reevaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("ref_kind", sa.String(length=20), nullable=True),
        sa.Column("ref_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_grade_reevaluation_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grade_reevaluation")),
    )
    with op.batch_alter_table("grade_reevaluation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grade_reevaluation_subject_id"), ["subject_id"], unique=False
        )

    op.create_table(
        "objection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("record_version", sa.Integer(), nullable=True),
        sa.Column("list_entry_id", sa.Integer(), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("provider_uscc", sa.String(length=18), nullable=True),
        sa.Column("provider_name", sa.String(length=200), nullable=True),
        sa.Column("applicant_kind", sa.String(length=20), nullable=False),
        sa.Column("applicant_name", sa.String(length=100), nullable=False),
        sa.Column("applicant_account_id", sa.Integer(), nullable=True),
        sa.Column("applicant_contact", sa.String(length=100), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("clock_rule_id", sa.String(length=60), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("filed_at", sa.DateTime(), nullable=False),
        sa.Column("marked_on", sa.Date(), nullable=True),
        sa.Column("mark_due", sa.Date(), nullable=True),
        sa.Column("route_due", sa.Date(), nullable=True),
        sa.Column("routed_on", sa.Date(), nullable=True),
        sa.Column("decide_due", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("outcome_reasons", sa.Text(), nullable=True),
        sa.Column("corrected_version", sa.Integer(), nullable=True),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["list_entry_id"], ["list_entry.id"], name=op.f("fk_objection_list_entry_id_list_entry")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["record.id"], name=op.f("fk_objection_record_id_record")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_objection_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objection")),
    )
    with op.batch_alter_table("objection", schema=None) as batch_op:
        batch_op.create_index("ix_objection_entry_state", ["list_entry_id", "state"], unique=False)
        batch_op.create_index(
            "ix_objection_provider_state", ["provider_uscc", "state"], unique=False
        )
        batch_op.create_index("ix_objection_record_state", ["record_id", "state"], unique=False)
        batch_op.create_index(batch_op.f("ix_objection_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_objection_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "repair_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("record_version", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("provider_uscc", sa.String(length=18), nullable=False),
        sa.Column("provider_name", sa.String(length=200), nullable=False),
        sa.Column("rule_set_id", sa.String(length=60), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("applicant_name", sa.String(length=100), nullable=False),
        sa.Column("applicant_account_id", sa.Integer(), nullable=True),
        sa.Column("fulfilment", sa.Text(), nullable=False),
        sa.Column("commitment_text", sa.Text(), nullable=False),
        sa.Column("commitment_state", sa.String(length=20), nullable=False),
        sa.Column("commitment_broken_on", sa.Date(), nullable=True),
        sa.Column("commitment_broken_reason", sa.Text(), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("forward_due", sa.Date(), nullable=True),
        sa.Column("forwarded_on", sa.Date(), nullable=True),
        sa.Column("accept_due", sa.Date(), nullable=True),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("decide_due", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("sync_due", sa.Date(), nullable=True),
        sa.Column("synced_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("outcome_reasons", sa.Text(), nullable=True),
        sa.Column("refusal_code", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"], ["record.id"], name=op.f("fk_repair_application_record_id_record")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_repair_application_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_application")),
    )
    with op.batch_alter_table("repair_application", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_repair_application_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_repair_application_subject_id"), ["subject_id"], unique=False
        )
        batch_op.create_index("ix_repair_provider_state", ["provider_uscc", "state"], unique=False)
        batch_op.create_index("ix_repair_record_state", ["record_id", "state"], unique=False)

    op.create_table(
        "repair_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("record_version", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("rule_set_id", sa.String(length=60), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=True),
        sa.Column("min_end", sa.Date(), nullable=True),
        sa.Column("max_end", sa.Date(), nullable=True),
        sa.Column("never_early", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["record.id"], name=op.f("fk_repair_notice_record_id_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_notice")),
        sa.UniqueConstraint("record_id", "record_version", name=op.f("uq_repair_notice_record_id")),
    )
    with op.batch_alter_table("repair_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_repair_notice_record_id"), ["record_id"], unique=False)

    op.create_table(
        "objection_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objection_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("on_day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["objection_id"],
            ["objection.id"],
            name=op.f("fk_objection_step_objection_id_objection"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objection_step")),
    )
    with op.batch_alter_table("objection_step", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_objection_step_objection_id"), ["objection_id"], unique=False
        )

    op.create_table(
        "repair_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("on_day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["repair_application.id"],
            name=op.f("fk_repair_step_application_id_repair_application"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_step")),
    )
    with op.batch_alter_table("repair_step", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_repair_step_application_id"), ["application_id"], unique=False
        )

    with op.batch_alter_table("check_prompt", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("suspended", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("publication_override", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voided_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("voided_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("publication_override", schema=None) as batch_op:
        batch_op.drop_column("voided_reason")
        batch_op.drop_column("voided_on")

    with op.batch_alter_table("check_prompt", schema=None) as batch_op:
        batch_op.drop_column("suspended")

    with op.batch_alter_table("repair_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repair_step_application_id"))

    op.drop_table("repair_step")
    with op.batch_alter_table("objection_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objection_step_objection_id"))

    op.drop_table("objection_step")
    with op.batch_alter_table("repair_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repair_notice_record_id"))

    op.drop_table("repair_notice")
    with op.batch_alter_table("repair_application", schema=None) as batch_op:
        batch_op.drop_index("ix_repair_record_state")
        batch_op.drop_index("ix_repair_provider_state")
        batch_op.drop_index(batch_op.f("ix_repair_application_subject_id"))
        batch_op.drop_index(batch_op.f("ix_repair_application_state"))

    op.drop_table("repair_application")
    with op.batch_alter_table("objection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objection_subject_id"))
        batch_op.drop_index(batch_op.f("ix_objection_state"))
        batch_op.drop_index("ix_objection_record_state")
        batch_op.drop_index("ix_objection_provider_state")
        batch_op.drop_index("ix_objection_entry_state")

    op.drop_table("objection")
    with op.batch_alter_table("grade_reevaluation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grade_reevaluation_subject_id"))

    op.drop_table("grade_reevaluation")
    with op.batch_alter_table("exchange_event", schema=None) as batch_op:
        batch_op.drop_index("ix_exchange_event_pending")

    op.drop_table("exchange_event")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index("ix_attachment_owner")

    op.drop_table("attachment")
