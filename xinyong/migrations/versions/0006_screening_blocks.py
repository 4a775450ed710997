"""check's typo blocks: screening_block (deletion neighbourhood of the trade name) replaces the
head/tail columns of screening_name (issue 5)

Revision ID: 0006_screening_blocks
Revises: 0005_objections_repair
Create Date: 2026-11-27 09:30:00

The blocks of the names already indexed are computed here from their stored cores, with a
frozen copy of the rule of this revision (xinyong.screening.match.blocks; a test keeps the two
in agreement), so that typo matching works right after the upgrade without a reindex.
"""

import hashlib
import re

import sqlalchemy as sa
from alembic import op

revision = "0006_screening_blocks"
down_revision = "0005_objections_repair"
branch_labels = None
depends_on = None

_REGION = re.compile(
    r"(?:[\u4e00-\u9fff]{1,8}?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|新区|省|"
    r"市(?!场|政)|州|盟|县|区(?!块|域)|旗)){1,3}")
_PAGE = 20000


def blocks(core: str) -> set[int]:
    """Frozen copy of xinyong.screening.match.blocks at this revision."""
    if len(core) < 4:
        return set()
    m = _REGION.match(core)
    start = m.end() if m is not None and len(core) - m.end() >= 2 else 0
    return {int.from_bytes(hashlib.blake2b((core[:j] + core[j + 1:]).encode(),
                                           digest_size=8).digest(), "big", signed=True)
            for j in range(start, min(start + 4, len(core)))}


def upgrade() -> None:
    op.create_table(
        "screening_block",
        sa.Column("block", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block", "name_id", name=op.f("pk_screening_block")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("screening_name", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_name_head"))
        batch_op.drop_index(batch_op.f("ix_screening_name_tail"))
        batch_op.drop_column("head")
        batch_op.drop_column("tail")
    conn = op.get_bind()
    table = sa.table("screening_block", sa.column("block", sa.BigInteger()),
                     sa.column("name_id", sa.Integer()), sa.column("subject_id", sa.Integer()))
    last = 0
    while True:
        page = conn.execute(sa.text(
            "SELECT id, subject_id, core FROM screening_name WHERE id > :last ORDER BY id "
            "LIMIT :n"),
            {"last": last, "n": _PAGE}).all()
        if not page:
            break
        rows = [{"block": b, "name_id": nid, "subject_id": sid}
                for nid, sid, core in page for b in blocks(core)]
        if rows:
            conn.execute(table.insert(), rows)
        last = page[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("screening_name", schema=None) as batch_op:
        batch_op.add_column(sa.Column("head", sa.String(length=4), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("tail", sa.String(length=4), nullable=False,
                                      server_default=""))
    tail = "substr(core, -4)" if op.get_bind().dialect.name == "sqlite" else "right(core, 4)"
    op.execute(f"UPDATE screening_name SET head = substr(core, 1, 4), tail = {tail}")
    with op.batch_alter_table("screening_name", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screening_name_head"), ["head"], unique=False)
        batch_op.create_index(batch_op.f("ix_screening_name_tail"), ["tail"], unique=False)
    op.drop_table("screening_block")
