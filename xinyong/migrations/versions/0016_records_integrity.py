"""records integrity: one end date, tamper evidence, 重错码 resolution

Revision ID: 0016_records_integrity
Revises: 0018_site
Create Date: 2026-12-08 09:00:00

* publication_judgement.provider_end: the last public day the provider's own 公示截止期
  stands for (used within the rule's minimum and maximum; outside, a quality warning).
  Existing judgements get it on their next judging (`xinyong publication judge --all`).
* list_entry.content_hash: sealed into the audit chain by every list write; existing
  entries are sealed by `xinyong audit seal` (so are batches written before their audit
  entries carried a records digest).
* record_version.batch_id indexed (`xinyong audit verify --batch`).
* subject.merged_into_id: a subject merged into another by a 重错码 review stays as an alias.
* code_review: resolution, who, when, why; code_review_record: the records of a code marked
  wrong, awaiting the provider's correction.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_records_integrity"
down_revision = "0018_site"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("publication_judgement", sa.Column("provider_end", sa.Date(), nullable=True))
    op.add_column("list_entry", sa.Column("content_hash", sa.String(64), nullable=True))
    op.create_index("ix_record_version_batch_id", "record_version", ["batch_id"])
    if op.get_bind().dialect.name == "sqlite":
        # ADD COLUMN with its reference: rebuilding `subject` (batch mode) would trip over
        # every table that refers to it.
        op.execute("ALTER TABLE subject ADD COLUMN merged_into_id INTEGER "
                   "REFERENCES subject (id)")
    else:
        op.add_column("subject", sa.Column("merged_into_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_subject_merged_into_id_subject", "subject", "subject",
                              ["merged_into_id"], ["id"])
    for column in (sa.Column("resolution", sa.String(20), nullable=True),
                   sa.Column("resolved_by", sa.String(100), nullable=True),
                   sa.Column("resolved_at", sa.DateTime(), nullable=True),
                   sa.Column("reason", sa.Text(), nullable=True)):
        op.add_column("code_review", column)
    op.create_table(
        "code_review_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), sa.ForeignKey(
            "code_review.id", name="fk_code_review_record_review_id_code_review"),
            nullable=False),
        sa.Column("record_id", sa.Integer(), sa.ForeignKey(
            "record.id", name="fk_code_review_record_record_id_record"), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("corrected_at", sa.DateTime(), nullable=True),
        sa.Column("corrected_batch_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_code_review_record"),
    )
    op.create_index("ix_code_review_record_review_id", "code_review_record", ["review_id"])
    op.create_index("ix_code_review_record_record_id", "code_review_record", ["record_id"])


def downgrade() -> None:
    op.drop_table("code_review_record")
    with op.batch_alter_table("code_review") as batch_op:
        for name in ("reason", "resolved_at", "resolved_by", "resolution"):
            batch_op.drop_column(name)
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_subject_merged_into_id_subject", "subject", type_="foreignkey")
    op.drop_column("subject", "merged_into_id")
    op.drop_index("ix_record_version_batch_id", "record_version")
    op.drop_column("list_entry", "content_hash")
    op.drop_column("publication_judgement", "provider_end")
