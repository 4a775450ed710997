"""The role x endpoint matrix, generated from the app's routes: every route that declares a
permission through require() is called as every role; refused exactly when the role lacks it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute

from tests.accounts.helpers import ACTORS, client_as
from xinyong.accounts import ROLE_PERMISSIONS, Permission, Role
from xinyong.api.app import create_app
from xinyong.api.deps import get_actor
from xinyong.core.settings import Settings


def declared_permission(route: APIRoute) -> Permission | None:
    """The permission a route declares via require(), found on its dependency tree."""
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        perm = getattr(dep.call, "permission", None)
        if perm is not None:
            return Permission(perm)
        stack.extend(dep.dependencies)
    return None


def api_routes(app: Any) -> list[tuple[str, APIRoute]]:
    """(full path, route) of every APIRoute, including those of included routers (FastAPI
    keeps those behind an include context with the full path)."""
    found: list[tuple[str, APIRoute]] = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            found.append((route.path, route))
        for ctx in getattr(route, "effective_route_contexts", list)():
            if isinstance(ctx.original_route, APIRoute):
                found.append((ctx.path, ctx.original_route))
    return found


def _routes() -> list[tuple[str, str, Permission]]:
    app = create_app(Settings(database_url="sqlite://", environment="test",
                             secret_key="matrix-secret-key", audit_checkpoint_every=0))
    found = []
    for path, route in api_routes(app):
        perm = declared_permission(route)
        if perm is None:
            continue
        for method in sorted(route.methods):
            found.append((method, path, perm))
    return found


ROUTES = _routes()


def test_the_matrix_covers_the_protected_api():
    paths = {p for _m, p, _perm in ROUTES}
    for expected in ("/api/v1/batches/{record_type}", "/api/v1/accounts",
                     "/api/v1/audit/verify", "/api/v1/me/queries", "/api/v1/me/file",
                     "/api/v1/shared/subjects/{uscc}/records"):
        assert expected in paths
    # Every API route of this issue declares what it needs.
    app = create_app(Settings(database_url="sqlite://", environment="test",
                             secret_key="matrix-secret-key", audit_checkpoint_every=0))
    undeclared = [p for p, r in api_routes(app)
                  if re.match(r"/api/v1/(accounts|audit|me|shared|batches)", p)
                  and declared_permission(r) is None]
    assert undeclared == []


def _fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: "1" if "id" in m.group(0) else "x", path)


BODIES: dict[str, Any] = {"/api/v1/accounts": {"name": "", "role": "admin"},
                          "/api/v1/accounts/{name}/keys": {}}


@pytest.mark.parametrize(("method", "path", "permission"), ROUTES,
                         ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_each_role_is_allowed_or_refused(engine, settings, method, path, permission):
    # One app for the six roles (the caller is a dependency override): building an app per
    # role made this the slowest test of the suite.
    with client_as(settings, None) as c:
        for role, actor in ACTORS.items():
            c.app.dependency_overrides[get_actor] = lambda actor=actor: actor  # type: ignore
            body = BODIES.get(path, [] if method == "POST" else None)
            r = c.request(method, _fill(path) + "?purpose=inspection", json=body)
            allowed = permission in ROLE_PERMISSIONS[role]
            # Anonymous callers are asked to authenticate (401); a known caller without the
            # permission is refused (403).
            status, code = (401, "authentication_required") if role == Role.PUBLIC \
                else (403, "forbidden")
            refused = r.status_code == status and r.json()["code"] == code
            assert refused is (not allowed), (role, method, path, r.status_code, r.text)
            assert r.status_code < 500, (role, method, path, r.text)


def test_every_permission_and_role_has_a_label():
    """A refusal names the permission in Chinese: a permission without a label would turn a
    403 into a 500."""
    from xinyong.accounts.policy import PERMISSION_LABELS, ROLE_LABELS, Permission, Role

    assert [p for p in Permission if p not in PERMISSION_LABELS] == []
    assert [r for r in Role if r not in ROLE_LABELS] == []
