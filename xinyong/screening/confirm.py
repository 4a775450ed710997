"""Confirming a name match and recording feedback on a check's measures.

A name hit that decides nothing alone (variant, former name, fuzzy) prompts no measure until a
case officer confirms it is the applicant; the confirmation is remembered for the name and the
subject, and the check is evaluated again in place. Feedback on a measure that is only pending
such a confirmation is refused with that reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor
from xinyong.core import clock
from xinyong.core.errors import Invalid, NotFound, RuleViolation
from xinyong.measures import CheckFeedback, CheckPrompt, FeedbackItem, prompts_of, record_feedback
from xinyong.screening.check import (
    CONFIRMED,
    CheckRequest,
    _evaluate,
    _prompt_rows,
    get_check,
)
from xinyong.screening.match import Applicant, MatchResult
from xinyong.screening.tables import MatchReview, ScreeningCheck


def _name_key(name: str | None) -> str:
    return MatchResult(Applicant(name=name)).name_key or ""


def _find_hit(check: ScreeningCheck, subject_id: int) -> dict[str, Any]:
    hit = next((h for h in check.result.get("hits", []) + check.result.get("reviewed", [])
                if h["subject_id"] == subject_id), None)
    if hit is None:
        raise NotFound(f"本次核查未命中主体 {subject_id}", code="hit_not_found")
    return cast(dict[str, Any], hit)


def _request_of(check: ScreeningCheck) -> CheckRequest:
    query = check.result.get("query", {})
    return CheckRequest(check.matter, check.query_uscc, check.query_name,
                        check.query_legal_representative, check.query_licence_kind,
                        check.query_person_key, query.get("person_id"),
                        check.query_representative_key, query.get("legal_representative_id"))


def confirm_match(session: Session, check_id: int, subject_id: int, reason: str,
                  actor: Actor, *, today: date | None = None) -> MatchReview:
    """A case officer confirms that a name hit which decides nothing alone (variant, fuzzy,
    former name) is the applicant, with a reason. Remembered for the name and the subject (as a
    false-match review is); the check is evaluated again and the measures the confirmation
    makes applicable are prompted on it."""
    today = today or clock.today()
    check = get_check(session, check_id)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("确认同一主体须填写理由（如核对了统一社会信用代码、营业执照）",
                      code="reason_required")
    hit = _find_hit(check, subject_id)
    if hit.get("method") in ("code", "person_id") or hit.get("decisive"):
        raise Invalid("该命中已按统一社会信用代码或登记名称确定，无需确认",
                      code="hit_already_decisive")
    key = _name_key(check.query_name)
    session.execute(update(MatchReview).where(MatchReview.query_key == key,
                                              MatchReview.subject_id == subject_id)
                    .values(active=False))
    review = MatchReview(query_key=key, subject_id=subject_id, content_hash=hit["content_hash"],
                         verdict=CONFIRMED, reason=reason, reviewer=actor.name,
                         department=actor.department_name or actor.department_uscc,
                         check_id=check_id, reviewed_at=clock.now(), active=True)
    session.add(review)
    session.flush()
    req = _request_of(check)
    [(result, prompts)] = _evaluate(session, [req], today)
    old = check.result
    result.update({k: old[k] for k in ("id", "checked_at", "checked_by", "department")
                   if k in old})
    check.result, check.status = result, result["status"]
    done = set(session.scalars(select(CheckPrompt.measure_id)
                               .where(CheckPrompt.check_id == check_id)))
    rows = _prompt_rows(check_id, req, actor, clock.now(),
                        [p for p in prompts if p["measure_id"] not in done])
    if rows:
        session.execute(insert(cast(Table, CheckPrompt.__table__)), rows)
    audit.append(session, actor, "check.match_confirmed",
                 subject_uscc=hit.get("uscc"),
                 details={"check_id": check_id, "subject_id": subject_id,
                          "prompted": [r["measure_id"] for r in rows]})
    session.flush()
    return review


def record_check_feedback(session: Session, check_id: int, items: Sequence[FeedbackItem],
                          actor: Actor, *, today: date | None = None) -> list[CheckFeedback]:
    """Feedback on a check's prompts: a measure only shown as pending a confirmation of the
    name match is refused with that reason (confirm first), then `record_feedback`."""
    check = get_check(session, check_id)
    prompted = {p.measure_id for p in prompts_of(session, check_id)}
    pending = {pm["measure_id"]: h for h in check.result.get("hits", [])
               if h.get("needs_confirmation") for pm in h.get("pending_measures", [])}
    for item in items:
        if item.measure_id not in prompted and item.measure_id in pending:
            h = pending[item.measure_id]
            how = "相似" if h["method"] == "fuzzy" else "近似"
            raise RuleViolation(f"命中「{h['name']}」是名称{how}匹配，尚未确认为申请人本身，"
                                "措施不能反馈；请先核实并确认同一主体",
                                code="match_unconfirmed")
    return record_feedback(session, check_id, items, actor, today=today)
