"""Request dependencies: settings, one transaction per request, the catalog."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from xinyong.accounts import PUBLIC, Actor, Permission, authorize
from xinyong.catalog import Catalog, default_catalog
from xinyong.core.db import unit_of_work
from xinyong.core.settings import Settings


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    with unit_of_work(request.app.state.engine) as session:
        yield session


def get_catalog() -> Catalog:
    return default_catalog()


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]


def get_actor(request: Request) -> Actor:
    """Who is calling. Until authentication lands (issue 4) every caller is the public; tests
    override this dependency to act as another role."""
    client = request.client.host if request.client else None
    return Actor(role=PUBLIC.role, name=PUBLIC.name, client=client)


ActorDep = Annotated[Actor, Depends(get_actor)]


def require(permission: Permission) -> Callable[[Actor], Actor]:
    """Dependency factory: the route's declared permission, checked in one place."""

    def _check(actor: ActorDep) -> Actor:
        authorize(actor, permission)
        return actor

    _check.permission = permission  # type: ignore[attr-defined]  # read by the role matrix
    return _check
