"""Every validation rule, each shown by one bad row next to a good one, on both databases."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.factories import COMPANY, OTHER_PROVIDER, licence, penalty, person_penalty
from tests.ingest.helpers import push
from xinyong.core.db import unit_of_work
from xinyong.ingest import Record

BAD_CHECKSUM = COMPANY[:17] + ("0" if COMPANY[17] != "0" else "1")

CASES: list[tuple[str, str, dict[str, Any], str, str]] = [
    # id, record type, bad row, rule, field header
    ("required", "penalty", penalty(penalty_basis=""), "required", "处罚依据"),
    ("fine_missing", "penalty", penalty(fine_amount=None), "required_when", "罚款金额(万元)"),
    ("confiscation_missing", "penalty",
     penalty(penalty_categories="没收违法所得", fine_amount=None), "required_when",
     "没收违法所得、没收非法财物的金额(万元)"),
    ("person_with_code", "penalty", person_penalty(subject_uscc=COMPANY), "must_be_empty",
     "行政相对人代码_1(统一社会信用代码)"),
    ("org_without_code", "penalty", penalty(subject_uscc=None), "required_when",
     "行政相对人代码_1(统一社会信用代码)"),
    ("uscc_checksum", "penalty", penalty(subject_uscc=BAD_CHECKSUM), "uscc_checksum",
     "行政相对人代码_1(统一社会信用代码)"),
    ("uscc_length", "penalty", penalty(authority_uscc="9135020077604965"), "uscc_length",
     "处罚机关统一社会信用代码"),
    ("uscc_format", "penalty", penalty(subject_uscc="91350200776O49653A"), "uscc_format",
     "行政相对人代码_1(统一社会信用代码)"),
    ("enum", "penalty", penalty(subject_category="公司"), "enum", "行政相对人类别"),
    ("enum_set", "penalty", penalty(penalty_categories="警告;罚钱"), "enum", "处罚类别"),
    ("date_format", "penalty", penalty(decision_date="2026-13-01"), "date_format",
     "处罚决定日期"),
    ("date_future", "penalty", penalty(decision_date="2099-01-01",
                                       penalty_valid_until="2099-12-31"), "date_future",
     "处罚决定日期"),
    ("publish_until_before_decision", "penalty", penalty(publish_until="2026-11-01"),
     "date_order", "公示截止期"),
    ("valid_to_before_valid_from", "licence", licence(valid_to="2026-01-01"), "date_order",
     "有效期至"),
    ("negative_fine", "penalty", penalty(fine_amount="-0.2"), "decimal_min", "罚款金额(万元)"),
    ("fine_scale", "penalty", penalty(fine_amount="0.1234567"), "decimal_scale",
     "罚款金额(万元)"),
    ("fine_not_number", "penalty", penalty(fine_amount="两千元"), "decimal_format",
     "罚款金额(万元)"),
    ("person_id_checksum", "penalty", person_penalty(subject_id_number="110105194912310021"),
     "person_id_check_digit", "证件号码"),
    ("max_length", "penalty", penalty(subject_name="公" * 201), "max_length", "行政相对人名称"),
    ("provider_mismatch", "penalty", penalty(provider_uscc=OTHER_PROVIDER), "provider_mismatch",
     "数据来源单位统一社会信用代码"),
    ("placeholder_needs_registration", "penalty",
     penalty(subject_category="个体工商户", subject_uscc="00000000000000000X"),
     "uscc_placeholder", "行政相对人代码_1(统一社会信用代码)"),
    ("licence_status_code", "licence", licence(status="3"), "enum", "当前状态"),
]


@pytest.mark.parametrize(("record_type", "bad", "rule", "header"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_row_is_rejected_with_row_field_and_rule(engine, settings, record_type, bad, rule,
                                                     header):
    good_factory = penalty if record_type == "penalty" else licence
    good = good_factory(document_number="GOOD-1")
    bad = {**bad, "document_number": bad.get("document_number") or "BAD-1"}
    summary, problems = push(engine, settings, record_type, [good, bad])
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert [(p.row, p.rule, p.field) for p in problems] == [(2, rule, header)]
    assert problems[0].message  # a zh-CN explanation for the data officer
    with unit_of_work(engine) as s:
        assert s.scalar(select(func.count()).select_from(Record)) == 1


def test_person_id_never_appears_in_a_problem(engine, settings):
    bad = person_penalty(subject_id_number="110105194912310021")
    _summary, problems = push(engine, settings, "penalty", [bad])
    assert all("110105194912310021" not in (p.value or "") + p.message for p in problems)


def test_placeholder_with_registration_number_is_accepted(engine, settings):
    row = penalty(subject_category="个体工商户", subject_uscc="00000000000000000X",
                  registration_number="350203600123456", subject_name="示范市思明区张记餐馆")
    summary, problems = push(engine, settings, "penalty", [row])
    assert summary.accepted == 1, problems


def test_legacy_dates_and_aliases_are_normalised(engine, settings):
    summary, problems = push(engine, settings, "licence",
                             [licence(decision_date="2026/11/20", status="1",
                                      licence_category="0"),
                              licence(document_number="示市监许〔2026〕88号",
                                      licence_category="普通许可")])
    assert summary.accepted == 2, problems
    with unit_of_work(engine) as s:
        data, other = s.scalars(select(Record.data).order_by(Record.id))
    assert (data["decision_date"], data["status"], data["licence_category"]) == \
        ("2026-11-20", "有效", "普通")
    assert other["licence_category"] == "普通"  # 「普通许可」, 行政许可法 Art. 12's wording


@pytest.mark.parametrize(("written", "stored"), [
    ("警告、罚款", ["警告", "罚款"]),
    ("罚款；吊销许可证", ["罚款", "吊销许可证件"]),  # the 2021 word as departments shorten it
    ("01,02", ["警告", "罚款"]),  # Zhejiang's numeric codes
    ("没收违法所得、没收非法财物", ["没收违法所得、没收非法财物"]),  # one code of the 2019 table
])
def test_penalty_categories_as_departments_write_them(engine, settings, written, stored):
    summary, problems = push(engine, settings, "penalty", [penalty(
        penalty_categories=written, fine_amount="0.2" if "罚款" in stored else None,
        confiscation_amount="0.1" if "没收违法所得、没收非法财物" in stored else None,
        licence_revoked="食品经营许可证JY13502030012345" if "吊销许可证件" in stored else None)])
    assert summary.accepted == 1, problems
    with unit_of_work(engine) as s:
        assert s.scalar(select(Record.data))["penalty_categories"] == stored


@pytest.mark.parametrize("marker", ["/", "无", "-", "——"])
def test_a_not_applicable_mark_in_a_code_cell_is_empty(engine, settings, marker):
    """A natural person's 统一社会信用代码 and 法定代表人证件类型 written 「/」 or 「无」 are
    empty cells, not wrong codes; in a required code cell the mark is still refused as
    missing, and free text keeps what was written."""
    summary, problems = push(engine, settings, "penalty", [
        person_penalty(subject_uscc=marker, remarks=marker),
        penalty(document_number="示市监处罚〔2026〕77号", legal_representative_id_type=marker),
        penalty(document_number="示市监处罚〔2026〕78号", authority_uscc=marker)])
    assert (summary.accepted, summary.rejected) == (2, 1), problems
    assert [(p.row, p.field, p.rule) for p in problems] == [(3, "处罚机关统一社会信用代码",
                                                             "required")]
    with unit_of_work(engine) as s:
        person = s.scalar(select(Record.data).where(Record.subject_name == "张三"))
    assert person["subject_uscc"] is None and person["remarks"] == marker


def test_fine_amounts_in_the_columns_unit_written_out_and_in_yuan(engine, settings):
    summary, problems = push(engine, settings, "penalty", [
        penalty(fine_amount="5万元"), penalty(document_number="示市监处罚〔2026〕79号",
                                             fine_amount="50,000元")])
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert problems[0].rule == "decimal_unit" and "换算为万元（5）" in problems[0].message
    with unit_of_work(engine) as s:
        assert s.scalar(select(Record.data))["fine_amount"] == "5"


def test_a_category_outside_the_table_is_still_refused_by_name(engine, settings):
    summary, problems = push(engine, settings, "penalty",
                             [penalty(penalty_categories="警告、训诫")])
    assert summary.rejected == 1 and problems[0].rule == "enum" and "训诫" in problems[0].message


@pytest.mark.parametrize("written", ["2026年11月20日", "2026年11月20", "２０２６年１１月２０日",
                                     "2026 年 11 月 20 日", "20261120", "2026.11.20"])
def test_dates_as_official_documents_print_them_are_accepted(engine, settings, written):
    summary, problems = push(engine, settings, "penalty", [penalty(decision_date=written)])
    assert summary.accepted == 1, problems
    with unit_of_work(engine) as s:
        assert s.scalar(select(Record.decision_date)) == date(2026, 11, 20)


@pytest.mark.parametrize("word", ["长期", "长期有效", "永久"])
def test_long_term_validity_is_the_standard_2099_12_31(engine, settings, word):
    summary, problems = push(engine, settings, "licence", [licence(valid_to=word)])
    assert summary.accepted == 1, problems
    with unit_of_work(engine) as s:
        assert s.scalar(select(Record.data))["valid_to"] == "2099-12-31"


def test_an_impossible_chinese_date_names_the_accepted_forms(engine, settings):
    _s, problems = push(engine, settings, "penalty", [penalty(decision_date="2026年2月30日")])
    assert [(p.rule, "YYYY年M月D日" in p.message) for p in problems] == [("date_format", True)]


def test_decision_after_receipt_is_rejected(engine, settings):
    _s, problems = push(engine, settings, "penalty", [penalty(decision_date="2026-11-20")],
                        received_on=date(2026, 11, 19))
    assert [p.rule for p in problems] == ["decision_after_receipt"]
