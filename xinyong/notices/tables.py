"""Notices (通知公告) the credit office publishes on the site's home page."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class Notice(Base):
    """A notice: a draft until published (shown from `published_on`), withdrawn when taken
    down (kept, with who and when: the audit log has every change)."""

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), index=True)  # draft|published|withdrawn
    published_on: Mapped[date | None] = mapped_column(Date, index=True)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
