"""The check (逢办必查), its feedback, false-match reviews, and the credit office's measure
statistics, overrides and monthly case report."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path as FsPath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from xinyong import audit
from xinyong.accounts import Actor, Permission
from xinyong.api.deps import MAX_ID, DbId, SessionDep, SettingsDep, require, run_and_commit
from xinyong.api.types import LICENCE_KINDS, MATTERS, aware_fields, aware_iso, one_of
from xinyong.measures import (
    FeedbackItem,
    case_rows,
    default_measures,
    feedback_of,
    list_overrides,
    measure_stats,
    write_report,
)
from xinyong.screening import access as checks_access
from xinyong.screening.check import CheckRequest, person_key, run_check, run_checks

CheckId = DbId
# YYYY-MM of a year 1900-2999 (measures.workflow.MONTH_YEARS): 9999-12 is refused with 422.
MONTH_PATTERN = r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$"
router = APIRouter(tags=["checks"])
BATCH_MAX = 20000


class Applicant(BaseModel):
    uscc: str | None = Field(None, max_length=40, description="统一社会信用代码")
    name: str | None = Field(None, max_length=200, description="名称")
    legal_representative: str | None = Field(None, max_length=50, description="法定代表人")
    legal_representative_id: str | None = Field(
        None, max_length=40, description="法定代表人身份证件号码（可选）：只用于比对名单载明的"
        "责任人，收到即做密钥散列，不保存明文")
    person_id: str | None = Field(None, max_length=40,
                                  description="申请人为自然人时的身份证件号码（同上，不保存明文）")


class CheckCreate(Applicant):
    matter: str = Field(description="办理事项： licensing, procurement, bidding, subsidy, "
                        "honours, inspection, financing, bond, appointment, land",
                        json_schema_extra=MATTERS)
    licence_kind: str | None = Field(None, max_length=40, json_schema_extra=LICENCE_KINDS,
                                     description="行政许可事项：申请的许可种类（取值为"
                                     "措施清单 GET /api/v1/public/measures 列出的许可种类）")


class BatchCreate(BaseModel):
    matter: str = Field(json_schema_extra=MATTERS)
    licence_kind: str | None = Field(None, max_length=40, json_schema_extra=LICENCE_KINDS)
    applicants: list[Applicant] = Field(min_length=1, max_length=BATCH_MAX)


class FeedbackIn(BaseModel):
    measure_id: str = Field(json_schema_extra=one_of(default_measures().measures))
    outcome: Literal["applied", "not_applied"]
    reason: str | None = Field(None, max_length=2000)
    applied_until: date | None = Field(None, description="实施至（不得超过措施清单规定的期限）")


class FeedbackCreate(BaseModel):
    items: list[FeedbackIn] = Field(min_length=1)


class ReviewCreate(BaseModel):
    subject_id: int = Field(ge=1, le=MAX_ID)
    reason: str = Field(min_length=1, max_length=2000)


def request_of(secret: str, matter: str, licence_kind: str | None, a: Applicant
               ) -> CheckRequest:
    """The check request, the ID numbers hashed here, as received: they go no further."""
    rep_key, rep_masked = person_key(secret, a.legal_representative_id)
    key, masked = person_key(secret, a.person_id)
    return CheckRequest(matter, a.uscc, a.name, a.legal_representative, licence_kind, key,
                        masked, rep_key, rep_masked)


@router.post("/api/v1/checks")
async def create_check(body: CheckCreate, session: SessionDep, settings: SettingsDep,
                       actor: Annotated[Actor, Depends(require(Permission.CHECKS_RUN))]
                       ) -> dict[str, Any]:
    """Check one applicant for a matter: hits best first, list entries and records that
    apply, and exactly the catalog measures they trigger within their scope for the matter
    (and licence kind). Measures are prompted only on a code match, the exact registered
    name or a confirmed match; person-targeted ones through the legal representative's ID."""
    # Async with one thread-pool hop for the check and its commit: every case officer calls
    # this on every application, so the second hop is worth saving.
    request = request_of(settings.secret_key, body.matter, body.licence_kind, body)
    return check_out(await run_and_commit(session, lambda: run_check(session, request, actor)))


