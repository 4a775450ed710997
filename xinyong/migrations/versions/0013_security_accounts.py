"""departments as managed entities, server-side web sessions, identity attempts, signed audit
checkpoints (#14)

Revision ID: 0013_security_accounts
Revises: 0012_screening_parts
Create Date: 2026-11-28 09:00:00

Departments: every provider an account belonged to, or whose class had been set (by creating
an account), becomes a department with the same code, name and class and the region code
inside its USCC; accounts point at the department instead of the provider, and the class
leaves the provider table (a provider is only where records come from).
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_security_accounts"
down_revision = "0012_screening_parts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("department_class", sa.String(length=40), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department")),
        sa.UniqueConstraint("code", name=op.f("uq_department_code")),
    )
    op.execute("""
        INSERT INTO department (code, name, department_class, region_code, created_at,
                                updated_at)
        SELECT p.uscc, p.name, p.department_class, substr(p.uscc, 3, 6), p.created_at,
               p.created_at
        FROM provider p
        WHERE p.department_class IS NOT NULL
           OR EXISTS (SELECT 1 FROM account a WHERE a.provider_id = p.id)
    """)
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
    op.execute("""
        UPDATE account SET department_id = (
            SELECT d.id FROM department d JOIN provider p ON p.uscc = d.code
            WHERE p.id = account.provider_id)
        WHERE provider_id IS NOT NULL
    """)
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_provider_id"))
        batch_op.drop_constraint(batch_op.f("fk_account_provider_id_provider"),
                                 type_="foreignkey")
        batch_op.drop_column("provider_id")
        batch_op.create_foreign_key(batch_op.f("fk_account_department_id_department"),
                                    "department", ["department_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_account_department_id"), ["department_id"],
                              unique=False)
    with op.batch_alter_table("provider", schema=None) as batch_op:
        batch_op.drop_column("department_class")

    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                name=op.f("fk_web_session_account_id_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_session_token_hash")),
    )
    op.create_index(op.f("ix_web_session_account_id"), "web_session", ["account_id"],
                    unique=False)
    op.create_table(
        "identity_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.Column("target", sa.String(length=120), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_attempt")),
    )
    op.create_index("ix_identity_attempt_client", "identity_attempt", ["kind", "client", "at"],
                    unique=False)
    op.create_index("ix_identity_attempt_target", "identity_attempt", ["kind", "target", "at"],
                    unique=False)
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint")),
    )
    op.create_index(op.f("ix_audit_checkpoint_seq"), "audit_checkpoint", ["seq"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_checkpoint_seq"), table_name="audit_checkpoint")
    op.drop_table("audit_checkpoint")
    op.drop_index("ix_identity_attempt_target", table_name="identity_attempt")
    op.drop_index("ix_identity_attempt_client", table_name="identity_attempt")
    op.drop_table("identity_attempt")
    op.drop_index(op.f("ix_web_session_account_id"), table_name="web_session")
    op.drop_table("web_session")
    with op.batch_alter_table("provider", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_class", sa.String(length=40), nullable=True))
    op.execute("""
        UPDATE provider SET department_class = (
            SELECT d.department_class FROM department d WHERE d.code = provider.uscc)
    """)
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provider_id", sa.Integer(), nullable=True))
    # A department that never supplied records has no provider row: make one.
    op.execute("""
        INSERT INTO provider (uscc, name, department_class, created_at)
        SELECT d.code, d.name, d.department_class, d.created_at FROM department d
        WHERE NOT EXISTS (SELECT 1 FROM provider p WHERE p.uscc = d.code)
    """)
    op.execute("""
        UPDATE account SET provider_id = (
            SELECT p.id FROM provider p JOIN department d ON d.code = p.uscc
            WHERE d.id = account.department_id)
        WHERE department_id IS NOT NULL
    """)
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_department_id"))
        batch_op.drop_constraint(batch_op.f("fk_account_department_id_department"),
                                 type_="foreignkey")
        batch_op.drop_column("department_id")
        batch_op.create_foreign_key(batch_op.f("fk_account_provider_id_provider"),
                                    "provider", ["provider_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_account_provider_id"), ["provider_id"],
                              unique=False)
    op.drop_table("department")
