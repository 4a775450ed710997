"""Accounts, their API keys and web sessions, and identity attempts. Passwords, keys and
session ids are stored only as hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class Account(Base):
    """A person or system that signs in. Staff accounts belong to a registered department;
    a subject account acts for one USCC."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)  # login name
    display_name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    subject_uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))  # argon2id
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ApiKey(Base):
    """A per-department API key. `prefix` finds the row; only a SHA-256 of the whole key is
    kept (keys are 256-bit random, so a slow hash would add latency without adding safety)."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str | None] = mapped_column(String(500))  # comma-separated; None = role's
    label: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    replaced_by_id: Mapped[int | None] = mapped_column(Integer)


class WebSession(Base):
    """A web login session. The cookie carries only the random session id; this row (found by
    the id's SHA-256) says whose it is and whether it still holds. Logout, a password change,
    disabling, lock-out or an administrator end it at once by setting `revoked_at`."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # logout | password_changed | account_disabled | account_locked | ended_by_admin
    reason: Mapped[str | None] = mapped_column(String(40))
    client: Mapped[str | None] = mapped_column(String(64))


class IdentityAttempt(Base):
    """One attempt to prove an identity (a login, an ID number on the objection form), kept
    to limit failures per client address and per target across processes."""

    __tablename__ = "identity_attempt"
    __table_args__ = (Index("ix_identity_attempt_client", "kind", "client", "at"),
                      Index("ix_identity_attempt_target", "kind", "target", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # login | person_identity
    client: Mapped[str | None] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(120))  # login name, or record:ID / list_entry:ID
    ok: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime)
