"""The check (逢办必查) a case officer runs on an applicant for a matter.

Matches the applicant (match.py), gathers the list entries in force and the records of the hit
subjects, and prompts exactly the catalog measures that these trigger for the matter, each with
its legal basis; nothing outside the catalog is ever suggested. Name hits a case officer has
reviewed as false matches are shown as reviewed (who, when, why) instead of being raised again,
until the subject's listed content changes. Every check is stored (initiation) with one prompt
per measure (response), against which feedback is recorded (measures.workflow).

A fuzzy (typo) hit is shown only for a subject with credit information for the check (a list
entry in force or a record of a type the catalog triggers on), and says so: a similar name of
a subject without any can change nothing the case officer does, and at a million registered
names almost every unknown name has a few registered names one character away. Code, exact
and variant hits are always shown.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Table,
    bindparam,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from xinyong import audit
from xinyong.accounts import Actor, DeclaredPurpose, Purpose
from xinyong.core import clock
from xinyong.core.errors import Invalid, NotFound
from xinyong.core.masking import scrub_text
from xinyong.ingest import Record
from xinyong.lists import IN_FORCE, ListEntry, default_list_kinds, in_force_for
from xinyong.measures import (
    CheckPrompt,
    Fact,
    Measure,
    MeasureCatalog,
    default_measures,
    triggered_measures,
)
from xinyong.recordstate import disputed_entries, disputed_records, repaired_ids
from xinyong.screening.match import (
    Applicant,
    Hit,
    MatchResult,
    bound,
    match_many,
    member,
    refresh_index,
)
from xinyong.screening.tables import MatchReview, ScreeningCheck

CLEAR, HIT, REVIEWED, USCC_INVALID, NOT_FOUND = ("clear", "hit", "reviewed", "uscc_invalid",
                                                 "not_found")
STATUS_LABELS = {CLEAR: "未发现失信或守信信息", HIT: "命中", REVIEWED: "命中已复核为误报",
                 USCC_INVALID: "统一社会信用代码错误", NOT_FOUND: "未找到该主体"}
FALSE_MATCH = "false_match"
RECORDS_SHOWN = 20
CHUNK = 400  # subject ids per IN lookup
GC_PAUSE_MIN = 100  # applicants from which a batch pauses the cyclic garbage collector


@dataclass(frozen=True)
class CheckRequest:
    matter: str
    uscc: str | None = None
    name: str | None = None
    legal_representative: str | None = None

    @property
    def applicant(self) -> Applicant:
        return Applicant(self.uscc, self.name, self.legal_representative)


# Statements built once with expanding parameters: on a single check, building them cost more
# than running them.
@cache
def _records_stmt() -> Select[tuple[Record]]:
    return (select(Record).where(Record.subject_id.in_(bindparam("ids", expanding=True)),
                                 Record.record_type.in_(bindparam("types", expanding=True)))
            .order_by(Record.decision_date.desc(), Record.id))


@cache
def _reviews_stmt() -> Select[tuple[MatchReview]]:
    return (select(MatchReview).where(
        MatchReview.query_key.in_(bindparam("keys", expanding=True)),
        MatchReview.active.is_(True)).order_by(MatchReview.id))


def _record_types(catalog: MeasureCatalog) -> set[str]:
    return {t.record_type for m in catalog.measures.values() for t in m.triggers.records}


Disputed = set[tuple[str, int]]  # ("record" | "list", id) under an open objection


def _facts(session: Session, subject_ids: list[int], types: list[str], today: date
           ) -> tuple[dict[int, list[Fact]], dict[int, list[ListEntry]], dict[int, list[Record]],
                      Disputed]:
    kinds = default_list_kinds()
    entries: dict[int, list[ListEntry]] = {}
    for i in range(0, len(subject_ids), CHUNK):
        entries.update(in_force_for(session, subject_ids[i:i + CHUNK], today))
    records: dict[int, list[Record]] = {}
    for i in range(0, len(subject_ids), CHUNK):
        part = subject_ids[i:i + CHUNK]
        if not part or not types:
            break
        found = list(session.scalars(_records_stmt(), {"ids": part, "types": types}))
        # A repaired record is no longer shared or used (Order 36 Art. 3): it triggers nothing.
        repaired = repaired_ids(session, [r.id for r in found], today)
        for rec in found:
            if rec.id not in repaired:
                records.setdefault(rec.subject_id, []).append(rec)
    disputed: Disputed = {("record", rid) for rid in disputed_records(
        session, [r.id for rs in records.values() for r in rs], today)}
    disputed |= {("list", eid) for eid in disputed_entries(
        session, [e.id for es in entries.values() for e in es], today)}
    facts: dict[int, list[Fact]] = {}
    for sid in subject_ids:
        lst = facts.setdefault(sid, [])
        for e in entries.get(sid, []):
            kind = kinds.get(e.list_kind)
            lst.append(Fact("list", e.id, e.list_kind,
                            f"{kind.name if kind else e.list_kind}（文书 {e.document_number}）",
                            decided_on=e.decided_on))
        for rec in records.get(sid, []):
            lst.append(Fact("record", rec.id, rec.record_type,
                            f"{rec.record_type} {rec.natural_key}({rec.decision_date})",
                            data=rec.data, decided_on=rec.decision_date))
    return facts, entries, records, disputed


def content_hash(entries: Sequence[ListEntry], records: Sequence[Record]) -> str:
    """What a false-match review is keyed on: any change to these raises the hit again."""
    parts = sorted([f"l:{e.id}:{e.version}:{e.state}" for e in entries]
                   + [f"r:{r.id}:{r.version}:{r.content_hash}" for r in records])
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _entry_json(e: ListEntry) -> dict[str, Any]:
    kind = default_list_kinds().get(e.list_kind)
    basis = kind.basis(e.legal_basis_id) if kind else None
    return {"id": e.id, "list_kind": e.list_kind, "list_name": kind.name if kind else e.list_kind,
            "direction": kind.direction if kind else None, "state": e.state,
            "document_type": e.document_type, "document_number": e.document_number,
            "document_date": e.document_date.isoformat(), "issuing_body": e.issuing_body,
            "legal_basis": basis.cite() if basis else e.legal_basis_id,
            "decided_on": e.decided_on.isoformat() if e.decided_on else None,
            "listed_until": e.listed_until.isoformat() if e.listed_until else None,
            "responsible_person": e.person_name_masked, "person_role": e.person_role,
            "severity": kind.severity if kind else None, "version": e.version}


def _record_json(r: Record) -> dict[str, Any]:
    d = r.data or {}
    return {"id": r.id, "record_type": r.record_type, "document_number": r.natural_key,
            "decision_date": r.decision_date.isoformat(),
            "authority": d.get("authority_name"),
            "categories": d.get("penalty_categories"),
            # Masked again: records stored before issue 14 may hold a clear ID number.
            "content": scrub_text(str(d.get("penalty_content") or d.get("licence_content")
                                      or "")) or None}


def _hit_json(h: Hit) -> dict[str, Any]:
    return {"subject_id": h.subject_id, "uscc": h.uscc, "name": h.name, "kind": h.kind,
            "score": h.score, "method": h.method, "matched_name": h.matched_name,
            "matched_current": h.matched_current, "steps": list(h.steps),
            "explanation": h.explanation}


def _active_reviews(session: Session, keys: set[str], subject_ids: set[int]
                    ) -> dict[tuple[str, int], MatchReview]:
    if not keys or not subject_ids:
        return {}
    found: dict[tuple[str, int], MatchReview] = {}
    # By name key only (reviews are few, the index leads with the key); subjects in Python.
    keys_list = sorted(keys)
    for i in range(0, len(keys_list), CHUNK):
        for rv in session.scalars(_reviews_stmt(), {"keys": keys_list[i:i + CHUNK]}):
            if rv.subject_id in subject_ids:
                found[(rv.query_key, rv.subject_id)] = rv
    return found


class _WithCreditInfo:
    """The fuzzy scope of the check: subjects with a list entry in a state that has effect,
    or a record of a type the catalog triggers on. A superset of those with facts (the end
    date of a listing is left to _facts); read from two indexes, row by row in SQL."""

    def __init__(self, types: list[str]) -> None:
        self.types = types
        self.key = "credit"

    def clause(self, subject_id: ColumnElement[int] | InstrumentedAttribute[int],
               dialect: str) -> ColumnElement[bool]:
        return or_(
            exists().where(ListEntry.subject_id == subject_id,
                           member(ListEntry.state, "scope_states", String(), dialect)),
            exists().where(Record.subject_id == subject_id,
                           member(Record.record_type, "scope_types", String(), dialect)))

    def params(self, dialect: str) -> dict[str, object]:
        return {"scope_states": bound(dialect, IN_FORCE),
                "scope_types": bound(dialect, self.types)}


FUZZY_NOTE = "仅列出有失信或守信信息的相似名称"


def _drop_fuzzy_without_facts(m: MatchResult, facts: dict[int, list[Fact]]) -> None:
    m.hits = [h for h in m.hits if h.method != "fuzzy" or facts.get(h.subject_id)]
    for h in m.hits:
        if h.method == "fuzzy":
            h.notes.append(FUZZY_NOTE)


@contextmanager
def _collector_paused(pause: bool) -> Iterator[None]:
    """Pause the cyclic garbage collector for a batch: ten thousand applicants allocate
    millions of short-lived rows, dicts and tuples (freed by reference counting anyway), and
    the collector's passes over them took a fifth of a batch. Restored only if this call
    paused it, so concurrent batches never leave it off."""
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def run_checks(session: Session, requests: Sequence[CheckRequest], actor: Actor, *,
               today: date | None = None) -> list[dict[str, Any]]:
    """Check many applicants (one stored check each); results in the same order. An ID
    number typed in as an applicant's name or code is masked before anything is kept."""
    requests = [_scrubbed(r) for r in requests]
    with _collector_paused(len(requests) >= GC_PAUSE_MIN):
        return _run_checks(session, requests, actor, today or clock.today())


