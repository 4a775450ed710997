"""spine: catalog-driven collection and subject registry

Revision ID: 0001_spine
Revises: (none)
Create Date: 2026-11-27 05:36:56.031174
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_spine"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "calendar_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_day")),
    )
    op.create_table(
        "calendar_year",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendar_year")),
    )
    op.create_table(
        "provider",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("department_class", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider")),
        sa.UniqueConstraint("uscc", name=op.f("uq_provider_uscc")),
    )
    op.create_table(
        "subject",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("person_key", sa.String(length=64), nullable=True),
        sa.Column("person_id_masked", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("derived_kind", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("legal_representative", sa.String(length=50), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject")),
        sa.UniqueConstraint("person_key", name=op.f("uq_subject_person_key")),
        sa.UniqueConstraint("uscc", name=op.f("uq_subject_uscc")),
    )
    with op.batch_alter_table("subject", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subject_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_subject_region_code"), ["region_code"], unique=False)

    op.create_table(
        "batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("operator", sa.String(length=100), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("late", sa.Integer(), nullable=False),
        sa.Column("timeliness_unknown", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name=op.f("fk_batch_provider_id_provider")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch")),
    )
    with op.batch_alter_table("batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_batch_file_sha256"), ["file_sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_batch_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "code_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("other_subject_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("other_name", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["other_subject_id"],
            ["subject.id"],
            name=op.f("fk_code_review_other_subject_id_subject"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_code_review_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_review")),
    )
    with op.batch_alter_table("code_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_code_review_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "subject_name",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_subject_name_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_name")),
        sa.UniqueConstraint("subject_id", "name", name=op.f("uq_subject_name_subject_id")),
    )
    with op.batch_alter_table("subject_name", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subject_name_name"), ["name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_subject_name_subject_id"), ["subject_id"], unique=False
        )

    op.create_table(
        "record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("natural_key", sa.String(length=300), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("first_batch_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batch.id"], name=op.f("fk_record_batch_id_batch")),
        sa.ForeignKeyConstraint(
            ["first_batch_id"], ["batch.id"], name=op.f("fk_record_first_batch_id_batch")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name=op.f("fk_record_provider_id_provider")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_record_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record")),
        sa.UniqueConstraint(
            "natural_key", "provider_id", "record_type", name=op.f("uq_record_natural_key")
        ),
    )
    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_decision_date"), ["decision_date"], unique=False
        )
        batch_op.create_index("ix_record_subject_type", ["subject_id", "record_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_record_batch_id"), ["batch_id"], unique=False)

    op.create_table(
        "record_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("superseded_at", sa.DateTime(), nullable=False),
        sa.Column("superseded_by_batch_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batch.id"], name=op.f("fk_record_version_batch_id_batch")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["record.id"], name=op.f("fk_record_version_record_id_record")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_batch_id"],
            ["batch.id"],
            name=op.f("fk_record_version_superseded_by_batch_id_batch"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_version")),
        sa.UniqueConstraint("record_id", "version", name=op.f("uq_record_version_record_id")),
    )
    with op.batch_alter_table("record_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_version_record_id"), ["record_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("record_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_version_record_id"))

    op.drop_table("record_version")
    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_batch_id"))
        batch_op.drop_index("ix_record_subject_type")
        batch_op.drop_index(batch_op.f("ix_record_decision_date"))

    op.drop_table("record")
    with op.batch_alter_table("subject_name", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subject_name_subject_id"))
        batch_op.drop_index(batch_op.f("ix_subject_name_name"))

    op.drop_table("subject_name")
    with op.batch_alter_table("code_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_code_review_subject_id"))

    op.drop_table("code_review")
    with op.batch_alter_table("batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batch_provider_id"))
        batch_op.drop_index(batch_op.f("ix_batch_file_sha256"))

    op.drop_table("batch")
    with op.batch_alter_table("subject", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subject_region_code"))
        batch_op.drop_index(batch_op.f("ix_subject_name"))

    op.drop_table("subject")
    op.drop_table("provider")
    op.drop_table("calendar_year")
    op.drop_table("calendar_day")
