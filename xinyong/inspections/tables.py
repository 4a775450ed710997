"""The tables of 双随机、一公开: draws, the sampled subjects' tasks (with their result and the
published record it became) and the inspectors' declared conflicts (回避)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class InspectionDraw(Base):
    """One 双随机 draw: the matter, the department, the seed anyone can re-run it with, the
    ratios per grade it used and whether grades were used (the 80 % indicator); and how many
    candidate inspector assignments its 回避 declarations excluded."""

    __tablename__ = "inspection_draw"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    matter_id: Mapped[str] = mapped_column(String(60), index=True)
    department_code: Mapped[str] = mapped_column(String(18), index=True)
    seed: Mapped[int] = mapped_column(Integer)
    drawn_on: Mapped[date] = mapped_column(Date)
    used_grades: Mapped[bool] = mapped_column(Boolean)
    ratios: Mapped[dict[str, Any]] = mapped_column(JSON)
    population: Mapped[int] = mapped_column(Integer)
    sampled: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # (sampled subject, inspector) pairs left out because the inspector declared 回避.
    excluded_avoidance: Mapped[int] = mapped_column(Integer, default=0)


class InspectionTask(Base):
    """One sampled subject with its two inspectors and, once recorded, the result. A result
    is published (抽查结果公示) when recorded, as the record `result_record_id`."""

    __tablename__ = "inspection_task"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("inspection_draw.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    grade: Mapped[str | None] = mapped_column(String(2))
    inspector_1: Mapped[int | None] = mapped_column(Integer)
    inspector_2: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[str | None] = mapped_column(String(40))
    result_note: Mapped[str | None] = mapped_column(String(1000))
    result_on: Mapped[date | None] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date, index=True)
    # The 双随机抽查结果信息 record (catalog type inspection_result) the result became.
    result_record_id: Mapped[int | None] = mapped_column(Integer, index=True)


class InspectionAvoidance(Base):
    """A declared conflict (回避): this inspector must not inspect the subject with this code,
    for the reason given; declared by the inspector or by the department's data officer on
    their behalf (audited). Withdrawn declarations keep their row (`withdrawn_at`)."""

    __tablename__ = "inspection_avoidance"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    department_code: Mapped[str] = mapped_column(String(18), index=True)
    subject_uscc: Mapped[str] = mapped_column(String(18), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    declared_by: Mapped[str] = mapped_column(String(100))
    declared_at: Mapped[datetime] = mapped_column(DateTime)
    withdrawn_by: Mapped[str | None] = mapped_column(String(100))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
