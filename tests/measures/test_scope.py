"""Every measure of the catalog against its legal text: one case inside its scope and one
just outside it (another kind of listing or legal basis, another licence, a smaller fine,
a day past the period, the listed company instead of its representative ...)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import pytest

from xinyong.measures import PERSON, SUBJECT, Fact, default_measures, triggered_measures

TODAY = date(2026, 11, 2)
LISTED = date(2026, 3, 2)


def listing(kind: str, basis: str, *, decided: date = LISTED, until: date | None = None,
            role: str | None = None) -> Fact:
    years = {"serious_dishonesty": 3, "red": 3, "watch": 1, "judgment_defaulter": 2,
             "abnormal_operations": 3}[kind]
    return Fact("list", 1, kind, f"{kind}/{basis}", decided_on=decided, basis=basis,
                document_date=date(decided.year, 1, 15) if decided.month > 1 else decided,
                listed_until=until or decided.replace(year=decided.year + years), role=role)


def penalty(decided: date, **data: Any) -> Fact:
    return Fact("record", 2, "penalty", "penalty", data=data, decided_on=decided)


FOOD_REVOKED = {
    "penalty_categories": ["没收违法所得", "罚款", "吊销许可证件"],
    "violation_type": "用非食品原料生产食品",
    "violation_facts": "当事人在其生产的卤制品中添加工业用明胶，货值金额二万元",
    "penalty_basis": "《中华人民共和国食品安全法》第一百二十三条第一款第（一）项",
    "penalty_content": "没收违法所得人民币一万二千元，并处罚款人民币三十万元，吊销食品经营许可证",
    "fine_amount": "30", "licence_revoked": "食品经营许可证 JY13502060012345"}
TRANSPORT_REVOKED = {
    "penalty_categories": ["吊销许可证件"],
    "violation_type": "不按照规定维护和检测运输车辆",
    "violation_facts": "当事人所属营运客车连续两年未进行综合性能检测，情节严重",
    "penalty_basis": "《中华人民共和国道路运输条例》第七十条第二款",
    "penalty_content": "吊销道路运输经营许可证",
    "licence_revoked": "道路运输经营许可证 闽交运管许可厦字350206001234号"}
BIG_FINE = {
    "penalty_categories": ["罚款"], "violation_type": "虚开增值税专用发票以外的其他发票",
    "violation_facts": "当事人虚开普通发票，金额巨大",
    "penalty_basis": "《中华人民共和国发票管理办法》第三十五条",
    "penalty_content": "处罚款人民币二百万元", "fine_amount": "200"}
BID_FRAUD = {
    "penalty_categories": ["罚款", "其他"], "violation_type": "以他人名义投标，弄虚作假骗取中标",
    "violation_facts": "当事人借用他公司资质参加示范市第一中学教学楼施工项目投标并中标",
    "penalty_basis": "《中华人民共和国招标投标法》第五十四条",
    "penalty_content": ("中标无效，处中标项目金额千分之八的罚款，"
                        "取消其一年内参加依法必须进行招标的项目的投标资格"),
    "fine_amount": "12.8"}
LABEL_FINE = {
    "penalty_categories": ["警告", "罚款"], "violation_type": "经营标签不符合规定的食品",
    "violation_facts": "当事人经营的预包装食品标签未标注生产日期",
    "penalty_basis": "《中华人民共和国食品安全法》第一百二十五条第一款第（二）项",
    "penalty_content": "警告，并处罚款人民币二千元", "fine_amount": "0.2"}

BREACH = {"commitment_kind": "容缺受理型", "fulfilment": "全部未履行",
          "unfulfilled_content": "未在期限内补齐材料", "liability_pursued": "撤销受理决定"}


@dataclass(frozen=True)
class Case:
    facts: list[Fact]
    matter: str
    licence_kind: str | None = None
    target: str = SUBJECT
    today: date = TODAY
    notes: dict[str, str] = field(default_factory=dict)


def prompted(measure_id: str, case: Case) -> bool:
    cat = default_measures()
    m = cat.measures[measure_id]
    if not m.applies_to(case.matter, case.licence_kind):
        return False
    found = triggered_measures([m], case.facts, case.today, target=case.target, catalog=cat)
    return bool(found)


SD44 = listing("serious_dishonesty", "samr_order_44")
SD17 = listing("serious_dishonesty", "enterprise_disclosure_art17")
DEFAULTER = listing("judgment_defaulter", "spc_defaulter_rules")
WATCH = listing("watch", "guobanfa_2019_35")
RED = listing("red", "guofa_2016_33")
RED_TAX = listing("red", "tax_a_grade")
ABNORMAL = listing("abnormal_operations", "abnormal_annual_report")

# measure id -> (inside, just outside); the comment says what the legal text draws.
CASES: dict[str, tuple[Case, Case]] = {
    # 财库〔2016〕125号: 失信被执行人 refused; Order 44 makes the SAMR list only a factor.
    "procurement_ban_serious": (Case([DEFAULTER], "procurement"), Case([SD44], "procurement")),
    # 实施条例 Art. 19 + 财库〔2022〕3号: a fine of 200万元 or more is a major violation.
    "procurement_major_violation": (
        Case([penalty(date(2024, 3, 1), **BIG_FINE)], "procurement"),
        Case([penalty(date(2024, 3, 1), **(BIG_FINE | {"fine_amount": "199.5"}))],
             "procurement")),
    "bidding_ban_serious": (Case([SD17], "bidding"), Case([WATCH], "bidding")),
    # 30号令 Art. 20(4): within the last three years.
    "bidding_major_violation": (
        Case([penalty(date(2023, 11, 3), **BID_FRAUD)], "bidding"),
        Case([penalty(date(2023, 11, 2), **BID_FRAUD)], "bidding")),
    "subsidy_restriction": (Case([SD44], "subsidy"), Case([WATCH], "subsidy")),
    # Art. 17: the legal representative of the listed company, not the company.
    "legal_rep_bar": (
        Case([listing("serious_dishonesty", "enterprise_disclosure_art17", role="法定代表人")],
             "appointment", target=PERSON),
        Case([SD17], "appointment", target=SUBJECT)),
    # 141号: the defaulter's legal representative / principal; not its 实际控制人.
    "soe_executive_bar": (
        Case([listing("judgment_defaulter", "spc_defaulter_rules", role="法定代表人")],
             "appointment", target=PERSON),
        Case([listing("judgment_defaulter", "spc_defaulter_rules", role="实际控制人")],
             "appointment", target=PERSON)),
    # 42号 三(三): serious dishonesty; the watch list is no such finding.
    "licensing_key_review": (Case([SD44], "licensing", "road_transport"),
                             Case([WATCH], "licensing", "road_transport")),
    # 国办发〔2020〕42号 三（三）: serious dishonesty bars commitment-based processing (#16).
    "commitment_processing_bar": (Case([SD44], "commitment"), Case([WATCH], "commitment")),
    # 141号 二(三): new investment project approvals only.
    "project_approval_restriction": (Case([DEFAULTER], "licensing", "investment_project"),
                                     Case([DEFAULTER], "licensing", "road_transport")),
    # 国办发〔2020〕42号 三（三）: a broken commitment bars it while the breach is published
    # (three years from the determination); the day three years on, no longer (#16).
    "commitment_breach_bar": (
        Case([Fact("record", 4, "commitment_breach", "commitment_breach",
                   data=BREACH, decided_on=date(2026, 6, 1))], "commitment"),
        Case([Fact("record", 4, "commitment_breach", "commitment_breach",
                   data=BREACH, decided_on=date(2023, 11, 2))], "commitment")),
    # Food Safety Law Art. 135: a revoked food licence, a food-licence application, 5 years.
    "food_licence_bar": (
        Case([penalty(date(2022, 11, 2), **FOOD_REVOKED)], "licensing", "food_operation"),
        Case([penalty(date(2024, 6, 3), **TRANSPORT_REVOKED)], "licensing", "food_operation")),
    # Order 44 Art. 22 / 35号: listed subjects, never any fine.
    "key_supervision": (Case([WATCH], "inspection"),
                        Case([penalty(date(2026, 6, 1), **LABEL_FINE)], "inspection")),
    "honours_ban": (Case([DEFAULTER], "honours"), Case([WATCH], "honours")),
    # 33号 (十二): 严重失信企业 (and persons); court defaulters are under honours_ban.
    "honours_revoke": (Case([SD44], "honours"), Case([DEFAULTER], "honours")),
    "bond_issue_restriction": (Case([DEFAULTER], "bond"), Case([WATCH], "bond")),
    # 141号 二(四) / Art. 18 (国有土地出让); not the SAMR Order 44 list.
    "land_supply_restriction": (Case([DEFAULTER], "land"), Case([SD44], "land")),
    "financing_reference": (Case([SD44], "financing"), Case([WATCH], "financing")),
    # 企业信息公示暂行条例 Art. 18: procurement, bidding, land transfer, honours; not licensing.
    "abnormal_operations_restriction": (Case([ABNORMAL], "procurement"),
                                        Case([ABNORMAL], "licensing", "other")),
    "fast_track_exclusion": (Case([WATCH], "licensing", "other"),
                             Case([RED], "licensing", "other")),
    # 33号 incentives for 诚信典型; an A-grade taxpayer gets the tax incentives only.
    "red_fast_track": (Case([RED], "licensing", "other"), Case([RED_TAX], "licensing", "other")),
    "red_subsidy_priority": (Case([RED], "subsidy"), Case([RED_TAX], "subsidy")),
    "red_inspection_relief": (Case([RED], "inspection"), Case([RED_TAX], "inspection")),
    "red_honours_priority": (Case([RED], "honours"), Case([RED_TAX], "honours")),
    "red_procurement_credit": (Case([RED], "procurement"), Case([RED_TAX], "procurement")),
    "red_bidding_bond_relief": (Case([RED], "bidding"), Case([RED_TAX], "bidding")),
    # While listed: the day the red listing ends, the incentive ends with it.
    "red_financing_reference": (
        Case([RED_TAX], "financing"),
        Case([listing("red", "tax_a_grade", until=TODAY)], "financing")),
}


def test_every_measure_has_a_case_inside_and_just_outside():
    assert set(CASES) == set(default_measures().measures)


@pytest.mark.parametrize("measure_id", sorted(CASES))
def test_inside_and_just_outside_the_scope(measure_id):
    inside, outside = CASES[measure_id]
    assert prompted(measure_id, inside)
    assert not prompted(measure_id, outside)


def test_the_art18_measure_on_the_abnormal_operations_list_follows_its_four_matters():
    """Every listing reason, in each matter Art. 18 names; never licensing, subsidies or
    inspection; the day the listing ends, no longer; the serious list (the other half of
    Art. 18) prompts the measures it already had, not this one a second time."""
    mid = "abnormal_operations_restriction"
    for basis in ("abnormal_annual_report", "abnormal_ordered_disclosure",
                  "abnormal_false_disclosure", "abnormal_unreachable", "coop_annual_report"):
        fact = listing("abnormal_operations", basis)
        for matter in ("procurement", "bidding", "land", "honours"):
            assert prompted(mid, Case([fact], matter)), (basis, matter)
        for matter in ("subsidy", "inspection", "financing", "appointment", "commitment"):
            assert not prompted(mid, Case([fact], matter)), (basis, matter)
    ended = listing("abnormal_operations", "abnormal_annual_report", until=TODAY)
    assert not prompted(mid, Case([ended], "procurement"))
    assert not prompted(mid, Case([SD17], "procurement"))
    assert prompted("procurement_ban_serious", Case([SD17], "procurement"))
    # Nothing else the catalog holds fires on this list: the law draws only Art. 18.
    others = [m for m in default_measures().measures if m != mid]
    for matter in ("procurement", "bidding", "land", "honours", "licensing", "subsidy"):
        assert not any(prompted(m, Case([ABNORMAL], matter, "other")) for m in others)


def test_food_licence_bar_only_for_food_licences_and_five_years_from_the_decision():
    inside = CASES["food_licence_bar"][0]
    # A transport licence application: the food bar does not apply.
    assert not prompted("food_licence_bar", replace(inside, licence_kind="road_transport"))
    # The fifth anniversary of the revocation decision is the first day it no longer holds.
    assert prompted("food_licence_bar", replace(inside, today=date(2027, 11, 1)))
    assert not prompted("food_licence_bar", replace(inside, today=date(2027, 11, 2)))
    # The responsible persons of the revoked operator are barred too (Art. 135).
    person = Fact("record", 3, "penalty", "p", data=FOOD_REVOKED, decided_on=date(2022, 11, 2),
                  role="法定代表人")
    assert prompted("food_licence_bar", replace(inside, facts=[person], target=PERSON))
    # A legacy 暂扣或者吊销 code counts as a revocation only if the content says revoked.
    legacy = FOOD_REVOKED | {"penalty_categories": ["暂扣或者吊销许可证、暂扣或者吊销执照"]}
    assert prompted("food_licence_bar", replace(inside, facts=[
        penalty(date(2022, 11, 2), **legacy)]))
    suspended = legacy | {"penalty_content": "暂扣食品经营许可证三个月"}
    assert not prompted("food_licence_bar", replace(inside, facts=[
        penalty(date(2022, 11, 2), **suspended)]))


def test_legal_rep_bar_runs_three_years_from_the_listing_and_only_for_art17():
    inside = CASES["legal_rep_bar"][0]
    last = date(2029, 3, 1)  # listed 2026-03-02: three years end the day before 2029-03-02
    listed = listing("serious_dishonesty", "enterprise_disclosure_art17", role="法定代表人",
                     until=date(2031, 3, 2))
    assert prompted("legal_rep_bar", replace(inside, facts=[listed], today=last))
    assert not prompted("legal_rep_bar", replace(inside, facts=[listed],
                                                  today=date(2029, 3, 2)))
    order44 = listing("serious_dishonesty", "samr_order_44", role="法定代表人")
    assert not prompted("legal_rep_bar", replace(inside, facts=[order44]))
    [t] = triggered_measures([default_measures().measures["legal_rep_bar"]], [listed],
                             date(2027, 1, 4), target=PERSON)
    assert t.period_end == last


def test_every_measure_names_its_scope_period_and_basis_in_chinese():
    for m in default_measures().measures.values():
        assert m.triggers.lists or m.triggers.records
        assert m.period.text and m.legal_basis
        for t in m.triggers.records:
            assert t.laws or t.licence_kinds or t.violation_types or t.any_law
        if "licensing" in m.matters:
            assert m.licence_kinds is not None
