"""抽查结果公示 as records (#18): a recorded result becomes a public 双随机抽查结果信息 record
(type inspection_result) through the ingest path, with its legal basis and the inspecting
department as source; a 不合格 shows in the public column, the subject's credit file (page and
JSON) and the credit report's 行政管理信息; the inspectors are not named anywhere public."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.accounts.helpers import client_as, make_account
from tests.factories import COMPANY, PROVIDER
from tests.grading.helpers import penalties
from xinyong import inspections as ins
from xinyong.accounts import PUBLIC, Actor, Role
from xinyong.catalog import default_catalog
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.ingest import Batch, Record
from xinyong.publication import period_end
from xinyong.reports import issue

DEPT = "示范市市场监督管理局"
NAMES = ("张检查", "李执法")


def _inspectors(engine) -> Actor:
    ids = [make_account(engine, f"jcy{i}", Role.INSPECTOR, department=PROVIDER,
                        department_name=DEPT) for i in range(2)]
    with unit_of_work(engine) as s:
        from xinyong.core.db import load_all_tables

        acc = load_all_tables().tables["account"]
        for i, name in zip(ids, NAMES, strict=True):
            s.execute(acc.update().where(acc.c.id == i).values(display_name=name))
    return Actor(role=Role.INSPECTOR, name="jcy0", account_id=ids[0], department_uscc=PROVIDER,
                 department_class="enforcement", department_name=DEPT, client="test")


def _recorded(engine, settings, result: str, note: str | None = None) -> tuple[int, int]:
    """(task id, record id) of COMPANY's task in a fresh draw, its result recorded."""
    penalties(engine, settings, [{"decision_date": "2026-11-20"}])  # COMPANY is registered
    actor = _inspectors(engine)
    with unit_of_work(engine) as s:
        d = ins.draw(s, actor, "annual_report", seed=11, use_grades=False,
                     ratios={"all": 1.0})
        [task] = ins.get_draw(s, actor, d.id)[1]
        t = ins.record_result(s, actor, task.id, result, note, secret=settings.secret_key)
        return t.id, int(t.result_record_id or 0)


def test_the_record_type_cites_its_basis_and_lists_the_results():
    rt = default_catalog().get("inspection_result")
    assert rt.disclosure == "public" and rt.catalog_category == "行政管理信息"
    assert {b.document_number for b in rt.legal_basis} >= {"国办发〔2015〕58号", "国务院令第654号"}
    assert rt.timeliness_working_days == 20  # 企业信息公示暂行条例 第六条第二款
    assert ins.results()[:3] == ("合格", "不合格", "发现问题已责令整改")
    from typing import get_args

    from xinyong.api.routers.inspections import Result

    assert get_args(Result) == ins.results()  # the API's enum is the catalog's list


def test_a_result_is_a_public_record_on_the_credit_file(engine, settings):
    task_id, rid = _recorded(engine, settings, "不合格", "未按时公示年度报告")
    today = clock.today()
    with unit_of_work(engine) as s:
        rec = s.get(Record, rid)
        assert rec.record_type == "inspection_result" and rec.subject_id is not None
        assert rec.data["result"] == "不合格" and rec.data["provider_uscc"] == PROVIDER
        assert rec.data["matter_name"] == "企业公示信息抽查"
        batch = s.scalar(select(Batch).where(Batch.id == rec.batch_id))
        assert batch.channel == "inspection" and batch.accepted == 1
    public = client_as(settings, None)
    one = public.get(f"/api/v1/records/{rid}").json()
    assert one["record"]["publish_until"] == period_end(today, 36).isoformat()
    assert one["provenance"]["provider_name"] == DEPT
    assert any("国办发〔2015〕58号" in b for b in one["provenance"]["legal_basis"])
    text = json.dumps(one, ensure_ascii=False)
    assert all(n not in text for n in NAMES) and "jcy" not in text  # inspectors unnamed
    column = public.get("/api/v1/columns/inspection_result").json()
    assert [i["id"] for i in column["items"]] == [rid]
    page = public.get("/columns/inspection_result").text
    assert "不合格" in page and "<th scope=\"col\">检查机关</th>" in page
    sections = {x["record_type"]: x["total"] for x in public.get(
        f"/api/v1/subjects/{COMPANY}").json()["sections"]}
    assert sections["inspection_result"] == 1
    file_page = public.get(f"/subjects/{COMPANY}").text
    assert "双随机抽查结果信息" in file_page and "不合格" in file_page
    results = public.get("/api/v1/public/inspection-results").json()
    assert [(r["result"], r["department_name"], r["record_id"]) for r in results] == [
        ("不合格", DEPT, rid)]
    with unit_of_work(engine) as s:
        report = issue(s, settings, PUBLIC, COMPANY).content
    [admin] = [sec for sec in report["sections"] if sec["key"] == "administrative"]
    [item] = [i for i in admin["items"] if i.get("record_type") == "inspection_result"]
    assert item["source"] == DEPT and ["检查结果", "不合格"] in [list(f) for f in item["fields"]]


def test_a_result_whose_record_is_refused_records_nothing(engine, settings, monkeypatch):
    """The result and its record are one transaction: a row the catalog refuses leaves the
    task open and no record."""
    import pytest

    from xinyong.core.errors import XinyongError
    from xinyong.inspections import publishing
    from xinyong.inspections.tables import InspectionTask

    penalties(engine, settings, [{"decision_date": "2026-11-20"}])
    actor = _inspectors(engine)
    with unit_of_work(engine) as s:
        d = ins.draw(s, actor, "annual_report", seed=3, use_grades=False, ratios={"all": 1.0})
        task_id = ins.get_draw(s, actor, d.id)[1][0].id
    real = publishing.result_row
    monkeypatch.setattr(publishing, "result_row",
                        lambda *a: {**real(*a), "matter_name": None})
    with pytest.raises(XinyongError), unit_of_work(engine) as s:
        ins.record_result(s, actor, task_id, "合格", secret=settings.secret_key)
    with unit_of_work(engine) as s:
        assert s.get(InspectionTask, task_id).result is None
        assert s.scalar(select(Record.id).where(Record.record_type == "inspection_result")) is None
    monkeypatch.setattr(publishing, "result_row", real)
    with unit_of_work(engine) as s:
        t = ins.record_result(s, actor, task_id, "合格", "问" * 1200, secret=settings.secret_key)
        assert t.result_record_id and len(t.result_note or "") == 1000
