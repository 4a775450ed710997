"""Limits on identity attempts (a login, an ID number on the objection form): failures are
counted per client address and per target over a window, in a table, so that the limit holds
across processes and servers. Every attempt is recorded here; the caller audits it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from xinyong.accounts.tables import IdentityAttempt
from xinyong.core import clock
from xinyong.core.errors import RateLimited

# Attempts are kept this long (far longer than any window), then pruned now and then.
KEEP = timedelta(days=30)
PRUNE_EVERY = 1000
LOGIN = "login"
PERSON_IDENTITY = "person_identity"


@dataclass(frozen=True)
class Limits:
    per_client: int  # failures from one client address
    per_target: int  # failures at one target (login name, record)
    window: timedelta

    @property
    def minutes(self) -> int:
        return max(int(self.window.total_seconds() // 60), 1)


def refusal(limits: Limits) -> RateLimited:
    return RateLimited(f"尝试次数过多，请{limits.minutes}分钟后再试", code="too_many_attempts")


def _failures(session: Session, kind: str, column: object, value: str, since: object) -> int:
    q = (select(func.count()).select_from(IdentityAttempt)
         .where(IdentityAttempt.kind == kind, column == value,  # type: ignore[arg-type]
                IdentityAttempt.ok.is_(False), IdentityAttempt.at > since))
    return int(session.scalar(q) or 0)


def over_limit(session: Session, kind: str, *, client: str | None, target: str,
               limits: Limits) -> bool:
    """Has this client, or this target, used up its failures in the window?"""
    since = clock.now() - limits.window
    if client and _failures(session, kind, IdentityAttempt.client, client[:64],
                            since) >= limits.per_client:
        return True
    return _failures(session, kind, IdentityAttempt.target, target[:120],
                     since) >= limits.per_target


def record(session: Session, kind: str, *, client: str | None, target: str, ok: bool) -> None:
    attempt = IdentityAttempt(kind=kind, client=(client or "")[:64] or None,
                              target=target[:120], ok=ok, at=clock.now())
    session.add(attempt)
    session.flush()
    if attempt.id % PRUNE_EVERY == 0:
        session.execute(delete(IdentityAttempt).where(IdentityAttempt.at < clock.now() - KEEP))
