"""The audit log: one append-only, hash-chained row per audited read or write."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class AuditEntry(Base):
    """`seq` is assigned by the application (not a database sequence) under a lock, so that
    the chain has no gaps and the application role needs no UPDATE right on anything here.
    `hash` = SHA-256 over `prev_hash` and the canonical serialisation of the other columns."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_subject_action", "subject_uscc", "action"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime)
    action: Mapped[str] = mapped_column(String(40))
    actor_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[int | None] = mapped_column(Integer)
    department_uscc: Mapped[str | None] = mapped_column(String(18))
    department_name: Mapped[str | None] = mapped_column(String(200))
    subject_uscc: Mapped[str | None] = mapped_column(String(18))
    purpose: Mapped[str | None] = mapped_column(String(20))
    purpose_text: Mapped[str | None] = mapped_column(String(200))
    client: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[str] = mapped_column(Text)  # canonical JSON, hashed as stored
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """The chain's head at a moment, signed with the platform's Ed25519 key (kept outside the
    database, in the var directory). A rewritten chain no longer matches a signed head, and a
    chain cut below a checkpointed `seq` is missing what the checkpoint vouches for; the same
    checkpoint also goes to the exchange outbox for the upper platforms."""

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)
    head_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime)
    key_id: Mapped[str] = mapped_column(String(16))  # SHA-256 of the public key, first 16 hex
    signature: Mapped[str] = mapped_column(String(128))  # Ed25519, hex
