"""The state of a record or list entry that is not its content: ended early (repaired,
revoked) or disputed (an objection is being verified).

Workflows write these rows (repair, objections, the credit office); publication, shared
reads, the subject's own file and the check read them. Nothing here is deleted: a voided
repair keeps its row with `voided_on`, a settled dispute keeps its row with `closed_on`, so
the state on any past day can be answered.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class RecordOverride(Base):
    """An event that ends a record's publication early: a repair (信用修复) or a revocation
    (撤销). A repair whose commitment is broken is voided (`voided_on`), and the record is
    re-judged to its maximum period. (Table name kept from when publication owned it.)"""

    __tablename__ = "publication_override"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))  # repaired | revoked
    effective_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    voided_on: Mapped[date | None] = mapped_column(Date)
    voided_reason: Mapped[str | None] = mapped_column(String(500))


class Dispute(Base):
    """A record or list entry under objection (异议处理中) from `opened_on` until the day
    before `closed_on` (the decision day); `case_kind`/`case_id` name the case that opened
    it (an objection)."""

    __tablename__ = "record_dispute"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[str] = mapped_column(String(20))  # record | list_entry
    record_id: Mapped[int | None] = mapped_column(ForeignKey("record.id"), index=True)
    list_entry_id: Mapped[int | None] = mapped_column(ForeignKey("list_entry.id"), index=True)
    case_kind: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int] = mapped_column(Integer, index=True)
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