def check_out(result: dict[str, Any]) -> dict[str, Any]:
    """A check result as the API answers it: its timestamps with the platform's offset."""
    reviewed = [h | {"review": aware_fields(h["review"], "reviewed_at")} if h.get("review")
                else h for h in result.get("reviewed", [])]
    return aware_fields(result, "checked_at") | {"reviewed": reviewed}


def _row(i: int, a: Applicant, r: dict[str, Any]) -> dict[str, Any]:
    best = r["hits"][0] if r["hits"] else None
    return {"row": i, "check_id": r["id"], "uscc": a.uscc, "name": a.name,
            "status": r["status"], "status_label": r["status_label"],
            "uscc_problem": r["uscc_problem"],
            "best_hit": None if best is None else {k: best[k] for k in (
                "subject_id", "uscc", "name", "score", "method", "explanation")},
            "hits": len(r["hits"]), "reviewed": len(r["reviewed"]),
            "to_confirm": sum(1 for h in r["hits"] if h.get("needs_confirmation")),
            "persons": len(r.get("persons", [])),
            "measures": [{"measure_id": m["measure_id"], "name": m["name"], "kind": m["kind"]}
                         for m in r["measures"]]}


@router.post("/api/v1/checks/batch")
def create_batch(body: BatchCreate, session: SessionDep, settings: SettingsDep,
                 actor: Annotated[Actor, Depends(require(Permission.CHECKS_RUN))]
                 ) -> dict[str, Any]:
    """Check a list of applicants (e.g. all bidders of a tender): one row per applicant."""
    results = run_checks(session, [request_of(settings.secret_key, body.matter,
                                              body.licence_kind, a)
                                   for a in body.applicants], actor)
    rows = [_row(i, a, r) for i, (a, r) in enumerate(zip(body.applicants, results,
                                                         strict=True), start=1)]
    return {"items": rows, "total": len(rows),
            "hits": sum(1 for r in rows if r["status"] == "hit")}


@router.get("/api/v1/checks/{check_id}")
def read_check(check_id: CheckId, session: SessionDep,
               actor: Annotated[Actor, Depends(require(Permission.CHECKS_RUN))]
               ) -> dict[str, Any]:
    """A check run by the caller's department (the credit office: any check)."""
    check = checks_access.read_check(session, actor, check_id)
    return check_out(check.result) | {"id": check.id, "feedback": [
        {"measure_id": f.measure_id, "outcome": f.outcome, "reason": f.reason,
         "actor": f.actor, "at": aware_iso(f.created_at)}
        for f in feedback_of(session, check_id)]}


@router.post("/api/v1/checks/{check_id}/feedback")
def create_feedback(check_id: CheckId, body: FeedbackCreate,
                    session: SessionDep,
                    actor: Annotated[Actor, Depends(require(Permission.CHECKS_FEEDBACK))]
                    ) -> dict[str, Any]:
    """Per prompted measure: applied, or not_applied with a reason (required for a
    punishment measure; the credit office sees every such override)."""
    rows = checks_access.give_feedback(session, actor, check_id, [
        FeedbackItem(i.measure_id, i.outcome, i.reason, i.applied_until) for i in body.items])
    return {"check_id": check_id, "recorded": [
        {"measure_id": f.measure_id, "outcome": f.outcome, "reason": f.reason,
         "applied_until": f.applied_until, "actor": f.actor} for f in rows]}


@router.post("/api/v1/checks/{check_id}/reviews")
def create_review(check_id: CheckId, body: ReviewCreate, session: SessionDep,
                  actor: Annotated[Actor, Depends(require(Permission.CHECKS_FEEDBACK))]
                  ) -> dict[str, Any]:
    """Mark a name hit of this check as a false match; later checks show it as reviewed."""
    rv = checks_access.review(session, actor, check_id, body.subject_id, body.reason)
    return {"id": rv.id, "subject_id": rv.subject_id, "verdict": rv.verdict,
            "reason": rv.reason, "reviewed_by": rv.reviewer,
            "reviewed_at": aware_iso(rv.reviewed_at)}


