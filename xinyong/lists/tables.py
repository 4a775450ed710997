"""List entries (名单) and the record of every step of their procedure."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class ListEntry(Base):
    __tablename__ = "list_entry"
    __table_args__ = (Index("ix_list_entry_subject_state", "subject_id", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_kind: Mapped[str] = mapped_column(String(40), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    subject_name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20), index=True)
    # The legal-effect document the listing rests on (判决书/处罚决定书/认定决定书 ...).
    document_type: Mapped[str] = mapped_column(String(100))
    document_number: Mapped[str] = mapped_column(String(200))
    document_date: Mapped[date] = mapped_column(Date)
    issuing_body: Mapped[str] = mapped_column(String(200))
    legal_basis_id: Mapped[str] = mapped_column(String(60))
    facts: Mapped[str] = mapped_column(Text)
    department_name: Mapped[str | None] = mapped_column(String(200))
    department_uscc: Mapped[str | None] = mapped_column(String(18))
    # 落实到人: only a masked name and the role are kept.
    person_name_masked: Mapped[str | None] = mapped_column(String(50))
    person_role: Mapped[str | None] = mapped_column(String(40))
    notice_sent_on: Mapped[date | None] = mapped_column(Date)
    statement_until: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date)
    listed_until: Mapped[date | None] = mapped_column(Date, index=True)
    removed_on: Mapped[date | None] = mapped_column(Date)
    removal_reason: Mapped[str | None] = mapped_column(String(40))
    # Numbers of the documents issued: the notice (告知书) and the decision (认定决定书).
    notice_number: Mapped[str | None] = mapped_column(String(40))
    decision_number: Mapped[str | None] = mapped_column(String(40))
    # Bumped on every change: a reviewed false match is keyed on it.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # SHA-256 over the columns of lists.integrity.HASHED, set on every write and bound into
    # the audit chain by that write's entry (NULL: written before tamper evidence existed).
    content_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class ListTransition(Base):
    """Who moved an entry from which state to which, why and when."""

    __tablename__ = "list_transition"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("list_entry.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    department: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    on_day: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime)


class ListEntryPerson(Base):
    """A responsible person a listing decision names (落实到人): the role, the masked name and
    ID number to show, and the keyed hash of the ID number to recognise the person when they
    apply, or act for another company, later. The clear number is never stored."""

    __tablename__ = "list_entry_person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("list_entry.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    name_masked: Mapped[str] = mapped_column(String(50))
    id_masked: Mapped[str | None] = mapped_column(String(40))
    id_key: Mapped[str | None] = mapped_column(String(64), index=True)


class ListStatement(Base):
    """The subject's statement (陈述申辩) on a proposed listing, filed within the statement
    period, with the deciding department's record of how it considered it."""

    __tablename__ = "list_statement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("list_entry.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(200))
    submitted_by: Mapped[str] = mapped_column(String(100))
    submitted_on: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    consideration: Mapped[str | None] = mapped_column(Text)
    considered_by: Mapped[str | None] = mapped_column(String(100))
    considered_on: Mapped[date | None] = mapped_column(Date)


class ListRemovalApplication(Base):
    """The subject's application for early removal (提前移出), where its list kind allows it;
    decided by the department that made the listing."""

    __tablename__ = "list_removal_application"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("list_entry.id"), index=True)
    state: Mapped[str] = mapped_column(String(20))  # submitted | approved | rejected
    reasons: Mapped[str] = mapped_column(Text)
    applicant: Mapped[str] = mapped_column(String(100))
    submitted_on: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_reason: Mapped[str | None] = mapped_column(Text)
