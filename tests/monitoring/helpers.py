"""A small hand-made data set for the indicators: rows inserted directly, every required
column filled with a plain value unless the test names it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Session

from xinyong.core.db import Base

_ids: dict[str, int] = {}


def _dummy(col: Any) -> Any:
    t = col.type
    if isinstance(t, Boolean):
        return False
    if isinstance(t, DateTime):
        return datetime(2026, 1, 1, 9)
    if isinstance(t, Date):
        return date(2026, 1, 1)
    if isinstance(t, Integer | Float):
        return 0
    if isinstance(t, String | Text):
        return "x"
    return {}


def add(session: Session, model: type[Base], **values: Any) -> Any:
    """Insert one row of `model`; required columns not given get a plain value."""
    table = model.__table__
    for col in table.columns:
        if col.name in values or col.nullable or col.primary_key:
            continue
        if col.default is not None or col.server_default is not None:
            continue
        values[col.name] = _dummy(col)
    obj = model(**values)
    session.add(obj)
    session.flush()
    return obj