def _scrubbed(r: CheckRequest) -> CheckRequest:
    fields = (r.uscc, r.name, r.legal_representative)
    clean = tuple(scrub_text(v) if v else v for v in fields)
    return r if clean == fields else CheckRequest(r.matter, *clean)


def _run_checks(session: Session, requests: Sequence[CheckRequest], actor: Actor,
                today: date) -> list[dict[str, Any]]:
    catalog = default_measures()
    types = sorted(_record_types(catalog))
    for req in requests:
        catalog.check_matter(req.matter)
        if not (req.uscc or "").strip() and not (req.name or "").strip():
            raise Invalid("请填写申请人的统一社会信用代码或名称", code="applicant_required")
    refresh_index(session)
    matches = match_many(session, [r.applicant for r in requests],
                         fuzzy_scope=_WithCreditInfo(types))
    subject_ids = sorted({h.subject_id for m in matches for h in m.hits})
    facts, entries, records, disputed = _facts(session, subject_ids, types, today)
    for m in matches:
        _drop_fuzzy_without_facts(m, facts)
    reviews = _active_reviews(session, {m.name_key for m in matches if m.name_key},
                              {h.subject_id for m in matches for h in m.hits
                               if h.method != "code"})
    now = clock.now()
    outputs: list[dict[str, Any]] = []
    check_rows: list[dict[str, Any]] = []
    for_matter: dict[str, list[Measure]] = {}
    pending_prompts: list[list[dict[str, Any]]] = []
    for req, m in zip(requests, matches, strict=True):
        candidates = for_matter.get(req.matter)
        if candidates is None:
            candidates = for_matter[req.matter] = catalog.for_matter(req.matter)
        result, prompts = _one(req, m, catalog, candidates, facts, entries, records, reviews,
                               disputed, today)
        result.update({"checked_at": now.isoformat(timespec="seconds"), "checked_by": actor.name,
                       "department": actor.department_name or actor.department_uscc})
        check_rows.append({
            "created_at": now, "actor": actor.name, "department_uscc": actor.department_uscc,
            "department_name": actor.department_name,
            "department_class": actor.department_class, "matter": req.matter,
            "query_uscc": (req.uscc or "").strip() or None,
            "query_name": (req.name or "").strip() or None,
            "query_legal_representative": (req.legal_representative or "").strip() or None,
            "status": result["status"], "result": result})
        outputs.append(result)
        pending_prompts.append(prompts)
    ids = _store_checks(session, check_rows)
    rows = []
    audited: list[audit.Entry] = []
    for check_id, req, result, prompts, m in zip(ids, requests, outputs, pending_prompts,
                                                 matches, strict=True):
        result["id"] = check_id
        audited.extend(_audit_entries(check_id, req, m, result, catalog))
        for p in prompts:
            rows.append({"check_id": check_id, "matter": req.matter, "actor": actor.name,
                         "department_name": actor.department_name or actor.department_uscc,
                         "department_class": actor.department_class, "created_at": now, **p})
    if rows:
        session.execute(insert(cast(Table, CheckPrompt.__table__)), rows)
    audit.append_many(session, actor, audit.CHECK_RUN, audited)
    return outputs


