"""The check （逢办必查） a case officer runs on an applicant for a matter.

Matches the applicant (match.py), gathers the list entries in force and the records of the hit
subjects, and of the persons the request names (the applicant, its legal representative, by
the keyed hash of an ID number), and prompts exactly the catalog measures that these trigger
within the scope of their legal basis for the matter (and licence kind), each with its legal
basis and period (prompting.py); nothing outside the catalog is ever suggested. A name decides
nothing alone: measures are prompted on a code match, the exact registered name, or a match a
case officer confirmed (remembered); other name hits say "possible match, confirm". Name hits a
case officer has reviewed as false matches are shown as reviewed (who, when, why) instead of
being raised again, until the subject's listed content changes. Every check is stored
(initiation) with one prompt per measure (response), against which feedback is recorded
(measures.workflow).

A fuzzy (typo) hit is shown only for a subject with credit information for the check (a list
entry in force or a record of a type the catalog triggers on), and says so: a similar name of
a subject without any can change nothing the case officer does, and at a million registered
names almost every unknown name has a few registered names one character away. Code, exact
and variant hits are always shown.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
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
from xinyong.commitments import eligibility as commitment_eligibility
from xinyong.core import clock
from xinyong.core.errors import Invalid, NotFound
from xinyong.core.masking import (
    PersonIdError,
    keyed_hash,
    mask_id,
    mask_name,
    normalise_id,
    scrub_text,
    validate_resident_id,
)
from xinyong.ingest import Record
from xinyong.lists import IN_FORCE, ListEntry, ListEntryPerson, in_force_for
from xinyong.measures import (
    CheckPrompt,
    Fact,
    Measure,
    MeasureCatalog,
    default_measures,
)
from xinyong.recordstate import disputed_entries, disputed_records, repaired_ids
from xinyong.screening.match import (
    Applicant,
    MatchResult,
    bound,
    match_many,
    member,
    refresh_index,
)
from xinyong.screening.prompting import (
    AS_LABELS,
    Disputed,
    PersonMatch,
    Prompting,
    decisive,
    entry_fact,
    entry_persons,
    outside_licence,
    pending_for,
    persons_for,
    prompt_for_person,
    prompt_for_subject,
    record_fact,
)
from xinyong.screening.results import (
    content_hash,
    entry_json,
    hit_json,
    person_hit_json,
    record_json,
)
from xinyong.screening.tables import MatchReview, ScreeningCheck
from xinyong.subjects import Subject
from xinyong.subjects.bulk import BulkWriter, iso_datetime

CLEAR, HIT, REVIEWED, USCC_INVALID, NOT_FOUND = ("clear", "hit", "reviewed", "uscc_invalid",
                                                 "not_found")
STATUS_LABELS = {CLEAR: "未发现失信或守信信息", HIT: "命中", REVIEWED: "命中已复核为误报",
                 USCC_INVALID: "统一社会信用代码错误", NOT_FOUND: "未找到该主体"}
FALSE_MATCH, CONFIRMED = "false_match", "confirmed"
UNCONFIRMED_NOTE = "名称不能单独确定为同一主体：核实并确认后才提示措施"
RECORDS_SHOWN = 20
CHUNK = 400  # subject ids per IN lookup
COPY_FROM = 50  # checks from which PostgreSQL stores them with COPY (_copy_checks)
GC_PAUSE_MIN = 100  # applicants from which a batch pauses the cyclic garbage collector


@dataclass(frozen=True)
class CheckRequest:
    matter: str
    uscc: str | None = None
    name: str | None = None
    legal_representative: str | None = None
    licence_kind: str | None = None  # licensing: the licence applied for
    # Keyed hashes (and masked forms) of the ID numbers of the applicant, when it is a natural
    # person, and of its legal representative: hashed where received (`person_key`).
    person_key: str | None = None
    person_id_masked: str | None = None
    representative_key: str | None = None
    representative_id_masked: str | None = None

    @property
    def applicant(self) -> Applicant:
        return Applicant(self.uscc, self.name, self.legal_representative)


def person_key(secret: str, raw: str | None) -> tuple[str | None, str | None]:
    """(keyed hash, masked form) of an ID number as received; (None, None) for none. A
    resident identity card number is validated (GB 11643). The clear number goes no further."""
    value = normalise_id(raw or "")
    if not value:
        return None, None
    if len(value) == 18 or value[:17].isdigit():
        try:
            value = validate_resident_id(value)
        except PersonIdError as exc:
            raise Invalid(f"身份证件号码无效：{exc}", code="person_id_invalid") from None
    return keyed_hash(secret, value), mask_id(value)


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


@dataclass
class _Found:
    """What the check found for the subjects hit by name or code."""

    facts: dict[int, list[Fact]]
    entries: dict[int, list[ListEntry]]
    records: dict[int, list[Record]]
    persons: dict[int, list[ListEntryPerson]]
    disputed: Disputed


def _facts(session: Session, subject_ids: list[int], types: list[str], today: date) -> _Found:
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
    disputed = _disputed(session, [r.id for rs in records.values() for r in rs],
                         [e.id for es in entries.values() for e in es], today)
    facts: dict[int, list[Fact]] = {}
    for sid in subject_ids:
        lst = facts.setdefault(sid, [])
        lst.extend(entry_fact(e) for e in entries.get(sid, []))
        lst.extend(record_fact(rec) for rec in records.get(sid, []))
    persons = entry_persons(session, (e.id for es in entries.values() for e in es))
    return _Found(facts, entries, records, persons, disputed)


def _disputed(session: Session, record_ids: list[int], entry_ids: list[int],
              today: date) -> Disputed:
    out: Disputed = {("record", rid) for rid in disputed_records(session, record_ids, today)}
    out |= {("list", eid) for eid in disputed_entries(session, entry_ids, today)}
    return out


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
    """The request with any ID number typed into its code, name or representative masked."""
    fields = (r.uscc, r.name, r.legal_representative)
    clean = tuple(scrub_text(v) if v else v for v in fields)
    if clean == fields:
        return r
    return replace(r, uscc=clean[0], name=clean[1], legal_representative=clean[2])


def _validate(catalog: MeasureCatalog, req: CheckRequest) -> None:
    catalog.check_matter(req.matter)
    catalog.check_licence_kind(req.licence_kind)
    if not (req.uscc or "").strip() and not (req.name or "").strip() and not req.person_key:
        raise Invalid("请填写申请人的统一社会信用代码或名称（自然人：身份证件号码）",
                      code="applicant_required")
    if req.licence_kind and req.matter != "licensing":
        raise Invalid("许可种类只用于行政许可事项", code="licence_kind_not_licensing")


def _evaluate(session: Session, requests: Sequence[CheckRequest], today: date
              ) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(result, prompts) per request: matching, facts, persons and measures."""
    catalog = default_measures()
    types = sorted(_record_types(catalog))
    for req in requests:
        _validate(catalog, req)
    refresh_index(session)
    matches = match_many(session, [r.applicant for r in requests],
                         fuzzy_scope=_WithCreditInfo(types))
    keys: dict[str, tuple[str, str | None]] = {}
    for req in requests:
        if req.representative_key:
            keys[req.representative_key] = ("legal_representative",
                                            req.representative_id_masked)
        if req.person_key:
            keys[req.person_key] = ("applicant", req.person_id_masked)
    own = {s.person_key: s for s in session.scalars(select(Subject).where(
        Subject.person_key.in_(sorted({r.person_key for r in requests if r.person_key})),
        Subject.kind == "person"))} if any(r.person_key for r in requests) else {}
    subject_ids = sorted({h.subject_id for m in matches for h in m.hits}
                         | {s.id for s in own.values()})
    found = _facts(session, subject_ids, types, today)
    for m in matches:
        _drop_fuzzy_without_facts(m, found.facts)
    persons = persons_for(session, keys, types, today, lambda ids, day: repaired_ids(
        session, ids, day))
    found.disputed |= _disputed(
        session, [f.ref_id for pm in persons.values() for f in pm.facts if f.kind == "record"],
        [f.ref_id for pm in persons.values() for f in pm.facts if f.kind == "list"], today)
    reviews = _active_reviews(session, {m.name_key for m in matches if m.name_key},
                              {h.subject_id for m in matches for h in m.hits
                               if h.method != "code"})
    for_matter: dict[str, list[Measure]] = {}
    out = []
    for req, m in zip(requests, matches, strict=True):
        candidates = for_matter.get(req.matter)
        if candidates is None:
            candidates = for_matter[req.matter] = catalog.for_matter(req.matter)
        person_subject = own.get(req.person_key) if req.person_key else None
        result, prompts = _one(req, m, catalog, candidates, found, reviews, persons,
                               person_subject, today)
        if req.matter == commitment_eligibility.matter():
            result["commitment_eligibility"] = _commitment_answer(session, result, today)
        out.append((result, prompts))
    return out


