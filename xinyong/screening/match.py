"""Matching an applicant against the registry: exact on the code, graded on names.

Names are compared on their legal parts (names.py: division, 字号 and 行业, form, branch) with
the scores of rules.py: code 1.0 > exact name 0.95 > exact former name 0.90 > the same name
written differently 0.85 (former 0.80), 0.03 less when only the legal form differs > one typo
in the 字号 or 行业 0.75 (former 0.70). A legal representative given with the applicant that
differs from the registry's lowers a name hit by 0.05 (it never raises one: names of legal
representatives repeat). A code with a wrong check digit is reported as such and is not
quietly replaced by a name match.

Lookups go through the `screening_name` and `screening_block` index (see tables.py), never a
scan: per chunk of applicants one query for codes, one for exact and variant names (keys and
cores, joined to the subject), and one for the typo candidates of the names not found that
way (deletions and blocks, rules.probes), each list bound as one parameter. On PostgreSQL a
batch's chunk probes the index once per value (`_probes`): priced as a list against the
statistics, a few hundred values were looked up by scanning the table. Natural persons
are not in the index: a person is never matched on a name alone. Whether a fuzzy hit is shown
at all is the check's decision (check.py shows only those with credit information).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any, NamedTuple, Protocol, cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    String,
    Table,
    any_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    null,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.dml import ReturningDelete
from sqlalchemy.types import TypeEngine

from xinyong.screening.names import ParsedName, parse
from xinyong.screening.rules import (
    LEGAL_REP_MISMATCH,
    METHOD_LABELS,
    SCORE_CODE,
    STEP_LABELS,
    Graded,
    blocks,
    grade_name,
    grade_typo,
    probes,
)
from xinyong.screening.tables import (
    PENDING_NAME,
    PENDING_SUBJECT,
    ScreeningBlock,
    ScreeningName,
    ScreeningPending,
)
from xinyong.subjects import Subject, SubjectName
from xinyong.subjects.uscc import UsccError
from xinyong.subjects.uscc import validate as validate_uscc

CHUNK = 400  # applicants (or ids) per query: well inside SQLite's and PostgreSQL's limits
PERSON = "person"
RANGE_SPAN = 20000  # ids of pending runs read per query when indexing them
RANGES_PER_QUERY = 200
INDEX_LOCK = 0x5C4EE41D  # PostgreSQL advisory lock key of the name index (see _lock)
JIT_OFF_FROM = 20  # applicants from which a batch turns PostgreSQL's JIT off (match_many)
PROBE_FROM = 20  # names of a chunk from which PostgreSQL probes value by value (_probing)
_JIT_OFF = text("SET LOCAL jit = off")

@dataclass(frozen=True)
class Applicant:
    uscc: str | None = None
    name: str | None = None
    legal_representative: str | None = None


@dataclass
class Hit:
    subject_id: int
    uscc: str | None
    name: str  # registry name
    kind: str
    legal_representative: str | None
    matched_name: str
    matched_current: bool
    method: str  # code | exact | variant | fuzzy
    score: float
    steps: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        which = "现用名称" if self.matched_current else "曾用名/其他名称"
        if self.method == "code":
            text = f"统一社会信用代码 {self.uscc} 一致"
        else:
            text = f"{METHOD_LABELS[self.method]}：与{which}「{self.matched_name}」比对"
            if self.steps:
                text += "，经" + "、".join(STEP_LABELS.get(s, s) for s in self.steps) + "规范化"
        text += f"；得分 {self.score:.2f}"
        return text + "".join("；" + n for n in self.notes)


class NameRow(NamedTuple):
    id: int
    subject_id: int
    source_name_id: int | None
    name: str
    key: str
    core: str
    form: str


class SubjectInfo(NamedTuple):
    uscc: str | None
    name: str
    kind: str
    legal_representative: str | None


_NAME_COLS = (ScreeningName.id, ScreeningName.subject_id, ScreeningName.source_name_id,
              ScreeningName.name, ScreeningName.key, ScreeningName.core, ScreeningName.form)
_SUBJECT_COLS = (Subject.uscc, Subject.name, Subject.kind, Subject.legal_representative)


class FuzzyScope(Protocol):
    """Which subjects a fuzzy hit may be shown for, as SQL (see match_many): the check keeps
    subjects with credit information, and saying so in the typo query keeps the thousands
    of similar names of a batch that have none in the database."""

    key: str  # names the scope in the statement cache

    def clause(self, subject_id: ColumnElement[int] | InstrumentedAttribute[int],
               dialect: str) -> ColumnElement[bool]: ...

    def params(self, dialect: str) -> dict[str, object]: ...


@dataclass
class MatchResult:
    applicant: Applicant
    code: str | None = None  # the normalised, valid code
    uscc_problem: tuple[str, str] | None = None  # (rule, zh-CN message)
    hits: list[Hit] = field(default_factory=list)

    @cached_property
    def parsed(self) -> ParsedName | None:
        """The applicant's name normalised and parsed, once (a batch asks for it often)."""
        name = _clean(self.applicant.name)
        return parse(name) if name else None

    @property
    def name_key(self) -> str | None:
        return self.parsed.canonical if self.parsed else None


