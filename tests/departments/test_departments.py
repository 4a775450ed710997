"""Finding 8 of #14: departments are managed entities. A class must come from the catalog's
list; creating an account names an existing department and never changes it; every change
to a department is audited."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.accounts.helpers import ACTORS, client_as, make_account, make_key
from tests.factories import OTHER_PROVIDER, PROVIDER, penalty
from xinyong.accounts import Role
from xinyong.audit import AuditEntry
from xinyong.catalog import load_catalog
from xinyong.catalog.loader import DATA_DIR
from xinyong.cli.main import app as cli
from xinyong.core.db import unit_of_work
from xinyong.core.errors import ConfigError

ADMIN = ACTORS[Role.ADMIN]


def _details(engine, action: str) -> list[dict[str, object]]:
    with unit_of_work(engine) as s:
        return [json.loads(e.details) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq))]


def test_creating_an_account_never_changes_its_department(engine, settings):
    make_account(engine, "sjj", Role.DATA_OFFICER, department=PROVIDER,
                 department_class="enforcement")
    _kid, key = make_key(engine, "sjj")
    with client_as(settings, ADMIN) as c:
        # The old way (a class sent with the new account) is refused outright ...
        r = c.post("/api/v1/accounts", json={"name": "lic", "role": "case_officer",
                                             "department_uscc": PROVIDER,
                                             "department_class": "licensing"})
        assert r.status_code == 422
        # ... the account names its department, which keeps its class.
        r = c.post("/api/v1/accounts", json={"name": "lic", "role": "case_officer",
                                             "department": PROVIDER})
        assert r.status_code == 201 and r.json()["department"] == PROVIDER
        r = c.post("/api/v1/accounts", json={"name": "x", "role": "case_officer",
                                             "department": OTHER_PROVIDER})
        assert r.status_code == 404 and r.json()["code"] == "department_not_found"
        dept = next(d for d in c.get("/api/v1/departments").json()["items"]
                    if d["code"] == PROVIDER)
        assert (dept["department_class"], dept["class_label"]) == ("enforcement", "行政执法部门")
    # The department's data officer still pushes its penalties.
    with client_as(settings, None) as c:
        r = c.post("/api/v1/batches/penalty", json=[penalty()], headers={"X-API-Key": key})
        assert r.status_code == 200, r.text


def test_classes_come_from_the_catalog(engine, settings):
    with client_as(settings, ADMIN) as c:
        r = c.post("/api/v1/departments", json={"code": PROVIDER, "name": "示范市税务局",
                                                "department_class": "tax-office"})
        assert r.status_code == 422 and r.json()["code"] == "department_class_unknown"
        assert "enforcement" in r.json()["message"]
        r = c.post("/api/v1/departments", json={"code": PROVIDER, "name": "示范市市场监督管理局",
                                                "department_class": "enforcement",
                                                "region_code": "35020"})
        assert r.status_code == 422 and r.json()["code"] == "region_invalid"
        r = c.post("/api/v1/departments", json={"code": PROVIDER, "name": "示范市市场监督管理局",
                                                "department_class": "enforcement"})
        assert r.status_code == 201 and r.json()["region_code"] == "350200"
        assert c.post("/api/v1/departments", json={
            "code": PROVIDER, "name": "again", "department_class": "enforcement"}
        ).json()["code"] == "department_exists"
        listed = c.get("/api/v1/departments").json()
        assert [k["id"] for k in listed["classes"]][:3] == ["credit_office", "enforcement",
                                                           "licensing"]
        r = c.patch(f"/api/v1/departments/{PROVIDER}", json={"department_class": "nonsense"})
        assert r.status_code == 422
    with client_as(settings, ACTORS[Role.DATA_OFFICER]) as c:
        assert c.get("/api/v1/departments").status_code == 403
        assert c.post("/api/v1/departments", json={
            "code": OTHER_PROVIDER, "name": "n", "department_class": "enforcement"}
        ).status_code == 403


def test_a_class_change_moves_the_push_right_and_is_audited(engine, settings):
    make_account(engine, "sjj", Role.DATA_OFFICER, department=PROVIDER,
                 department_class="licensing")
    _kid, key = make_key(engine, "sjj")
    with client_as(settings, None) as c:
        r = c.post("/api/v1/batches/penalty", json=[penalty()], headers={"X-API-Key": key})
        assert r.status_code == 403 and r.json()["code"] == "record_type_not_owned"
    with client_as(settings, ADMIN) as c:
        r = c.patch(f"/api/v1/departments/{PROVIDER}",
                    json={"department_class": "enforcement", "name": "示范市市场监督管理局"})
        assert r.status_code == 200 and r.json()["department_class"] == "enforcement"
    with client_as(settings, None) as c:
        r = c.post("/api/v1/batches/penalty", json=[penalty()], headers={"X-API-Key": key})
        assert r.status_code == 200, r.text
    change = _details(engine, "department.update")[-1]
    assert change["department"] == PROVIDER
    assert change["changes"]["department_class"] == {"from": "licensing", "to": "enforcement"}
    assert _details(engine, "department.add")[0]["class"] == "licensing"


def _run(settings, *args: str):
    return CliRunner().invoke(cli, list(args), obj=settings)


def test_the_departments_commands(engine, settings):
    r = _run(settings, "departments", "add", PROVIDER, "--name", "示范市市场监督管理局",
             "--class", "enforcement")
    assert r.exit_code == 0, r.output
    r = _run(settings, "departments", "add", OTHER_PROVIDER, "--name", "示范市税务局",
             "--class", "tax")
    assert r.exit_code == 2 and "department_class_unknown" in r.output
    r = _run(settings, "departments", "update", PROVIDER, "--region", "350203")
    assert r.exit_code == 0, r.output
    listed = json.loads(_run(settings, "departments", "list", "--json").stdout)
    assert [(d["code"], d["class"], d["region"]) for d in listed] == [
        (PROVIDER, "enforcement", "350203")]
    r = _run(settings, "accounts", "create", "sjj", "--role", "data_officer", "--department",
             OTHER_PROVIDER, "--no-password")
    assert r.exit_code == 2 and "departments add" in r.output
    classes = json.loads(_run(settings, "departments", "classes", "--json").stdout)
    assert {"id": "licensing", "label": "行政许可部门"}.items() <= classes[2].items()


def test_the_catalog_refuses_a_class_it_does_not_list(tmp_path):
    target = tmp_path / "catalog"
    shutil.copytree(DATA_DIR, target)
    text = (target / "penalty.yaml").read_text("utf-8")
    (target / "penalty.yaml").write_text(text.replace("shared_to: [licensing,",
                                                      "shared_to: [tax,"), "utf-8")
    with pytest.raises(ConfigError) as exc:
        load_catalog(target)
    assert "penalty.yaml" in exc.value.message and "unknown department class 'tax'" in \
        exc.value.message
