"""Joint-measure workflow rows: a prompt (response) per measure a check triggered, and the
case officer's feedback on it. Department and matter are copied from the check so that the
statistics and the monthly case report read one table each."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class CheckPrompt(Base):
    __tablename__ = "check_prompt"
    __table_args__ = (UniqueConstraint("check_id", "measure_id"),
                      Index("ix_check_prompt_created", "created_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("screening_check.id"))
    measure_id: Mapped[str] = mapped_column(String(60), index=True)
    measure_name: Mapped[str] = mapped_column(String(200))
    measure_kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[int] = mapped_column(Integer)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    subject_name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str | None] = mapped_column(String(18))
    basis: Mapped[str] = mapped_column(Text)  # the list entries / records that triggered it
    legal_basis: Mapped[str] = mapped_column(Text)
    # Every fact behind the measure was under objection at the check: it may not be applied.
    suspended: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Whom it binds in this check: "subject", "person" or "subject,person"; the masked ID of
    # the person it was found through; the last day its period allows applying it.
    target: Mapped[str] = mapped_column(String(20), default="subject", server_default="subject")
    person_masked: Mapped[str | None] = mapped_column(String(40))
    period_end: Mapped[date | None] = mapped_column(Date)
    matter: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    department_name: Mapped[str | None] = mapped_column(String(200))
    department_class: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class CheckFeedback(Base):
    __tablename__ = "check_feedback"
    __table_args__ = (UniqueConstraint("prompt_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prompt_id: Mapped[int] = mapped_column(ForeignKey("check_prompt.id"))
    check_id: Mapped[int] = mapped_column(ForeignKey("screening_check.id"), index=True)
    measure_id: Mapped[str] = mapped_column(String(60))
    outcome: Mapped[str] = mapped_column(String(20))  # applied | not_applied
    reason: Mapped[str | None] = mapped_column(Text)
    # The last day the department applies the measure (never past the catalog's period).
    applied_until: Mapped[date | None] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(100))
    department_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
