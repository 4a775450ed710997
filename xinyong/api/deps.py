"""Request dependencies: settings, one transaction per request, the catalog."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Literal, get_args

from fastapi import Depends, Path, Query, Request
from sqlalchemy.orm import Session

from xinyong.accounts import (
    PUBLIC,
    Actor,
    DeclaredPurpose,
    Permission,
    Purpose,
    authorize,
    declare_purpose,
)
from xinyong.accounts.service import actor_for_session, authenticate_key
from xinyong.catalog import Catalog, default_catalog
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Forbidden
from xinyong.core.settings import Settings
from xinyong.web.auth.csrf import HEADER as CSRF_HEADER
from xinyong.web.auth.csrf import csrf_ok

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    with unit_of_work(request.app.state.engine) as session:
        yield session


def get_catalog() -> Catalog:
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


def get_actor(request: Request, session: SessionDep) -> Actor:
    """Who is calling: an API key (`X-API-Key: <key>` or `Authorization: Bearer <key>`), else
    the account of a web login session, else the public. A key that is presented but unknown
    or revoked is refused (403 api_key_invalid) rather than treated as anonymous, so a client
    with a stale key learns it at once. Tests override this dependency to act as a role."""
    client = client_address(request)
    key = request.headers.get("x-api-key")
    if not key:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            key = token.strip()
    if key:
        return authenticate_key(session, key, client=client)
    if "session" in request.scope:
        account_id = request.session.get("account_id")
        if isinstance(account_id, int):
            actor = actor_for_session(session, account_id, client=client)
            if actor is not None:
                # A cookie is sent by the browser on its own: a state-changing call made
                # with it must also carry the session's CSRF token.
                if request.method not in SAFE_METHODS and not csrf_ok(
                        request.session, request.headers.get(CSRF_HEADER)):
                    raise Forbidden("缺少或错误的 CSRF 令牌(X-CSRF-Token)", code="csrf_invalid")
                return actor
    return Actor(role=PUBLIC.role, name=PUBLIC.name, client=client)


ActorDep = Annotated[Actor, Depends(get_actor)]


def require(permission: Permission) -> Callable[[Actor], Actor]:
    """Dependency factory: the route's declared permission, checked in one place."""

    def _check(actor: ActorDep) -> Actor:
        authorize(actor, permission)
        return actor

    _check.permission = permission  # type: ignore[attr-defined]  # read by the role matrix
    return _check


PurposeCode = Literal["licensing", "procurement", "bidding", "subsidy", "inspection", "other"]
# One list: the wire enum must match the domain's Purpose (checked at import).
assert set(get_args(PurposeCode)) == {p.value for p in Purpose}


def get_purpose(
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
