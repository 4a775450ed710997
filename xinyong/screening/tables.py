"""Screening tables: the name index used by the check, the checks run, and reviewed matches.

`screening_name` holds one row per (subject, name) with the forms compared by the check:
exact lookups go through the indexed `key` (canonical) and `core` (the parsed name without its
legal form: division, 字号 and 行业, branch; see names.py) columns, and `form` grades a hit
whose legal form differs. `screening_block` holds the typo blocks of each name: one row per
character of its 字号 and 行业 with that character deleted from the core (see rules.blocks),
stored as a 64-bit hash, so that a one-character typo still meets the registry name in one
indexed lookup, and a check never scans the registry. Both are built from the registry by
`xinyong screening reindex` and kept up to date lazily: the transaction that creates subjects
or other names also records their ids in `screening_pending`, and each check first indexes
what is recorded there (see match.refresh_index).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
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
    # The identity of the name without its legal form (names.ParsedName.core):
    # division key | 字号 and 行业 | branch words.
    core: Mapped[str] = mapped_column(String(200), index=True)
    form: Mapped[str] = mapped_column(String(40), default="", server_default="")


class ScreeningBlock(Base):
    """A typo block of an indexed name: hash of its core with one character of its body
    (字号 and 行业) deleted. Derived data, rebuilt with `screening_name` (no foreign key:
    `reindex` empties both, and a key check per deleted row would only slow that down).
    Clustered on the block (SQLite WITHOUT ROWID) so that the rows of one block are read
    together; the subject is repeated here so that the check can keep only subjects with
    credit information before it reads any name row."""

    __tablename__ = "screening_block"
    __table_args__ = {"sqlite_with_rowid": False}

    block: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    subject_id: Mapped[int] = mapped_column(Integer)


PENDING_SUBJECT = "subject"  # screening_pending.kind: a run of subject.id
PENDING_NAME = "name"  # a run of subject_name.id (other names)
PENDING_COLUMNS = ("kind", "first_id", "last_id")


class ScreeningPending(Base):
    """Subjects or other names not yet in the name index: one row per run of consecutive new
    ids (first_id..last_id of subject.id or subject_name.id, by `kind`; natural persons may
    sit inside a run, the index skips them). Written by the transaction that creates the
    subjects (subjects.service), so a row becomes visible exactly when they do, whatever
    order transactions commit in: ids from a sequence are no high-water mark. A refresh
    claims rows by deleting them (match.refresh_index); a chunk of thousands of new subjects
    is a row or two."""

    __tablename__ = "screening_pending"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    first_id: Mapped[int] = mapped_column(Integer)
    last_id: Mapped[int] = mapped_column(Integer)


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
    # The licence applied for (licensing), and the keyed hashes of the ID numbers of the
    # applicant (a natural person) and of its legal representative: hashed as received, the
    # clear number is never stored.
    query_licence_kind: Mapped[str | None] = mapped_column(String(40))
    query_person_key: Mapped[str | None] = mapped_column(String(64))
    query_representative_key: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    result: Mapped[dict[str, Any]] = mapped_column(JsonType)


class MatchReview(Base):
    """A name hit a case officer reviewed: a false match (`verdict` false_match), which
    holds while the listed content (`content_hash` over the subject's list entries and records
    at review time) is unchanged, any change raising the hit again; or a confirmed match
    (`verdict` confirmed: the applicant of that name is this subject), which lets measures be
    prompted on a name that alone decides nothing, for later checks too."""

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
