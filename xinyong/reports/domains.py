"""The 33 domains of the 专项信用报告 (data/domains.yaml), validated at load: each names the
departments, record types and lists that count in it, with its legal basis and dates."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from xinyong.catalog import default_catalog
from xinyong.catalog.model import LegalBasis
from xinyong.core.errors import ConfigError
from xinyong.lists import default_list_kinds

DOMAINS_FILE = Path(__file__).parent / "data" / "domains.yaml"
DOMAIN_COUNT = 33


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Domain(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=2)
    department: str = Field(min_length=2)
    department_classes: tuple[str, ...] = Field(min_length=1)
    # Words of a department's name; empty: any department (a list that one body keeps).
    department_names: tuple[str, ...] = ()
    record_types: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    effective_from: date
    effective_to: date | None = None
    legal_basis: tuple[LegalBasis, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _counts_something(self) -> Domain:
        if not self.record_types and not self.lists:
            raise ValueError(f"领域 {self.id} 未规定计入的信息类别或名单")
        if self.record_types and not self.department_names:
            raise ValueError(f"领域 {self.id} 计入行政管理信息时须列明部门名称关键词")
        return self

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None
                                                or day <= self.effective_to)

    def counts_department(self, name: str | None) -> bool:
        if not self.department_names:
            return True
        return bool(name) and any(w in (name or "") for w in self.department_names)


class Policy(_Strict):
    title: str
    legal_basis: tuple[LegalBasis, ...] = Field(min_length=1)


class DomainSet(_Strict):
    policy: Policy
    domains: tuple[Domain, ...]

    def get(self, domain_id: str) -> Domain | None:
        return next((d for d in self.domains if d.id == domain_id), None)

    @property
    def ids(self) -> list[str]:
        return [d.id for d in self.domains]


def load_domains(path: Path = DOMAINS_FILE) -> DomainSet:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        ds = DomainSet.model_validate(raw)
    except Exception as exc:  # pydantic or YAML: one configuration error naming the file
        raise ConfigError(f"{path}: 专项信用报告领域配置有误：{exc}",
                          code="report_domains_invalid") from exc
    problems = []
    if len(ds.domains) != DOMAIN_COUNT or len(set(ds.ids)) != DOMAIN_COUNT:
        problems.append(f"应为 {DOMAIN_COUNT} 个不重复的领域，实有 {len(set(ds.ids))} 个")
    types, kinds = set(default_catalog().record_types), set(default_list_kinds())
    for d in ds.domains:
        problems += [f"领域 {d.id}：未知信息类别 {t}" for t in d.record_types if t not in types]
        problems += [f"领域 {d.id}：未知名单 {k}" for k in d.lists if k not in kinds]
    if problems:
        raise ConfigError(f"{path}: " + "；".join(problems), code="report_domains_invalid")
    return ds


@lru_cache(maxsize=1)
def default_domains() -> DomainSet:
    return load_domains()