def _commitment_answer(session: Session, result: dict[str, Any], today: date
                       ) -> dict[str, Any]:
    """For a 告知承诺 or 容缺受理 matter: may the applicant use commitment-based processing?
    Not while a measure of the matter is prompted (serious-dishonesty list), nor while a
    broken or false commitment of a decisive or confirmed hit is published."""
    reasons = [{"reason": f"{x['name']}：{'；'.join(x['because'])}",
                "legal_basis": "；".join(x["legal_basis"])}
               for x in result["measures"] if not x["suspended"]]
    for h in result["hits"]:
        if h.get("needs_confirmation"):
            continue
        reasons += [{"reason": b.reason, "legal_basis": b.legal_basis}
                    for b in commitment_eligibility.bars(session, h["subject_id"], today)]
    allowed = not reasons and result["status"] != USCC_INVALID
    return {"allowed": allowed, "label": "可以适用信用承诺办理" if allowed
            else "不适用信用承诺办理", "reasons": reasons}


def _check_row(req: CheckRequest, actor: Actor, result: dict[str, Any], now: Any
               ) -> dict[str, Any]:
    return {
        "created_at": now, "actor": actor.name, "department_uscc": actor.department_uscc,
        "department_name": actor.department_name, "department_class": actor.department_class,
        "matter": req.matter, "query_uscc": (req.uscc or "").strip() or None,
        "query_name": (req.name or "").strip() or None,
        "query_legal_representative": (req.legal_representative or "").strip() or None,
        "query_licence_kind": req.licence_kind, "query_person_key": req.person_key,
        "query_representative_key": req.representative_key,
        "status": result["status"], "result": result}


