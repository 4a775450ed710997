"""List kinds as catalog data: who may be listed, on which legal basis, for how long."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from xinyong.core.errors import ConfigError, NotFound

DATA_FILE = Path(__file__).parent / "data" / "list_kinds.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EarlyRemoval(_Strict):
    allowed: bool
    min_years: int = Field(0, ge=0)
    rule: str = Field(min_length=2)


class ListBasis(_Strict):
    """A legal basis a listing of this kind may cite, and whether it reaches people."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=2)
    document_number: str | None = None
    article: str | None = None
    # 落实到人: only where this basis itself says the responsible person is named.
    carry_to_person: bool = False
    person_roles: list[str] = Field(default_factory=list)
    # Natural persons may be the listed subject only where the basis provides for it, and their
    # entries are published (masked) only where it makes the list public.
    persons_listed: bool = False
    persons_published: bool = False
    # A basis with its own period or early-removal rule (else the kind's).
    period_years: int | None = Field(None, gt=0)
    early_removal: EarlyRemoval | None = None
    # The listing reason this basis is, where a kind lists on a closed set of reasons (列入原因
    # of the 经营异常名录): shown with the entry and matched by a received row.
    reason: str | None = Field(None, min_length=4)

    @model_validator(mode="after")
    def _published_persons_are_listed(self) -> ListBasis:
        if self.persons_published and not self.persons_listed:
            raise ValueError("persons_published needs persons_listed")
        return self

    def cite(self) -> str:
        doc = f"（{self.document_number}）" if self.document_number else ""
        return f"《{self.title}》{doc}{self.article or ''}"


class Publication(_Strict):
    """Whether entries of the kind are published on the site (a column and the subject's
    credit file), and why (or why not)."""

    public: bool
    column: str | None = None
    basis: str = Field(min_length=2)

    @model_validator(mode="after")
    def _column_named(self) -> Publication:
        if self.public and not self.column:
            raise ValueError("a public list names its column")
        return self


class ListKind(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    direction: Literal["punishment", "incentive"]
    source: Literal["internal", "external"]
    notice_required: bool
    statement_working_days: int = Field(ge=0)
    # Class of the 失信信息 a listing is (国办发〔2025〕22号); None for incentive lists.
    severity: Literal["轻微", "一般", "严重"] | None = None
    period_years: int = Field(gt=0)
    early_removal: EarlyRemoval
    removal_conditions: str = Field(min_length=2)
    remedies: str = Field(min_length=2)
    note: str | None = None
    publication: Publication
    legal_bases: list[ListBasis] = Field(min_length=1)
    # Only subjects whose code starts with one of these may be listed (None: any), refused
    # with `subject_refusal` (经营异常名录: enterprises and cooperatives, not 个体工商户).
    subject_uscc_prefixes: list[str] | None = None
    subject_refusal: str | None = Field(None, min_length=4)

    @model_validator(mode="after")
    def _refusal_stated(self) -> ListKind:
        if self.subject_uscc_prefixes and not self.subject_refusal:
            raise ValueError("a kind limited to some subjects states why (subject_refusal)")
        return self

    def admits(self, uscc: str | None) -> bool:
        """Whether a subject with this code may be listed on this kind."""
        if not self.subject_uscc_prefixes:
            return True
        return uscc is not None and uscc[:2] in self.subject_uscc_prefixes

    @model_validator(mode="after")
    def _severity_for_punishment(self) -> ListKind:
        if self.direction == "punishment" and self.severity is None:
            raise ValueError("a punishment list must state its class (severity)")
        return self

    def basis(self, basis_id: str) -> ListBasis | None:
        return next((b for b in self.legal_bases if b.id == basis_id), None)

    def period_for(self, basis_id: str) -> int:
        b = self.basis(basis_id)
        return b.period_years if b is not None and b.period_years else self.period_years

    def early_removal_for(self, basis_id: str) -> EarlyRemoval:
        b = self.basis(basis_id)
        return b.early_removal if b is not None and b.early_removal else self.early_removal


def load_list_kinds(path: Path = DATA_FILE) -> dict[str, ListKind]:
    """Load and validate; refuse naming the file, the kind and the rule."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path.name}: not valid YAML: {exc}", code="lists_yaml") from exc
    if not isinstance(raw, list):
        raise ConfigError(f"{path.name}: expected a list of list kinds", code="lists_yaml")
    kinds: dict[str, ListKind] = {}
    for i, item in enumerate(raw):
        key = item.get("id", f"#{i + 1}") if isinstance(item, dict) else f"#{i + 1}"
        try:
            kind = ListKind.model_validate(item)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            raise ConfigError(f"{path.name}: list kind '{key}': {loc}: {first['msg']}",
                              code="list_kind_invalid") from exc
        if kind.id in kinds:
            raise ConfigError(f"{path.name}: list kind '{kind.id}' declared twice",
                              code="list_kind_duplicate")
        kinds[kind.id] = kind
    return kinds


@cache
def default_list_kinds() -> dict[str, ListKind]:
    return load_list_kinds()


def get_list_kind(kind_id: str) -> ListKind:
    kinds = default_list_kinds()
    try:
        return kinds[kind_id]
    except KeyError:
        raise NotFound(f"没有名单类别「{kind_id}」（已登记：{'、'.join(sorted(kinds))}）",
                       code="list_kind_unknown") from None
