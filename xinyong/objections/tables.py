"""Objections (异议) and every step taken on them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class Objection(Base):
    __tablename__ = "objection"
    __table_args__ = (Index("ix_objection_record_state", "record_id", "state"),
                      Index("ix_objection_entry_state", "list_entry_id", "state"),
                      Index("ix_objection_provider_state", "provider_uscc", "state"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[str] = mapped_column(String(20))  # record | list_entry
    record_id: Mapped[int | None] = mapped_column(ForeignKey("record.id"))
    record_version: Mapped[int | None] = mapped_column(Integer)
    list_entry_id: Mapped[int | None] = mapped_column(ForeignKey("list_entry.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    subject_name: Mapped[str] = mapped_column(String(200))
    # The department that provided the record (decides the objection); None until routed
    # when the target does not name one.
    provider_uscc: Mapped[str | None] = mapped_column(String(18))
    provider_name: Mapped[str | None] = mapped_column(String(200))
    applicant_kind: Mapped[str] = mapped_column(String(20))  # subject | named_person
    applicant_name: Mapped[str] = mapped_column(String(100))  # masked for a person
    applicant_account_id: Mapped[int | None] = mapped_column(Integer)
    applicant_contact: Mapped[str | None] = mapped_column(String(100))
    reasons: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), index=True)
    clock_rule_id: Mapped[str] = mapped_column(String(60))
    filed_on: Mapped[date] = mapped_column(Date)
    filed_at: Mapped[datetime] = mapped_column(DateTime)
    marked_on: Mapped[date | None] = mapped_column(Date)
    mark_due: Mapped[date | None] = mapped_column(Date)
    route_due: Mapped[date | None] = mapped_column(Date)
    routed_on: Mapped[date | None] = mapped_column(Date)
    decide_due: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    outcome_reasons: Mapped[str | None] = mapped_column(Text)
    corrected_version: Mapped[int | None] = mapped_column(Integer)
    revoked_on: Mapped[date | None] = mapped_column(Date)


class ObjectionStep(Base):
    __tablename__ = "objection_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    objection_id: Mapped[int] = mapped_column(ForeignKey("objection.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    department: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    on_day: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime)
