"""Re-evaluation requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
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
