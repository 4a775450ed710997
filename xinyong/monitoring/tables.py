"""Indicator values kept per period: a month's figure does not move when later data arrives;
`compute --recompute` replaces it on purpose (and says so in the audit log)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class IndicatorValue(Base):
    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("indicator_id", "period", "dimension", "key",
                                       name="uq_indicator_value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(7), index=True)  # 2026-11 | 2026-Q4
    dimension: Mapped[str] = mapped_column(String(20))  # total | department | county | industry
    key: Mapped[str] = mapped_column(String(40))  # "" for the total
    numerator: Mapped[int] = mapped_column(Integer)
    denominator: Mapped[int | None] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float)
    target_op: Mapped[str | None] = mapped_column(String(2))
    target_value: Mapped[float | None] = mapped_column(Float)
    met: Mapped[bool | None] = mapped_column()
    no_data: Mapped[bool] = mapped_column(default=False)  # the source is not wired yet
    computed_at: Mapped[datetime] = mapped_column(DateTime)
    computed_by: Mapped[str] = mapped_column(String(100))


class MonitoringWarning(Base):
    """A warning raised by a rule to the responsible department; never published, never a
    measure. `dedupe` keeps a rule from raising the same warning twice."""

    __tablename__ = "monitoring_warning"
    __table_args__ = (UniqueConstraint("dedupe", name="uq_monitoring_warning_dedupe"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(60))
    dedupe: Mapped[str] = mapped_column(String(200))
    department_uscc: Mapped[str] = mapped_column(String(18), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id"))
    subject_name: Mapped[str | None] = mapped_column(String(200))
    facts: Mapped[str] = mapped_column(Text)
    risk_class: Mapped[str | None] = mapped_column(String(20))  # from grading, once merged
    raised_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), index=True)  # open | answered
    response: Mapped[str | None] = mapped_column(Text)
    responded_by: Mapped[str | None] = mapped_column(String(100))
    responded_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
