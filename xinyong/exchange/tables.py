"""The exchange outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base

# The same column type as ingest's (JSONB on PostgreSQL), declared here so that the outbox,
# which every workflow writes to, imports no domain (lists -> exchange -> ingest -> lists).
JsonType = JSON().with_variant(JSONB(), "postgresql")


class ExchangeEvent(Base):
    """One change to push upward. Written with the change itself (one transaction), so an
    approved repair can never be missing from the outbox; `sent_at` is set on delivery."""

    __tablename__ = "exchange_event"
    __table_args__ = (Index("ix_exchange_event_pending", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # repair.approved | repair.voided | ...
    subject_uscc: Mapped[str | None] = mapped_column(String(18))
    record_id: Mapped[int | None] = mapped_column(Integer)
    ref_kind: Mapped[str | None] = mapped_column(String(20))  # what caused it, e.g. repair
    ref_id: Mapped[int | None] = mapped_column(Integer)
    targets: Mapped[list[str]] = mapped_column(JsonType)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonType)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_to: Mapped[str | None] = mapped_column(String(500))
