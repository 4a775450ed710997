"""What the check page says it found, from the stored result of a check (the page's wording
only: the check itself is xinyong.screening.check).

- a subject with list entries or records: 命中 (the hits are listed);
- a subject found (by code or by its registered name) with nothing: 未发现失信或守信信息;
- no subject found: 未找到该主体, with the registered names that contain the query as
  possible matches (a shortened or mistyped name must not read as "clear").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.errors import XinyongError
from xinyong.publication.reads import public_counts_for
from xinyong.subjects.search import search_subjects

SUGGESTIONS = 5
HIT, CLEAR, NOT_FOUND, REVIEWED, USCC_INVALID = ("hit", "clear", "not_found", "reviewed",
                                                 "uscc_invalid")
LABELS = {HIT: "命中：发现失信或守信信息", CLEAR: "未发现失信或守信信息",
          NOT_FOUND: "未找到该主体", REVIEWED: "命中主体已复核为误报",
          USCC_INVALID: "统一社会信用代码错误"}


@dataclass(frozen=True)
class Suggestion:
    name: str
    uscc: str | None
    penalties: int  # penalties public today: the same mark as the search results


@dataclass(frozen=True)
class Verdict:
    kind: str
    hits: list[dict[str, Any]] = field(default_factory=list)  # with information
    found_clear: list[dict[str, Any]] = field(default_factory=list)  # found, nothing on them
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def _has_information(hit: dict[str, Any]) -> bool:
    return bool(hit.get("list_entries") or hit.get("records"))


def _suggest(session: Session, name: str | None) -> list[Suggestion]:
    if not name or len(name.strip()) < 2:
        return []
    try:
        page = search_subjects(session, name.strip(), per_page=SUGGESTIONS)
    except XinyongError:
        return []
    marks = public_counts_for(session, [h.subject_id for h in page.items], clock.today())
    return [Suggestion(h.name, h.uscc, marks.get(h.subject_id, {}).get("penalty", 0))
            for h in page.items[:SUGGESTIONS]]


def verdict(session: Session, result: dict[str, Any]) -> Verdict:
    hits = list(result.get("hits") or [])
    with_info = [h for h in hits if _has_information(h)]
    clear = [h for h in hits if not _has_information(h)]
    if result.get("uscc_problem"):
        return Verdict(USCC_INVALID)
    # A person the request names (by ID number) whom a listing names is a hit even when no
    # subject is: the page lists it under 责任人员比对.
    persons = any(p.get("found") for p in result.get("persons") or [])
    if with_info or persons:
        return Verdict(HIT, with_info, clear)
    if clear:
        return Verdict(CLEAR, [], clear)
    if result.get("reviewed"):
        return Verdict(REVIEWED)
    query = result.get("query") or {}
    return Verdict(NOT_FOUND, suggestions=_suggest(session, query.get("name")))
