"""Objection clocks: configuration (YAML with its legal basis), validated on load, and the
recomputation of stored due dates when a year's calendar is added."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from xinyong.catalog import LegalBasis
from xinyong.core.errors import ConfigError
from xinyong.core.workdays import WorkingCalendar, due_or_none
from xinyong.objections.tables import Objection

DEFAULT_FILE = Path(__file__).parent / "data" / "clocks.yaml"


class ObjectionClocks(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    legal_basis: LegalBasis
    mark_working_days: int = Field(ge=1)
    route_working_days: int = Field(ge=1)
    decide_working_days: int = Field(ge=1)


def load_clocks(path: Path | None = None) -> ObjectionClocks:
    path = path or DEFAULT_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: 无法读取异议时限配置：{exc}", code="objection_clocks") from exc
    if not isinstance(raw, dict) or not raw.get("legal_basis"):
        raise ConfigError(f"{path}: 异议时限配置须为映射并注明设定依据（legal_basis）",
                          code="objection_clocks_no_basis")
    try:
        return ObjectionClocks.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"{path.name}: {where}: {err['msg']}", code="objection_clocks") from exc


@cache
def clocks_from(path: str | None) -> ObjectionClocks:
    return load_clocks(Path(path) if path else None)


def recompute_due_dates(session: Session, calendar: WorkingCalendar, clocks: ObjectionClocks,
                        year: int) -> int:
    """After `year`'s calendar was added: recompute the objections' due dates that were
    counted over it (on or after 1 January of that year) or could not be counted (empty with
    their start known). Returns how many objections changed."""
    since = date(year, 1, 1)
    touched = or_(*(or_(due >= since, due.is_(None)) for due in (
        Objection.mark_due, Objection.route_due, Objection.decide_due)))
    changed = 0
    for o in session.scalars(select(Objection).where(touched).order_by(Objection.id)):
        new = {"mark_due": due_or_none(calendar, o.filed_on, clocks.mark_working_days),
               "route_due": due_or_none(calendar, o.filed_on, clocks.route_working_days),
               "decide_due": due_or_none(calendar, o.routed_on, clocks.decide_working_days)}
        moved = False
        for name, value in new.items():
            old = getattr(o, name)
            if old != value and (old is None or old >= since):
                setattr(o, name, value)
                moved = True
        changed += moved
    session.flush()
    return changed
