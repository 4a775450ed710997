"""回避 with real data (#18): an inspector (or the department's data officer on their behalf)
declares a conflict with a subject, audited; a draw never assigns that inspector to it, shows
how many assignments 回避 excluded, and stays reproducible from its seed with the same
declarations (a withdrawal is dated, so a past draw's declarations can be read again)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.accounts.helpers import ACTORS, client_as, make_account
from tests.factories import PROVIDER
from tests.inspections.test_draw import _registry
from xinyong import audit
from xinyong import inspections as ins
from xinyong.accounts import Actor, Role
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Conflict, Forbidden, Invalid, NotFound
from xinyong.inspections import InspectionDraw, InspectionTask
from xinyong.subjects import Subject
from xinyong.subjects.uscc import make

OTHER_DEPT = make("11", "350200", "MB160009")
SEED = 20261205


@pytest.fixture
def team(engine) -> list[Actor]:
    ids = [make_account(engine, f"insp{i}", Role.INSPECTOR, department=PROVIDER)
           for i in range(3)]
    make_account(engine, "elsewhere", Role.INSPECTOR, department=OTHER_DEPT)
    _registry(engine)
    return [Actor(role=Role.INSPECTOR, name=f"insp{i}", account_id=a, department_uscc=PROVIDER,
                  department_class="enforcement", client="test") for i, a in enumerate(ids)]


def _draw(engine, actor: Actor) -> tuple[InspectionDraw, dict[int, tuple[int, int]]]:
    with unit_of_work(engine) as s:
        d = ins.draw(s, actor, "annual_report", seed=SEED)
        tasks = s.scalars(select(InspectionTask).where(InspectionTask.draw_id == d.id)).all()
        s.expunge(d)
        return d, {t.subject_id: (t.inspector_1, t.inspector_2) for t in tasks}


def _uscc(engine, subject_id: int) -> str:
    with unit_of_work(engine) as s:
        return s.get(Subject, subject_id).uscc


def test_a_declared_inspector_is_never_assigned_and_the_draw_says_so(engine, team):
    first, before = _draw(engine, team[0])
    assert first.excluded_avoidance == 0
    # insp0 declares 回避 for three subjects it was assigned to; the data officer declares
    # insp1 for another on its behalf.
    mine = [sid for sid, pair in before.items() if team[0].account_id in pair][:3]
    theirs = next(sid for sid, pair in before.items()
                  if team[1].account_id in pair and sid not in mine)
    codes = [_uscc(engine, sid) for sid in mine]
    with unit_of_work(engine) as s:
        for code in codes:
            ins.declare(s, team[0], code, "配偶在该企业任财务负责人")
        ins.declare(s, ACTORS[Role.DATA_OFFICER], _uscc(engine, theirs), "曾在该企业任职",
                    account="insp1")
    second, after = _draw(engine, team[0])
    assert set(after) == set(before)  # the sample does not depend on 回避
    for sid in mine:
        assert team[0].account_id not in after[sid]
    assert team[1].account_id not in after[theirs]
    assert second.excluded_avoidance == 4  # three subjects x insp0, one x insp1
    third, again = _draw(engine, team[0])
    assert again == after and third.excluded_avoidance == 4  # same seed, same declarations
    with unit_of_work(engine) as s:
        entries = audit.list_entries(s, action="inspections.avoidance.declare")
        assert len(entries) == 4 and {e.subject_uscc for e in entries} >= set(codes)


def test_fewer_than_two_inspectors_left_refuses_the_draw(engine, team):
    _, before = _draw(engine, team[0])
    sid = next(iter(before))
    code = _uscc(engine, sid)
    with unit_of_work(engine) as s:
        ins.declare(s, team[0], code, "近亲属为该企业股东")
        ins.declare(s, team[1], code, "近亲属为该企业股东")
    with unit_of_work(engine) as s, pytest.raises(Conflict, match="回避"):
        ins.draw(s, team[0], "annual_report", seed=SEED)


def test_a_past_draw_is_reproduced_with_the_declarations_of_its_time(engine, team):
    _, before = _draw(engine, team[0])
    sid = next(s for s, pair in before.items() if team[0].account_id in pair)
    with unit_of_work(engine) as s:
        row = ins.declare(s, team[0], _uscc(engine, sid), "亲属关系")
    d, assigned = _draw(engine, team[0])
    with unit_of_work(engine) as s:
        ins.withdraw(s, team[0], row.id)
    with unit_of_work(engine) as s:
        now_declared = ins.declared_at(s, PROVIDER, d.created_at + timedelta(days=1))
        then_declared = ins.declared_at(s, PROVIDER, d.created_at)
        assert now_declared == {} and sum(map(len, then_declared.values())) == 1
        again = ins.sample(ins.population(s, ins.matter("annual_report")),
                           ins.inspectors(s, PROVIDER), d.seed, d.ratios, use_grades=True,
                           department_code=PROVIDER, avoid=then_declared)
    assert {a.subject_id: a.inspectors for a in again.assignments} == assigned
    assert again.excluded_avoidance == d.excluded_avoidance == 1


def test_who_may_declare(engine, team):
    code = make("91", "350203", "MA000001")
    with unit_of_work(engine) as s:
        with pytest.raises(Forbidden):
            ins.declare(s, team[0], code, "亲属关系", account="insp1")  # not for another
        with pytest.raises(NotFound):  # a data officer only for its own department
            ins.declare(s, ACTORS[Role.DATA_OFFICER], code, "亲属关系", account="elsewhere")
        with pytest.raises(Invalid):
            ins.declare(s, team[0], "91350203MA0000010", "亲属关系")
        with pytest.raises(Invalid):
            ins.declare(s, team[0], code, " ")
        with pytest.raises(Forbidden):
            ins.declare(s, ACTORS[Role.CASE_OFFICER], code, "亲属关系", account="insp1")
        ins.declare(s, team[0], code, "亲属关系")
        with pytest.raises(Conflict):
            ins.declare(s, ACTORS[Role.DATA_OFFICER], code, "亲属关系", account="insp0")
        assert [d.inspector for d in ins.list_declarations(s, team[1])] == []
        assert [d.inspector for d in ins.list_declarations(s, ACTORS[Role.DATA_OFFICER])] == [
            "insp0"]


def test_the_api_declares_lists_and_withdraws(engine, settings, team):
    code = make("91", "350203", "MA000002")
    officer = client_as(settings, ACTORS[Role.DATA_OFFICER])
    r = officer.post("/api/v1/inspections/avoidances",
                     json={"subject_uscc": code, "reason": "曾在该企业任职", "inspector": "insp2"})
    assert r.status_code == 201, r.text
    assert r.json()["inspector"] == "insp2" and r.json()["declared_by"] == "officer"
    mine = client_as(settings, team[2]).get("/api/v1/inspections/avoidances").json()
    assert [i["subject_uscc"] for i in mine["items"]] == [code]
    assert client_as(settings, team[0]).get(
        "/api/v1/inspections/avoidances").json()["total"] == 0
    w = client_as(settings, team[2]).post(
        f"/api/v1/inspections/avoidances/{r.json()['id']}/withdrawal")
    assert w.status_code == 200 and w.json()["withdrawn_at"]
    assert client_as(settings, ACTORS[Role.CASE_OFFICER]).get(
        "/api/v1/inspections/avoidances").status_code == 403
