"""Catalog value types: a record type, its fields, and the legal basis that allows it."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FIELD_TYPES = ("string", "date", "decimal", "enum", "enum_set", "uscc", "person_id")
WINDOWS = ("while_valid", "repair_rules", "fixed_days", "not_published")
# Fields every record type needs, by English name: the spine reads them to find the subject,
# the provider and the decision date of a row.
REQUIRED_ROLES = ("subject_name", "subject_category", "subject_uscc", "document_number",
                  "decision_date", "provider_name", "provider_uscc")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LegalBasis(_Strict):
    title: str = Field(min_length=2)
    document_number: str | None = None
    article: str | None = None
    text: str | None = None

    def cite(self) -> str:
        parts = [f"《{self.title}》"]
        if self.document_number:
            parts.append(f"（{self.document_number}）")
        if self.article:
            parts.append(self.article)
        return "".join(parts)


class Condition(_Strict):
    """`field` is in / contains any of / is present: the form of required_when and empty_when."""

    field: str
    in_: list[str] | None = Field(None, alias="in")
    contains_any: list[str] | None = None
    present: bool | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        tests = [t for t in (self.in_, self.contains_any, self.present) if t is not None]
        if len(tests) != 1:
            raise ValueError("a condition needs exactly one of in, contains_any, present")
        return self


class Placeholder(_Strict):
    category: str
    requires: str


class FieldSpec(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    header: str
    code: str
    type: str
    required: bool = False
    required_when: Condition | None = None
    empty_when: Condition | None = None
    max_length: int | None = None
    pattern: str | None = None
    codes: list[str] | None = None
    aliases: dict[str, str] | None = None
    other_prefix: str | None = None
    scale: int | None = None
    min: float | None = None
    not_future: bool = False
    not_before: str | None = None
    id_type_field: str | None = None
    placeholder_for: Placeholder | None = None
    personal: bool = False
    # A code of the subject or document (registration number, tax number, licence number):
    # kept as given. Every other string field is free text, in which a resident ID number
    # typed by hand is masked at ingest (xinyong.core.masking.scrub_text).
    identifier: bool = False
    note: str | None = None

    @field_validator("type")
    @classmethod
    def _known_type(cls, v: str) -> str:
        if v not in FIELD_TYPES:
            raise ValueError(f"unknown field type '{v}' (allowed: {', '.join(FIELD_TYPES)})")
        return v

    @model_validator(mode="after")
    def _codes_for_enums(self) -> FieldSpec:
        if self.type in ("enum", "enum_set") and not self.codes:
            raise ValueError(f"field '{self.name}' of type {self.type} needs a code list")
        if self.type == "date":
            # A date field's aliases name words departments write for a conventional date
            # (长期 for the 2099-12-31 of the national standard): each must be that date.
            for word, iso in (self.aliases or {}).items():
                try:
                    date.fromisoformat(iso)
                except ValueError:
                    raise ValueError(f"field '{self.name}': alias '{word}' must map to a date "
                                     f"YYYY-MM-DD, not '{iso}'") from None
        return self


class Publication(_Strict):
    """How the publication window of a record type is computed.

    * `repair_rules`: the versioned rule sets (Order 58 / Order 36) give the minimum and
      maximum period; `ends` may name the provider's own end-date field (公示截止期), used
      where it lies within the rule's minimum and maximum.
    * `while_valid`: from `starts` to the validity end field `ends` (default `valid_to`).
    * `fixed_days`: `days` days counted from `starts` (that day the first).
    * `not_published`: never on the public site.
    """

    window: Literal["while_valid", "repair_rules", "fixed_days", "not_published"]
    starts: str = "decision_date"
    ends: str | None = None
    days: int | None = Field(None, ge=1)
    note: str | None = None


class Include(_Strict):
    block: str
    code_prefix: str = ""


class DepartmentClass(_Strict):
    """A class of department (部门类别): what owner_department_class and shared_to name."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    label: str = Field(min_length=2)
    note: str | None = None


class DepartmentClasses(_Strict):
    """departments/classes.yaml: the list of department classes, with its legal basis."""

    legal_basis: list[LegalBasis] = Field(min_length=1)
    classes: list[DepartmentClass] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> DepartmentClasses:
        ids = [c.id for c in self.classes]
        if len(set(ids)) != len(ids):
            raise ValueError("a department class is declared twice")
        return self


class RecordType(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    catalog_category: str
    legal_basis: list[LegalBasis] = Field(min_length=1)
    owner_department_class: str
    # Department classes that may read this record type beyond its public part (through the
    # shared query API, with a declared purpose). The owner class always may.
    shared_to: list[str] = Field(default_factory=list)
    # Department classes that also send records of this type (each for itself), without
    # reading other departments' rows: a type every accepting department reports (信用承诺).
    senders: list[str] = Field(default_factory=list)
    disclosure: Literal["public", "shared", "authorised"]
    publication: Publication
    natural_key: list[str] = Field(min_length=1)
    timeliness_working_days: int = 7
    # The days the record type is in force, both inclusive (as the rule-set files count):
    # outside them its records are not on the public site (they stay in the subject's own
    # file, in shared reads and in audit) and no new batch of it is taken.
    effective_from: date | None = None
    effective_to: date | None = None
    fields: list[FieldSpec]

    def in_force(self, day: date) -> bool:
        return ((self.effective_from is None or self.effective_from <= day)
                and (self.effective_to is None or day <= self.effective_to))

    def sent_by(self, department_class: str | None) -> bool:
        """May a department of this class send records of this type?"""
        return department_class is not None and (
            department_class == self.owner_department_class
            or department_class in self.senders)

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]
