"""Resolving a 重错码 review. Never commits; every resolution is audited
(`subject_review.resolve`) in the caller's transaction.

Same code, different names (a row named the subject otherwise than the registry):

* confirm_rename: both names are the subject's: the name on its latest decision becomes the
  registry name, the other is kept as a former name (name history).
* wrong_code: the rows with the other name carry a code that is not theirs. Their records
  are listed for correction (`code_review_record`), each provider is told through the
  exchange outbox (event `code_review.wrong_code`, addressed to the provider's USCC, with the
  records' document numbers) and the review waits (`awaiting_correction`). It closes by
  itself (`corrected`) when the provider re-sends every listed record under another code
  (ingest: `subjects.note_corrections`); the records stay published meanwhile, as received.
  The other name leaves the subject's name history, search and check index at once.

Same name, different codes (a new code arrived with a name another subject holds):

* distinct: two subjects that share a name.
* merge: one code was wrong. The wrong one's records, list entries, objections and repair
  applications are re-pointed to the right one; the wrong subject stays as an alias
  (`merged_into_id`): its code and pages lead to the right subject, nothing is deleted, the
  records keep their content (and content hashes: `audit verify` accepts a record under the
  subject its code was merged into). A grade re-evaluation and an exchange event follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, Permission, authorize
from xinyong.codereview.rules import (
    CONFIRM_RENAME,
    KIND_LABELS,
    MERGE,
    RESOLUTION_LABELS,
    STATUS_LABELS,
    WRONG_CODE,
    check_action,
)
from xinyong.core import clock
from xinyong.core.errors import Conflict, Invalid, NotFound
from xinyong.exchange import queue_event
from xinyong.grading.tables import request_reevaluation
from xinyong.ingest.tables import Batch, Provider, Record
from xinyong.lists.service import move_to_subject
from xinyong.objections.tables import Objection
from xinyong.repair.tables import RepairApplication
from xinyong.subjects.service import (
    AWAITING,
    OPEN,
    RESOLVED,
    drop_other_name,
    merge_subject,
    rename_subject,
)
from xinyong.subjects.tables import CodeReview, CodeReviewRecord, Subject
from xinyong.subjects.uscc import UsccError, validate

STATUSES = (OPEN, AWAITING, RESOLVED, "all")


@dataclass(frozen=True)
class Resolution:
    action: str  # confirm_rename | wrong_code | distinct | merge
    reason: str
    merge_into: str | None = None  # merge: the USCC that stays


@dataclass(frozen=True)
class ReviewView:
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    uscc: str | None
    name: str
    other_name: str | None
    other_uscc: str | None
    provider_name: str | None  # whose row raised it
    provider_uscc: str | None
    batch_id: int | None
    detected_at: datetime
    resolution: str | None
    resolution_label: str | None
    resolved_by: str | None
    resolved_at: datetime | None
    reason: str | None
    awaiting_records: int  # wrong code: records still awaiting the provider's correction
    merged_into: str | None  # the code the subject was merged into, if it was


def _views(session: Session, reviews: list[CodeReview]) -> list[ReviewView]:
    sids = {r.subject_id for r in reviews} | {r.other_subject_id for r in reviews
                                              if r.other_subject_id}
    subjects = {s.id: s for s in session.scalars(select(Subject).where(Subject.id.in_(sids)))}
    targets = {s.merged_into_id for s in subjects.values() if s.merged_into_id}
    codes = dict(session.execute(select(Subject.id, Subject.uscc)
                                 .where(Subject.id.in_(targets))).tuples().all())
    bids = {r.batch_id for r in reviews if r.batch_id}
    providers = {bid: (name, uscc) for bid, name, uscc in session.execute(
        select(Batch.id, Provider.name, Provider.uscc)
        .join(Provider, Provider.id == Batch.provider_id).where(Batch.id.in_(bids)))}
    waiting = dict(session.execute(
        select(CodeReviewRecord.review_id, func.count())
        .where(CodeReviewRecord.review_id.in_([r.id for r in reviews]),
               CodeReviewRecord.corrected_at.is_(None))
        .group_by(CodeReviewRecord.review_id)).tuples().all())
    out = []
    for r in reviews:
        s, o = subjects.get(r.subject_id), subjects.get(r.other_subject_id or 0)
        pname, puscc = providers.get(r.batch_id or 0, (None, None))
        merged = next((codes.get(x.merged_into_id) for x in (s, o)
                       if x is not None and x.merged_into_id), None)
        out.append(ReviewView(
            r.id, r.kind, KIND_LABELS.get(r.kind, r.kind), r.status,
            STATUS_LABELS.get(r.status, r.status), s.uscc if s else None, r.name,
            r.other_name, o.uscc if o else None, pname, puscc, r.batch_id, r.detected_at,
            r.resolution, RESOLUTION_LABELS.get(r.resolution or ""), r.resolved_by,
            r.resolved_at, r.reason, int(waiting.get(r.id, 0)), merged))
    return out


def list_reviews(session: Session, status: str = OPEN) -> list[ReviewView]:
    """Reviews with this status (open, awaiting_correction, resolved or all), oldest first."""
    if status not in STATUSES:
        raise Invalid(f"未知的核查状态「{status}」（可选：{'、'.join(STATUSES)}）",
                      code="review_status_unknown")
    stmt = select(CodeReview).order_by(CodeReview.id)
    if status != "all":
        stmt = stmt.where(CodeReview.status == status)
    return _views(session, list(session.scalars(stmt)))


def get_review(session: Session, review_id: int) -> CodeReview:
    review = session.get(CodeReview, review_id)
    if review is None:
        raise NotFound(f"重错码核查 {review_id} 不存在", code="review_not_found")
    return review


def resolve(session: Session, review_id: int, actor: Actor, res: Resolution, *,
            today: date | None = None) -> ReviewView:
    """Resolve one open review as `res.action` says (see the module notes)."""
    authorize(actor, Permission.SUBJECTS_MANAGE)
    review = get_review(session, review_id)
    resolution = check_action(review.kind, review.status, res.action, res.reason)
    subject = session.get(Subject, review.subject_id)
    assert subject is not None
    reason = res.reason.strip()
    details: dict[str, Any] = {"review_id": review.id, "kind": review.kind,
                               "action": res.action, "reason": reason}
    status = RESOLVED
    if res.action == CONFIRM_RENAME:
        details.update(_confirm_rename(session, review, subject))
    elif res.action == WRONG_CODE:
        details.update(_wrong_code(session, review, subject, reason))
        status = AWAITING
    elif res.action == MERGE:
        details.update(_merge(session, review, actor, res, reason, today or clock.today()))
    review.status, review.resolution = status, resolution
    review.resolved_by, review.resolved_at, review.reason = actor.name, clock.now(), reason
    session.flush()
    audit.append(session, actor, "subject_review.resolve", subject_uscc=subject.uscc,
                 details=details)
    return _views(session, [review])[0]


def _confirm_rename(session: Session, review: CodeReview, subject: Subject
                    ) -> dict[str, Any]:
    """The name on the subject's latest decision is its name now."""
    latest = session.scalar(select(Record.subject_name).where(Record.subject_id == subject.id)
                            .order_by(Record.decision_date.desc(), Record.id.desc()).limit(1))
    before = subject.name
    rename_subject(session, subject, latest or review.other_name or subject.name)
    return {"name_before": before, "name_now": subject.name}


