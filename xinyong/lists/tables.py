"""List entries (名单) and the record of every step of their procedure."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class ListEntry(Base):
    __tablename__ = "list_entry"
    __table_args__ = (Index("ix_list_entry_subject_state", "subject_id", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_kind: Mapped[str] = mapped_column(String(40), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    subject_name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20), index=True)
    # The legal-effect document the listing rests on (判决书/处罚决定书/认定决定书 ...).
    document_type: Mapped[str] = mapped_column(String(100))
    document_number: Mapped[str] = mapped_column(String(200))
    document_date: Mapped[date] = mapped_column(Date)
    issuing_body: Mapped[str] = mapped_column(String(200))
    legal_basis_id: Mapped[str] = mapped_column(String(60))
    facts: Mapped[str] = mapped_column(Text)
    department_name: Mapped[str | None] = mapped_column(String(200))
    department_uscc: Mapped[str | None] = mapped_column(String(18))
    # 落实到人: only a masked name and the role are kept.
    person_name_masked: Mapped[str | None] = mapped_column(String(50))
    person_role: Mapped[str | None] = mapped_column(String(40))
    notice_sent_on: Mapped[date | None] = mapped_column(Date)
    statement_until: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date)
    listed_until: Mapped[date | None] = mapped_column(Date, index=True)
    removed_on: Mapped[date | None] = mapped_column(Date)
    removal_reason: Mapped[str | None] = mapped_column(String(40))
    # Bumped on every change: a reviewed false match is keyed on it.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # SHA-256 over the columns of lists.integrity.HASHED, set on every write and bound into
    # the audit chain by that write's entry (NULL: written before tamper evidence existed).
    content_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class ListTransition(Base):
    """Who moved an entry from which state to which, why and when."""

    __tablename__ = "list_transition"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("list_entry.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    department: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    on_day: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime)
