"""commitments: 信用承诺 with the national data elements, its code counter, signatures, steps

Revision ID: 0019_commitments
Revises: 0015_lists_measures_scope
Create Date: 2026-12-05 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_commitments"
down_revision = "0015_lists_measures_scope"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "commitment_counter",
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("region_code", "day", name="pk_commitment_counter"),
    )
    op.create_table(
        "commitment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("committer_name", sa.String(200), nullable=False),
        sa.Column("committer_category", sa.String(20), nullable=False),
        sa.Column("committer_code", sa.String(18), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("template_id", sa.String(60), nullable=True),
        sa.Column("reason", sa.String(512), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("liability", sa.Text(), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("fulfilment", sa.String(10), nullable=True),
        sa.Column("unfulfilled_content", sa.Text(), nullable=True),
        sa.Column("liability_pursued", sa.Text(), nullable=True),
        sa.Column("determined_on", sa.Date(), nullable=True),
        sa.Column("determined_by_name", sa.String(200), nullable=True),
        sa.Column("determined_by_uscc", sa.String(18), nullable=True),
        sa.Column("accepting_name", sa.String(200), nullable=False),
        sa.Column("accepting_uscc", sa.String(18), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("disclosure", sa.String(10), nullable=False),
        sa.Column("remark", sa.Text(), nullable=True),
        sa.Column("source", sa.String(12), nullable=False),
        sa.Column("ref_kind", sa.String(20), nullable=True),
        sa.Column("ref_id", sa.Integer(), nullable=True),
        sa.Column("verify_due", sa.Date(), nullable=True),
        sa.Column("verified_late", sa.Boolean(), nullable=True),
        sa.Column("consequence", sa.String(40), nullable=True),
        sa.Column("breach_published_until", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["subject_id"], ["subject.id"],
                                name="fk_commitment_subject_id_subject"),
        sa.PrimaryKeyConstraint("id", name="pk_commitment"),
        sa.UniqueConstraint("code", name="uq_commitment_code"),
    )
    op.create_index("ix_commitment_subject_id", "commitment", ["subject_id"])
    op.create_index("ix_commitment_kind", "commitment", ["kind"])
    op.create_index("ix_commitment_state", "commitment", ["state"])
    op.create_index("ix_commitment_accepting_uscc", "commitment", ["accepting_uscc"])
    op.create_index("ix_commitment_region_code", "commitment", ["region_code"])
    op.create_index("ix_commitment_accepting_state", "commitment", ["accepting_uscc", "state"])
    op.create_index("ix_commitment_subject_made", "commitment", ["subject_id", "made_on"])
    op.create_index("ix_commitment_ref", "commitment", ["ref_kind", "ref_id"])
    op.create_table(
        "commitment_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("signer_name", sa.String(100), nullable=False),
        sa.Column("signer_account_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["commitment_id"], ["commitment.id"],
                                name="fk_commitment_signature_commitment_id_commitment"),
        sa.PrimaryKeyConstraint("id", name="pk_commitment_signature"),
        sa.UniqueConstraint("commitment_id", name="uq_commitment_signature_commitment_id"),
    )
    op.create_table(
        "commitment_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("from_state", sa.String(20), nullable=True),
        sa.Column("to_state", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("on_day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["commitment_id"], ["commitment.id"],
                                name="fk_commitment_step_commitment_id_commitment"),
        sa.PrimaryKeyConstraint("id", name="pk_commitment_step"),
    )
    op.create_index("ix_commitment_step_commitment_id", "commitment_step", ["commitment_id"])


def downgrade() -> None:
    op.drop_table("commitment_step")
    op.drop_table("commitment_signature")
    op.drop_table("commitment")
    op.drop_table("commitment_counter")
