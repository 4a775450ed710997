"""Repair applications (信用修复), their steps, and the repair notices (两书同达)."""

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
)
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class RepairApplication(Base):
    __tablename__ = "repair_application"
    __table_args__ = (Index("ix_repair_record_state", "record_id", "state"),
                      Index("ix_repair_provider_state", "provider_uscc", "state"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"))
    record_version: Mapped[int] = mapped_column(Integer)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    subject_name: Mapped[str] = mapped_column(String(200))
    provider_uscc: Mapped[str] = mapped_column(String(18))
    provider_name: Mapped[str] = mapped_column(String(200))
    # The rule set the record was judged under: its clocks and blocks govern this application.
    rule_set_id: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str | None] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(20), index=True)
    applicant_name: Mapped[str] = mapped_column(String(100))
    applicant_account_id: Mapped[int | None] = mapped_column(Integer)
    fulfilment: Mapped[str] = mapped_column(Text)  # how the obligation was fulfilled
    commitment_text: Mapped[str] = mapped_column(Text)  # 信用修复承诺书 as signed
    commitment_state: Mapped[str] = mapped_column(String(20))  # made | in_force | broken
    commitment_broken_on: Mapped[date | None] = mapped_column(Date)
    commitment_broken_reason: Mapped[str | None] = mapped_column(Text)
    submitted_on: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    forward_due: Mapped[date | None] = mapped_column(Date)
    forwarded_on: Mapped[date | None] = mapped_column(Date)
    accept_due: Mapped[date | None] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)  # accepted or refused on
    decide_due: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)  # approved or rejected on
    sync_due: Mapped[date | None] = mapped_column(Date)
    synced_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    outcome_reasons: Mapped[str | None] = mapped_column(Text)
    # Why it was refused or rejected, as a rule code (e.g. false_materials blocks later ones).
    refusal_code: Mapped[str | None] = mapped_column(String(40))


class RepairStep(Base):
    __tablename__ = "repair_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("repair_application.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    department: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    on_day: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime)


class RepairNotice(Base):
    """信用修复告知书 issued with a penalty (两书同达): the facts the notice states, fixed when
    it was issued (ingest); the PDF is rendered from them, byte-identical on every download."""

    __tablename__ = "repair_notice"
    __table_args__ = (UniqueConstraint("record_id", "record_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"), index=True)
    record_version: Mapped[int] = mapped_column(Integer)
    issued_on: Mapped[date] = mapped_column(Date)
    rule_set_id: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str | None] = mapped_column(String(10))
    min_end: Mapped[date | None] = mapped_column(Date)
    max_end: Mapped[date | None] = mapped_column(Date)
    never_early: Mapped[bool] = mapped_column(Boolean, default=False)
