"""lists with due process, the measure catalog workflow and the check (issue 5)

Revision ID: 0004_lists_measures
Revises: 0001_spine
Create Date: 2026-11-27 09:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004_lists_measures"
down_revision = "0001_spine"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screening_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("department_uscc", sa.String(length=18), nullable=True),
        sa.Column("department_name", sa.String(length=200), nullable=True),
        sa.Column("department_class", sa.String(length=40), nullable=True),
        sa.Column("matter", sa.String(length=40), nullable=False),
        sa.Column("query_uscc", sa.String(length=40), nullable=True),
        sa.Column("query_name", sa.String(length=200), nullable=True),
        sa.Column("query_legal_representative", sa.String(length=50), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_check")),
    )
    op.create_index("ix_screening_check_created", "screening_check", ["created_at"], unique=False)
    op.create_table(
        "check_prompt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.String(length=60), nullable=False),
        sa.Column("measure_name", sa.String(length=200), nullable=False),
        sa.Column("measure_kind", sa.String(length=20), nullable=False),
        sa.Column("category", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("matter", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("department_name", sa.String(length=200), nullable=True),
        sa.Column("department_class", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["screening_check.id"],
            name=op.f("fk_check_prompt_check_id_screening_check"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_check_prompt_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_prompt")),
        sa.UniqueConstraint("check_id", "measure_id", name=op.f("uq_check_prompt_check_id")),
    )
    op.create_index("ix_check_prompt_created", "check_prompt", ["created_at"], unique=False)
    op.create_index(
        op.f("ix_check_prompt_measure_id"), "check_prompt", ["measure_id"], unique=False
    )
    op.create_table(
        "list_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_kind", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("document_type", sa.String(length=100), nullable=False),
        sa.Column("document_number", sa.String(length=200), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=False),
        sa.Column("issuing_body", sa.String(length=200), nullable=False),
        sa.Column("legal_basis_id", sa.String(length=60), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("department_name", sa.String(length=200), nullable=True),
        sa.Column("department_uscc", sa.String(length=18), nullable=True),
        sa.Column("person_name_masked", sa.String(length=50), nullable=True),
        sa.Column("person_role", sa.String(length=40), nullable=True),
        sa.Column("notice_sent_on", sa.Date(), nullable=True),
        sa.Column("statement_until", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("listed_until", sa.Date(), nullable=True),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("removal_reason", sa.String(length=40), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_list_entry_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_entry")),
    )
    op.create_index(op.f("ix_list_entry_list_kind"), "list_entry", ["list_kind"], unique=False)
    op.create_index(
        op.f("ix_list_entry_listed_until"), "list_entry", ["listed_until"], unique=False
    )
    op.create_index(op.f("ix_list_entry_state"), "list_entry", ["state"], unique=False)
    op.create_index(
        "ix_list_entry_subject_state", "list_entry", ["subject_id", "state"], unique=False
    )
    op.create_table(
        "match_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query_key", sa.String(length=200), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=True),
        sa.Column("check_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["screening_check.id"],
            name=op.f("fk_match_review_check_id_screening_check"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_match_review_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_review")),
    )
    op.create_index(
        "ix_match_review_lookup", "match_review", ["query_key", "subject_id"], unique=False
    )
    op.create_table(
        "screening_name",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("source_name_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("core", sa.String(length=200), nullable=False),
        sa.Column("head", sa.String(length=4), nullable=False),
        sa.Column("tail", sa.String(length=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_screening_name_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_name")),
    )
    op.create_index(op.f("ix_screening_name_core"), "screening_name", ["core"], unique=False)
    op.create_index(op.f("ix_screening_name_head"), "screening_name", ["head"], unique=False)
    op.create_index(op.f("ix_screening_name_key"), "screening_name", ["key"], unique=False)
    op.create_index(
        op.f("ix_screening_name_source_name_id"), "screening_name", ["source_name_id"], unique=False
    )
    op.create_index(
        op.f("ix_screening_name_subject_id"), "screening_name", ["subject_id"], unique=False
    )
    op.create_index(op.f("ix_screening_name_tail"), "screening_name", ["tail"], unique=False)
    op.create_table(
        "check_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prompt_id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.String(length=60), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("department_name", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["screening_check.id"],
            name=op.f("fk_check_feedback_check_id_screening_check"),
        ),
        sa.ForeignKeyConstraint(
            ["prompt_id"],
            ["check_prompt.id"],
            name=op.f("fk_check_feedback_prompt_id_check_prompt"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_feedback")),
        sa.UniqueConstraint("prompt_id", name=op.f("uq_check_feedback_prompt_id")),
    )
    op.create_index(
        op.f("ix_check_feedback_check_id"), "check_feedback", ["check_id"], unique=False
    )
    op.create_index(
        op.f("ix_check_feedback_created_at"), "check_feedback", ["created_at"], unique=False
    )
    op.create_table(
        "list_transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("on_day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["list_entry.id"], name=op.f("fk_list_transition_entry_id_list_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_transition")),
    )
    op.create_index(
        op.f("ix_list_transition_entry_id"), "list_transition", ["entry_id"], unique=False
    )
    # ### end Alembic commands ###


def downgrade() -> None:
    op.drop_index(op.f("ix_list_transition_entry_id"), table_name="list_transition")
    op.drop_table("list_transition")
    op.drop_index(op.f("ix_check_feedback_created_at"), table_name="check_feedback")
    op.drop_index(op.f("ix_check_feedback_check_id"), table_name="check_feedback")
    op.drop_table("check_feedback")
    op.drop_index(op.f("ix_screening_name_tail"), table_name="screening_name")
    op.drop_index(op.f("ix_screening_name_subject_id"), table_name="screening_name")
    op.drop_index(op.f("ix_screening_name_source_name_id"), table_name="screening_name")
    op.drop_index(op.f("ix_screening_name_key"), table_name="screening_name")
    op.drop_index(op.f("ix_screening_name_head"), table_name="screening_name")
    op.drop_index(op.f("ix_screening_name_core"), table_name="screening_name")
    op.drop_table("screening_name")
    op.drop_index("ix_match_review_lookup", table_name="match_review")
    op.drop_table("match_review")
    op.drop_index("ix_list_entry_subject_state", table_name="list_entry")
    op.drop_index(op.f("ix_list_entry_state"), table_name="list_entry")
    op.drop_index(op.f("ix_list_entry_listed_until"), table_name="list_entry")
    op.drop_index(op.f("ix_list_entry_list_kind"), table_name="list_entry")
    op.drop_table("list_entry")
    op.drop_index(op.f("ix_check_prompt_measure_id"), table_name="check_prompt")
    op.drop_index("ix_check_prompt_created", table_name="check_prompt")
    op.drop_table("check_prompt")
    op.drop_index("ix_screening_check_created", table_name="screening_check")
    op.drop_table("screening_check")
    # ### end Alembic commands ###
