"""Request dependencies: settings, one transaction per request, the catalog, the caller.

Thread pool hops: FastAPI runs every sync dependency, every sync route and the validation of a
sync route's result in the thread pool, one hop each, and a hop costs 0.1-0.2 ms on an idle
machine and milliseconds on a busy one (each waits for the event loop and the GIL). So the
dependencies that do no I/O are `async def` and run on the event loop; only work that touches
the database goes to the thread pool: the commit or rollback at the end of the request, the
lookup of a presented API key or login session, and the route's own work. A read route can do
its work and end the transaction in one hop with `run_and_commit`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import timedelta
from typing import Annotated, Any, Literal, TypeVar, get_args

import anyio
from fastapi import Depends, Path, Query, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from xinyong.accounts import (
    PUBLIC,
    Actor,
    DeclaredPurpose,
    Permission,
    Purpose,
    Role,
    authorize,
    can,
    declare_purpose,
)
from xinyong.accounts.attempts import Limits
from xinyong.accounts.service import actor_for_session, authenticate_key
from xinyong.catalog import Catalog, default_catalog
from xinyong.core.errors import Forbidden, Unauthenticated
from xinyong.core.settings import Settings
from xinyong.web.auth.csrf import HEADER as CSRF_HEADER
from xinyong.web.auth.csrf import csrf_ok, is_anonymous, session_id

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


T = TypeVar("T")


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _commit(session: Session) -> None:
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _rollback(session: Session) -> None:
    try:
        session.rollback()
    finally:
        session.close()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request, as `unit_of_work`: commit on success, roll back on any
    exception, close. Opening a Session does no I/O (it connects on first use), so that
    happens on the event loop; the commit or rollback goes to the thread pool, and only if a
    transaction was begun (any query or `add` begins one): after `run_and_commit`, or for a
    route that never used its session, closing is all that is left and needs no I/O."""
    session: Session = request.app.state.sessions()  # made once, in create_app
    try:
        yield session
    except BaseException:
        # Shielded: a cancelled request still returns its connection to the pool.
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(_rollback, session)
        raise
    if session.in_transaction():
        await run_in_threadpool(_commit, session)
    else:
        session.close()


async def run_and_commit(session: Session, work: Callable[[], T]) -> T:
    """Run a route's blocking database work in the thread pool and commit the request's
    transaction in the same hop (the commit `get_session` would otherwise make in a second
    hop). If `work` or the commit fails, nothing is committed: the exception reaches
    `get_session`, which rolls back."""

    def work_then_commit() -> T:
        result = work()
        session.commit()
        return result

    return await run_in_threadpool(work_then_commit)


def get_catalog() -> Catalog:
    # Sync on purpose: the first call reads the catalog files (cached afterwards), which must
    # not block the event loop.
    return default_catalog()


# Ids are INTEGER columns on both databases: a larger one cannot exist and would overflow the
# driver, so every id in a path is bounded here once (422, never 500).
MAX_ID = 2**31 - 1
DbId = Annotated[int, Path(ge=1, le=MAX_ID)]

SettingsDep = Annotated[Settings, Depends(get_settings)]
# scope="function": the transaction commits before the response is sent, so a client never
# gets 200 for a batch whose commit then fails.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def identity_limits(settings: Settings) -> Limits:
    """The limits on identity attempts (login, ID number on the objection form)."""
    return Limits(per_client=settings.identity_max_failures_per_client,
                  per_target=settings.identity_max_failures_per_target,
                  window=timedelta(minutes=settings.identity_window_minutes))


async def get_actor(request: Request, session: SessionDep) -> Actor:
    """Who is calling: an API key (`X-API-Key: <key>` or `Authorization: Bearer <key>`), else
    the account of a web login session, else the public. A key that is presented but unknown
    or revoked is refused (401 api_key_invalid) rather than treated as anonymous, so a client
    with a stale key learns it at once. Tests override this dependency to act as a role.
    Async: the public caller (no key, no login) costs no database access and no thread hop;
    a key or a login session is looked up in the thread pool. A session id whose session
    was ended (logout, password change, disabling, lock-out) or has expired signs nobody in."""
    client = client_address(request)
    key = request.headers.get("x-api-key")
    if not key:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            key = token.strip()
    if key:
        try:
            by_key = await run_in_threadpool(authenticate_key, session, key, client=client)
        except Forbidden as exc:  # an unknown or revoked key: not authenticated (401)
            raise Unauthenticated(exc.message, code=exc.code) from None
        request.state.actor = by_key  # for the page's header (xinyong.web.pages)
        return by_key
    sid = session_id(request)
    if sid and not is_anonymous(sid):
        actor = await run_in_threadpool(actor_for_session, session, sid, client=client)
        if actor is not None:
            # A cookie is sent by the browser on its own: a state-changing call made with it
            # must also carry the session's CSRF token.
            if request.method not in SAFE_METHODS and not csrf_ok(
                    request, request.headers.get(CSRF_HEADER)):
                raise Forbidden("缺少或错误的 CSRF 令牌（X-CSRF-Token）", code="csrf_invalid")
            request.state.actor = actor
            return actor
    anonymous = Actor(role=PUBLIC.role, name=PUBLIC.name, client=client)
    request.state.actor = anonymous
    return anonymous


ActorDep = Annotated[Actor, Depends(get_actor)]


def require(permission: Permission) -> Callable[[Actor], Coroutine[Any, Any, Actor]]:
    """Dependency factory: the route's declared permission, checked in one place (async: the
    check is pure, no reason to hop to the thread pool)."""

    async def _check(actor: ActorDep) -> Actor:
        if actor.role == Role.PUBLIC and not can(actor, permission):
            # No credentials at all: 401 (log in or send a key), not 403 (which says the
            # credentials presented do not allow it).
            raise Unauthenticated("请先登录，或在请求中提供接口密钥（X-API-Key 或 "
                                  "Authorization: Bearer）", code="authentication_required")
        authorize(actor, permission)
        return actor

    _check.permission = permission  # type: ignore[attr-defined]  # read by the role matrix
    return _check


PurposeCode = Literal["licensing", "procurement", "bidding", "subsidy", "inspection", "other"]
# One list: the wire enum must match the domain's Purpose (checked at import).
assert set(get_args(PurposeCode)) == {p.value for p in Purpose}


async def get_purpose(
    purpose: Annotated[PurposeCode | None, Query(
        description="查询事由 (required for non-public reads): licensing 行政许可, procurement "
        "政府采购, bidding 招标投标, subsidy 财政资金补贴, inspection 监管检查, other 其他")]
    = None,
    purpose_text: Annotated[str | None, Query(
        max_length=200, description="what the query is for; required when purpose=other")]
    = None,
) -> DeclaredPurpose:
    """The declared purpose of a non-public read; missing -> 422 purpose_required."""
    return declare_purpose(purpose, purpose_text)


PurposeDep = Annotated[DeclaredPurpose, Depends(get_purpose)]
