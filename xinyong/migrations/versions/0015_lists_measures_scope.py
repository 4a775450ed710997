"""lists and measures as the law draws them (issue 15): responsible persons of a listing (keyed
hash + mask), the subject's statements and early-removal applications, document numbers;
measure prompts with their target and period, feedback with its end date; the check's licence
kind and the hashed ID numbers of the applicant and its legal representative

Revision ID: 0015_lists_measures_scope
Revises: 0016_records_integrity
Create Date: 2026-11-28 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_lists_measures_scope"
down_revision = "0016_records_integrity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "list_entry_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("name_masked", sa.String(length=50), nullable=False),
        sa.Column("id_masked", sa.String(length=40), nullable=True),
        sa.Column("id_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["list_entry.id"],
                                name=op.f("fk_list_entry_person_entry_id_list_entry")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_entry_person")),
    )
    op.create_index(op.f("ix_list_entry_person_entry_id"), "list_entry_person", ["entry_id"])
    op.create_index(op.f("ix_list_entry_person_id_key"), "list_entry_person", ["id_key"])

    op.create_table(
        "list_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=True),
        sa.Column("submitted_by", sa.String(length=100), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("consideration", sa.Text(), nullable=True),
        sa.Column("considered_by", sa.String(length=100), nullable=True),
        sa.Column("considered_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["list_entry.id"],
                                name=op.f("fk_list_statement_entry_id_list_entry")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_statement")),
    )
    op.create_index(op.f("ix_list_statement_entry_id"), "list_statement", ["entry_id"])

    op.create_table(
        "list_removal_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("applicant", sa.String(length=100), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["list_entry.id"],
                                name=op.f("fk_list_removal_application_entry_id_list_entry")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_removal_application")),
    )
    op.create_index(op.f("ix_list_removal_application_entry_id"), "list_removal_application",
                    ["entry_id"])

    with op.batch_alter_table("list_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_number", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("decision_number", sa.String(length=40), nullable=True))

    with op.batch_alter_table("check_prompt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target", sa.String(length=20), nullable=False,
                                      server_default="subject"))
        batch_op.add_column(sa.Column("person_masked", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("period_end", sa.Date(), nullable=True))

    with op.batch_alter_table("check_feedback", schema=None) as batch_op:
        batch_op.add_column(sa.Column("applied_until", sa.Date(), nullable=True))

    with op.batch_alter_table("screening_check", schema=None) as batch_op:
        batch_op.add_column(sa.Column("query_licence_kind", sa.String(length=40),
                                      nullable=True))
        batch_op.add_column(sa.Column("query_person_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("query_representative_key", sa.String(length=64),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("screening_check", schema=None) as batch_op:
        batch_op.drop_column("query_representative_key")
        batch_op.drop_column("query_person_key")
        batch_op.drop_column("query_licence_kind")
    with op.batch_alter_table("check_feedback", schema=None) as batch_op:
        batch_op.drop_column("applied_until")
    with op.batch_alter_table("check_prompt", schema=None) as batch_op:
        batch_op.drop_column("period_end")
        batch_op.drop_column("person_masked")
        batch_op.drop_column("target")
    with op.batch_alter_table("list_entry", schema=None) as batch_op:
        batch_op.drop_column("decision_number")
        batch_op.drop_column("notice_number")
    op.drop_index(op.f("ix_list_removal_application_entry_id"),
                  table_name="list_removal_application")
    op.drop_table("list_removal_application")
    op.drop_index(op.f("ix_list_statement_entry_id"), table_name="list_statement")
    op.drop_table("list_statement")
    op.drop_index(op.f("ix_list_entry_person_id_key"), table_name="list_entry_person")
    op.drop_index(op.f("ix_list_entry_person_entry_id"), table_name="list_entry_person")
    op.drop_table("list_entry_person")
