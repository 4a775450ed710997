"""reports: the credit reports issued (number, subject, key, signed JSON as issued)

Revision ID: 0021_reports
Revises: 0015_lists_measures_scope
Create Date: 2026-12-05 01:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_reports"
down_revision = "0019_commitments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("subject_uscc", sa.String(18), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("version", sa.String(12), nullable=False),
        sa.Column("domains", sa.String(600), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("kid", sa.String(16), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("department_uscc", sa.String(18), nullable=True),
        sa.Column("signed_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["subject_id"], ["subject.id"],
                                name="fk_report_issue_subject_id_subject"),
        sa.PrimaryKeyConstraint("id", name="pk_report_issue"),
        sa.UniqueConstraint("number", name="uq_report_issue_number"),
    )
    op.create_index("ix_report_issue_subject_id", "report_issue", ["subject_id"])


def downgrade() -> None:
    op.drop_table("report_issue")
