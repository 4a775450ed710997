"""The 经营异常名录 received from the market regulation department: 列入 and 移出 rows
imported all or nothing, refused rows named by row, field and rule; the public column, the
credit file and the report show the listing reason, department, date and document number;
removal ends publication; the Art. 18 measure is prompted in procurement, not in licensing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.accounts.helpers import client_as
from tests.lists.helpers import ACME, CASE_OFFICER, add_subject
from xinyong.accounts import PUBLIC, Actor, Role
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Invalid, RuleViolation
from xinyong.lists import ListEntry, list_entries, transitions_of
from xinyong.lists.public import entries_for_uscc, list_column
from xinyong.lists.received import import_received
from xinyong.reports import issue
from xinyong.screening.check import CheckRequest, run_check
from xinyong.subjects.uscc import make

SAMR = Actor(role=Role.ADMIN, name="周科员", department_uscc=make("11", "420500", "MB160002"),
             department_name="宜昌市市场监督管理局")
NAME = "宜昌市三峡禾丰商贸有限公司"
COOP = make("93", "420500", "MA2XKL05")
SHOP = make("92", "420500", "MA2XKL06")
TODAY = date(2026, 11, 2)
ANNUAL = "未按照《企业信息公示暂行条例》规定的期限公示年度报告"


def _listing(uscc=ACME, number="宜市监异列〔2026〕15号", **over):
    row = {"操作": "列入", "统一社会信用代码": uscc, "企业名称": NAME, "列入原因": ANNUAL,
           "决定书文号": number, "决定日期": "2026-07-10", "作出决定机关": "宜昌市市场监督管理局"}
    return row | over


def _removal(**over):
    row = {"操作": "移出", "统一社会信用代码": ACME, "决定书文号": "宜市监异移〔2026〕4号",
           "决定日期": "2026-11-20", "作出决定机关": "宜昌市市场监督管理局",
           "移出原因": "已补报2025年度报告并公示", "列入决定书文号": "宜市监异列〔2026〕15号"}
    return row | over


def _subjects(s):
    add_subject(s, ACME, NAME)
    add_subject(s, COOP, "宜昌市夷陵区柑橘种植专业合作社")
    add_subject(s, SHOP, "宜昌市西陵区小王便利店", legal_rep="王小二")


def test_listing_rows_are_published_with_reason_department_date_and_number(engine, settings):
    with unit_of_work(engine) as s:
        _subjects(s)
        done = import_received(s, "abnormal_operations", [
            _listing(), _listing(COOP, "宜市监异列〔2026〕16号",
                                 列入原因="农民专业合作社未按照规定期限报送年度报告并公示")],
            SAMR, today=TODAY)
        assert [e.state for e in done.listed] == ["published", "published"]
        e = done.listed[0]
        # The period runs from the department's decision: three years at most.
        assert (e.decided_on, e.listed_until) == (date(2026, 7, 10), date(2029, 7, 10))
        [p] = entries_for_uscc(s, ACME, TODAY)
        assert (p.reason, p.document_number, p.issuing_body, p.listed_on) == (
            ANNUAL, "宜市监异列〔2026〕15号", "宜昌市市场监督管理局", date(2026, 7, 10))
        assert list_column(s, "abnormal_operations", TODAY).total == 2
        sections = {x["key"]: x for x in issue(s, settings, PUBLIC, ACME,
                                               until=TODAY).content["sections"]}
        [item] = sections["abnormal_operations"]["items"]
        assert ["列入原因", ANNUAL] in item["fields"] and item["number"] == "宜市监异列〔2026〕15号"
        assert sections["abnormal_operations"]["empty_text"] == ""
    public = client_as(settings, None)
    page = public.get(f"/lists/abnormal_operations?as_of={TODAY}")
    assert page.status_code == 200
    for text in ("列入原因", ANNUAL, NAME, "宜市监异列〔2026〕15号", "宜昌市市场监督管理局",
                 "2026-07-10", "宜昌市夷陵区柑橘种植专业合作社"):
        assert text in page.text, text
    assert "列入原因" not in public.get(f"/lists/serious_dishonesty?as_of={TODAY}").text
    subject = public.get(f"/subjects/{ACME}?as_of={TODAY}").text
    assert "经营异常名录" in subject and ANNUAL in subject
    assert "/lists/abnormal_operations" in public.get("/lists").text


def test_removal_row_ends_publication_and_the_entry_stays_in_the_file(engine, settings):
    with unit_of_work(engine) as s:
        _subjects(s)
        import_received(s, "abnormal_operations", [_listing()], SAMR, today=TODAY)
        done = import_received(s, "abnormal_operations", [_removal()], SAMR,
                               today=date(2026, 11, 25))
        [e] = done.removed
        assert (e.state, e.removed_on) == ("removed", date(2026, 11, 20))
        assert "宜市监异移〔2026〕4号" in transitions_of(s, e.id)[-1].reason
        assert entries_for_uscc(s, ACME, date(2026, 11, 19))
        assert entries_for_uscc(s, ACME, date(2026, 11, 20)) == []
        assert list_column(s, "abnormal_operations", date(2026, 11, 25)).total == 0
        assert [x.id for x in list_entries(s, list_kind="abnormal_operations")] == [e.id]
        # Measures end with the removal.
        after = run_check(s, CheckRequest("procurement", uscc=ACME), CASE_OFFICER,
                          today=date(2026, 11, 25))
        assert after["measures"] == []
    public = client_as(settings, None)
    assert NAME not in public.get("/lists/abnormal_operations?as_of=2026-11-25").text


def test_check_prompts_the_art18_measure_in_procurement_and_not_in_licensing(engine):
    with unit_of_work(engine) as s:
        _subjects(s)
        import_received(s, "abnormal_operations", [_listing()], SAMR, today=TODAY)
        for matter in ("procurement", "bidding", "land", "honours"):
            r = run_check(s, CheckRequest(matter, uscc=ACME), CASE_OFFICER, today=TODAY)
            assert [m["measure_id"] for m in r["measures"]] == [
                "abnormal_operations_restriction"], matter
        r = run_check(s, CheckRequest("licensing", uscc=ACME, licence_kind="other"),
                      CASE_OFFICER, today=TODAY)
        assert r["status"] == "hit" and r["measures"] == []


def _problems(exc):
    return {(p.row, p.field, p.rule) for p in exc.value.errors}


def test_bad_rows_refuse_the_file_naming_row_field_and_rule(engine):
    with unit_of_work(engine) as s:
        _subjects(s)
        with pytest.raises(Invalid) as exc:
            import_received(s, "abnormal_operations", [
                _listing(),
                _listing(SHOP, "宜市监异列〔2026〕17号"),
                _listing(number="宜市监异列〔2026〕18号", 列入原因="长期停业"),
                _listing(number="宜市监异列〔2026〕19号", 决定日期="2026-13-01"),
                _listing(number="宜市监异列〔2026〕20号", 决定日期="2026-12-01"),
                _listing(number="宜市监异列〔2026〕21号", 统一社会信用代码="91420500MA2XKL0X"),
                _listing(number="宜市监异列〔2026〕15号"),
                _listing(number="宜市监异列〔2026〕22号", 作出决定机关=""),
                _removal(列入决定书文号="宜市监异列〔2025〕99号"),
                {"操作": "删除"}], SAMR, today=TODAY)
        assert exc.value.code == "rows_invalid"
        problems = _problems(exc)
        assert {(3, "统一社会信用代码", "subject_not_admitted"),
                (4, "列入原因", "reason_unknown"),
                (5, "决定日期", "date_invalid"),
                (6, "决定日期", "date_in_future"),
                (8, "决定书文号", "duplicate_in_file"),
                (9, "作出决定机关", "required"),
                (10, "列入决定书文号", "listing_not_found"),
                (11, "操作", "operation_invalid")} <= problems
        assert any(p[0] == 7 and p[1] == "统一社会信用代码" for p in problems)
        assert not any(p[0] == 2 for p in problems)
        # The 个体工商户 is told where it goes instead.
        shop = next(p for p in exc.value.errors if p.row == 3)
        assert "经营异常状态" in shop.message
        assert s.scalars(select(ListEntry)).all() == []


def test_an_internal_kind_cannot_be_imported(engine):
    with unit_of_work(engine) as s, pytest.raises(RuleViolation) as exc:
        import_received(s, "serious_dishonesty", [_listing()], SAMR, today=TODAY)
    assert exc.value.code == "list_kind_not_received"
