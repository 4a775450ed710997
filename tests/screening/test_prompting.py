"""Measures are prompted only on a name match that decides (code, exact registered name, a
confirmed match), reach the responsible persons a listing names through another company, and
are applied only within their period."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import PERSON_ID, penalty
from tests.ingest.helpers import push
from tests.lists.helpers import ACME, CASE_OFFICER, OFFICER, OTHER, add_subject, doc, proposal
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Invalid, RuleViolation
from xinyong.lists import NamedPerson, decide, notify, propose
from xinyong.measures import CheckPrompt, FeedbackItem
from xinyong.screening.check import (
    CheckRequest,
    person_key,
    run_check,
)
from xinyong.screening.confirm import confirm_match, record_check_feedback
from xinyong.screening.tables import ScreeningCheck
from xinyong.subjects.uscc import make

NAME = "示范市华盛食品有限公司"
TODAY = date(2026, 11, 2)
SECRET = "test-secret-key"
THIRD = make("91", "350211", "MA2XKL03")
ART17 = {"basis": "enterprise_disclosure_art17",
         "document": doc(type="列入严重违法企业名单决定书", number="闽市监严列〔2026〕3号",
                         issuing_body="福建省市场监督管理局"),
         "facts": "被列入经营异常名录满3年仍未履行公示义务"}


def _listed(s, uscc=ACME, name=NAME, persons=(), **over):
    add_subject(s, uscc, name)
    e = propose(s, proposal(uscc=uscc, persons=tuple(persons), **over), OFFICER,
                today=date(2026, 9, 28), secret=SECRET)
    notify(s, e.id, OFFICER, "告知", today=date(2026, 9, 28))
    decide(s, e.id, OFFICER, "listed", "未申辩", today=date(2026, 10, 20))
    return e


def _ids(result):
    return [m["measure_id"] for m in result["measures"]]


def test_a_fuzzy_hit_prompts_no_measure_until_a_case_officer_confirms_it(engine):
    with unit_of_work(engine) as s:
        _listed(s, **ART17)
        typo = "示范市华胜食品有限公司"  # one character off the listed company's name
        first = run_check(s, CheckRequest("procurement", name=typo), CASE_OFFICER, today=TODAY)
        [hit] = first["hits"]
        assert (first["status"], hit["method"], hit["needs_confirmation"]) == (
            "hit", "fuzzy", True)
        assert first["measures"] == []
        assert [m["measure_id"] for m in hit["pending_measures"]] == ["procurement_ban_serious"]
        assert "确认" in hit["explanation"]
        assert s.scalars(select(CheckPrompt).where(CheckPrompt.check_id == first["id"])).all() \
            == []
        # Feedback "applied" on the unconfirmed match is refused, with the reason.
        with pytest.raises(RuleViolation) as exc:
            record_check_feedback(s, first["id"], [FeedbackItem("procurement_ban_serious",
                                                                "applied")], CASE_OFFICER)
        assert exc.value.code == "match_unconfirmed"
        with pytest.raises(Invalid):
            confirm_match(s, first["id"], hit["subject_id"], " ", CASE_OFFICER, today=TODAY)
        # Confirmed (the officer compared the code on the business licence): prompted now.
        confirm_match(s, first["id"], hit["subject_id"], "核对营业执照,统一社会信用代码一致",
                      CASE_OFFICER, today=TODAY)
        check = s.get(ScreeningCheck, first["id"])
        assert check is not None and _ids(check.result) == ["procurement_ban_serious"]
        assert check.result["hits"][0]["confirmed"]["confirmed_by"] == "张警官"
        record_check_feedback(s, first["id"], [FeedbackItem("procurement_ban_serious",
                                                            "applied")], CASE_OFFICER,
                              today=TODAY)
        # Remembered for the name: the next check of that applicant prompts at once.
        again = run_check(s, CheckRequest("procurement", name=typo), CASE_OFFICER, today=TODAY)
        assert _ids(again) == ["procurement_ban_serious"]
        assert not again["hits"][0]["needs_confirmation"]


@pytest.mark.parametrize(("query", "decides"), [
    (NAME, True),  # the exact registered name
    ("示範市華盛食品有限公司", False),  # a variant (traditional script)
    ("示范市华盛食品有限责任公司", False),  # a variant (company suffix)
])
def test_only_the_exact_registered_name_decides(engine, query, decides):
    with unit_of_work(engine) as s:
        _listed(s, **ART17)
        result = run_check(s, CheckRequest("procurement", name=query), CASE_OFFICER,
                           today=TODAY)
        assert result["hits"][0]["decisive"] is decides
        assert _ids(result) == (["procurement_ban_serious"] if decides else [])


def test_a_former_name_needs_confirmation(engine):
    with unit_of_work(engine) as s:
        _listed(s, **ART17)
        add_subject(s, ACME, "示范市老华盛食品厂")
        result = run_check(s, CheckRequest("procurement", name="示范市老华盛食品厂"),
                           CASE_OFFICER, today=TODAY)
        assert result["hits"][0]["method"] == "exact" and result["measures"] == []


def test_a_person_targeted_measure_is_found_through_a_second_company(engine):
    """Art. 17: the legal representative of a company on the serious-violation list may not be
    the legal representative of another company for three years."""
    with unit_of_work(engine) as s:
        _listed(s, persons=[NamedPerson("王建国", "法定代表人", PERSON_ID)], **ART17)
        add_subject(s, OTHER, "示范市远航物流有限公司", legal_rep="李四")
        key, masked = person_key(SECRET, PERSON_ID)
        # 远航物流 registers 王建国 as its new legal representative.
        result = run_check(s, CheckRequest("appointment", uscc=OTHER, legal_representative="王建国",
                                           representative_key=key,
                                           representative_id_masked=masked),
                           CASE_OFFICER, today=TODAY)
        [m] = result["measures"]
        assert (m["measure_id"], m["targets"]) == ("legal_rep_bar", ["person"])
        assert m["persons"][0]["roles"] == ["法定代表人"]
        assert m["persons"][0]["listed_subject"] == NAME
        assert m["period_end"] == "2029-10-19"
        assert result["persons"][0]["as"] == "legal_representative"
        assert result["persons"][0]["found"][0]["name_masked"] == "王**"
        [prompt] = s.scalars(select(CheckPrompt).where(CheckPrompt.check_id == result["id"]))
        assert (prompt.target, prompt.person_masked) == ("person", masked)
        # No clear ID number anywhere in what the check stored.
        check = s.get(ScreeningCheck, result["id"])
        assert check is not None
        assert PERSON_ID not in str(check.result) and PERSON_ID not in str(vars(check))
        # The listed company itself is not barred by a person-targeted measure ...
        own = run_check(s, CheckRequest("appointment", uscc=ACME), CASE_OFFICER, today=TODAY)
        assert own["measures"] == []
        # ... and another company without that representative is not touched.
        clean = run_check(s, CheckRequest("appointment", uscc=OTHER), CASE_OFFICER,
                          today=TODAY)
        assert clean["measures"] == [] and clean["persons"] == []


def test_the_food_bar_reaches_the_responsible_person_of_a_revoked_operator(engine, settings):
    """Food Safety Law Art. 135: the legal representative of an operator whose food licence
    was revoked may not apply for a food licence for five years, through another company."""
    push(engine, settings, "penalty", [penalty(
        document_number="示市监处罚〔2026〕15号", penalty_categories="罚款;吊销许可证件",
        penalty_content="没收违法所得,并处罚款人民币三十万元,吊销食品经营许可证",
        fine_amount="30", licence_revoked="食品经营许可证 JY13502060012345",
        penalty_basis="《中华人民共和国食品安全法》第一百二十三条第一款第（一）项",
        decision_date="2026-03-02")], received_on=date(2026, 3, 5))
    with unit_of_work(engine) as s:
        _listed(s, persons=[NamedPerson("王建国", "法定代表人", PERSON_ID)],
                document=doc(number="示市监处罚〔2026〕15号"))
        add_subject(s, THIRD, "示范市鑫味餐饮管理有限公司", legal_rep="王建国")
        key, masked = person_key(SECRET, PERSON_ID)
        food = run_check(s, CheckRequest("licensing", uscc=THIRD, licence_kind="food_operation",
                                         representative_key=key,
                                         representative_id_masked=masked),
                         CASE_OFFICER, today=TODAY)
        assert "food_licence_bar" in _ids(food)
        bar = next(m for m in food["measures"] if m["measure_id"] == "food_licence_bar")
        assert bar["targets"] == ["person"] and bar["period_end"] == "2031-03-01"
        transport = run_check(s, CheckRequest("licensing", uscc=THIRD,
                                              licence_kind="road_transport",
                                              representative_key=key,
                                              representative_id_masked=masked),
                              CASE_OFFICER, today=TODAY)
        assert "food_licence_bar" not in _ids(transport)


def test_feedback_applying_a_measure_outside_its_period_is_refused(engine):
    with unit_of_work(engine) as s:
        _listed(s, persons=[NamedPerson("王建国", "法定代表人", PERSON_ID)], **ART17)
        key, masked = person_key(SECRET, PERSON_ID)
        result = run_check(s, CheckRequest("appointment", uscc=OTHER, name="示范市远航物流有限公司",
                                           representative_key=key,
                                           representative_id_masked=masked),
                           CASE_OFFICER, today=TODAY)
        assert result["measures"][0]["period_end"] == "2029-10-19"
        cid = result["id"]
        with pytest.raises(RuleViolation) as exc:  # longer than the catalog's three years
            record_check_feedback(s, cid, [FeedbackItem("legal_rep_bar", "applied",
                                                        applied_until=date(2030, 1, 1))],
                                  CASE_OFFICER, today=TODAY)
        assert exc.value.code == "measure_longer_than_catalog"
        with pytest.raises(RuleViolation) as exc:  # fed back after the period ran out
            record_check_feedback(s, cid, [FeedbackItem("legal_rep_bar", "applied")],
                                  CASE_OFFICER, today=date(2029, 10, 20))
        assert exc.value.code == "measure_period_over"
        [fb] = record_check_feedback(s, cid, [FeedbackItem("legal_rep_bar", "applied",
                                                           applied_until=date(2029, 10, 19))],
                                     CASE_OFFICER, today=TODAY)
        assert fb.applied_until == date(2029, 10, 19)


def test_an_invalid_id_number_is_refused_and_never_echoed():
    with pytest.raises(Invalid) as exc:
        person_key(SECRET, "110105194912310021")
    assert exc.value.code == "person_id_invalid" and "110105194912310021" not in \
        exc.value.message
    assert person_key(SECRET, " ") == (None, None)
