"""The parts of an enterprise name as data (data/name_parts.yaml): organisation forms by legal
class, the group mark, branch words and industry words, validated at load and refused with
file, key and rule named."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from xinyong.core.errors import ConfigError

DATA_FILE = Path(__file__).parent / "data" / "name_parts.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Basis(_Strict):
    title: str = Field(min_length=2)
    document_number: str | None = None
    article: str | None = None

    def cite(self) -> str:
        doc = f"({self.document_number})" if self.document_number else ""
        return f"《{self.title}》{doc}{self.article or ''}"


class Composition(_Strict):
    basis: list[Basis] = Field(min_length=1)
    note: str = Field(min_length=2)


class Form(_Strict):
    """One legal form and the ways a name may write it (the same form)."""

    class_: str = Field(alias="class", min_length=1)
    written: list[str] = Field(min_length=1)
    basis: Basis


class Words(_Strict):
    written: list[str] = Field(min_length=1)
    basis: Basis


class NameParts(_Strict):
    composition: Composition
    forms: list[Form] = Field(min_length=1)
    group: Words
    branch: Words
    industry: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _written_once(self) -> NameParts:
        seen: dict[str, str] = {}
        for f in self.forms:
            for w in f.written:
                if w in seen:
                    raise ValueError(f"form '{w}' written in both {seen[w]} and {f.class_}")
                seen[w] = f.class_
        if len(set(self.industry)) != len(self.industry):
            raise ValueError("an industry word is listed twice")
        return self

    def form_classes(self) -> dict[str, str]:
        """Written form -> its class, longest written form first (the first match wins)."""
        pairs = [(w, f.class_) for f in self.forms for w in f.written]
        return dict(sorted(pairs, key=lambda p: -len(p[0])))


def load_name_parts(path: Path = DATA_FILE) -> NameParts:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path.name}: not valid YAML: {exc}", code="name_parts_yaml") from exc
    try:
        return NameParts.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path.name}: {loc}: {first['msg']}",
                          code="name_parts_invalid") from exc


@cache
def default_name_parts() -> NameParts:
    return load_name_parts()
