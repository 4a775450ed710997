"""The measure catalog (失信惩戒措施基础清单 + 守信激励措施) as validated YAML data.

First pass: each measure against the pydantic model (a measure without a legal basis, a kind,
a category or a trigger does not load). Second pass: cross-references (list kinds exist, record
types and their fields exist in the catalog, matters are declared). Failures name file, measure
and rule.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from xinyong.catalog import Catalog, default_catalog
from xinyong.catalog.model import LegalBasis
from xinyong.core.errors import ConfigError, Invalid
from xinyong.lists import ListKind, default_list_kinds

DATA_FILE = Path(__file__).parent / "data" / "measures.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RecordTrigger(_Strict):
    """A record of `record_type` whose `field` contains any of the values, decided within
    the last `within_years` years."""

    record_type: str
    field: str | None = None
    contains_any: list[str] | None = None
    within_years: int | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _field_and_values(self) -> RecordTrigger:
        if (self.field is None) != (self.contains_any is None):
            raise ValueError("field and contains_any go together")
        return self


class Triggers(_Strict):
    lists: list[str] = Field(default_factory=list)
    records: list[RecordTrigger] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something(self) -> Triggers:
        if not self.lists and not self.records:
            raise ValueError("a measure needs at least one trigger (lists or records)")
        return self


class Measure(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=4)
    kind: Literal["punishment", "incentive"]
    category: Literal[1, 2, 3]
    triggers: Triggers
    departments: list[str] = Field(min_length=1)
    matters: list[str] = Field(min_length=1)
    legal_basis: list[LegalBasis] = Field(min_length=1)
    note: str | None = None

    @property
    def advisory(self) -> bool:
        """Category 3: applied by market bodies on their own; the platform only informs."""
        return self.category == 3


class MeasureCatalog(BaseModel):
    model_config = ConfigDict(frozen=True)
    matters: dict[str, str]
    measures: dict[str, Measure]

    def check_matter(self, matter: str) -> str:
        if matter not in self.matters:
            known = "、".join(f"{k}={v}" for k, v in self.matters.items())
            raise Invalid(f"办理事项「{matter}」不在措施清单的事项列表中：{known}",
                          code="matter_unknown")
        return matter

    def for_matter(self, matter: str) -> list[Measure]:
        return [m for m in self.measures.values() if matter in m.matters]


def _fail(path: Path, key: str, rule: str, code: str = "measure_invalid") -> ConfigError:
    return ConfigError(f"{path.name}: measure '{key}': {rule}", code=code)


def load_measures(path: Path = DATA_FILE, *, catalog: Catalog | None = None,
                  list_kinds: dict[str, ListKind] | None = None) -> MeasureCatalog:
    catalog = catalog or default_catalog()
    list_kinds = list_kinds if list_kinds is not None else default_list_kinds()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path.name}: not valid YAML: {exc}", code="measures_yaml") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("measures"), list) \
            or not isinstance(raw.get("matters"), dict):
        raise ConfigError(f"{path.name}: expected 'matters' (mapping) and 'measures' (list)",
                          code="measures_yaml")
    matters = {str(k): str(v) for k, v in raw["matters"].items()}
    measures: dict[str, Measure] = {}
    for i, item in enumerate(raw["measures"]):
        key = str(item.get("id", f"#{i + 1}")) if isinstance(item, dict) else f"#{i + 1}"
        try:
            m = Measure.model_validate(item)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            code = "measure_legal_basis_missing" if loc.startswith("legal_basis") \
                else "measure_invalid"
            raise _fail(path, key, f"{loc}: {first['msg']}", code) from exc
        if m.id in measures:
            raise _fail(path, m.id, "declared twice", "measure_duplicate")
        for kind in m.triggers.lists:
            if kind not in list_kinds:
                raise _fail(path, m.id, f"unknown list kind '{kind}'")
        for t in m.triggers.records:
            rt = catalog.record_types.get(t.record_type)
            if rt is None:
                raise _fail(path, m.id, f"unknown record type '{t.record_type}'")
            if t.field and t.field not in rt.field_names:
                raise _fail(path, m.id, f"record type '{rt.id}' has no field '{t.field}'")
        for matter in m.matters:
            if matter not in matters:
                raise _fail(path, m.id, f"matter '{matter}' is not declared under matters")
        measures[m.id] = m
    return MeasureCatalog(matters=matters, measures=measures)


@cache
def default_measures() -> MeasureCatalog:
    return load_measures()
