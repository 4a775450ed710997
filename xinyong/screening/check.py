"""The check (逢办必查) a case officer runs on an applicant for a matter.

Matches the applicant (match.py), gathers the list entries in force and the records of the hit
subjects, and prompts exactly the catalog measures that these trigger for the matter, each with
its legal basis; nothing outside the catalog is ever suggested. Name hits a case officer has
reviewed as false matches are shown as reviewed (who, when, why) instead of being raised again,
until the subject's listed content changes. Every check is stored (initiation) with one prompt
per measure (response), against which feedback is recorded (measures.workflow).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from xinyong.accounts import Actor
from xinyong.core.errors import Invalid, NotFound
from xinyong.ingest import Record
from xinyong.lists import ListEntry, default_list_kinds, in_force_for
from xinyong.measures import (
    CheckPrompt,
    Fact,
    MeasureCatalog,
    default_measures,
    triggered_measures,
)
from xinyong.objections.service import open_for_entries, open_for_records
from xinyong.publication.service import repaired_ids
from xinyong.screening.match import Applicant, Hit, MatchResult, match_many, refresh_index
from xinyong.screening.tables import MatchReview, ScreeningCheck

CLEAR, HIT, REVIEWED, USCC_INVALID, NOT_FOUND = ("clear", "hit", "reviewed", "uscc_invalid",
                                                 "not_found")
STATUS_LABELS = {CLEAR: "未发现失信或守信信息", HIT: "命中", REVIEWED: "命中已复核为误报",
                 USCC_INVALID: "统一社会信用代码错误", NOT_FOUND: "未找到该主体"}
FALSE_MATCH = "false_match"
RECORDS_SHOWN = 20


@dataclass(frozen=True)
class CheckRequest:
    matter: str
    uscc: str | None = None
    name: str | None = None
    legal_representative: str | None = None

    @property
    def applicant(self) -> Applicant:
        return Applicant(self.uscc, self.name, self.legal_representative)


def _record_types(catalog: MeasureCatalog) -> set[str]:
    return {t.record_type for m in catalog.measures.values() for t in m.triggers.records}


Disputed = set[tuple[str, int]]  # ("record" | "list", id) under an open objection


def _facts(session: Session, subject_ids: list[int], catalog: MeasureCatalog, today: date
           ) -> tuple[dict[int, list[Fact]], dict[int, list[ListEntry]], dict[int, list[Record]],
                      Disputed]:
    kinds = default_list_kinds()
    entries = in_force_for(session, subject_ids, today)
    records: dict[int, list[Record]] = {}
    types = sorted(_record_types(catalog))
    for i in range(0, len(subject_ids), 400):
        part = subject_ids[i:i + 400]
        if not part or not types:
            break
        found = list(session.scalars(select(Record).where(
            Record.subject_id.in_(part), Record.record_type.in_(types))
            .order_by(Record.decision_date.desc(), Record.id)))
        # A repaired record is no longer shared or used (Order 36 Art. 3): it triggers nothing.
        repaired = repaired_ids(session, [r.id for r in found], today)
        for rec in found:
            if rec.id not in repaired:
                records.setdefault(rec.subject_id, []).append(rec)
    disputed: Disputed = {("record", rid) for rid in open_for_records(
        session, [r.id for rs in records.values() for r in rs], today)}
    disputed |= {("list", eid) for eid in open_for_entries(
        session, [e.id for es in entries.values() for e in es], today)}
    facts: dict[int, list[Fact]] = {}
    for sid in subject_ids:
        lst = facts.setdefault(sid, [])
        for e in entries.get(sid, []):
            kind = kinds.get(e.list_kind)
            lst.append(Fact("list", e.id, e.list_kind,
                            f"{kind.name if kind else e.list_kind}(文书 {e.document_number})",
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
            "content": d.get("penalty_content") or d.get("licence_content")}


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
    for rv in session.scalars(select(MatchReview).where(
            MatchReview.query_key.in_(sorted(keys)),
            MatchReview.subject_id.in_(sorted(subject_ids)), MatchReview.active.is_(True))
            .order_by(MatchReview.id)):
        found[(rv.query_key, rv.subject_id)] = rv
    return found


def run_checks(session: Session, requests: Sequence[CheckRequest], actor: Actor, *,
               today: date | None = None) -> list[dict[str, Any]]:
    """Check many applicants (one stored check each); results in the same order."""
    today = today or date.today()
    catalog = default_measures()
    for req in requests:
        catalog.check_matter(req.matter)
        if not (req.uscc or "").strip() and not (req.name or "").strip():
            raise Invalid("请填写申请人的统一社会信用代码或名称", code="applicant_required")
    refresh_index(session)
    matches = match_many(session, [r.applicant for r in requests])
    subject_ids = sorted({h.subject_id for m in matches for h in m.hits})
    facts, entries, records, disputed = _facts(session, subject_ids, catalog, today)
    reviews = _active_reviews(session, {m.name_key for m in matches if m.name_key},
                              set(subject_ids))
    now = datetime.now()
    outputs: list[dict[str, Any]] = []
    checks: list[ScreeningCheck] = []
    pending_prompts: list[list[dict[str, Any]]] = []
    for req, m in zip(requests, matches, strict=True):
        result, prompts = _one(req, m, catalog, facts, entries, records, reviews, disputed,
                               today)
        result.update({"checked_at": now.isoformat(timespec="seconds"), "checked_by": actor.name,
                       "department": actor.department_name or actor.department_uscc})
        checks.append(ScreeningCheck(
            created_at=now, actor=actor.name, department_uscc=actor.department_uscc,
            department_name=actor.department_name, department_class=actor.department_class,
            matter=req.matter, query_uscc=(req.uscc or "").strip() or None,
            query_name=(req.name or "").strip() or None,
            query_legal_representative=(req.legal_representative or "").strip() or None,
            status=result["status"], result=result))
        outputs.append(result)
        pending_prompts.append(prompts)
    session.add_all(checks)
    session.flush()
    rows = []
    for check, result, prompts in zip(checks, outputs, pending_prompts, strict=True):
        result["id"] = check.id
        for p in prompts:
            rows.append(CheckPrompt(check_id=check.id, matter=check.matter, actor=actor.name,
                                    department_name=actor.department_name
                                    or actor.department_uscc,
                                    department_class=actor.department_class, created_at=now, **p))
    if rows:
        session.add_all(rows)
        session.flush()
    return outputs


def _one(req: CheckRequest, m: MatchResult, catalog: MeasureCatalog,
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
    candidates = catalog.for_matter(req.matter)
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
        raise Invalid("统一社会信用代码一致的命中不能标记为误报;如代码有误请提出异议",
                      code="code_hit_not_reviewable")
    key = MatchResult(Applicant(name=check.query_name)).name_key or ""
    session.execute(update(MatchReview).where(MatchReview.query_key == key,
                                              MatchReview.subject_id == subject_id)
                    .values(active=False))
    review = MatchReview(query_key=key, subject_id=subject_id, content_hash=hit["content_hash"],
                         verdict=FALSE_MATCH, reason=reason, reviewer=actor.name,
                         department=actor.department_name or actor.department_uscc,
                         check_id=check_id, reviewed_at=datetime.now(), active=True)
    session.add(review)
    session.flush()
    return review