@router.post("/api/v1/checks/{check_id}/confirmations")
def create_confirmation(check_id: CheckId, body: ReviewCreate, session: SessionDep,
                        actor: Annotated[Actor, Depends(require(Permission.CHECKS_FEEDBACK))]
                        ) -> dict[str, Any]:
    """Confirm that a name hit which decides nothing alone (variant, fuzzy, former name) is
    the applicant: remembered for the name, and the measures it makes applicable are
    prompted on this check."""
    rv = checks_access.confirm(session, actor, check_id, body.subject_id, body.reason)
    check = checks_access.owned_check(session, actor, check_id)
    return check_out(check.result) | {"id": check.id, "confirmation": {
        "subject_id": rv.subject_id, "reason": rv.reason, "confirmed_by": rv.reviewer,
        "confirmed_at": aware_iso(rv.reviewed_at)}}


@router.get("/api/v1/measures")
def list_measures(_actor: Annotated[Actor, Depends(require(Permission.CHECKS_RUN))],
                  matter: Annotated[str | None, Query(json_schema_extra=MATTERS)] = None
                  ) -> dict[str, Any]:
    """The measure catalog (optionally for one matter), each with its legal basis."""
    cat = default_measures()
    items = (cat.for_matter(cat.check_matter(matter)) if matter is not None
             else list(cat.measures.values()))
    return {"items": [m.model_dump() for m in items], "total": len(items),
            "matters": cat.matters}


@router.get("/api/v1/measures/stats")
def stats(session: SessionDep,
          actor: Annotated[Actor, Depends(require(Permission.MEASURES_REPORT))],
          month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None
          ) -> dict[str, Any]:
    """Initiation -> response -> feedback per department and measure."""
    items = [{"department": s.department, "measure_id": s.measure_id,
              "measure_name": s.measure_name, "initiated": s.initiated,
              "responded": s.responded, "applied": s.applied, "not_applied": s.not_applied,
              "feedback_rate": s.feedback_rate} for s in measure_stats(session, month=month)]
    audit.append(session, actor, "measures.stats.read", details={"month": month})
    return {"items": items, "total": len(items)}


@router.get("/api/v1/measures/overrides")
def overrides(session: SessionDep,
              actor: Annotated[Actor, Depends(require(Permission.MEASURES_REPORT))]
              ) -> dict[str, Any]:
    """Triggered punishment measures recorded as not applied, with who and why."""
    found = list_overrides(session)
    audit.append(session, actor, "measures.overrides.read",
                 details={"check_ids": sorted({o.check_id for o in found})})
    items = [{"check_id": o.check_id, "measure_id": o.measure_id,
              "measure_name": o.measure_name, "subject_name": o.subject_name, "uscc": o.uscc,
              "department": o.department, "actor": o.actor, "reason": o.reason,
              "at": aware_iso(o.at)} for o in found]
    return {"items": items, "total": len(items)}


@router.get("/api/v1/measures/report", response_class=Response, responses={200: {"content": {
    "text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
def report(session: SessionDep,
           actor: Annotated[Actor, Depends(require(Permission.MEASURES_REPORT))],
           month: Annotated[str, Query(pattern=MONTH_PATTERN)],
           fmt: Annotated[Literal["csv", "xlsx"], Query(alias="format")] = "csv") -> Response:
    """The monthly joint reward and punishment case report (联合奖惩案例)."""
    rows = case_rows(session, month, default_measures().matters)
    audit.append(session, actor, "measures.report.read",
                 details={"month": month, "format": fmt, "rows": len(rows)})
    with tempfile.TemporaryDirectory() as tmp:
        path = write_report(FsPath(tmp) / f"report.{fmt}", rows, fmt)
        content = path.read_bytes()
    media = "text/csv; charset=utf-8" if fmt == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filename = f"lianhe-jiangcheng-{month}.{fmt}"
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
