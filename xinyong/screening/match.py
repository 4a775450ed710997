"""Matching an applicant against the registry: exact on the code, graded on names.

Scores are graded so that they compare across hits and never all pile up at 1.0:

    code 1.0 > exact registry name 0.95 > exact former name 0.90
      > variant of the registry name 0.85 (width, script, case, spacing/punctuation or
        company suffix differ) > variant of a former name 0.80
      > fuzzy <= 0.75 (rapidfuzz ratio of the name cores, scaled; only >= FUZZY_THRESHOLD)

A legal representative given with the applicant that differs from the registry's lowers a
name hit by 0.05 (it never raises one: names of legal representatives repeat). A code with a
wrong check digit is reported as such and is not quietly replaced by a name match.

Lookups go through the `screening_name` index (see tables.py): one indexed equality per key
and core, fuzzy only inside the head/tail blocks, many applicants per query in a batch.
Natural persons are not in the index: a person is never matched on a name alone.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from rapidfuzz import fuzz
from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session

from xinyong.screening.normalise import SUFFIX, normalise
from xinyong.screening.tables import ScreeningName
from xinyong.subjects import Subject, SubjectName
from xinyong.subjects.uscc import UsccError
from xinyong.subjects.uscc import validate as validate_uscc

SCORE_CODE = 1.0
SCORE_NAME = 0.95
SCORE_FORMER = 0.90
SCORE_VARIANT = 0.85
SCORE_FORMER_VARIANT = 0.80
FUZZY_MAX = 0.75
FUZZY_THRESHOLD = 85.0  # rapidfuzz ratio (0-100) of the cores
LEGAL_REP_MISMATCH = 0.05
FUZZY_CANDIDATES = 300  # rows compared per block lookup, at most
CHUNK = 400
PERSON = "person"

STEP_LABELS = {"full_width": "全角转半角", "traditional": "繁体转简体", "case": "大小写",
               "spacing_punctuation": "空格和标点", SUFFIX: "公司类型后缀"}
METHOD_LABELS = {"code": "统一社会信用代码一致", "exact": "名称完全一致",
                 "variant": "名称规范化后一致", "fuzzy": "名称相似"}


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
            text = f"{METHOD_LABELS[self.method]}:与{which}「{self.matched_name}」比对"
            if self.steps:
                text += ",经" + "、".join(STEP_LABELS.get(s, s) for s in self.steps) + "规范化"
        text += f";得分 {self.score:.2f}"
        return text + "".join(";" + n for n in self.notes)


class NameRow(NamedTuple):
    id: int
    subject_id: int
    source_name_id: int | None
    name: str
    key: str
    core: str


_NAME_COLS = (ScreeningName.id, ScreeningName.subject_id, ScreeningName.source_name_id,
              ScreeningName.name, ScreeningName.key, ScreeningName.core)


@dataclass
class MatchResult:
    applicant: Applicant
    code: str | None = None  # the normalised, valid code
    uscc_problem: tuple[str, str] | None = None  # (rule, zh-CN message)
    hits: list[Hit] = field(default_factory=list)

    @property
    def name_key(self) -> str | None:
        return normalise(self.applicant.name).canonical if self.applicant.name else None


def blocks(core: str) -> tuple[str, str]:
    return core[:4], core[-4:]


# ---------------------------------------------------------------- the index


def _rows(entries: Iterable[tuple[int, str, int | None]]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for sid, name, source in entries:
        if not name:
            continue
        n = normalise(name)
        head, tail = blocks(n.core)
        rows.append({"subject_id": sid, "source_name_id": source, "name": name,
                     "key": n.canonical, "core": n.core, "head": head, "tail": tail})
    return rows


def _index(session: Session, entries: Iterable[tuple[int, str, int | None]],
           chunk: int = 5000) -> int:
    total, batch = 0, []
    for e in entries:
        batch.append(e)
        if len(batch) >= chunk:
            rows = _rows(batch)
            session.execute(insert(ScreeningName), rows)
            total, batch = total + len(rows), []
    rows = _rows(batch)
    if rows:
        session.execute(insert(ScreeningName), rows)
    return total + len(rows)


def reindex(session: Session) -> int:
    """Rebuild the name index from the registry (after a bulk load or a change of the
    normalisation rules). Returns the number of names indexed."""
    session.execute(delete(ScreeningName))
    return refresh_index(session)


def refresh_index(session: Session) -> int:
    """Index subjects and other names added since the newest indexed ones. Cheap when
    nothing is new (four max() lookups on indexed columns, one round trip)."""
    row = session.execute(select(
        select(func.max(Subject.id)).scalar_subquery(),
        select(func.max(ScreeningName.subject_id)).scalar_subquery(),
        select(func.max(SubjectName.id)).scalar_subquery(),
        select(func.max(ScreeningName.source_name_id)).scalar_subquery())).one()
    max_subject, indexed_subject, max_name, indexed_name = (v or 0 for v in row)
    added = 0
    if max_subject > indexed_subject:
        added += _index(session, (
            (sid, name, None) for sid, name in session.execute(
                select(Subject.id, Subject.name)
                .where(Subject.id > indexed_subject, Subject.kind != PERSON)
                .order_by(Subject.id))))
    if max_name > indexed_name:
        added += _index(session, (
            (sid, name, nid) for nid, sid, name in session.execute(
                select(SubjectName.id, SubjectName.subject_id, SubjectName.name)
                .join(Subject, Subject.id == SubjectName.subject_id)
                .where(SubjectName.id > indexed_name, Subject.kind != PERSON)
                .order_by(SubjectName.id))))
    return added


# ---------------------------------------------------------------- matching


def _clean(text: str | None) -> str | None:
    """Stripped, as typed: normalisation steps are applied (and reported) by normalise()."""
    t = (text or "").strip()
    return t or None


def _nfkc(text: str | None) -> str | None:
    return _clean(unicodedata.normalize("NFKC", text or ""))


def _subjects(session: Session, ids: set[int]) -> dict[int, Subject]:
    found: dict[int, Subject] = {}
    ids_list = sorted(ids)
    for i in range(0, len(ids_list), CHUNK):
        for s in session.scalars(select(Subject).where(Subject.id.in_(ids_list[i:i + CHUNK]))):
            found[s.id] = s
    return found


def _name_hit(query: str, row: NameRow) -> tuple[str, float, tuple[str, ...]] | None:
    q = normalise(query)
    current = row.source_name_id is None
    extra: tuple[str, ...]
    if query.strip() == row.name.strip():
        return "exact", SCORE_NAME if current else SCORE_FORMER, ()
    if q.canonical == row.key:
        method, score, extra = "variant", SCORE_VARIANT if current else SCORE_FORMER_VARIANT, ()
    elif q.core and q.core == row.core:
        method, score = "variant", SCORE_VARIANT if current else SCORE_FORMER_VARIANT
        extra = (SUFFIX,)
    else:
        # Compared before the stored name is normalised: most block candidates fail here.
        ratio = fuzz.ratio(q.core, row.core)
        if ratio < FUZZY_THRESHOLD:
            return None
        method, score, extra = "fuzzy", round(FUZZY_MAX * ratio / 100.0, 3), ()
    steps = tuple(dict.fromkeys(q.steps + normalise(row.name).steps + extra))
    return method, score, steps


def match_many(session: Session, applicants: Sequence[Applicant]) -> list[MatchResult]:
    """Match many applicants with a few queries per chunk; results in the same order."""
    results = [MatchResult(a) for a in applicants]
    # 1. Codes: validate, then one IN lookup.
    for r in results:
        raw = _nfkc(r.applicant.uscc)
        if raw:
            try:
                r.code = validate_uscc(raw).code
            except UsccError as exc:
                r.uscc_problem = (exc.rule, str(exc))
    codes = sorted({r.code for r in results if r.code})
    by_code: dict[str, Subject] = {}
    for i in range(0, len(codes), CHUNK):
        for subj in session.scalars(select(Subject).where(
                Subject.uscc.in_(codes[i:i + CHUNK]))):
            assert subj.uscc is not None
            by_code[subj.uscc] = subj
    for r in results:
        s = by_code.get(r.code or "")
        if s is not None:
            hit = Hit(s.id, s.uscc, s.name, s.kind, s.legal_representative, s.name, True,
                      "code", SCORE_CODE)
            name = _clean(r.applicant.name)
            if name and normalise(name).canonical != normalise(s.name).canonical:
                hit.notes.append(f"申请人所填名称「{name}」与登记名称不一致")
            r.hits.append(hit)
    # 2. Names, for applicants without a code hit and without a wrong code.
    pending = [r for r in results if not r.hits and r.uscc_problem is None
               and _clean(r.applicant.name)]
    rows_by: dict[int, list[tuple[NameRow, str, float, tuple[str, ...]]]] = {}
    for i in range(0, len(pending), CHUNK):
        part = pending[i:i + CHUNK]
        norm = {id(r): normalise(_clean(r.applicant.name) or "") for r in part}
        keys = {n.canonical for n in norm.values() if n.canonical}
        cores = {n.core for n in norm.values() if n.core}
        exact_rows = [NameRow(*t) for t in session.execute(select(*_NAME_COLS).where(
            or_(ScreeningName.key.in_(keys), ScreeningName.core.in_(cores))))]
        by_key: dict[str, list[NameRow]] = {}
        for row in exact_rows:
            by_key.setdefault(row.key, []).append(row)
            by_key.setdefault("core:" + row.core, []).append(row)
        fuzzy_needed = []
        for r in part:
            n = norm[id(r)]
            cands = {row.id: row for row in by_key.get(n.canonical, [])
                     + by_key.get("core:" + n.core, [])}
            if cands:
                rows_by[id(r)] = _score(r, cands.values())
            else:
                fuzzy_needed.append(r)
        for r in fuzzy_needed:
            n = norm[id(r)]
            if len(n.core) < 3:
                continue  # too short to compare by similarity
            head, tail = blocks(n.core)
            block = [NameRow(*t) for t in session.execute(select(*_NAME_COLS).where(
                or_(ScreeningName.head == head, ScreeningName.tail == tail))
                .limit(FUZZY_CANDIDATES))]
            scored = _score(r, block)
            if scored:
                rows_by[id(r)] = scored
    wanted = {row.subject_id for lst in rows_by.values() for row, *_ in lst}
    subjects = _subjects(session, wanted)
    for r in pending:
        best: dict[int, Hit] = {}
        for row, method, score, steps in rows_by.get(id(r), []):
            subject = subjects.get(row.subject_id)
            if subject is None or subject.kind == PERSON:
                continue
            s = subject
            hit = Hit(s.id, s.uscc, s.name, s.kind, s.legal_representative, row.name,
                      row.source_name_id is None, method, score, steps)
            _legal_rep(hit, r.applicant.legal_representative)
            old = best.get(s.id)
            if old is None or hit.score > old.score:
                best[s.id] = hit
        r.hits = sorted(best.values(), key=lambda h: (-h.score, h.name))
    return results


def _score(r: MatchResult, rows: Iterable[NameRow]
           ) -> list[tuple[NameRow, str, float, tuple[str, ...]]]:
    name = _clean(r.applicant.name) or ""
    out = []
    for row in rows:
        graded = _name_hit(name, row)
        if graded is not None:
            out.append((row, *graded))
    return out


def _legal_rep(hit: Hit, given: str | None) -> None:
    given = _nfkc(given)
    if not given or not hit.legal_representative:
        return
    if given == _nfkc(hit.legal_representative):
        hit.notes.append("法定代表人一致")
    else:
        hit.score = round(hit.score - LEGAL_REP_MISMATCH, 3)
        hit.notes.append("法定代表人与登记不一致(已降低得分)")


def match_one(session: Session, applicant: Applicant) -> MatchResult:
    return match_many(session, [applicant])[0]