def matter_purpose(matter: str, catalog: MeasureCatalog) -> DeclaredPurpose:
    """The matter of a check as the purpose of a query (查询事由): the matters that are also
    purposes keep their code, the others are `other` with the matter's name."""
    label = catalog.matters.get(matter, matter)
    if matter in {p.value for p in Purpose}:
        return DeclaredPurpose(Purpose(matter), label)
    return DeclaredPurpose(Purpose.OTHER, label)


def _audit_entries(check_id: int, req: CheckRequest, m: MatchResult, result: dict[str, Any],
                   catalog: MeasureCatalog) -> list[audit.Entry]:
    """One audit entry per subject the check concerns (the applicant's valid code, every hit
    shown or shown as reviewed), so that each sees the check in "who looked at me"; one
    without a subject when it concerns none."""
    concerned: list[str | None] = [m.code] if m.code else []
    for h in result["hits"] + result["reviewed"]:
        if h["uscc"] and h["uscc"] not in concerned:
            concerned.append(h["uscc"])
    purpose = matter_purpose(req.matter, catalog)
    details = {"check_id": check_id, "matter": req.matter, "status": result["status"],
               "hits": len(result["hits"]), "reviewed": len(result["reviewed"])}
    return [audit.Entry(subject_uscc=u, purpose=purpose, details=details)
            for u in concerned or [None]]


