"""grading: evaluation runs and results (grade, model version, contributions), 双随机 draws

Revision ID: 0020_grading
Revises: 0015_lists_measures_scope
Create Date: 2026-12-05 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_grading"
down_revision = "0022_monitoring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grade_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_key", sa.String(80), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("engine", sa.String(20), nullable=False),
        sa.Column("scope", sa.String(20), nullable=False),
        sa.Column("subjects", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("operator", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_grade_run"),
    )
    op.create_table(
        "grade_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("model_key", sa.String(80), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("grade", sa.String(2), nullable=False),
        sa.Column("override", sa.String(40), nullable=True),
        sa.Column("contributions", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_grade_result"),
    )
    op.create_index("ix_grade_result_run_id", "grade_result", ["run_id"])
    op.create_index("ix_grade_result_subject_asof", "grade_result", ["subject_id", "as_of"])
    op.create_table(
        "inspection_draw",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.String(60), nullable=False),
        sa.Column("department_code", sa.String(18), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("drawn_on", sa.Date(), nullable=False),
        sa.Column("used_grades", sa.Boolean(), nullable=False),
        sa.Column("ratios", sa.JSON(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("sampled", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inspection_draw"),
    )
    op.create_index("ix_inspection_draw_matter_id", "inspection_draw", ["matter_id"])
    op.create_index("ix_inspection_draw_department_code", "inspection_draw",
                    ["department_code"])
    op.create_table(
        "inspection_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(2), nullable=True),
        sa.Column("inspector_1", sa.Integer(), nullable=True),
        sa.Column("inspector_2", sa.Integer(), nullable=True),
        sa.Column("result", sa.String(40), nullable=True),
        sa.Column("result_note", sa.String(1000), nullable=True),
        sa.Column("result_on", sa.Date(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["draw_id"], ["inspection_draw.id"],
                                name="fk_inspection_task_draw_id_inspection_draw"),
        sa.ForeignKeyConstraint(["subject_id"], ["subject.id"],
                                name="fk_inspection_task_subject_id_subject"),
        sa.PrimaryKeyConstraint("id", name="pk_inspection_task"),
    )
    op.create_index("ix_inspection_task_draw_id", "inspection_task", ["draw_id"])
    op.create_index("ix_inspection_task_subject_id", "inspection_task", ["subject_id"])
    op.create_index("ix_inspection_task_published_on", "inspection_task", ["published_on"])


def downgrade() -> None:
    op.drop_table("inspection_task")
    op.drop_table("inspection_draw")
    op.drop_table("grade_result")
    op.drop_table("grade_run")
