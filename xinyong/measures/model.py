"""The measure catalog （失信惩戒措施基础清单 + 守信激励措施） as validated YAML data.

Every measure is bound to the scope its legal basis draws, as data: which list entries (list
kind and the legal bases of the listing) or records (record type, penalty kind, and the field
that ties the record to the law: the law applied, the licence revoked, the violation) trigger
it; whom it binds (the subject, or the responsible persons the basis names); the matters and
licence kinds it applies to; and its period (from the decision or from the listing, for how
many years). A measure without one of these does not load.

First pass: each measure against the pydantic model. Second pass: cross-references (list kinds
and their bases exist, record types and the fields a trigger reads exist in the catalog,
matters and licence kinds are declared). Failures name file, measure and rule.
"""

from __future__ import annotations

from datetime import date
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
TIER_LABELS = {"national": "全国失信惩戒措施基础清单", "local": "本地补充清单",
               "incentive": "守信激励措施清单"}
# The penalty-record fields each trigger feature reads (checked against the catalog at load).
FEATURE_FIELDS = {"penalty_kinds": "penalty_categories", "min_fine": "fine_amount",
                  "licence_kinds": "licence_revoked", "laws": "penalty_basis",
                  "violation_types": "violation_type"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ListTrigger(_Strict):
    """A list entry of `kind`, listed on one of `bases` (the list kind's legal basis ids):
    a measure whose basis covers one kind of listing only must not fire on the others."""

    kind: str
    bases: list[str] = Field(min_length=1)


class RecordTrigger(_Strict):
    """A record of `record_type` with the features the measure's legal basis requires.

    `penalty_kinds`: the record's 处罚类别 holds one of them (legacy combined codes resolved
    through the catalog's `legacy_penalty_kinds`); `min_fine`: a fine of at least this many
    万元 （较大数额罚款）. The tie to the law is one of `laws` （处罚依据 cites one of them）,
    `licence_kinds` （暂扣或吊销证照名称 names a certificate of one of them）, `violation_types`
    （违法行为类型 or 违法事实 says one of them）, or `any_law`: the words of a basis that names no
    particular law, quoted, so that the breadth is a reviewed decision and not an omission."""

    record_type: str
    penalty_kinds: list[str] | None = None
    min_fine: float | None = Field(None, gt=0)
    licence_kinds: list[str] | None = None
    laws: list[str] | None = None
    violation_types: list[str] | None = None
    any_law: str | None = Field(None, min_length=4)

    @model_validator(mode="after")
    def _tied_to_the_law(self) -> RecordTrigger:
        ties = [t for t in (self.laws, self.licence_kinds, self.violation_types) if t]
        if not ties and not self.any_law:
            raise ValueError("a record trigger names what ties it to the law: laws, "
                             "licence_kinds or violation_types (or any_law with the words of "
                             "a basis that names no particular law)")
        if ties and self.any_law:
            raise ValueError("any_law and a particular tie (laws, licence_kinds, "
                             "violation_types) exclude each other")
        if self.record_type == "penalty" and not (self.penalty_kinds or self.min_fine):
            raise ValueError("a penalty trigger names its penalty kinds (or a minimum fine)")
        return self


class Triggers(_Strict):
    lists: list[ListTrigger] = Field(default_factory=list)
    records: list[RecordTrigger] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something(self) -> Triggers:
        if not self.lists and not self.records:
            raise ValueError("a measure needs at least one trigger (lists or records)")
        return self


class Targets(_Strict):
    """Whom the measure binds: the subject of the entry or record, and/or the responsible
    persons its basis names （roles as a listing decision records them; 本人 = a natural
    person who is the listed subject）."""

    subject: bool
    persons: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _someone(self) -> Targets:
        if not self.subject and not self.persons:
            raise ValueError("a measure binds the subject, responsible persons or both")
        return self


class Period(_Strict):
    """How long a triggering fact keeps the measure in force: `years` from the decision
    (the record's decision date, or the date of the document a listing rests on) or from the
    listing; without `years`, while the listing is in force. A listing always ends it."""

    start: Literal["decision", "listing"]
    years: int | None = Field(None, gt=0, le=10)
    text: str = Field(min_length=2)  # the words of the basis, e.g. 自处罚决定作出之日起五年内

    @model_validator(mode="after")
    def _years_from_decision(self) -> Period:
        if self.start == "decision" and self.years is None:
            raise ValueError("a period from the decision states its years")
        return self


class Measure(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=4)
    kind: Literal["punishment", "incentive"]
    category: Literal[1, 2, 3]
    tier: Literal["national", "local", "incentive"]
    triggers: Triggers
    targets: Targets
    period: Period
    departments: list[str] = Field(min_length=1)
    matters: list[str] = Field(min_length=1)
    # Licence applications it applies to ("any" = every licence); required for licensing.
    licence_kinds: list[str] | Literal["any"] | None = None
    legal_basis: list[LegalBasis] = Field(min_length=1)
    effective_from: date | None = None
    effective_to: date | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _scope_complete(self) -> Measure:
        if "licensing" in self.matters and self.licence_kinds is None:
            raise ValueError("a licensing measure names the licence kinds it applies to "
                             "(licence_kinds: [...] or any)")
        if "licensing" not in self.matters and self.licence_kinds is not None:
            raise ValueError("licence_kinds only apply to the licensing matter")
        if self.triggers.records and self.period.start != "decision":
            raise ValueError("a measure triggered by records runs from the decision")
        if (self.kind == "incentive") != (self.tier == "incentive"):
            raise ValueError("incentive measures, and only they, are in the incentive tier")
        return self

    @property
    def advisory(self) -> bool:
        """Category 3: applied by market bodies on their own; the platform only informs."""
        return self.category == 3

    @property
    def tier_label(self) -> str:
        return TIER_LABELS[self.tier]

    def applies_to(self, matter: str, licence_kind: str | None) -> bool:
        if matter not in self.matters:
            return False
        if matter != "licensing" or self.licence_kinds == "any":
            return True
        return licence_kind is not None and licence_kind in (self.licence_kinds or [])

    def in_force_on(self, day: date) -> bool:
        return ((self.effective_from is None or self.effective_from <= day)
                and (self.effective_to is None or day <= self.effective_to))


class LicenceKind(_Strict):
    name: str = Field(min_length=2)  # the licence as applied for, e.g. 食品经营许可
    certificates: list[str] = Field(min_length=1)  # names on certificates, incl. predecessors


class MeasureCatalog(BaseModel):
    model_config = ConfigDict(frozen=True)
    matters: dict[str, str]
    licence_kinds: dict[str, LicenceKind]
    legacy_penalty_kinds: dict[str, dict[str, str]]
    measures: dict[str, Measure]

    def check_matter(self, matter: str) -> str:
        if matter not in self.matters:
            known = "、".join(f"{k}={v}" for k, v in self.matters.items())
            raise Invalid(f"办理事项「{matter}」不在措施清单的事项列表中：{known}",
                          code="matter_unknown")
        return matter

    def check_licence_kind(self, kind: str | None) -> str | None:
        if kind is None or kind in self.licence_kinds:
            return kind
        known = "、".join(f"{k}={v.name}" for k, v in self.licence_kinds.items())
        raise Invalid(f"许可种类「{kind}」未登记：{known}", code="licence_kind_unknown")

    def for_matter(self, matter: str) -> list[Measure]:
        return [m for m in self.measures.values() if matter in m.matters]

    def in_force(self, day: date) -> list[Measure]:
        return [m for m in self.measures.values() if m.in_force_on(day)]

    def for_listing(self, list_kind: str, basis_id: str) -> list[Measure]:
        """The measures a listing of this kind on this basis triggers (for its decision)."""
        return [m for m in self.measures.values()
                if any(t.kind == list_kind and basis_id in t.bases for t in m.triggers.lists)]


def _fail(path: Path, key: str, rule: str, code: str = "measure_invalid") -> ConfigError:
    return ConfigError(f"{path.name}: measure '{key}': {rule}", code=code)


def _cross_check(path: Path, m: Measure, catalog: Catalog, list_kinds: dict[str, ListKind],
                 matters: dict[str, str], licences: dict[str, LicenceKind]) -> None:
    for t in m.triggers.lists:
        kind = list_kinds.get(t.kind)
        if kind is None:
            raise _fail(path, m.id, f"unknown list kind '{t.kind}'")
        for b in t.bases:
            if kind.basis(b) is None:
                raise _fail(path, m.id, f"list kind '{t.kind}' has no legal basis '{b}'")
    for r in m.triggers.records:
        rt = catalog.record_types.get(r.record_type)
        if rt is None:
            raise _fail(path, m.id, f"unknown record type '{r.record_type}'")
        for feature, field in FEATURE_FIELDS.items():
            if getattr(r, feature) and field not in rt.field_names:
                raise _fail(path, m.id, f"record type '{rt.id}' has no field '{field}' "
                                        f"(read by {feature})")
        for lk in r.licence_kinds or []:
            if lk not in licences:
                raise _fail(path, m.id, f"licence kind '{lk}' is not declared")
    for matter in m.matters:
        if matter not in matters:
            raise _fail(path, m.id, f"matter '{matter}' is not declared under matters")
    if isinstance(m.licence_kinds, list):
        for lk in m.licence_kinds:
            if lk not in licences:
                raise _fail(path, m.id, f"licence kind '{lk}' is not declared")


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
    try:
        licences = {str(k): LicenceKind.model_validate(v)
                    for k, v in (raw.get("licence_kinds") or {}).items()}
    except ValidationError as exc:
        raise ConfigError(f"{path.name}: licence_kinds: {exc.errors()[0]['msg']}",
                          code="measures_yaml") from exc
    legacy = {str(k): {str(a): str(b) for a, b in v.items()}
              for k, v in (raw.get("legacy_penalty_kinds") or {}).items()}
    measures: dict[str, Measure] = {}
    for i, item in enumerate(raw["measures"]):
        key = str(item.get("id", f"#{i + 1}")) if isinstance(item, dict) else f"#{i + 1}"
        try:
            m = Measure.model_validate(item)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            code = ("measure_legal_basis_missing" if loc.startswith("legal_basis")
                    else "measure_scope_invalid" if loc.split(".")[0] in (
                        "", "triggers", "targets", "period", "licence_kinds")
                    else "measure_invalid")
            raise _fail(path, key, f"{loc or 'scope'}: {first['msg']}", code) from exc
        if m.id in measures:
            raise _fail(path, m.id, "declared twice", "measure_duplicate")
        _cross_check(path, m, catalog, list_kinds, matters, licences)
        measures[m.id] = m
    return MeasureCatalog(matters=matters, licence_kinds=licences, legacy_penalty_kinds=legacy,
                          measures=measures)


@cache
def default_measures() -> MeasureCatalog:
    return load_measures()


def measures_following(list_kind: str, basis_id: str) -> list[tuple[str, str]]:
    """(name, legal basis) of the measures a listing of this kind on this basis triggers, as
    its notice and decision state them."""
    return [(m.name, "；".join(b.cite() for b in m.legal_basis))
            for m in default_measures().for_listing(list_kind, basis_id)]
