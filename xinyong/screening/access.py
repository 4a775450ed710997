"""A check and what follows it belong to the department that ran it (the credit office sees
every check): reading it again, feedback on its measures and false-match reviews of its hits.

Another department's case officer is told a check does not exist (404), as for one that does
not: a check names the applicant, the hits and the matter, which are that department's
business. Every function here audits in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, Role
from xinyong.core.errors import NotFound
from xinyong.core.masking import scrub_text
from xinyong.measures import CheckFeedback, FeedbackItem
from xinyong.screening.check import get_check, review_match
from xinyong.screening.confirm import confirm_match, record_check_feedback
from xinyong.screening.tables import MatchReview, ScreeningCheck


def may_see(actor: Actor, check: ScreeningCheck) -> bool:
    """The credit office sees every check; a department sees the checks its officers ran; a
    check run by an account without a department is its officer's alone."""
    if actor.role == Role.ADMIN:
        return True
    if check.department_uscc:
        return actor.department_uscc == check.department_uscc
    return actor.department_uscc is None and actor.name == check.actor


def owned_check(session: Session, actor: Actor, check_id: int) -> ScreeningCheck:
    """The check if `actor` may see it; not found otherwise (its existence is not told)."""
    check = get_check(session, check_id)
    if not may_see(actor, check):
        raise NotFound(f"核查记录 {check_id} 不存在", code="check_not_found")
    return check


def read_check(session: Session, actor: Actor, check_id: int) -> ScreeningCheck:
    """A stored check shown again (the API's GET, the result page): audited."""
    check = owned_check(session, actor, check_id)
    audit.append(session, actor, "check.read",
                 details={"check_id": check.id, "matter": check.matter})
    return check


def give_feedback(session: Session, actor: Actor, check_id: int,
                  items: Sequence[FeedbackItem]) -> list[CheckFeedback]:
    """Feedback on the measures a check prompted, by the department that ran it."""
    check = owned_check(session, actor, check_id)
    items = [FeedbackItem(i.measure_id, i.outcome, scrub_text(i.reason) if i.reason else None,
                          i.applied_until) for i in items]
    # Refuses a measure still pending the confirmation of a name match (match_unconfirmed).
    rows = record_check_feedback(session, check.id, items, actor)
    audit.append(session, actor, "check.feedback", details={
        "check_id": check.id, "measures": [[f.measure_id, f.outcome] for f in rows]})
    return rows


def review(session: Session, actor: Actor, check_id: int, subject_id: int,
           reason: str) -> MatchReview:
    """Mark a name hit of the department's own check as a false match."""
    owned_check(session, actor, check_id)
    rv = review_match(session, check_id, subject_id, scrub_text(reason or ""), actor)
    audit.append(session, actor, "check.review", details={
        "check_id": check_id, "subject_id": subject_id, "review_id": rv.id,
        "verdict": rv.verdict})
    return rv


def confirm(session: Session, actor: Actor, check_id: int, subject_id: int,
            reason: str) -> MatchReview:
    """Confirm that a name hit of the department's own check is the applicant."""
    owned_check(session, actor, check_id)
    rv = confirm_match(session, check_id, subject_id, scrub_text(reason or ""), actor)
    audit.append(session, actor, "check.confirm", details={
        "check_id": check_id, "subject_id": subject_id, "review_id": rv.id})
    return rv