def _run_checks(session: Session, requests: Sequence[CheckRequest], actor: Actor,
                today: date) -> list[dict[str, Any]]:
    evaluated = _evaluate(session, requests, today)
    now = clock.now()
    check_rows = []
    for req, (result, _prompts) in zip(requests, evaluated, strict=True):
        result.update({"checked_at": now.isoformat(timespec="seconds"), "checked_by": actor.name,
                       "department": actor.department_name or actor.department_uscc})
        check_rows.append(_check_row(req, actor, result, now))
    ids = _store_checks(session, check_rows)
    rows = []
    audited: list[audit.Entry] = []
    catalog = default_measures()
    for check_id, req, (result, prompts) in zip(ids, requests, evaluated, strict=True):
        result["id"] = check_id
        rows.extend(_prompt_rows(check_id, req, actor, now, prompts))
        audited.extend(_audit_entries(check_id, req, result, catalog))
    if rows:
        session.execute(insert(cast(Table, CheckPrompt.__table__)), rows)
    audit.append_many(session, actor, audit.CHECK_RUN, audited)
    return [result for result, _p in evaluated]


def matter_purpose(matter: str, catalog: MeasureCatalog) -> DeclaredPurpose:
    """The matter of a check as the purpose of a query (查询事由): the matters that are also
    purposes keep their code, the others are `other` with the matter's name."""
    label = catalog.matters.get(matter, matter)
    if matter in {p.value for p in Purpose}:
        return DeclaredPurpose(Purpose(matter), label)
    return DeclaredPurpose(Purpose.OTHER, label)


