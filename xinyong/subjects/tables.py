"""The subject registry: one row per subject, its other names, and 重错码 review flags."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class Subject(Base):
    __tablename__ = "subject"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Organisations are keyed by their code; natural persons by a keyed hash of their ID
    # number (the clear number is never stored).
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    person_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    person_id_masked: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    derived_kind: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200), index=True)
    legal_representative: Mapped[str | None] = mapped_column(String(50))
    region_code: Mapped[str | None] = mapped_column(String(6), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # Set when a 重错码 review merged this subject into another (its records re-pointed
    # there): the row is kept as an alias whose code and pages redirect, never deleted.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id"))


class SubjectName(Base):
    """Names a subject was reported under other than its registry name (name history)."""

    __tablename__ = "subject_name"
    __table_args__ = (UniqueConstraint("subject_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime)
    batch_id: Mapped[int | None] = mapped_column(Integer)


class CodeReview(Base):
    """A 重错码 suspicion for the credit office: same code with different names, or the same
    name under different codes. `status`: open -> resolved, or open -> awaiting_correction
    (a wrong code sent back to its provider) -> resolved when the corrected records arrive.
    `resolution`: renamed | wrong_code | corrected | distinct | merged."""

    __tablename__ = "code_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    other_subject_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id"))
    name: Mapped[str] = mapped_column(String(200))
    other_name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="open")
    batch_id: Mapped[int | None] = mapped_column(Integer)
    detected_at: Mapped[datetime] = mapped_column(DateTime)
    resolution: Mapped[str | None] = mapped_column(String(20))
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str | None] = mapped_column(Text)


class CodeReviewRecord(Base):
    """A record reported under a code marked wrong (resolution wrong_code), awaiting the
    provider's corrected version: `corrected_at` is set when a version of the record under
    another subject arrives, and the review closes when none is left."""

    __tablename__ = "code_review_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("code_review.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"), index=True)
    provider_id: Mapped[int] = mapped_column(Integer)
    corrected_at: Mapped[datetime | None] = mapped_column(DateTime)
    corrected_batch_id: Mapped[int | None] = mapped_column(Integer)
