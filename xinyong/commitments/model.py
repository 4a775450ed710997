"""The commitment rules as data (data/commitments.yaml): types, breach, templates.

Validated at load: every item names its legal basis and the date it took effect; a template
names a known type; ids are unique. `load_rules()` is cached; pass a path in tests.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from xinyong.catalog.model import LegalBasis
from xinyong.core.errors import ConfigError

DATA = Path(__file__).parent / "data" / "commitments.yaml"
KIND_IDS = ("approval_substitute", "deficiency", "certification", "voluntary", "industry",
            "repair")
CONSEQUENCES = ("revoke_approval", "cancel_acceptance", "revoke_certificate", "record_only",
                "restore_penalty_maximum")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Based(_Strict):
    legal_basis: list[LegalBasis] = Field(min_length=1)
    effective_from: date
    effective_to: date | None = None

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None
                                               or day <= self.effective_to)

    def cite(self) -> str:
        return "；".join(b.cite() for b in self.legal_basis)


class Kind(_Based):
    id: str
    label: str = Field(min_length=2)
    verified: bool  # 践诺核查: the accepting department verifies it by a due date
    verify_working_days: int | None = Field(None, ge=1, le=250)
    consequence: str
    consequence_label: str

    @model_validator(mode="after")
    def _known(self) -> Kind:
        if self.id not in KIND_IDS:
            raise ValueError(f"unknown commitment type {self.id}")
        if self.consequence not in CONSEQUENCES:
            raise ValueError(f"unknown consequence {self.consequence}")
        if self.verified and not self.verify_working_days:
            raise ValueError(f"{self.id}: a verified type needs verify_working_days")
        return self


class Breach(_Based):
    publication_years: int = Field(ge=1, le=10)


class Eligibility(_Based):
    matter: str = Field(pattern=r"^[a-z][a-z0-9_]*$")  # the check's matter it answers for


class Template(_Based):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: str
    matter: str = Field(min_length=2, max_length=100)
    title: str = Field(min_length=2, max_length=100)
    reason: str = Field(min_length=2, max_length=512)
    content: str = Field(min_length=2, max_length=4000)
    liability: str = Field(min_length=2, max_length=4000)
    validity_days: int | None = Field(None, ge=1, le=3660)
    verify_working_days: int | None = Field(None, ge=1, le=250)


class Rules(_Strict):
    kinds: list[Kind]
    shared_to: list[str] = Field(default_factory=list)
    breach: Breach
    eligibility: Eligibility
    templates: list[Template]

    @model_validator(mode="after")
    def _consistent(self) -> Rules:
        ids = [k.id for k in self.kinds]
        if sorted(ids) != sorted(KIND_IDS):
            raise ValueError(f"kinds must be exactly {', '.join(KIND_IDS)}")
        seen: set[str] = set()
        for t in self.templates:
            if t.kind not in ids:
                raise ValueError(f"template {t.id}: unknown kind {t.kind}")
            if t.id in seen:
                raise ValueError(f"template {t.id} appears twice")
            seen.add(t.id)
        return self

    def kind(self, kind_id: str) -> Kind:
        return next(k for k in self.kinds if k.id == kind_id)

    def template(self, template_id: str) -> Template | None:
        return next((t for t in self.templates if t.id == template_id), None)

    def templates_in_force(self, day: date) -> list[Template]:
        return [t for t in self.templates if t.in_force(day)]


def load_rules(path: Path | None = None) -> Rules:
    return _load(path or DATA)


@lru_cache(maxsize=8)
def _load(path: Path) -> Rules:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Rules.model_validate(raw)
    except (yaml.YAMLError, ValidationError) as exc:
        raise ConfigError(f"{path.name}：承诺规则数据不合规：{exc}",
                          code="commitment_rules") from exc
