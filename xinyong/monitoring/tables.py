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


class Subscription(Base):
    """Who watches which subject: a department (with the purpose it declared), an enterprise
    (its own file or a partner's public file) or the credit office."""

    __tablename__ = "watch_subscription"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(20))  # department | subject | office
    owner_key: Mapped[str] = mapped_column(String(100), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    subject_uscc: Mapped[str] = mapped_column(String(18))
    subject_name: Mapped[str] = mapped_column(String(200))
    own: Mapped[bool] = mapped_column(default=False)
    purpose: Mapped[str | None] = mapped_column(String(20))
    purpose_text: Mapped[str | None] = mapped_column(String(200))
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    secret: Mapped[str | None] = mapped_column(String(100))  # HMAC key, shown once
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    scanned_at: Mapped[datetime] = mapped_column(DateTime)


class WatchEvent(Base):
    """A change of a watched subject, in the subscriber's inbox and (with a webhook) pushed."""

    __tablename__ = "watch_event"
    __table_args__ = (UniqueConstraint("subscription_id", "kind", "ref_id",
                                       name="uq_watch_event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("watch_subscription.id"))
    kind: Mapped[str] = mapped_column(String(20))  # record | listed | removed | repaired
    ref_id: Mapped[int] = mapped_column(Integer)
    subject_id: Mapped[int] = mapped_column(Integer)
    what: Mapped[str] = mapped_column(String(60))
    occurred_on: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), index=True)  # inbox|pending|delivered|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class DeliveryAttempt(Base):
    __tablename__ = "watch_delivery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("watch_event.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    ok: Mapped[bool] = mapped_column(default=False)
