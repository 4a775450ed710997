"""Name and code search over current and former subject names: one module, two engines.

What is compared is the normalised name (`xinyong.screening.normalise`: full/half width,
traditional/simplified, case, punctuation) and its core without the company-form suffix, so
"華盛食品有限責任公司" finds "华盛食品有限公司". The query's core is searched as a substring:

* 3+ characters: SQLite FTS5 trigram table / PostgreSQL pg_trgm GIN index (LIKE '%q%').
* 2 characters: the bigrams of each name (`SubjectSearch.grams`): SQLite an FTS5 table of
  them, PostgreSQL a GIN index on the array. Trigram indexes cannot answer them (SQLite 3.40
  returns no rows, silently; pg_trgm extracts no trigram and scans the whole index), yet most
  trade names (字号: 腾讯, 华为) are two characters.
* 18 code characters: the USCC, validated first (wrong check digit -> Invalid), then looked
  up by the unique index on subject.uscc.

At most MATCH_CAP names are ranked per query (exact names first, then prefix, current before
former, shorter first), which bounds the cost of a very common term; `total` then says
"at least". Natural persons are never indexed: they are not published.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from xinyong.core.errors import Invalid
from xinyong.screening import normalise
from xinyong.subjects.bulk import BulkWriter
from xinyong.subjects.search_tables import SubjectSearch
from xinyong.subjects.tables import Subject, SubjectName
from xinyong.subjects.uscc import UsccError
from xinyong.subjects.uscc import normalise as normalise_code
from xinyong.subjects.uscc import validate as validate_uscc

MATCH_CAP = 1000
MIN_QUERY = 2
_CODE_LIKE = re.compile(r"^[0-9A-Z]{18}$")
PERSON = "person"


@dataclass(frozen=True)
class SearchHit:
    subject_id: int
    uscc: str | None
    name: str  # the registry (current) name
    kind: str
    region_code: str | None
    matched_name: str  # the name that matched: current or former
    matched_current: bool
    segments: tuple[tuple[str, bool], ...]  # matched_name split; True = the matched part


@dataclass
class SearchPage:
    query: str
    items: list[SearchHit]
    total: int
    page: int
    per_page: int
    capped: bool = False  # more than MATCH_CAP names matched: total is a lower bound
    by_code: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


def haystack_of(name: str) -> tuple[str, str, str]:
    n = normalise(name)
    key, core = n.canonical, n.core
    return key, core, key if core in key else f"{key}|{core}"


def bigram_text(haystack: str) -> str:
    """The distinct bigrams of a haystack, space-separated, in order of first occurrence (the
    `grams` column; normalised text holds no spaces or ASCII punctuation, so each bigram is one
    token for FTS5's ascii tokenizer and one element of string_to_array)."""
    return " ".join(dict.fromkeys(part[i:i + 2] for part in haystack.split("|")
                                  for i in range(len(part) - 1)))


SEARCH_COLUMNS = ("id", "subject_id", "name", "current", "key", "core", "haystack", "grams")


def index_names(session: Session, entries: Sequence[tuple[int, str, bool]], *,
                new: bool = False, writer: BulkWriter | None = None) -> int:
    """Add (subject_id, name, current) to the index; names already indexed are skipped
    (`new`: the caller knows none is, e.g. subjects it has just created). Callers pass no
    natural persons. Rows are written set-based (one insert per table per call)."""
    wanted = {(sid, name): current for sid, name, current in entries if name}
    if not wanted:
        return 0
    if not new:
        sids = {sid for sid, _n in wanted}
        for sid, name in session.execute(select(SubjectSearch.subject_id, SubjectSearch.name)
                                         .where(SubjectSearch.subject_id.in_(sids))):
            wanted.pop((sid, name), None)
        if not wanted:
            return 0
    writer = writer or BulkWriter(session)
    ids = writer.allocate_ids("subject_search", len(wanted))
    rows: list[tuple[object, ...]] = []
    for search_id, ((sid, name), current) in zip(ids, wanted.items(), strict=True):
        key, core, hay = haystack_of(name)
        rows.append((search_id, sid, name, current, key, core, hay, bigram_text(hay)))
    writer.insert("subject_search", SEARCH_COLUMNS, rows)
    if not writer.postgres:
        # The FTS5 tables have no insert trigger (see search_tables): filled here, in bulk.
        writer.insert("subject_search_fts", ("rowid", "haystack"), [(r[0], r[6]) for r in rows])
        writer.insert("subject_search_bigram", ("rowid", "grams"), [(r[0], r[7]) for r in rows])
    return len(rows)


def reindex(session: Session, *, chunk: int = 5000) -> int:
    """Rebuild the whole index from the registry (after a bulk load or a normalisation
    change); incremental updates happen in resolve_subjects."""
    session.execute(delete(SubjectSearch))  # the FTS5 tables follow by trigger (SQLite)
    total = 0
    batch: list[tuple[int, str, bool]] = []
    # A subject merged into another (an alias) is found through the other's names.
    current = select(Subject.id, Subject.name).where(Subject.kind != PERSON,
                                                     Subject.merged_into_id.is_(None))
    former = (select(SubjectName.subject_id, SubjectName.name)
              .join(Subject, Subject.id == SubjectName.subject_id)
              .where(Subject.kind != PERSON, Subject.merged_into_id.is_(None)))
    for query, is_current in ((current, True), (former, False)):
        for sid, name in session.execute(query):
            batch.append((sid, name, is_current))
            if len(batch) >= chunk:
                total += index_names(session, batch)
                batch = []
        total += index_names(session, batch)
        batch = []
    return total


def _code_query(session: Session, q: str) -> Subject | None | bool:
    """False: not a code. None: a valid code nobody holds. Raises on a wrong code."""
    code = normalise_code(q)
    if not _CODE_LIKE.match(code):
        return False
    try:
        info = validate_uscc(code)
    except UsccError as exc:
        raise Invalid(str(exc), code=exc.rule) from exc
    subject = session.scalar(select(Subject).where(Subject.uscc == info.code,
                                                   Subject.kind != PERSON))
    if subject is not None and subject.merged_into_id is not None:
        # A code merged into another subject (重错码 resolved): that subject is the answer.
        subject = session.get(Subject, subject.merged_into_id) or subject
    return subject


def _candidate_ids(session: Session, term: str) -> list[int]:
    sqlite = session.get_bind().dialect.name == "sqlite"
    if len(term) < 3:
        if sqlite:
            return list(session.scalars(text(
                "SELECT rowid FROM subject_search_bigram WHERE subject_search_bigram MATCH :q "
                "LIMIT :n"), {"q": '"' + term.replace('"', '""') + '"', "n": MATCH_CAP + 1}))
        # The expression exactly as indexed (ix_subject_search_grams), separator inline.
        return list(session.scalars(text(
            "SELECT id FROM subject_search WHERE string_to_array(grams, ' ') "
            "@> ARRAY[CAST(:g AS text)] LIMIT :n"), {"g": term, "n": MATCH_CAP + 1}))
    if sqlite:
        phrase = '"' + term.replace('"', '""') + '"'
        return list(session.scalars(text(
            "SELECT rowid FROM subject_search_fts WHERE subject_search_fts MATCH :q LIMIT :n"),
            {"q": phrase, "n": MATCH_CAP + 1}))
    # Normalised text holds no LIKE wildcards (punctuation and "_" are removed).
    return list(session.scalars(select(SubjectSearch.id)
                                .where(SubjectSearch.haystack.like(f"%{term}%"))
                                .limit(MATCH_CAP + 1)))


def highlight(name: str, term: str) -> tuple[tuple[str, bool], ...]:
    """Split `name` around the part whose normalised form is `term` (for <mark>)."""
    norm: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(name):
        for c in normalise(ch).canonical:
            norm.append(c)
            origin.append(i)
    at = "".join(norm).find(term) if term else -1
    if at < 0:
        return ((name, False),)
    start, end = origin[at], origin[at + len(term) - 1] + 1
    parts = ((name[:start], False), (name[start:end], True), (name[end:], False))
    return tuple(p for p in parts if p[0])


def search_subjects(session: Session, q: str, *, page: int = 1,
                    per_page: int = 20) -> SearchPage:
    """Search by name, former name or USCC. Raises Invalid for a wrong code or a query of
    fewer than two characters."""
    q = (q or "").strip()
    page = max(page, 1)
    code_hit = _code_query(session, q)
    if code_hit is not False:
        subject = code_hit if isinstance(code_hit, Subject) else None
        items = [] if subject is None else [SearchHit(
            subject.id, subject.uscc, subject.name, subject.kind, subject.region_code,
            subject.name, True, ((subject.name, False),))]
        return SearchPage(q, items, len(items), 1, per_page, by_code=True)
    n = normalise(q)
    term = n.core if len(n.core) >= MIN_QUERY else n.canonical
    if len(term) < MIN_QUERY:
        raise Invalid(f"请输入至少{MIN_QUERY}个字的名称或18位统一社会信用代码",
                      code="query_too_short")
    ids = _candidate_ids(session, term)
    capped = len(ids) > MATCH_CAP
    exact = list(session.scalars(select(SubjectSearch.id).where(
        (SubjectSearch.key == n.canonical) | (SubjectSearch.core == term)).limit(50)))
    wanted = list(dict.fromkeys(exact + ids[:MATCH_CAP]))
    # Rank on the index rows alone (natural persons are never indexed); read the registry
    # only for the subjects of the page shown.
    Row = tuple[int, str, bool, str, str]  # subject_id, name, current, key, core
    rows: list[Row] = [tuple(r) for r in session.execute(
        select(SubjectSearch.subject_id, SubjectSearch.name, SubjectSearch.current,
               SubjectSearch.key, SubjectSearch.core)
        .where(SubjectSearch.id.in_(wanted)))] if wanted else []

    def rank(row: Row) -> tuple[int, int, int, int, str]:
        _sid, name, current, key, core = row
        exactness = 0 if key == n.canonical or core == term else (
            1 if key.startswith(term) else 2)
        # The query as typed (suffix and all) beats a match of its core only.
        literal = 0 if n.canonical in key else 1
        return (exactness, literal, 0 if current else 1, len(name), name)

    best: dict[int, Row] = {}
    for row in sorted(rows, key=rank):
        best.setdefault(row[0], row)
    ranked = list(best.values())
    # A page past the last shows the last (page 95 of 94 is page 94), never an empty page.
    page = min(page, max((len(ranked) + per_page - 1) // per_page, 1))
    start = (page - 1) * per_page
    shown = ranked[start:start + per_page]
    subjects = {sid: (uscc, name, kind, region) for sid, uscc, name, kind, region in
                session.execute(select(Subject.id, Subject.uscc, Subject.name, Subject.kind,
                                       Subject.region_code)
                                .where(Subject.id.in_([r[0] for r in shown])))}
    items = [SearchHit(sid, subjects[sid][0], subjects[sid][1], subjects[sid][2],
                       subjects[sid][3], name, current, highlight(name, term))
             for sid, name, current, _k, _c in shown
             if sid in subjects and subjects[sid][2] != PERSON]
    return SearchPage(q, items, len(ranked), page, per_page, capped=capped)


def index_new_subjects(session: Session, rows: Sequence[tuple[int, str, str]], *,
                       writer: BulkWriter | None = None) -> None:
    """Hook for resolve_subjects: (subject_id, name, kind) of newly created subjects."""
    index_names(session, [(sid, name, True) for sid, name, kind in rows if kind != PERSON],
                new=True, writer=writer)


def index_other_names(session: Session, rows: Sequence[tuple[int, str, str]], *,
                      writer: BulkWriter | None = None) -> None:
    """Hook for resolve_subjects: (subject_id, name, kind) of subjects reported under another
    name (name history)."""
    index_names(session, [(sid, name, False) for sid, name, kind in rows if kind != PERSON],
                writer=writer)


__all__ = ["MATCH_CAP", "SearchHit", "SearchPage", "highlight", "index_names",
           "index_new_subjects", "index_other_names", "reindex", "search_subjects"]
