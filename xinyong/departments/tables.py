"""The department table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class Department(Base):
    """A department staff accounts belong to. `code` is its USCC (the provider code its
    records carry); `department_class` is an id from the catalog's departments/classes.yaml
    (None only for departments carried over from before classes were managed: such a
    department has no class-bound rights until an administrator sets one)."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    department_class: Mapped[str | None] = mapped_column(String(40))
    region_code: Mapped[str] = mapped_column(String(6))  # GB/T 2260 administrative division
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
