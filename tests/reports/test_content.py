"""Report content on SQLite and PostgreSQL: every section with and without content, a
repaired, an expired and an objected record each treated right, the 专项 report clean in one
domain and not in another, who gets which version, and the audit in 'who looked at me'."""

from __future__ import annotations

from datetime import date

import pytest

from tests.reports.helpers import (
    COMPANY,
    COMPANY_2,
    ECOLOGY,
    OTHER_PROVIDER,
    ecology_penalty,
    licence,
    penalty,
    publish_list,
    push_rows,
    rid,
)
from xinyong import audit
from xinyong.accounts import PUBLIC, Actor, DeclaredPurpose, Purpose, Role
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Forbidden, NotFound
from xinyong.publication.judging import end_publication
from xinyong.recordstate import RECORD, open_dispute
from xinyong.reports import EMPTY, SECTIONS, issue, verify_bytes
from xinyong.reports.content import CLEAN, NOT_PUBLIC_MARK, OBJECTION_MARK
from xinyong.subjects.uscc import make

SUBJECT = Actor(role=Role.SUBJECT, name="华盛食品", subject_uscc=COMPANY)
PROCUREMENT = Actor(role=Role.CASE_OFFICER, name="采购核查员", department_uscc=OTHER_PROVIDER,
                    department_class="procurement", department_name="示范市财政局")


def _sections(content):
    return {sec["key"]: sec for sec in content["sections"]}


def test_every_section_present_empty_then_filled(engine, settings):
    push_rows(engine, settings, "penalty", [penalty(subject_uscc=COMPANY_2,
                                                    subject_name="示范市远航物流有限公司")])
    with unit_of_work(engine) as s:
        empty = issue(s, settings, PUBLIC, COMPANY_2, since=date(2026, 12, 1)).content
    secs = _sections(empty)
    assert [sec["title"] for sec in empty["sections"]] == [t for _k, t in SECTIONS]
    assert secs["registration"]["items"] and secs["advice"]["items"]
    for key, _title in SECTIONS[1:-1]:
        assert secs[key]["items"] == [] and secs[key]["empty_text"] == EMPTY, key
    assert empty["platform"] == settings.platform_name and empty["number"].startswith("XYBG-")

    push_rows(engine, settings, "penalty", [penalty()])
    push_rows(engine, settings, "licence", [licence()])
    with unit_of_work(engine) as s:
        publish_list(s)
        publish_list(s, kind="red", basis="tax_a_grade")
        full = issue(s, settings, PUBLIC, COMPANY).content
    secs = _sections(full)
    admin = secs["administrative"]["items"]
    assert {i["title"] for i in admin} == {"行政处罚", "行政许可"}
    assert all(i["source"] == "示范市市场监督管理局" and i["source_uscc"] for i in admin)
    assert [i["title"] for i in secs["honours"]["items"]] == ["诚信典型红名单"]
    assert [i["title"] for i in secs["serious_dishonesty"]["items"]] == ["严重失信主体名单"]
    assert secs["serious_dishonesty"]["empty_text"] == ""
    # commitments and evaluations come from the other branches' providers: none yet
    assert secs["commitments"]["empty_text"] == EMPTY == secs["evaluations"]["empty_text"]
    assert "信用修复" in secs["advice"]["items"][0]["fields"][0][1]


def test_commitment_and_evaluation_sections_from_their_providers(engine, settings,
                                                                 monkeypatch):
    from xinyong.reports import providers

    item = providers.ProvidedItem("信用承诺", (("承诺类型", "审批替代型"),
                                              ("承诺履约状态", "履约")),
                                  "示范市行政审批局", None, date(2026, 11, 2))
    grade = providers.ProvidedItem("纳税信用", (("等级", "A"), ("评定时间", "2026")),
                                   "示范市税务局", None, date(2026, 4, 1))
    monkeypatch.setattr(providers, "commitments_for", lambda *a, **k: [item])
    monkeypatch.setattr(providers, "grades_for", lambda *a, **k: [grade])
    push_rows(engine, settings, "licence", [licence()])
    with unit_of_work(engine) as s:
        secs = _sections(issue(s, settings, PUBLIC, COMPANY).content)
    assert secs["commitments"]["items"][0]["fields"] == [["承诺类型", "审批替代型"],
                                                        ["承诺履约状态", "履约"]]
    assert secs["evaluations"]["items"][0]["source"] == "示范市税务局"
    assert secs["commitments"]["empty_text"] == "" == secs["evaluations"]["empty_text"]


