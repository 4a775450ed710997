"""The declarative data of 双随机、一公开: the inspection matters (检查事项清单), the sampling
ratio per grade and the results an inspection may record, each with its legal basis,
validated at load (data/*.yaml)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from xinyong.catalog.model import LegalBasis
from xinyong.core.errors import ConfigError, NotFound

DATA = Path(__file__).parent / "data"
MAX_SEED = 2**31 - 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Population(_Strict):
    record_type: str | None = None


class Matter(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=2)
    department_class: str
    population: Population
    legal_basis: list[LegalBasis] = Field(min_length=1)


class MatterList(_Strict):
    legal_basis: list[LegalBasis] = Field(min_length=1)
    matters: list[Matter] = Field(min_length=1)


class Sampling(_Strict):
    legal_basis: list[LegalBasis] = Field(min_length=1)
    scales: dict[str, dict[str, float]]
    ungraded: float = Field(ge=0, le=1)

    def ratios(self, scale: str) -> dict[str, float]:
        return self.scales[scale]


class ResultRules(_Strict):
    """results.yaml: how a recorded result is published (抽查结果公示) and for how long it stays
    on the site (the law sets no end: decision 0019). The results a task may record are the
    codes of the catalog's `inspection_result.result` field, the one list of them."""

    legal_basis: list[LegalBasis] = Field(min_length=1)
    publication_months: int = Field(ge=1, le=120)
    publication_basis: list[LegalBasis] = Field(min_length=1)


def _load(path: Path, model: type[BaseModel]) -> Any:
    try:
        return model.model_validate(yaml.safe_load(path.read_text("utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path.name} 不符合规则：{exc}") from exc


@cache
def matters() -> dict[str, Matter]:
    return {m.id: m for m in _load(DATA / "matters.yaml", MatterList).matters}


@cache
def sampling() -> Sampling:
    s: Sampling = _load(DATA / "sampling.yaml", Sampling)
    for scale, table in s.scales.items():
        if any(not 0 <= r <= 1 for r in table.values()):
            raise ConfigError(f"sampling.yaml: 抽查比例应在0到1之间（{scale}）")
    return s


@cache
def result_rules() -> ResultRules:
    rules: ResultRules = _load(DATA / "results.yaml", ResultRules)
    return rules


RESULT_TYPE = "inspection_result"


def results() -> tuple[str, ...]:
    """合格 / 不合格 / 发现问题已责令整改…: the codes of the catalog's result field."""
    from xinyong.catalog import default_catalog

    return tuple(default_catalog().get(RESULT_TYPE).field("result").codes or ())


def matter(matter_id: str) -> Matter:
    try:
        return matters()[matter_id]
    except KeyError:
        raise NotFound(f"检查事项 {matter_id} 不在检查事项清单中",
                       code="matter_not_found") from None