def _audit_entries(check_id: int, req: CheckRequest, result: dict[str, Any],
                   catalog: MeasureCatalog) -> list[audit.Entry]:
    """One audit entry per subject the check concerns (the applicant's valid code, every hit
    shown or shown as reviewed), so that each sees the check in "who looked at me"; one
    without a subject when it concerns none."""
    concerned: list[str | None] = [result["applicant_code"]] if result["applicant_code"] \
        else []
    for h in result["hits"] + result["reviewed"]:
        if h["uscc"] and h["uscc"] not in concerned:
            concerned.append(h["uscc"])
    purpose = matter_purpose(req.matter, catalog)
    details = {"check_id": check_id, "matter": req.matter, "status": result["status"],
               "hits": len(result["hits"]), "reviewed": len(result["reviewed"])}
    return [audit.Entry(subject_uscc=u, purpose=purpose, details=details)
            for u in concerned or [None]]


def _prompt_rows(check_id: int, req: CheckRequest, actor: Actor, now: Any,
                 prompts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"check_id": check_id, "matter": req.matter, "actor": actor.name,
             "department_name": actor.department_name or actor.department_uscc,
             "department_class": actor.department_class, "created_at": now, **p}
            for p in prompts]


def _one(req: CheckRequest, m: MatchResult, catalog: MeasureCatalog,
         candidates: list[Measure], found: _Found, reviews: dict[tuple[str, int], MatchReview],
         persons: dict[str, PersonMatch], person_subject: Subject | None, today: date
         ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    applicable = [x for x in candidates if x.applies_to(req.matter, req.licence_kind)]
    outside = [x for x in candidates if x not in applicable]
    prompting = Prompting(catalog, found.disputed)
    raised: list[dict[str, Any]] = []
    reviewed: list[dict[str, Any]] = []
    not_prompted: dict[str, dict[str, Any]] = {}

    def item_for(sid: int, base: dict[str, Any]) -> dict[str, Any]:
        entries, records = found.entries.get(sid, []), found.records.get(sid, [])
        return base | {
            "list_entries": [entry_json(e, found.persons.get(e.id, ()))
                             | {"under_objection": ("list", e.id) in found.disputed}
                             for e in entries],
            "records": [record_json(r) | {"under_objection": ("record", r.id) in found.disputed}
                        for r in records[:RECORDS_SHOWN]],
            "content_hash": content_hash(entries, records)}

    def prompt_subject(sid: int, name: str, uscc: str | None) -> None:
        facts = found.facts.get(sid, [])
        prompt_for_subject(prompting, applicable, facts, today, (sid, name, uscc))
        for x in outside_licence(outside, facts, today, catalog, req.licence_kind):
            not_prompted.setdefault(x["measure_id"], x)

    if person_subject is not None:
        raised.append(item_for(person_subject.id, person_hit_json(
            person_subject, req.person_id_masked)) | {"decisive": True, "confirmed": None,
                                                       "needs_confirmation": False})
        prompt_subject(person_subject.id, mask_name(person_subject.name), None)
    for h in m.hits:
        sid = h.subject_id
        item = item_for(sid, hit_json(h))
        rv = reviews.get((m.name_key or "", sid)) if h.method != "code" else None
        if rv is not None and rv.verdict == FALSE_MATCH and rv.content_hash == item[
                "content_hash"]:
            item["review"] = {"verdict": rv.verdict, "reason": rv.reason,
                              "reviewed_by": rv.reviewer, "department": rv.department,
                              "reviewed_at": rv.reviewed_at.isoformat(timespec="seconds")}
            reviewed.append(item)
            continue
        confirmed = rv is not None and rv.verdict == CONFIRMED
        item["decisive"] = decisive(h)
        item["confirmed"] = ({"reason": rv.reason, "confirmed_by": rv.reviewer,
                              "department": rv.department,
                              "confirmed_at": rv.reviewed_at.isoformat(timespec="seconds")}
                             if confirmed and rv is not None and not item["decisive"] else None)
        item["needs_confirmation"] = not (item["decisive"] or confirmed)
        raised.append(item)
        if item["needs_confirmation"]:
            item["pending_measures"] = pending_for(applicable, found.facts.get(sid, []), today,
                                                   catalog)
            if item["pending_measures"]:
                h.notes.append(UNCONFIRMED_NOTE)
                item["explanation"] = h.explanation
        else:
            prompt_subject(sid, h.name, h.uscc)
    for key in (req.person_key, req.representative_key):
        pm = persons.get(key or "")
        if pm is not None:
            prompt_for_person(prompting, applicable, pm, today)
    person_json = [{"as": pm.role_in_request, "as_label": AS_LABELS[pm.role_in_request],
                    "id_masked": pm.id_masked, "found": pm.found}
                   for key in dict.fromkeys((req.person_key, req.representative_key))
                   if key and (pm := persons.get(key)) is not None]
    measures = prompting.result()
    if m.uscc_problem:
        status = USCC_INVALID
    elif raised or person_json:
        status = HIT
    elif reviewed:
        status = REVIEWED
    elif m.code:
        status = NOT_FOUND
    else:
        status = CLEAR
    licence = catalog.licence_kinds.get(req.licence_kind or "")
    result = {"matter": req.matter, "matter_label": catalog.matters[req.matter],
              "licence_kind": req.licence_kind,
              "licence_kind_label": licence.name if licence else None,
              "query": {"uscc": req.uscc, "name": req.name,
                        "legal_representative": req.legal_representative,
                        "legal_representative_id": req.representative_id_masked,
                        "person_id": req.person_id_masked},
              "status": status, "status_label": STATUS_LABELS[status],
              "uscc_problem": ({"code": m.uscc_problem[0], "message": m.uscc_problem[1]}
                               if m.uscc_problem else None),
              # The valid code the applicant gave: the check concerns it (who looked at me).
              "applicant_code": m.code,
              "hits": raised, "reviewed": reviewed, "persons": person_json,
              "measures": measures,
              "not_prompted": [x for x in not_prompted.values()
                               if x["measure_id"] not in prompting.measures]}
    return result, prompting.prompts()


def _store_checks(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert the checks (Core: a batch stores ten thousand at once) and return their ids in
    order. PostgreSQL returns them in parameter order in batches (from COPY_FROM checks it
    writes them with COPY, `_copy_checks`). SQLite would insert one
    statement per row to do that, so there the first row's id is returned and the rest follow
    it: SQLite has one writer, which this transaction now is, and gives each new row the
    largest rowid plus one; the last id is checked all the same."""
    checks = cast(Table, ScreeningCheck.__table__)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql" and len(rows) >= COPY_FROM:
        return _copy_checks(session, rows)
    if dialect != "sqlite" or len(rows) < 2:
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


def _copy_checks(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """PostgreSQL, a batch: ids drawn from the table's sequence, then the rows written with
    COPY in the same transaction (an INSERT of ten thousand results cost 1 s, mostly the
    driver binding each JSON value; here each is serialised once, as text)."""
    writer = BulkWriter(session)
    ids = writer.allocate_ids(ScreeningCheck.__tablename__, len(rows))
    columns = list(rows[0])
    at, result = columns.index("created_at"), columns.index("result")

    def values(check_id: int, row: dict[str, Any]) -> list[Any]:
        out = [check_id, *row.values()]
        out[1 + at] = iso_datetime(out[1 + at])
        out[1 + result] = json.dumps(out[1 + result], ensure_ascii=False)
        return out

    writer.insert(ScreeningCheck.__tablename__, ["id", *columns],
                  (values(i, row) for i, row in zip(ids, rows, strict=True)))
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
    """Mark a name hit of a check as a false match （误报）, with a reason."""
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

