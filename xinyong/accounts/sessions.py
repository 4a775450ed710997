"""Server-side web sessions: start one at login, resolve the cookie's session id to an Actor,
end one (logout) or all of an account's (password change, disabling, lock-out, an
administrator). The cookie carries only a random 256-bit id; the database keeps its SHA-256,
so a copy of the table cannot be replayed as cookies."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from xinyong.accounts.tables import Account, WebSession
from xinyong.core import clock

# last_seen_at is refreshed at most this often: a write on every page view would turn every
# read into a write transaction.
TOUCH_EVERY = timedelta(minutes=1)
# Ended and expired sessions are kept this long (who was signed in from where), then pruned
# by every hundredth login.
KEEP = timedelta(days=90)
PRUNE_EVERY = 100
ENDED_REASONS = {"logout": "已退出登录", "password_changed": "密码已更改",
                 "account_disabled": "账户已停用", "account_locked": "账户因连续输错密码被锁定",
                 "ended_by_admin": "管理员结束了全部会话"}


def token_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def new_session_id() -> str:
    # The prefix keeps signed-in ids apart from the anonymous ones the web layer hands out
    # before login ("a-"), which it never looks up.
    return "s-" + secrets.token_urlsafe(32)


def start_session(session: Session, account: Account, *, client: str | None,
                  max_age: timedelta) -> str:
    """A new session for `account`; returns the clear id (for the cookie only)."""
    sid = new_session_id()
    now = clock.now()
    row = WebSession(token_hash=token_hash(sid), account_id=account.id, created_at=now,
                     last_seen_at=now, expires_at=now + max_age,
                     client=(client or "")[:64] or None)
    session.add(row)
    session.flush()
    if row.id % PRUNE_EVERY == 0:
        session.execute(delete(WebSession).where(WebSession.expires_at < now - KEEP))
    return sid


def find_session(session: Session, session_id: str) -> tuple[WebSession, Account] | None:
    """The live session with this id and its active account; None when unknown, ended,
    expired, or its account is disabled."""
    if not session_id or len(session_id) > 100:
        return None
    row = session.execute(
        select(WebSession, Account).join(Account, Account.id == WebSession.account_id)
        .where(WebSession.token_hash == token_hash(session_id))).tuples().first()
    if row is None:
        return None
    ws, account = row
    now = clock.now()
    if ws.revoked_at is not None or ws.expires_at <= now or not account.active:
        return None
    if now - ws.last_seen_at >= TOUCH_EVERY:
        ws.last_seen_at = now
    return ws, account


def end_session(session: Session, session_id: str, reason: str = "logout") -> int | None:
    """End one session; returns its account id (None when there was no live session)."""
    ws = session.scalar(select(WebSession).where(
        WebSession.token_hash == token_hash(session_id), WebSession.revoked_at.is_(None)))
    if ws is None:
        return None
    ws.revoked_at, ws.reason = clock.now(), reason
    return ws.account_id


def end_all_sessions(session: Session, account_id: int, reason: str) -> int:
    """End every live session of an account at once; returns how many were live."""
    now: datetime = clock.now()
    result = session.execute(
        update(WebSession).where(WebSession.account_id == account_id,
                                 WebSession.revoked_at.is_(None),
                                 WebSession.expires_at > now)
        .values(revoked_at=now, reason=reason).execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def live_sessions(session: Session, account_id: int) -> list[WebSession]:
    now = clock.now()
    return list(session.scalars(select(WebSession).where(
        WebSession.account_id == account_id, WebSession.revoked_at.is_(None),
        WebSession.expires_at > now).order_by(WebSession.id)))
