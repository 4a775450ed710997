"""Evaluation models (评价模型) as validated YAML data: xinyong/grading/data/models/*.yaml.

A model names its scale (ordered grades with score bands and labels: four levels A–D by
default, five levels A–E loadable), its indicators (where the value comes from, window,
points, caps, weights), overrides (a serious-dishonesty listing is D whatever the score), the
subject kinds it grades (never natural persons), its legal basis and its effective dates. A new
model version is a new file; (id, version) is unique. Loading refuses a model that breaks a
rule and names file, item and rule.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from xinyong.catalog.model import LegalBasis
from xinyong.core.errors import ConfigError, NotFound

MODELS_DIR = Path(__file__).parent / "data" / "models"
DEFAULT_MODEL = "enterprise"

Source = Literal["penalties", "lists", "objections_upheld", "repairs", "industry_results",
                 "registration_age", "commitments_broken"]
SOURCE_LABELS = {"penalties": "行政处罚记录", "lists": "名单", "objections_upheld": "异议",
                 "repairs": "信用修复", "industry_results": "行业信用评价",
                 "registration_age": "登记信息", "commitments_broken": "信用承诺"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Grade(_Strict):
    grade: str = Field(pattern=r"^[A-Z]$")
    label: str = Field(min_length=2)
    min_score: float


class Scale(_Strict):
    id: str
    grades: list[Grade] = Field(min_length=2)

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        mins = [g.min_score for g in self.grades]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError("grades are listed best first with strictly decreasing min_score")
        if len({g.grade for g in self.grades}) != len(self.grades):
            raise ValueError("grade letters are unique")
        return self

    def grade_of(self, score: float) -> Grade:
        for g in self.grades:
            if score >= g.min_score:
                return g
        return self.grades[-1]

    def label(self, grade: str) -> str:
        return next(g.label for g in self.grades if g.grade == grade)


class AgeBand(_Strict):
    min_years: int = Field(ge=0)
    points: float


class Indicator(_Strict):
    """One indicator. Its contribution is weight × (value × points_each) limited to
    [floor, cap] (industry results: the sum of grade_points of the valid results;
    registration age: the points of the band the age falls in)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=2)
    source: Source
    legal_basis: list[LegalBasis] = Field(min_length=1)
    weight: float = Field(1.0, gt=0)
    severity: Literal["轻微", "一般", "严重"] | None = None
    list_kinds: list[str] | None = None
    window_years: int | None = Field(None, ge=1, le=10)
    points_each: float | None = None
    cap: float | None = None
    floor: float | None = None
    grade_points: dict[str, float] | None = None
    age_points: list[AgeBand] | None = None
    improve: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> Indicator:
        if self.source == "penalties" and not (self.severity and self.window_years):
            raise ValueError("a penalties indicator names its severity and window_years")
        if self.source == "lists" and not self.list_kinds:
            raise ValueError("a lists indicator names its list_kinds")
        if self.source == "industry_results" and not self.grade_points:
            raise ValueError("an industry_results indicator names its grade_points")
        if self.source == "registration_age":
            if not self.age_points or self.age_points[0].min_years != 0:
                raise ValueError("a registration_age indicator has age_points from min_years 0")
        elif self.source != "industry_results" and self.points_each is None:
            raise ValueError(f"a {self.source} indicator names its points_each")
        return self

    def bounds(self) -> tuple[float | None, float | None]:
        """(lowest, highest) contribution before the weight."""
        lo, hi = self.floor, None
        if self.cap is not None:
            if (self.points_each or 0) < 0:
                lo = self.cap if lo is None else max(lo, self.cap)
            else:
                hi = self.cap
        return lo, hi


class Override(_Strict):
    id: str
    when_list_kind: str
    grade: str
    reason: str = Field(min_length=4)
    legal_basis: list[LegalBasis] = Field(min_length=1)


class EvaluationModel(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: str = Field(min_length=1)
    name: str
    subject_kinds: list[Literal["organisation", "individual_business"]] = Field(min_length=1)
    effective_from: date
    effective_to: date | None = None
    legal_basis: list[LegalBasis] = Field(min_length=1)
    scale: Scale
    base_score: float
    min_score: float = 0
    max_score: float = 100
    indicators: list[Indicator] = Field(min_length=1)
    overrides: list[Override] = []
    public: bool = False  # grades are internal unless a model's rule says otherwise

    @model_validator(mode="after")
    def _consistent(self) -> EvaluationModel:
        ids = [i.id for i in self.indicators]
        if len(set(ids)) != len(ids):
            raise ValueError("indicator ids are unique")
        letters = {g.grade for g in self.scale.grades}
        for o in self.overrides:
            if o.grade not in letters:
                raise ValueError(f"override {o.id}: grade {o.grade} is not on the scale")
        if self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)


def load_model_file(path: Path) -> EvaluationModel:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return EvaluationModel.model_validate(raw)
    except (ValidationError, yaml.YAMLError) as exc:
        raise ConfigError(f"评价模型文件 {path.name} 不符合规则：{exc}") from exc


def load_models(directory: Path = MODELS_DIR) -> tuple[EvaluationModel, ...]:
    models = tuple(load_model_file(p) for p in sorted(directory.glob("*.yaml")))
    keys = [m.key for m in models]
    if len(set(keys)) != len(keys):
        raise ConfigError(f"评价模型目录 {directory} 中有重复的模型版本：{keys}")
    return models


@cache
def default_models() -> tuple[EvaluationModel, ...]:
    return load_models()


def model_for(on: date, model_id: str = DEFAULT_MODEL,
              models: tuple[EvaluationModel, ...] | None = None) -> EvaluationModel:
    """The version of `model_id` in force on `on` (the latest effective_from)."""
    candidates = [m for m in (models or default_models()) if m.id == model_id and m.in_force(on)]
    if not candidates:
        raise NotFound(f"评价模型 {model_id} 在 {on.isoformat()} 没有生效的版本")
    return max(candidates, key=lambda m: m.effective_from)


def model_by_key(key: str, models: tuple[EvaluationModel, ...] | None = None) -> EvaluationModel:
    for m in models or default_models():
        if m.key == key:
            return m
    raise NotFound(f"评价模型版本 {key} 不存在")
