"""A natural person proving, with the full ID number, that a record names them before
objecting to it: limited per client address and per record, every attempt audited, and one
answer for every failure (unknown record, a record about an organisation, a wrong number),
so that the answer never tells whether a non-public record concerns a person.

The caller commits the outcome before refusing: a failed attempt must stay counted and
audited although the filing itself is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, attempts
from xinyong.core.errors import Forbidden, XinyongError
from xinyong.core.masking import keyed_hash
from xinyong.ingest.tables import Record
from xinyong.lists.tables import ListEntry
from xinyong.subjects.tables import Subject

IDENTITY_FAILED = ("身份核验未通过：请核对信息编号和证件号码，"
                   "或以信用主体账户登录后提出异议")


def identity_failed() -> Forbidden:
    return Forbidden(IDENTITY_FAILED, code="objection_identity_failed")


@dataclass(frozen=True)
class IdentityCheck:
    ok: bool
    error: XinyongError | None = None


def _subject(session: Session, target: str, target_id: int) -> Subject | None:
    owner: Record | ListEntry | None = None
    if target == "record":
        owner = session.get(Record, target_id)
    elif target == "list_entry":
        owner = session.get(ListEntry, target_id)
    return session.get(Subject, owner.subject_id) if owner is not None else None


def check_person(session: Session, actor: Actor, target: str, target_id: int,
                 id_number: str, *, secret: str, limits: attempts.Limits) -> IdentityCheck:
    """Does the ID number belong to the natural person the record (or list entry) names?
    Never raises for a failure: returns it, with the attempt recorded and audited."""
    key = f"{target}:{target_id}"[:120]
    reason: str | None
    if attempts.over_limit(session, attempts.PERSON_IDENTITY, client=actor.client,
                           target=key, limits=limits):
        reason = "too_many_attempts"
    else:
        subject = _subject(session, target, target_id)
        if subject is None:
            reason = "target_not_found"
        elif subject.kind != "person" or not subject.person_key:
            reason = "not_a_person"
        elif keyed_hash(secret, id_number) != subject.person_key:
            reason = "id_number_mismatch"
        else:
            reason = None
    attempts.record(session, attempts.PERSON_IDENTITY, client=actor.client, target=key,
                    ok=reason is None)
    # The reason is for the credit office reading the log, never for the caller.
    audit.append(session, actor, "objection.identity", details={
        "target": target, "target_id": target_id, "ok": reason is None, "reason": reason})
    if reason is None:
        return IdentityCheck(True)
    if reason == "too_many_attempts":
        return IdentityCheck(False, attempts.refusal(limits))
    return IdentityCheck(False, identity_failed())
