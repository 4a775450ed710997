"""Collection tables: providers, batches, records and superseded record versions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base

JsonType = JSON().with_variant(JSONB(), "postgresql")


class Provider(Base):
    """A department that supplies records (数据提供单位), identified by its USCC. The
    department itself (class, region, accounts) is registered in xinyong.departments."""

    __tablename__ = "provider"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Batch(Base):
    """One upload or push. Only committed batches exist: a failed one leaves no row."""

    __tablename__ = "batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(40))
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), index=True)
    operator: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(10))  # file | api
    file_name: Mapped[str | None] = mapped_column(String(500))
    file_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    total: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)
    timeliness_unknown: Mapped[int] = mapped_column(Integer, default=0)


class Record(Base):
    """The current version of one record. `data` holds the validated fields by English name,
    personal identifiers already masked."""

    __tablename__ = "record"
    __table_args__ = (
        # natural_key first: a batch looks up its keys with natural_key IN (...), and
        # PostgreSQL has no statistics inside the first big transaction to pick another plan.
        UniqueConstraint("natural_key", "provider_id", "record_type"),
        Index("ix_record_subject_type", "subject_id", "record_type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(40))
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"))
    natural_key: Mapped[str] = mapped_column(String(300))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    subject_name: Mapped[str] = mapped_column(String(200))
    decision_date: Mapped[date] = mapped_column(Date, index=True)
    received_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    late: Mapped[bool | None] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JsonType)
    first_batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class RecordVersion(Base):
    """A superseded version of a record, kept when a later batch changes it."""

    __tablename__ = "record_version"
    __table_args__ = (UniqueConstraint("record_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    # Indexed: `xinyong audit verify --batch` reads the versions one batch wrote.
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JsonType)
    superseded_at: Mapped[datetime] = mapped_column(DateTime)
    superseded_by_batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"))
