"""双随机: the draw respects the ratio per grade, re-runs from its seed, assigns two inspectors
of the department; results are recorded once, from the catalog's list; the share of draws that
used grades. (Publication as records: test_publishing.py; 回避: test_avoidance.py.)"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import insert, select

from tests.accounts.helpers import make_account
from tests.factories import PROVIDER
from xinyong import inspections as ins
from xinyong.accounts import Actor, Role
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Conflict, Invalid
from xinyong.grading import GradeResult, GradeRun
from xinyong.inspections import InspectionTask
from xinyong.subjects import Subject
from xinyong.subjects.uscc import make

GRADES = "A" * 40 + "B" * 30 + "C" * 20 + "D" * 10
NOW = datetime(2026, 11, 1, 9)


def _registry(engine) -> None:
    with unit_of_work(engine) as s:
        s.execute(insert(Subject), [
            {"uscc": make("91", "350203", f"MA{i:06d}"), "kind": "organisation",
             "name": f"示范企业{i}有限公司", "created_at": NOW, "updated_at": NOW}
            for i in range(len(GRADES))])
        run = GradeRun(model_key="enterprise@2026.1", as_of=date(2026, 11, 1), engine="default",
                       scope="registry", subjects=len(GRADES), started_at=NOW, operator="t")
        s.add(run)
        s.flush()
        ids = s.scalars(select(Subject.id).order_by(Subject.id)).all()
        s.execute(insert(GradeResult), [
            {"run_id": run.id, "subject_id": sid, "model_key": run.model_key,
             "as_of": run.as_of, "score": 80.0, "grade": g, "contributions": [],
             "computed_at": NOW} for sid, g in zip(ids, GRADES, strict=True)])


@pytest.fixture
def inspector(engine) -> Actor:
    ids = [make_account(engine, f"insp{i}", Role.INSPECTOR, department=PROVIDER)
           for i in range(3)]
    _registry(engine)
    return Actor(role=Role.INSPECTOR, name="insp0", account_id=ids[0], department_uscc=PROVIDER,
                 department_class="enforcement", client="test")


def _sample(engine, actor, seed, **kw):
    with unit_of_work(engine) as s:
        d = ins.draw(s, actor, "annual_report", seed=seed, **kw)
        tasks = s.scalars(select(InspectionTask).where(InspectionTask.draw_id == d.id)).all()
        return d.id, [(t.subject_id, t.grade, t.inspector_1, t.inspector_2) for t in tasks]


def test_draw_by_grade_reproducible_from_its_seed(engine, inspector):
    _, first = _sample(engine, inspector, 20261205)
    by_grade = {g: sum(1 for t in first if t[1] == g) for g in "ABCD"}
    # A 5 % of 40, B 20 % of 30, C 60 % of 20, D all 10 (ceil).
    assert by_grade == {"A": 2, "B": 6, "C": 12, "D": 10}
    assert all(t[2] != t[3] and t[2] is not None for t in first)  # two distinct inspectors
    _, again = _sample(engine, inspector, 20261205)
    assert again == first  # same seed, same sample, same inspectors
    _, other = _sample(engine, inspector, 7)
    assert other != first
    _sample(engine, inspector, 7, use_grades=False)
    with unit_of_work(engine) as s:
        assert ins.grade_share(s, 2026)[:2] == (3, 4)
        with pytest.raises(Invalid):
            ins.draw(s, inspector, "annual_report", seed=-1)


def test_results_recorded_and_published(engine, settings, inspector):
    draw_id, tasks = _sample(engine, inspector, 1)
    key = settings.secret_key
    with unit_of_work(engine) as s:
        _, rows = ins.get_draw(s, inspector, draw_id)
        ins.record_result(s, inspector, rows[0].id, "发现问题已责令整改", "标签不规范", secret=key)
        with pytest.raises(Conflict):
            ins.record_result(s, inspector, rows[0].id, "合格", secret=key)
        with pytest.raises(Invalid):
            ins.record_result(s, inspector, rows[1].id, "优秀", secret=key)
    with unit_of_work(engine) as s:
        pub = ins.published_results(s)
        assert [(p.result, p.matter) for p in pub] == [("发现问题已责令整改", "企业公示信息抽查")]
        assert pub[0].record_id == s.get(InspectionTask, rows[0].id).result_record_id


def test_too_few_inspectors(engine):
    make_account(engine, "alone", Role.INSPECTOR, department=PROVIDER)
    alone = Actor(role=Role.INSPECTOR, name="alone", department_uscc=PROVIDER,
                  department_class="enforcement", client="test")
    with unit_of_work(engine) as s, pytest.raises(Conflict, match="不足2名"):
        ins.draw(s, alone, "annual_report", seed=1)