# ---------------------------------------------------------------- the index


def _name_rows(entries: Iterable[tuple[int, str, int | None]]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for sid, name, source in entries:
        if not name:
            continue
        n = parse(name)
        rows.append({"subject_id": sid, "source_name_id": source, "name": name,
                     "key": n.canonical, "core": n.core, "form": n.form_key})
    return rows


def _insert(session: Session, rows: list[dict[str, object]]) -> None:
    if not rows:
        return
    # Core inserts (no ORM bookkeeping): a reindex writes a million names. The blocks are
    # made from the returned (id, subject, core) rows, so these may come back in any order
    # (asking for parameter order makes SQLite insert them one statement each).
    table = cast(Table, ScreeningName.__table__)
    inserted = session.execute(insert(table).returning(table.c.id, table.c.subject_id,
                                                       table.c.core), rows).all()
    block_rows = [{"block": b, "name_id": nid, "subject_id": sid}
                  for nid, sid, core in inserted for b in blocks(core)]
    if block_rows:
        session.execute(insert(cast(Table, ScreeningBlock.__table__)), block_rows)


def _index(session: Session, entries: Iterable[tuple[int, str, int | None]],
           chunk: int = 5000) -> int:
    total, batch = 0, []
    for e in entries:
        batch.append(e)
        if len(batch) >= chunk:
            rows = _name_rows(batch)
            _insert(session, rows)
            total, batch = total + len(rows), []
    rows = _name_rows(batch)
    _insert(session, rows)
    return total + len(rows)


def _lock(session: Session, *, exclusive: bool) -> None:
    """PostgreSQL: a rebuild excludes refreshes that index anything (shared among them).
    Without it a refresh could claim a batch committed while a rebuild runs, look for its
    subjects in the index as it was before the rebuild, and index them as the rebuild does.
    A refresh with nothing new never takes it. SQLite: writers are serialised already."""
    if session.get_bind().dialect.name == "postgresql":
        lock = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        session.execute(text(f"SELECT {lock}(:key)"), {"key": INDEX_LOCK})


def reindex(session: Session) -> int:
    """Rebuild the name index from the registry (after a bulk load or a change of the
    normalisation or blocking rules). Returns the number of names indexed."""
    _lock(session, exclusive=True)
    # Every pending row seen now was committed with its subjects, which the reads below see:
    # covered. Rows committed later stay for the next refresh, which skips what is indexed.
    session.execute(delete(cast(Table, ScreeningPending.__table__)))
    session.execute(delete(ScreeningBlock))
    session.execute(delete(ScreeningName))
    indexed = (_index(session, ((sid, name, None) for sid, name in session.execute(
                   select(Subject.id, Subject.name).where(
                       Subject.kind != PERSON, Subject.merged_into_id.is_(None))
                   .order_by(Subject.id))))
               + _index(session, ((sid, name, nid) for nid, sid, name in session.execute(
                   select(SubjectName.id, SubjectName.subject_id, SubjectName.name)
                   .join(Subject, Subject.id == SubjectName.subject_id)
                   .where(Subject.kind != PERSON, Subject.merged_into_id.is_(None))
                   .order_by(SubjectName.id)))))
    if session.get_bind().dialect.name == "postgresql":
        # Both tables were just rewritten whole: with the statistics of the old (often
        # empty) index the planner scans them, and a check takes 30-500 ms instead of 4 until
        # autovacuum gets round to them (measured at 1M names, bench/check_bench.py).
        session.execute(text("ANALYZE screening_name"))
        session.execute(text("ANALYZE screening_block"))
    return indexed


@cache
def _pending_stmt() -> Select[tuple[int]]:
    """Built once: constructing it costs more than running it (see refresh_index). On the
    table, not the ORM entity: run on the connection it costs half as much."""
    return select(cast(Table, ScreeningPending.__table__).c.id)


@cache
def _claim_stmt(dialect: str) -> ReturningDelete[tuple[str, int, int]]:
    """Delete exactly the pending rows read, returning those this transaction deleted. On
    PostgreSQL rows are locked in id order first (two refreshes never deadlock); a row
    another refresh claimed is waited for and then not returned, so it is indexed once."""
    pending = cast(Table, ScreeningPending.__table__)
    locked = (select(pending.c.id).where(member(pending.c.id, "ids", Integer(), dialect))
              .order_by(pending.c.id).with_for_update())
    return (delete(pending).where(pending.c.id.in_(locked))
            .returning(pending.c.kind, pending.c.first_id, pending.c.last_id))


def _merged(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if out and first <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out


def _batches(ranges: list[tuple[int, int]]) -> Iterator[list[tuple[int, int]]]:
    """Merged id ranges in groups for one query each: at most RANGES_PER_QUERY ranges and
    RANGE_SPAN ids (a long range is cut), so that each answer is read whole before its names
    are inserted, in bounded memory."""
    batch: list[tuple[int, int]] = []
    span = 0
    for first, last in _merged(ranges):
        while first <= last:
            end = min(last, first + RANGE_SPAN - span - 1)
            batch.append((first, end))
            span += end - first + 1
            first = end + 1
            if span >= RANGE_SPAN or len(batch) >= RANGES_PER_QUERY:
                yield batch
                batch, span = [], 0
    if batch:
        yield batch


def _within(col: InstrumentedAttribute[int], ranges: list[tuple[int, int]]
            ) -> ColumnElement[bool]:
    return or_(*(col.between(first, last) for first, last in ranges))


def _index_claimed(session: Session, claimed: Sequence[tuple[str, int, int]]) -> int:
    """Index the subjects and other names of claimed runs that are not indexed yet (a
    rebuild may have covered them already)."""
    added = 0
    unindexed_subject = ~exists().where(ScreeningName.subject_id == Subject.id,
                                        ScreeningName.source_name_id.is_(None))
    for ranges in _batches([(f, t) for kind, f, t in claimed if kind == PENDING_SUBJECT]):
        added += _index(session, [(sid, name, None) for sid, name in session.execute(
            select(Subject.id, Subject.name)
            .where(_within(Subject.id, ranges), Subject.kind != PERSON, unindexed_subject)
            .order_by(Subject.id))])
    unindexed_name = ~exists().where(ScreeningName.source_name_id == SubjectName.id)
    for ranges in _batches([(f, t) for kind, f, t in claimed if kind == PENDING_NAME]):
        added += _index(session, [(sid, name, nid) for nid, sid, name in session.execute(
            select(SubjectName.id, SubjectName.subject_id, SubjectName.name)
            .join(Subject, Subject.id == SubjectName.subject_id)
            .where(_within(SubjectName.id, ranges), Subject.kind != PERSON, unindexed_name)
            .order_by(SubjectName.id))])
    return added


def refresh_index(session: Session) -> int:
    """Index the subjects and other names recorded as pending (screening_pending) by the
    transactions that created them; returns the number of names indexed. Exact whatever
    order transactions commit in: a row is seen when its subjects are, and claimed by
    deleting it. Cheap when nothing is new: one read of a table that is then empty, and no
    write (on SQLite a write would wait for a running ingest)."""
    ids = session.connection().execute(_pending_stmt()).scalars().all()
    if not ids:
        return 0
    dialect = session.get_bind().dialect.name
    _lock(session, exclusive=False)
    claimed = session.execute(_claim_stmt(dialect), {"ids": bound(dialect, ids)}).tuples().all()
    return _index_claimed(session, claimed)


# ---------------------------------------------------------------- matching


def _clean(text: str | None) -> str | None:
    """Stripped, as typed: normalisation steps are applied (and reported) by normalise()."""
    t = (text or "").strip()
    return t or None


def _nfkc(text: str | None) -> str | None:
    return _clean(unicodedata.normalize("NFKC", text or ""))


class _Probe(NamedTuple):
    """What one applicant's name looks up: its key and core, and for typos (filled in by
    _typo_probe only for names not found as such) the cores one deletion away (an added
    character) and the block hashes (one replaced, swapped or missing)."""

    query: str
    parsed: ParsedName
    dels: tuple[str, ...]
    hashes: frozenset[int]


def _probe(query: str, n: ParsedName) -> _Probe:
    return _Probe(query, n, (), frozenset())


def _typo_probe(p: _Probe) -> _Probe:
    dels, hashes = probes(p.parsed)
    return p._replace(dels=dels, hashes=hashes)


def _chunks(items: Sequence[object], size: int = CHUNK) -> Iterator[int]:
    return iter(range(0, len(items), size))


_Row = tuple[int, int, int | None, str, str, str, str, str | None, str, str, str | None]
_TypoRow = tuple[int, int, int | None, str, str, str, str, int | None]


def member(col: ColumnElement[Any] | InstrumentedAttribute[Any], name: str,
           item: TypeEngine[Any], dialect: str) -> ColumnElement[bool]:
    """`col IN (values)` with the whole list as one parameter (a JSON array on SQLite, an
    array on PostgreSQL; pass it through `bound`): a chunk of applicants looks up thousands
    of values, and binding each one separately cost more than the lookups themselves."""
    if dialect == "postgresql":
        return col == any_(_array(name, item))
    if dialect == "sqlite":
        values = func.json_each(bindparam(name, type_=String())).table_valued("value")
        return col.in_(select(values.c.value))
    return col.in_(bindparam(name, expanding=True))


def _array(name: str, item: TypeEngine[Any]) -> ColumnElement[Any]:
    """PostgreSQL: an array parameter, bound as the text of an array literal (`bound`)."""
    return sql_cast(bindparam(name, type_=String()), postgresql.ARRAY(item))


def bound(dialect: str, values: Iterable[object]) -> object:
    """The parameter value of a `member` list (or of `_each`)."""
    items = sorted(set(values))  # type: ignore[type-var]
    if dialect == "sqlite":
        return json.dumps(items, ensure_ascii=False)
    if dialect == "postgresql":
        return array_literal(items)
    return items


def array_literal(items: Sequence[object]) -> str:
    """PostgreSQL's text form of an array of integers or strings, made in one pass: the
    driver adapting a list value by value took 4-6 ms of CPU for the 7,000 blocks or cores
    of a chunk of a batch, more than the server took to look them up. Strings are quoted;
    JSON quotes them the same way unless it escapes a character (a quote, a backslash or a
    control character), and then each is quoted here."""
    if all(isinstance(v, int) for v in items):
        return "{" + ",".join(map(str, items)) + "}"
    text = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
    if "\\" not in text:
        return "{" + text[1:-1] + "}"
    return "{" + ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
                          for v in items) + "}"


def _each(name: str, item: TypeEngine[Any]) -> Any:
    """PostgreSQL: the values of an array parameter as rows (column `v`)."""
    return func.unnest(_array(name, item)).table_valued("v").render_derived(
        name=f"each_{name}")


def _probes(values: Any, inner: Select[Any]) -> Select[Any]:
    """PostgreSQL: `inner` (which compares an indexed column with `values.c.v`) run once per
    value, as an index probe each. The planner otherwise prices a list of a few hundred
    values against its statistics and, at a million names, scans the table instead (a
    parallel scan of screening_name per chunk of a batch); a LATERAL subquery behind an
    optimisation fence (OFFSET 0) cannot be turned into such a join."""
    probe = inner.offset(0).lateral()
    return select(*probe.c).select_from(values).join(probe, true())


def _probing(dialect: str, applicants: int) -> bool:
    """Whether the candidate statements of a chunk probe the index value by value
    (`_probes`): on PostgreSQL from PROBE_FROM applicants. Below that the plain form is
    planned with index scans anyway, and planned faster (0.1 ms of a single check)."""
    return dialect == "postgresql" and applicants >= PROBE_FROM


@cache
def _exact_stmt(dialect: str, probing: bool) -> Select[_Row] | CompoundSelect[_Row]:
    """Indexed names with one of the keys or cores, with their subject. Built once per
    dialect: constructing a statement costs more than running it. Probing (`_probing`):
    one index probe per key and per core; a name found both ways comes twice, which the
    caller's dictionaries absorb."""
    if probing:
        def named(col: InstrumentedAttribute[str], values: Any) -> Select[_Row]:
            return (select(*_NAME_COLS, *_SUBJECT_COLS)
                    .join(Subject, Subject.id == ScreeningName.subject_id)
                    .where(col == values.c.v, Subject.kind != PERSON))
        keys, cores = _each("keys", String()), _each("cores", String())
        return union_all(_probes(keys, named(ScreeningName.key, keys)),
                         _probes(cores, named(ScreeningName.core, cores)))
    return (select(*_NAME_COLS, *_SUBJECT_COLS)
            .join(Subject, Subject.id == ScreeningName.subject_id)
            .where(or_(member(ScreeningName.key, "keys", String(), dialect),
                       member(ScreeningName.core, "cores", String(), dialect)),
                   Subject.kind != PERSON))


_TYPO_STMTS: dict[tuple[str, bool, str], CompoundSelect[_TypoRow]] = {}


def _typo_stmt(dialect: str, probing: bool, scope: FuzzyScope | None
               ) -> CompoundSelect[_TypoRow]:
    """Indexed names one typo away: those whose core is one of the deletions (the query has
    an extra character), and those in one of the blocks (a character replaced or missing),
    each with the block it was reached by, within the scope. Without their subjects: most
    are compared and dropped, and only the rest are looked up (`_subjects_stmt`). Built once
    per dialect and scope."""
    cache_key = (dialect, probing, scope.key if scope else "")
    stmt = _TYPO_STMTS.get(cache_key)
    if stmt is None:
        def within(subject_id: InstrumentedAttribute[int]) -> list[ColumnElement[bool]]:
            return [scope.clause(subject_id, dialect)] if scope else []

        # The scope on the block's own subject column: names of subjects outside it are
        # never read.
        if probing:  # one index probe per core and per block (_probes)
            cores, blocks_ = _each("cores", String()), _each("blocks", BigInteger())
            by_core = _probes(cores, select(*_NAME_COLS, sql_cast(null(), BigInteger).label(
                "block")).where(
                ScreeningName.core == cores.c.v, *within(ScreeningName.subject_id)))
            by_block = _probes(blocks_, select(*_NAME_COLS, ScreeningBlock.block)
                               .join(ScreeningName, ScreeningName.id == ScreeningBlock.name_id)
                               .where(ScreeningBlock.block == blocks_.c.v,
                                      *within(ScreeningBlock.subject_id)))
        else:
            by_core = (select(*_NAME_COLS, null().label("block"))
                       .where(member(ScreeningName.core, "cores", String(), dialect),
                              *within(ScreeningName.subject_id)))
            by_block = (select(*_NAME_COLS, ScreeningBlock.block)
                        .join(ScreeningName, ScreeningName.id == ScreeningBlock.name_id)
                        .where(member(ScreeningBlock.block, "blocks", BigInteger(), dialect),
                               *within(ScreeningBlock.subject_id)))
        stmt = _TYPO_STMTS[cache_key] = union_all(by_core, by_block)
    return stmt


@cache
def _subjects_stmt(dialect: str) -> Select[tuple[int, str | None, str, str, str | None]]:
    return (select(Subject.id, *_SUBJECT_COLS)
            .where(member(Subject.id, "ids", Integer(), dialect), Subject.kind != PERSON))


@cache
def _codes_stmt(dialect: str) -> Select[tuple[int, str | None, str, str, str | None]]:
    # A code merged into another subject (重错码 resolved) checks that subject's facts.
    return select(func.coalesce(Subject.merged_into_id, Subject.id), *_SUBJECT_COLS).where(
        member(Subject.uscc, "codes", String(), dialect))


def match_many(session: Session, applicants: Sequence[Applicant], *,
               fuzzy_scope: FuzzyScope | None = None) -> list[MatchResult]:
    """Match many applicants with one query per chunk for codes, one for exact and variant
    names, and one for the typos of the names not found; results in the same order. Fuzzy
    hits are limited to the subjects in `fuzzy_scope` (all when None)."""
    results = [MatchResult(a) for a in applicants]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql" and len(applicants) >= JIT_OFF_FROM:
        # A chunk's probes of thousands of values are priced above jit_above_cost, and
        # compiling them took 10-40 ms a statement, more than running them. Until the end
        # of this transaction only.
        session.execute(_JIT_OFF)
    # 1. Codes: validate, then one lookup per chunk.
    for r in results:
        raw = _nfkc(r.applicant.uscc)
        if raw:
            try:
                r.code = validate_uscc(raw).code
            except UsccError as exc:
                r.uscc_problem = (exc.rule, str(exc))
    codes = sorted({r.code for r in results if r.code})
    by_code: dict[str, tuple[int, SubjectInfo]] = {}
    for i in _chunks(codes):
        for sid, *info in session.execute(_codes_stmt(dialect),
                                          {"codes": bound(dialect, codes[i:i + CHUNK])}):
            subject = SubjectInfo(*info)
            if subject.uscc is not None:
                by_code[subject.uscc] = (sid, subject)
    for r in results:
        found = by_code.get(r.code or "")
        if found is not None:
            sid, subject = found
            hit = Hit(sid, r.code, subject.name, subject.kind, subject.legal_representative,
                      subject.name, True, "code", SCORE_CODE)
            if r.parsed and r.parsed.canonical != parse(subject.name).canonical:
                hit.notes.append(f"申请人所填名称「{_clean(r.applicant.name)}」与登记名称不一致")
            r.hits.append(hit)
    # 2. Names, for applicants without a code hit and without a wrong code.
    pending = [r for r in results if not r.hits and r.uscc_problem is None and r.parsed]
    for i in _chunks(pending):
        part = [(r, _probe(_clean(r.applicant.name) or "", r.parsed))
                for r in pending[i:i + CHUNK] if r.parsed]
        unknown = _match_exact(session, dialect, part)
        # 3. Typos, only for names not found as such (most names of a batch are).
        if unknown:
            _match_typos(session, dialect, unknown, fuzzy_scope)
    return results


def _match_exact(session: Session, dialect: str, part: list[tuple[MatchResult, _Probe]]
                 ) -> list[tuple[MatchResult, _Probe]]:
    """Exact and variant hits; returns the applicants without any that may have typos."""
    by_key: dict[str, list[NameRow]] = {}
    by_core: dict[str, list[NameRow]] = {}
    info: dict[int, SubjectInfo] = {}
    for t in session.execute(_exact_stmt(dialect, _probing(dialect, len(part))), {
            "keys": bound(dialect, (p.parsed.canonical for _r, p in part
                                    if p.parsed.canonical)),
            "cores": bound(dialect, (p.parsed.core for _r, p in part))}):
        row = NameRow(*t[:7])
        info[row.subject_id] = SubjectInfo(*t[7:])
        by_key.setdefault(row.key, []).append(row)
        by_core.setdefault(row.core, []).append(row)
    unknown = []
    for r, p in part:
        # A name of punctuation only normalises to nothing: it matches nothing.
        if not p.parsed.canonical:
            continue
        found = by_key.get(p.parsed.canonical, []) + by_core.get(p.parsed.core, [])
        reach = {row.id: row for row in found}
        r.hits = _hits(r, [(row, g) for row in reach.values()
                           if (g := grade_name(p.query, p.parsed, row.name, row.key,
                                               row.core, row.form,
                                               row.source_name_id is None))], info)
        if not r.hits:
            typo = _typo_probe(p)
            if typo.hashes:
                unknown.append((r, typo))
    return unknown


def _match_typos(session: Session, dialect: str, unknown: list[tuple[MatchResult, _Probe]],
                 scope: FuzzyScope | None) -> None:
    by_core: dict[str, list[NameRow]] = {}
    by_block: dict[int, list[NameRow]] = {}
    params = {"cores": bound(dialect, (d for _r, p in unknown for d in p.dels)),
              "blocks": bound(dialect, (h for _r, p in unknown for h in p.hashes))}
    for t in session.execute(_typo_stmt(dialect, _probing(dialect, len(unknown)), scope),
                             params | (scope.params(dialect) if scope else {})):
        row, block = NameRow(*t[:7]), t[7]
        if block is None:
            by_core.setdefault(row.core, []).append(row)
        else:
            by_block.setdefault(block, []).append(row)
    graded: list[list[tuple[NameRow, Graded]]] = []
    for _r, p in unknown:
        reach = {row.id: row for row in (
            [x for d in p.dels for x in by_core.get(d, [])]
            + [x for h in p.hashes for x in by_block.get(h, [])])}
        graded.append([(row, g) for row in reach.values()
                       if (g := grade_typo(p.parsed, row.name, row.key, row.core, row.form,
                                           row.source_name_id is None))])
    wanted = {row.subject_id for lst in graded for row, _g in lst}
    info = {sid: SubjectInfo(*rest) for sid, *rest in session.execute(
        _subjects_stmt(dialect), {"ids": bound(dialect, wanted)})} if wanted else {}
    for (r, _p), lst in zip(unknown, graded, strict=True):
        r.hits = _hits(r, lst, info)


def _hits(r: MatchResult, graded: Iterable[tuple[NameRow, Graded]],
          info: dict[int, SubjectInfo]) -> list[Hit]:
    """One hit per subject (its best-scoring name), best first."""
    best: dict[int, Hit] = {}
    for row, (method, score, steps) in graded:
        subject = info.get(row.subject_id)
        if subject is None:
            continue  # a natural person (never indexed) or gone since
        hit = Hit(row.subject_id, subject.uscc, subject.name, subject.kind,
                  subject.legal_representative, row.name, row.source_name_id is None, method,
                  score, steps)
        _legal_rep(hit, r.applicant.legal_representative)
        old = best.get(row.subject_id)
        if old is None or hit.score > old.score:
            best[row.subject_id] = hit
    # The subject last: two subjects of the same registered name keep one order, whatever
    # order the statement returned their rows in.
    return sorted(best.values(), key=lambda h: (-h.score, h.name, h.subject_id))


def _legal_rep(hit: Hit, given: str | None) -> None:
    given = _nfkc(given)
    if not given or not hit.legal_representative:
        return
    if given == _nfkc(hit.legal_representative):
        hit.notes.append("法定代表人一致")
    else:
        hit.score = round(hit.score - LEGAL_REP_MISMATCH, 3)
        hit.notes.append("法定代表人与登记不一致（已降低得分）")


def match_one(session: Session, applicant: Applicant) -> MatchResult:
    return match_many(session, [applicant])[0]
