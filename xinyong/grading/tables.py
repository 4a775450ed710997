"""Re-evaluation requests, evaluation runs and their results."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from xinyong.core import clock
from xinyong.core.db import Base


class GradeReevaluation(Base):
    __tablename__ = "grade_reevaluation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))  # repair_approved | repair_voided
    ref_kind: Mapped[str | None] = mapped_column(String(20))
    ref_id: Mapped[int | None] = mapped_column(Integer)
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)


def request_reevaluation(session: Session, subject_id: int, reason: str, *,
                         ref: tuple[str, int] | None = None) -> GradeReevaluation:
    row = GradeReevaluation(subject_id=subject_id, reason=reason,
                            ref_kind=ref[0] if ref else None, ref_id=ref[1] if ref else None,
                            requested_at=clock.now())
    session.add(row)
    session.flush()
    return row


class GradeRun(Base):
    """One evaluation run: the whole registry on a schedule, or the subjects the
    re-evaluation queue named. `engine`: default (the configured database) | spark."""

    __tablename__ = "grade_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_key: Mapped[str] = mapped_column(String(80))
    as_of: Mapped[date] = mapped_column(Date)
    engine: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(String(20))  # registry | queue | subjects
    subjects: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    operator: Mapped[str] = mapped_column(String(100))


class GradeResult(Base):
    """One subject's grade as of a day under one model version, with the inputs the
    computation used and each indicator's contribution ([[indicator, value, points], ...]),
    so that the grade is explained line by line and can be recomputed."""

    __tablename__ = "grade_result"
    __table_args__ = (Index("ix_grade_result_subject_asof", "subject_id", "as_of"),)

    # No foreign keys: results are derived rows written in bulk by the run that computed
    # them from the subject table itself (a key check per row cost as much as a third of
    # the whole evaluation on PostgreSQL); subjects are never deleted (merged ones stay).
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(Integer, index=True)
    subject_id: Mapped[int] = mapped_column(Integer)
    model_key: Mapped[str] = mapped_column(String(80))
    as_of: Mapped[date] = mapped_column(Date)
    score: Mapped[float] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(String(2))
    override: Mapped[str | None] = mapped_column(String(40))
    contributions: Mapped[list[Any]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(DateTime)

