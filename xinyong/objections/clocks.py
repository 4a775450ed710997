"""Objection clocks: configuration (YAML with its legal basis), validated on load."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from xinyong.catalog import LegalBasis
from xinyong.core.errors import ConfigError

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
