"""Load the publication rule sets (data/*.yaml): one file per legal instrument and version.

First pass: each file against the pydantic model (legal basis required, periods ordered,
classes complete). Second pass: effective periods of all rule sets must not overlap, so any
decision date has at most one rule set. Any failure names the file and the rule set.
The next change of law is a new file here with its own `id`, not a code change.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from xinyong.catalog import LegalBasis
from xinyong.core.errors import ConfigError

DATA_DIR = Path(__file__).parent / "data"
SEVERITIES = ("轻微", "一般", "严重")  # ascending order of gravity (国办发〔2025〕22号)
Severity = Literal["轻微", "一般", "严重"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClassPeriod(_Strict):
    """Minimum and maximum publication period of one class, in months from the decision."""

    min_months: int = Field(ge=0)
    max_months: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> ClassPeriod:
        if self.min_months > self.max_months:
            raise ValueError(f"min_months {self.min_months} > max_months {self.max_months}")
        return self


class SectorOverride(_Strict):
    """A longer minimum period for one field (e.g. 安全生产 under Order 58)."""

    sector: str
    match: list[str] = Field(min_length=1)
    min_months: int = Field(ge=0)
    basis: LegalBasis | None = None


class NeverEarly(_Strict):
    kinds: list[str]
    basis: LegalBasis


class Revocation(_Strict):
    unpublish_working_days: int = Field(ge=0)
    basis: LegalBasis


class Clock(_Strict):
    """One step's time limit in working days, and whether the number is confirmed in a read
    source or provisional (recollection / secondary source, to verify)."""

    working_days: int = Field(ge=1)
    status: Literal["confirmed", "provisional"]
    source: str


class RepairProcedure(_Strict):
    """Repair (信用修复) procedure of a rule set: step clocks and blocking rules."""

    forward: Clock  # platform pushes the application to the deciding department
    accept: Clock  # department decides whether to accept it
    decide: Clock  # after acceptance: approve or reject
    sync: Clock  # approved result pushed to every platform that received the record
    # No new application for the same record within N months of a refusal/rejection.
    repeat_block_months: int = Field(ge=0)
    # False materials or a false commitment: no application by the subject for N months.
    false_materials_block_months: int = Field(ge=0)
    basis: LegalBasis


class RuleSet(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    document_number: str
    judged_by: Literal["decision_date"] = "decision_date"
    effective_from: date
    effective_to: date | None = None
    legal_basis: list[LegalBasis] = Field(min_length=1)
    classes: dict[Severity, ClassPeriod]
    sector_overrides: list[SectorOverride] = []
    default_severity: Severity
    severity_by_kind: dict[str, Severity]
    never_early: NeverEarly
    revocation: Revocation
    repair: RepairProcedure

    @model_validator(mode="after")
    def _consistent(self) -> RuleSet:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        missing = [s for s in SEVERITIES if s not in self.classes]
        if missing:
            raise ValueError(f"no period for class {', '.join(missing)}")
        for o in self.sector_overrides:
            for name, period in self.classes.items():
                if o.min_months > period.max_months:
                    raise ValueError(
                        f"sector override '{o.sector}': min_months {o.min_months} "
                        f"exceeds the maximum of class {name}"
                    )
        return self

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


@dataclass(frozen=True)
class RuleBook:
    """All rule sets, ordered by effective_from, without overlaps (checked on load)."""

    rule_sets: tuple[RuleSet, ...]

    def for_date(self, day: date) -> RuleSet:
        for rs in self.rule_sets:
            if rs.in_force(day):
                return rs
        known = ", ".join(
            f"{rs.id} ({rs.effective_from}..{rs.effective_to or ''})" for rs in self.rule_sets
        )
        raise ConfigError(
            f"没有适用于决定日期 {day} 的公示期规则（已配置：{known}）",
            code="publication_rules_missing",
        )

    def get(self, rule_set_id: str) -> RuleSet:
        for rs in self.rule_sets:
            if rs.id == rule_set_id:
                return rs
        raise ConfigError(f"未知的公示期规则 '{rule_set_id}'", code="publication_rules_missing")


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    msg = err["msg"].removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


def _load_file(path: Path, known_kinds: Collection[str] | None) -> RuleSet:
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(
            f"{path.name}: not valid YAML: {exc}", code="publication_rules_yaml"
        ) from exc
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{path.name}: expected a mapping at top level", code="publication_rules_yaml"
        )
    name = raw.get("id", "?")
    if not raw.get("legal_basis"):
        raise ConfigError(
            f"{path.name}: rule set '{name}' has no legal basis: every "
            "publication rule must cite the law that sets it",
            code="publication_rules_no_legal_basis",
        )
    try:
        rs = RuleSet.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(
            f"{path.name}: rule set '{name}': {_first_error(exc)}", code="publication_rules_invalid"
        ) from exc
    if known_kinds is not None:
        unknown = sorted(set(rs.severity_by_kind) - set(known_kinds))
        if unknown:
            raise ConfigError(
                f"{path.name}: rule set '{rs.id}': severity_by_kind names "
                f"unknown penalty kinds: {'、'.join(unknown)}",
                code="publication_rules_invalid",
            )
    return rs


def load_rules(
    directory: Path | None = None, *, known_kinds: Collection[str] | None = None
) -> RuleBook:
    """Load every *.yaml of `directory`; `known_kinds` (the catalog's 处罚类别) checks the
    inference table for typos."""
    directory = directory or DATA_DIR
    loaded: list[tuple[str, RuleSet]] = []
    for path in sorted(directory.glob("*.yaml")):
        loaded.append((path.name, _load_file(path, known_kinds)))
    if not loaded:
        raise ConfigError(
            f"{directory}: no publication rule sets found", code="publication_rules_empty"
        )
    loaded.sort(key=lambda item: item[1].effective_from)
    seen: dict[str, str] = {}
    for file, rs in loaded:
        if rs.id in seen:
            raise ConfigError(
                f"{file}: rule set '{rs.id}' already declared in {seen[rs.id]}",
                code="publication_rules_duplicate",
            )
        seen[rs.id] = file
    for (prev_file, prev), (file, rs) in pairwise(loaded):
        if prev.effective_to is None or rs.effective_from <= prev.effective_to:
            raise ConfigError(
                f"{file}: rule set '{rs.id}' (from {rs.effective_from}) overlaps rule set "
                f"'{prev.id}' of {prev_file} (to {prev.effective_to or 'open'}): effective "
                "dates must not overlap",
                code="publication_rules_overlap",
            )
    return RuleBook(tuple(rs for _f, rs in loaded))


@cache
def default_rules() -> RuleBook:
    from xinyong.catalog import default_catalog

    codes = default_catalog().get("penalty").field("penalty_categories").codes or []
    return load_rules(known_kinds=codes)


CATALOG_RULE_PREFIX = "catalog:"


def rule_set_label(rule_set_id: str, rules: RuleBook | None = None) -> str:
    """What a user reads for a rule set id: its title and document number
    (`ndrc_order_58_v1` -> 《失信行为纠正后的信用信息修复管理办法（试行）》国家发展改革委令第58号);
    a period set by the catalog itself (`catalog:licence`) is named as such."""
    if rule_set_id.startswith(CATALOG_RULE_PREFIX):
        return "公共信用信息目录规定的公示期限"
    try:
        rs = (rules or default_rules()).get(rule_set_id)
    except ConfigError:
        return "已停用的公示期规则"  # retired from the files: never shows a bare id
    return f"《{rs.title}》{rs.document_number}"