def test_repaired_expired_and_objected_records(engine, settings):
    push_rows(engine, settings, "penalty", [
        penalty(document_number="示市监处罚〔2026〕1号"),
        penalty(document_number="示市监处罚〔2026〕2号", decision_date="2026-11-21"),
        penalty(document_number="示市监处罚〔2026〕3号", decision_date="2026-11-22")])
    # decided January 2023 (Order 58, three years at most): its window ended in January 2026
    push_rows(engine, settings, "penalty", [penalty(
        document_number="示市监处罚〔2023〕5号", decision_date="2023-01-10",
        penalty_valid_until="2024-01-10")], received_on=date(2023, 1, 12))
    with unit_of_work(engine) as s:
        end_publication(s, rid(s, "示市监处罚〔2026〕1号"), "repaired", date(2026, 12, 1),
                        created_by="tester")
        open_dispute(s, target=RECORD, target_id=rid(s, "示市监处罚〔2026〕2号"),
                     case_kind="objection", case_id=1, on=date(2026, 12, 2))
    with unit_of_work(engine) as s:
        since = date(2022, 12, 1)  # the query window holds the 2023 decision
        public = issue(s, settings, PUBLIC, COMPANY, since=since).content
        own = issue(s, settings, SUBJECT, COMPANY, version="own", since=since).content
    items = {i["number"]: i for i in _sections(public)["administrative"]["items"]}
    assert "示市监处罚〔2026〕1号" not in items  # repaired: gone
    assert "示市监处罚〔2023〕5号" not in items  # window ended: gone
    assert items["示市监处罚〔2026〕2号"]["marks"] == [OBJECTION_MARK]
    assert items["示市监处罚〔2026〕3号"]["marks"] == []
    own_items = {i["number"]: i for i in _sections(own)["administrative"]["items"]}
    assert "示市监处罚〔2026〕1号" not in own_items  # repaired: not in any version
    assert own_items["示市监处罚〔2023〕5号"]["marks"] == [NOT_PUBLIC_MARK]
    assert own["version_label"] == "主体自查版"


def test_special_report_clean_in_one_domain_not_in_another(engine, settings):
    push_rows(engine, settings, "penalty", [ecology_penalty()], provider=OTHER_PROVIDER)
    with unit_of_work(engine) as s:
        rep = issue(s, settings, PUBLIC, COMPANY, kind="special",
                    domains=("ecology", "public_security", "market_regulation")).content
    by = {d["id"]: d for d in rep["domains"]}
    assert by["public_security"]["result"] == CLEAN and by["public_security"]["clean"]
    assert by["market_regulation"]["result"] == CLEAN
    assert not by["ecology"]["clean"] and by["ecology"]["result"] == "有相关记录 1 条"
    assert by["ecology"]["items"][0]["source"] == ECOLOGY
    assert by["ecology"]["legal_basis"] and rep["policy"]["legal_basis"]


def test_who_gets_what_and_who_looked_at_me(engine, settings):
    push_rows(engine, settings, "penalty", [penalty()])
    with unit_of_work(engine) as s:
        with pytest.raises(Forbidden):
            issue(s, settings, Actor(role=Role.SUBJECT, name="别家", subject_uscc=COMPANY_2),
                  COMPANY, version="own")
        with pytest.raises(Forbidden):
            issue(s, settings, PUBLIC, COMPANY, version="department")
        dept = issue(s, settings, PROCUREMENT, COMPANY, version="department",
                     purpose=DeclaredPurpose(Purpose.PROCUREMENT))
        assert dept.content["version_label"] == "部门查询版"
        issue(s, settings, PUBLIC, COMPANY)
        with pytest.raises(NotFound):
            issue(s, settings, PUBLIC, make("91", "350203", "MA2XKL99"))  # unknown
    with unit_of_work(engine) as s:
        seen = audit.list_queries_about(s, COMPANY)
        assert [e.action for e in seen].count(audit.REPORT_ISSUE) == 2
        assert {e.purpose for e in seen if e.action == audit.REPORT_ISSUE} == {
            "procurement", None}
        assert verify_bytes(dept.signed_json, _ring(settings)).ok


