"""Indicators as data (data/indicators.yaml), validated at load, and periods (month, quarter)."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from xinyong.core.errors import ConfigError

DATA_FILE = Path(__file__).parent / "data" / "indicators.yaml"
Dimension = Literal["total", "department", "county", "industry"]
DIMENSION_LABELS = {"total": "全市", "department": "部门", "county": "县（市、区）",
                    "industry": "行业（部门类别）"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Count(_Strict):
    source: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    params: dict[str, Any] = Field(default_factory=dict)


class Target(_Strict):
    """`op`/`value`: a threshold the figure must meet; `direction` alone: no threshold, the
    figure is watched for its trend (lower / higher is better)."""

    op: Literal[">=", "<=", "<", ">"] | None = None
    value: float | None = None
    direction: Literal["lower", "higher"] | None = None

    @model_validator(mode="after")
    def _complete(self) -> Target:
        if (self.op is None) != (self.value is None):
            raise ValueError("op and value go together")
        if self.op is None and self.direction is None:
            raise ValueError("a target needs op/value or a direction")
        return self

    def met(self, value: float | None) -> bool | None:
        if value is None or self.op is None or self.value is None:
            return None
        return {">=": value >= self.value, "<=": value <= self.value,
                "<": value < self.value, ">": value > self.value}[self.op]

    def label(self, unit: str) -> str:
        if self.op is None or self.value is None:
            return "越低越好" if self.direction == "lower" else "越高越好"
        return f"{self.op} {format_value(self.value, unit)}"


class LegalBasis(_Strict):
    title: str = Field(min_length=2)
    document_number: str | None = None
    effective_from: date
    effective_to: date | None = None


class Indicator(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=2)
    unit: Literal["percent", "count", "per100k"]
    numerator: Count
    denominator: Count | None = None
    target: Target
    dimensions: list[Dimension] = Field(min_length=1)
    periods: list[Literal["month", "quarter"]] = Field(
        default_factory=lambda: ["month", "quarter"])  # type: ignore[arg-type]
    drill: str | None = None
    source: str = Field(min_length=2)
    legal_basis: LegalBasis

    def in_force(self, day: date) -> bool:
        lb = self.legal_basis
        return lb.effective_from <= day and (lb.effective_to is None or day <= lb.effective_to)

    def value(self, numerator: int, denominator: int | None) -> float | None:
        if self.denominator is None:
            return float(numerator)
        if not denominator:
            return None
        return numerator / denominator


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value * 100:.2f}%"
    if unit == "per100k":
        return f"{value * 100000:.3f}/10万"
    return f"{value:g}"


@cache
def load_indicators(path: Path = DATA_FILE) -> dict[str, Indicator]:
    from xinyong.monitoring.sources import SOURCES

    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, Indicator] = {}
    for i, item in enumerate(raw or []):
        try:
            ind = Indicator.model_validate(item)
        except ValidationError as exc:
            raise ConfigError(f"监测指标第{i + 1}项无效（{path.name}）：{exc}",
                              code="indicator_invalid") from exc
        for count in (ind.numerator, ind.denominator):
            if count is not None and count.source not in SOURCES:
                raise ConfigError(f"监测指标 {ind.id} 引用了不存在的数据来源 {count.source}",
                                  code="indicator_source_unknown")
        if ind.id in out:
            raise ConfigError(f"监测指标 {ind.id} 重复", code="indicator_duplicate")
        out[ind.id] = ind
    return out