def _wrong_code(session: Session, review: CodeReview, subject: Subject, reason: str
                ) -> dict[str, Any]:
    rows = session.execute(
        select(Record.id, Record.provider_id, Record.data, Provider.uscc, Provider.name)
        .join(Provider, Provider.id == Record.provider_id)
        .where(Record.subject_id == subject.id, Record.subject_name == review.other_name)
        .order_by(Record.id)).all()
    if not rows:
        raise Conflict(f"代码 {subject.uscc} 下已没有以「{review.other_name}」报送的记录"
                       "（可能已更正）；请确认更名或按已更正处理", code="review_no_records")
    session.add_all(CodeReviewRecord(review_id=review.id, record_id=rid, provider_id=pid)
                    for rid, pid, _data, _u, _n in rows)
    by_provider: dict[str, list[dict[str, Any]]] = {}
    names: dict[str, str] = {}
    for rid, _pid, data, puscc, pname in rows:
        by_provider.setdefault(puscc, []).append(
            {"record_id": rid, "document_number": data.get("document_number")})
        names[puscc] = pname
    for puscc, records in by_provider.items():
        # To the provider's own queue at its front-end processor: re-send these records
        # with the subject's right code; the review closes when they arrive.
        queue_event(session, "code_review.wrong_code", {
            "review_id": review.id, "provider_uscc": puscc, "provider_name": names[puscc],
            "reported_code": subject.uscc, "reported_name": review.other_name,
            "registry_name": subject.name, "reason": reason, "records": records,
            "request": "请核实该主体的统一社会信用代码，以正确代码重新报送上述记录"},
            subject_uscc=subject.uscc, ref=("code_review", review.id), targets=[puscc])
    # The other name was never this subject's: out of its name history, search and check.
    dropped = drop_other_name(session, subject, review.other_name or "")
    return {"records": [rid for rid, *_rest in rows], "providers": sorted(by_provider),
            "name_dropped": dropped}


def _merge(session: Session, review: CodeReview, actor: Actor, res: Resolution, reason: str,
           today: date) -> dict[str, Any]:
    if review.other_subject_id is None:
        raise Invalid("该核查没有另一主体，不能合并", code="review_merge_invalid")
    pair = [session.get(Subject, review.subject_id),
            session.get(Subject, review.other_subject_id)]
    try:
        keep = validate(res.merge_into or "").code
    except UsccError as exc:
        raise Invalid(f"合并须指明保留的统一社会信用代码（merge_into）：{exc}",
                      code="review_merge_into") from exc
    target = next((s for s in pair if s is not None and s.uscc == keep), None)
    alias = next((s for s in pair if s is not None and s is not target), None)
    if target is None or alias is None:
        codes = "、".join(s.uscc or "" for s in pair if s is not None)
        raise Invalid(f"保留的代码须是本核查的两个代码之一：{codes}", code="review_merge_into")
    if target.merged_into_id is not None or alias.merged_into_id is not None:
        raise Conflict("其中一个主体已被合并，不能再合并", code="review_already_merged")
    moved = list(session.scalars(select(Record.id).where(Record.subject_id == alias.id)))
    session.execute(update(Record).where(Record.subject_id == alias.id)
                    .values(subject_id=target.id, updated_at=clock.now()))
    for table in (Objection, RepairApplication):
        session.execute(update(table).where(table.subject_id == alias.id)
                        .values(subject_id=target.id))
    entries = move_to_subject(session, alias.id, target, actor,
                              f"重错码核查 {review.id}：{alias.uscc} 并入 {target.uscc}；{reason}",
                              today=today)
    merge_subject(session, alias, target)
    request_reevaluation(session, target.id, "subject_merged", ref=("code_review", review.id))
    queue_event(session, "subject.merged", {
        "review_id": review.id, "alias_uscc": alias.uscc, "target_uscc": target.uscc,
        "record_ids": moved, "reason": reason}, subject_uscc=target.uscc,
        ref=("code_review", review.id))
    return {"alias": alias.uscc, "target": target.uscc, "records": moved,
            "list_entries": [e.id for e in entries]}