def _one(req: CheckRequest, m: MatchResult, catalog: MeasureCatalog, candidates: list[Measure],
         facts: dict[int, list[Fact]], entries: dict[int, list[ListEntry]],
         records: dict[int, list[Record]], reviews: dict[tuple[str, int], MatchReview],
         disputed: Disputed, today: date) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    raised: list[dict[str, Any]] = []
    reviewed: list[dict[str, Any]] = []
    raised_hits: list[Hit] = []
    for h in m.hits:
        sid = h.subject_id
        hsh = content_hash(entries.get(sid, []), records.get(sid, []))
        rv = reviews.get((m.name_key or "", sid)) if h.method != "code" else None
        item = _hit_json(h) | {
            "list_entries": [_entry_json(e) | {"under_objection": ("list", e.id) in disputed}
                             for e in entries.get(sid, [])],
            "records": [_record_json(r) | {"under_objection": ("record", r.id) in disputed}
                        for r in records.get(sid, [])[:RECORDS_SHOWN]],
            "content_hash": hsh}
        if rv is not None and rv.content_hash == hsh:
            item["review"] = {"verdict": rv.verdict, "reason": rv.reason,
                              "reviewed_by": rv.reviewer, "department": rv.department,
                              "reviewed_at": rv.reviewed_at.isoformat(timespec="seconds")}
            reviewed.append(item)
        else:
            raised.append(item)
            raised_hits.append(h)
    measures: dict[str, dict[str, Any]] = {}
    prompts: list[dict[str, Any]] = []
    for h in raised_hits:
        for t in triggered_measures(candidates, facts.get(h.subject_id, []), today):
            mj = measures.get(t.measure.id)
            if mj is None:
                mj = measures[t.measure.id] = {
                    "measure_id": t.measure.id, "name": t.measure.name, "kind": t.measure.kind,
                    "category": t.measure.category, "advisory": t.measure.advisory,
                    "departments": t.measure.departments,
                    "legal_basis": [b.cite() for b in t.measure.legal_basis],
                    "subjects": [], "because": [], "_live": False, "suspended_because": []}
            mj["subjects"].append({"subject_id": h.subject_id, "name": h.name,
                                   "score": h.score})
            mj["because"].extend(f.label for f in t.because)
            for f in t.because:
                # A measure is suspended while every fact behind it is under objection
                # (seed 002 五(四)); one undisputed fact keeps it in force.
                if (("list" if f.kind == "list" else "record"), f.ref_id) in disputed:
                    mj["suspended_because"].append(f.label)
                else:
                    mj["_live"] = True
    for mj in measures.values():
        mj["suspended"] = not mj.pop("_live")
        if not mj["suspended"]:
            mj["suspended_because"] = []
    for mj in measures.values():
        first = mj["subjects"][0]
        prompts.append({"measure_id": mj["measure_id"], "measure_name": mj["name"],
                        "measure_kind": mj["kind"], "category": mj["category"],
                        "subject_id": first["subject_id"], "subject_name": first["name"],
                        "uscc": next((h.uscc for h in raised_hits
                                      if h.subject_id == first["subject_id"]), None),
                        "basis": ";".join(dict.fromkeys(mj["because"])),
                        "legal_basis": ";".join(mj["legal_basis"]),
                        "suspended": mj["suspended"]})
    if m.uscc_problem:
        status = USCC_INVALID
    elif raised:
        status = HIT
    elif reviewed:
        status = REVIEWED
    elif m.code:
        status = NOT_FOUND
    else:
        status = CLEAR
    ordered = sorted(measures.values(), key=lambda x: (x["kind"] != "punishment",
                                                       x["category"], x["measure_id"]))
    result = {"matter": req.matter, "matter_label": catalog.matters[req.matter],
              "query": {"uscc": req.uscc, "name": req.name,
                        "legal_representative": req.legal_representative},
              "status": status, "status_label": STATUS_LABELS[status],
              "uscc_problem": ({"code": m.uscc_problem[0], "message": m.uscc_problem[1]}
                               if m.uscc_problem else None),
              "hits": raised, "reviewed": reviewed, "measures": ordered}
    return result, prompts


