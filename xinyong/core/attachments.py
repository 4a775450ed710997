"""Attachments to a subject's objection or repair application: PDF or images, checked by their
content (not by the name or the declared type), size-limited, kept in the database with the
application so that filing is all-or-nothing and nothing lives outside the backups.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, LargeBinary, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from xinyong.core import clock
from xinyong.core.db import Base
from xinyong.core.errors import Invalid, NotFound, Problem

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 5
# Magic numbers of the accepted types: a renamed .exe is refused whatever it is called.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG"),
)


class Attachment(Base):
    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_owner", "owner_kind", "owner_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(20))  # objection | repair
    owner_id: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)


@dataclass(frozen=True)
class Upload:
    file_name: str
    content: bytes


def sniff(content: bytes) -> str | None:
    for magic, content_type, _label in SIGNATURES:
        if content.startswith(magic):
            return content_type
    return None


def check_uploads(uploads: list[Upload], *, required: bool = False) -> list[tuple[Upload, str]]:
    """Every problem at once, each naming the file (row = its position) and the rule."""
    problems: list[Problem] = []
    if required and not uploads:
        raise Invalid("请上传证明材料（PDF 或图片）", code="attachment_required")
    if len(uploads) > MAX_FILES:
        raise Invalid(f"附件最多{MAX_FILES}个，收到{len(uploads)}个", code="attachment_too_many")
    checked: list[tuple[Upload, str]] = []
    accepted = "、".join(label for _m, _t, label in SIGNATURES)
    for n, up in enumerate(uploads, start=1):
        name = (up.file_name or f"附件{n}").replace("\\", "/").rsplit("/", 1)[-1][:200]
        if not up.content:
            problems.append(Problem(n, name, "attachment_empty", f"附件「{name}」是空文件"))
            continue
        if len(up.content) > MAX_BYTES:
            problems.append(Problem(n, name, "attachment_too_large",
                                    f"附件「{name}」超过 {MAX_BYTES // (1024 * 1024)} MB"))
            continue
        content_type = sniff(up.content)
        if content_type is None:
            problems.append(Problem(n, name, "attachment_type",
                                    f"附件「{name}」不是 {accepted} 文件（按文件内容判断）"))
            continue
        checked.append((Upload(name, up.content), content_type))
    if problems:
        raise Invalid(problems[0].message if len(problems) == 1
                      else f"{len(problems)}个附件不符合要求", code=problems[0].rule,
                      errors=problems)
    return checked


def store(session: Session, owner_kind: str, owner_id: int,
          checked: list[tuple[Upload, str]]) -> list[Attachment]:
    now = clock.now()
    rows = [Attachment(owner_kind=owner_kind, owner_id=owner_id, file_name=up.file_name,
                       content_type=ct, size=len(up.content),
                       sha256=hashlib.sha256(up.content).hexdigest(), content=up.content,
                       uploaded_at=now) for up, ct in checked]
    session.add_all(rows)
    session.flush()
    return rows


def list_for(session: Session, owner_kind: str, owner_id: int) -> list[Attachment]:
    # Deferred content would be nicer; lists are short (MAX_FILES) so a plain load is fine.
    return list(session.scalars(select(Attachment).where(
        Attachment.owner_kind == owner_kind, Attachment.owner_id == owner_id)
        .order_by(Attachment.id)))


def get(session: Session, owner_kind: str, owner_id: int, attachment_id: int) -> Attachment:
    row = session.get(Attachment, attachment_id)
    if row is None or row.owner_kind != owner_kind or row.owner_id != owner_id:
        raise NotFound(f"附件 {attachment_id} 不存在", code="attachment_not_found")
    return row