def _ring(settings):
    from xinyong.reports import keystore

    return keystore(settings).keyring()


def test_sections_without_a_source_yet_fill_from_their_mapping(engine, settings, monkeypatch):
    """司法判决及执行信息 and 其他信息 have no list kind or record type on the platform yet:
    mapped to one (as a future list kind would be), they fill like the others (经营异常名录
    has its own kind now: tests/lists/test_received.py)."""
    from xinyong.reports import content

    monkeypatch.setattr(content, "LIST_SECTIONS", {
        "red": "abnormal_operations", "serious_dishonesty": "judicial",
        "judgment_defaulter": "other"})
    push_rows(engine, settings, "licence", [licence()])
    with unit_of_work(engine) as s:
        publish_list(s)
        publish_list(s, kind="red", basis="tax_a_grade")
        secs = _sections(issue(s, settings, PUBLIC, COMPANY).content)
    for key in ("abnormal_operations", "judicial"):
        assert len(secs[key]["items"]) == 1 and secs[key]["empty_text"] == "", key
    assert secs["other"]["empty_text"] == EMPTY  # nothing mapped there is published


def test_commitments_section_shows_what_the_reader_may_see(engine, settings):
    """信用承诺信息 comes from the commitments domain: a 可向社会公开 commitment in every
    version, a 不可公开 one only in the subject's own report."""
    from tests.commitments.helpers import OFFICER as DATA_OFFICER
    from tests.commitments.helpers import incoming, setup
    from xinyong import commitments
    from xinyong.core.workdays import load_calendar

    day = date(2026, 11, 2)
    with unit_of_work(engine) as s:
        setup(s)
        cal = load_calendar(s)
        commitments.receive(s, DATA_OFFICER, incoming(reason="申请食品经营许可证"),
                            calendar=cal, today=day)
        commitments.receive(s, DATA_OFFICER, incoming(reason="申请道路运输经营许可",
                                                      disclosure="none"),
                            calendar=cal, today=day)
        public = _sections(issue(s, settings, PUBLIC, COMPANY).content)["commitments"]
        own = _sections(issue(s, settings, SUBJECT, COMPANY, version="own").content)[
            "commitments"]
    assert [i["title"] for i in public["items"]] == ["容缺受理型：申请食品经营许可证"]
    fields = dict(map(tuple, public["items"][0]["fields"]))
    assert fields["作出承诺日期"] == "2026-11-02" and fields["承诺编码"].endswith("000001")
    assert public["items"][0]["source"] == "示范市市场监督管理局"
    assert sorted(i["title"] for i in own["items"]) == [
        "容缺受理型：申请道路运输经营许可", "容缺受理型：申请食品经营许可证"]


def test_evaluations_section_is_the_subjects_and_departments_not_the_publics(engine, settings):
    """信用评价信息: the platform's grade and the industry evaluation results (纳税信用 A …)
    in the subject's own report; grades are internal, so the public report shows none."""
    from tests.grading.helpers import industry
    from xinyong.core import clock
    from xinyong.grading import run

    push_rows(engine, settings, "penalty", [penalty()])
    push_rows(engine, settings, "industry_evaluation", [industry(subject_uscc=COMPANY)])
    with unit_of_work(engine) as s:
        run(s, as_of=clock.today())  # the registry as the platform holds it today
        public = _sections(issue(s, settings, PUBLIC, COMPANY).content)["evaluations"]
        own = _sections(issue(s, settings, SUBJECT, COMPANY, version="own").content)[
            "evaluations"]
    assert public["items"] == [] and public["empty_text"] == EMPTY
    titles = [i["title"] for i in own["items"]]
    assert titles[0].startswith("公共信用综合评价：") and titles[1] == "纳税信用：A级"
    assert dict(map(tuple, own["items"][1]["fields"]))["评价单位"] == "示范市税务局"