def _store_checks(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert the checks (Core: a batch stores ten thousand at once) and return their ids in
    order. PostgreSQL returns them in parameter order in batches. SQLite would insert one
    statement per row to do that, so there the first row's id is returned and the rest follow
    it: SQLite has one writer, which this transaction now is, and gives each new row the
    largest rowid plus one; the last id is checked all the same."""
    checks = cast(Table, ScreeningCheck.__table__)
    if session.get_bind().dialect.name != "sqlite" or len(rows) < 2:
        return list(session.execute(
            insert(checks).returning(checks.c.id, sort_by_parameter_order=True),
            rows).scalars())
    first = session.execute(insert(checks).returning(checks.c.id), rows[:1]).scalar_one()
    session.execute(insert(checks), rows[1:])
    ids = list(range(first, first + len(rows)))
    last = session.scalar(select(func.max(checks.c.id)))
    if last != ids[-1]:  # never expected: refuse rather than attach results to wrong ids
        raise RuntimeError(f"screening_check ids not consecutive: {first}..{last}, "
                           f"{len(rows)} rows")
    return ids


def run_check(session: Session, request: CheckRequest, actor: Actor, *,
              today: date | None = None) -> dict[str, Any]:
    return run_checks(session, [request], actor, today=today)[0]


def get_check(session: Session, check_id: int) -> ScreeningCheck:
    check = session.get(ScreeningCheck, check_id)
    if check is None:
        raise NotFound(f"核查记录 {check_id} 不存在", code="check_not_found")
    return check


def review_match(session: Session, check_id: int, subject_id: int, reason: str,
                 actor: Actor) -> MatchReview:
    """Mark a name hit of a check as a false match (误报), with a reason."""
    check = get_check(session, check_id)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("标记误报须填写理由", code="reason_required")
    hit = next((h for h in check.result.get("hits", []) + check.result.get("reviewed", [])
                if h["subject_id"] == subject_id), None)
    if hit is None:
        raise NotFound(f"本次核查未命中主体 {subject_id}", code="hit_not_found")
    if hit["method"] == "code":
        raise Invalid("统一社会信用代码一致的命中不能标记为误报；如代码有误请提出异议",
                      code="code_hit_not_reviewable")
    key = MatchResult(Applicant(name=check.query_name)).name_key or ""
    session.execute(update(MatchReview).where(MatchReview.query_key == key,
                                              MatchReview.subject_id == subject_id)
                    .values(active=False))
    review = MatchReview(query_key=key, subject_id=subject_id, content_hash=hit["content_hash"],
                         verdict=FALSE_MATCH, reason=reason, reviewer=actor.name,
                         department=actor.department_name or actor.department_uscc,
                         check_id=check_id, reviewed_at=clock.now(), active=True)
    session.add(review)
    session.flush()
    return review
