"""Audited reads of 重错码 reviews: each names subjects, their codes and the departments whose
rows raised it, so listing them is a non-public read recorded in the caller's transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, Permission, authorize
from xinyong.codereview.service import ReviewView, list_reviews


def read_reviews(session: Session, actor: Actor, status: str = "open") -> list[ReviewView]:
    authorize(actor, Permission.SUBJECTS_MANAGE)
    items = list_reviews(session, status)
    audit.append(session, actor, "subject_review.list", details={
        "status": status, "review_ids": [v.id for v in items]})
    return items
