"""Reports issued: number, subject, kind, key and the signed JSON as issued (what the
verification page shows again by report number)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class ReportIssue(Base):
    __tablename__ = "report_issue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    subject_uscc: Mapped[str] = mapped_column(String(18))
    kind: Mapped[str] = mapped_column(String(10))  # public | special
    version: Mapped[str] = mapped_column(String(12))  # public | own | department
    domains: Mapped[str] = mapped_column(String(600), default="")  # comma-separated ids
    as_of: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    kid: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of the canonical content
    requested_by: Mapped[str] = mapped_column(String(200))
    department_uscc: Mapped[str | None] = mapped_column(String(18))
    signed_json: Mapped[str] = mapped_column(Text)
