from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.factories import COMPANY, PROVIDER
from xinyong import departments
from xinyong.accounts import Actor, Role
from xinyong.accounts import service as accounts
from xinyong.api.app import create_app
from xinyong.api.deps import get_actor
from xinyong.core.db import unit_of_work
from xinyong.core.settings import Settings

CLI = Actor(role=Role.ADMIN, name="root", client="cli")
# One actor per role, as get_actor would resolve them.
ACTORS = {
    Role.ADMIN: Actor(role=Role.ADMIN, name="admin", client="testclient"),
    Role.DATA_OFFICER: Actor(role=Role.DATA_OFFICER, name="officer", department_uscc=PROVIDER,
                             department_class="enforcement", client="testclient"),
    Role.CASE_OFFICER: Actor(role=Role.CASE_OFFICER, name="case", department_uscc=PROVIDER,
                             department_class="licensing", client="testclient"),
    Role.INSPECTOR: Actor(role=Role.INSPECTOR, name="inspector", department_uscc=PROVIDER,
                          department_class="enforcement", client="testclient"),
    Role.SUBJECT: Actor(role=Role.SUBJECT, name="company", subject_uscc=COMPANY,
                        client="testclient"),
    Role.PUBLIC: Actor(role=Role.PUBLIC, name="public", client="testclient"),
}


def client_as(settings: Settings, actor: Actor | None, **kw: object) -> TestClient:
    app = create_app(settings)
    if actor is not None:
        app.dependency_overrides[get_actor] = lambda: actor
    return TestClient(app, **kw)  # type: ignore[arg-type]


def make_account(engine: Engine, name: str, role: Role, *, password: str | None = None,
                 department: str | None = None, department_class: str | None = None,
                 department_name: str | None = None, subject: str | None = None) -> int:
    """An account; its department is registered first when it is not yet (with the class
    given, enforcement by default). An existing department is never changed."""
    with unit_of_work(engine) as s:
        if department is not None:
            found = departments.find_department(s, department)
            if found is None:
                departments.add_department(s, CLI, departments.NewDepartment(
                    code=department, name=department_name or f"单位{department[-6:]}",
                    department_class=department_class or "enforcement"))
            else:
                assert department_class in (None, found.department_class), \
                    "a test asked for another class of an existing department"
        a = accounts.create_account(s, CLI, accounts.NewAccount(
            name=name, role=role, password=password, department=department,
            subject_uscc=subject))
        return a.id


def make_key(engine: Engine, name: str, scopes: list[str] | None = None) -> tuple[int, str]:
    with unit_of_work(engine) as s:
        key, clear = accounts.issue_key(s, CLI, name, scopes=scopes)
        return key.id, clear
