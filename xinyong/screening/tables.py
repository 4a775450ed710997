"""Screening tables: the name index used by the check, the checks run, and reviewed matches.

`screening_name` holds one row per (subject, name) with the normalised forms compared by the
check: exact lookups go through the indexed `key` (canonical) and `core` (without company
suffix) columns; fuzzy comparison only among rows sharing the first or last four characters
of the core (`head` / `tail`, both indexed), so a check never scans the registry. It is built
from the registry by `xinyong screening reindex` and kept up to date lazily: each check first
indexes subjects and other names newer than the newest indexed ones (see match.refresh_index).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base

JsonType = JSON().with_variant(JSONB(), "postgresql")


class ScreeningName(Base):
    __tablename__ = "screening_name"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    # subject_name.id of a former/other name; None for the registry (current) name.
    source_name_id: Mapped[int | None] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), index=True)
    core: Mapped[str] = mapped_column(String(200), index=True)
    head: Mapped[str] = mapped_column(String(4), index=True)
    tail: Mapped[str] = mapped_column(String(4), index=True)


class ScreeningCheck(Base):
    """One check (逢办必查) of one applicant for one matter: the initiation of the
    joint-measure workflow. `result` keeps what the case officer was shown."""

    __tablename__ = "screening_check"
    __table_args__ = (Index("ix_screening_check_created", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    department_uscc: Mapped[str | None] = mapped_column(String(18))
    department_name: Mapped[str | None] = mapped_column(String(200))
    department_class: Mapped[str | None] = mapped_column(String(40))
    matter: Mapped[str] = mapped_column(String(40))
    query_uscc: Mapped[str | None] = mapped_column(String(40))
    query_name: Mapped[str | None] = mapped_column(String(200))
    query_legal_representative: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20))
    result: Mapped[dict[str, Any]] = mapped_column(JsonType)


class MatchReview(Base):
    """A name hit a case officer reviewed as a false match. It holds while the listed
    content (`content_hash` over the subject's list entries and records at review time) is
    unchanged; any change raises the hit again."""

    __tablename__ = "match_review"
    __table_args__ = (Index("ix_match_review_lookup", "query_key", "subject_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query_key: Mapped[str] = mapped_column(String(200))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    content_hash: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(100))
    department: Mapped[str | None] = mapped_column(String(200))
    check_id: Mapped[int | None] = mapped_column(ForeignKey("screening_check.id"))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
