"""The check (逢办必查): matching on every kind of name variant, only catalog measures for
the matter, reviewed false matches remembered, feedback recorded and reported."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import penalty
from tests.ingest.helpers import push
from tests.lists.helpers import ACME, CASE_OFFICER, OFFICER, OTHER, add_subject, doc, proposal
from xinyong import audit
from xinyong.audit import AuditEntry
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Invalid, NotFound, RuleViolation
from xinyong.lists import decide, notify, propose, publish
from xinyong.measures import (
    CheckPrompt,
    FeedbackItem,
    case_rows,
    default_measures,
    list_overrides,
    measure_stats,
    record_feedback,
)
from xinyong.measures.rules import Fact, triggered_measures
from xinyong.screening.check import (
    CheckRequest,
    get_check,
    review_match,
    run_check,
    run_checks,
)
from xinyong.subjects.uscc import make

NAME = "示范市华盛食品有限公司"
TODAY = date(2026, 11, 2)


ART17 = {"basis": "enterprise_disclosure_art17",
         "document": doc(type="列入严重违法企业名单决定书", number="闽市监严列〔2026〕3号",
                         issuing_body="福建省市场监督管理局"),
         "facts": "被列入经营异常名录满3年仍未履行公示义务"}


def _listed(s, uscc=ACME, name=NAME, **over):
    add_subject(s, uscc, name)
    e = propose(s, proposal(uscc=uscc, **over), OFFICER, today=date(2026, 9, 28))
    notify(s, e.id, OFFICER, "告知", today=date(2026, 9, 28))
    decide(s, e.id, OFFICER, "listed", "未申辩", today=date(2026, 10, 20))
    return e


def test_only_catalog_measures_for_the_matter_within_the_basis_of_the_listing(engine):
    with unit_of_work(engine) as s:
        _listed(s)  # SAMR Order 44
        _listed(s, OTHER, "示范市远航物流有限公司", **ART17)  # 企业信息公示暂行条例 Art. 17
        for uscc, basis in ((ACME, "samr_order_44"), (OTHER, "enterprise_disclosure_art17")):
            fact = Fact("list", 1, "serious_dishonesty", "x", decided_on=date(2026, 10, 20),
                        basis=basis, listed_until=date(2029, 10, 20))
            for matter in ("procurement", "bidding", "honours", "land"):
                result = run_check(s, CheckRequest(matter, uscc=uscc), CASE_OFFICER,
                                   today=TODAY)
                assert result["status"] == "hit"
                expected = {t.measure.id for t in triggered_measures(
                    default_measures().for_matter(matter), [fact], TODAY)}
                got = {m["measure_id"] for m in result["measures"]}
                assert got == expected
                assert all(matter in default_measures().measures[m].matters for m in got)
                assert all(m["legal_basis"] and m["suspended"] is False and m["period"]
                           for m in result["measures"])

        def measures(matter, uscc):
            return [m["measure_id"] for m in run_check(
                s, CheckRequest(matter, uscc=uscc), CASE_OFFICER, today=TODAY)["measures"]]

        # Order 44 makes the SAMR list a factor in procurement, not a ban; Art. 18 of the
        # enterprise-disclosure regulation restricts the Art. 17 list in procurement and land.
        assert measures("procurement", ACME) == []
        assert measures("procurement", OTHER) == ["procurement_ban_serious"]
        assert measures("land", ACME) == []
        assert measures("land", OTHER) == ["land_supply_restriction"]
        assert measures("honours", ACME) == ["honours_ban", "honours_revoke"]
        hit = run_check(s, CheckRequest("honours", uscc=ACME), CASE_OFFICER,
                        today=TODAY)["hits"][0]
        assert hit["score"] == 1.0 and hit["list_entries"][0]["list_name"] == "严重失信主体名单"
        assert hit["decisive"] and not hit["needs_confirmation"]


def test_penalty_records_trigger_record_measures(engine, settings):
    push(engine, settings, "penalty", [penalty(
        penalty_categories="罚款;吊销许可证件", licence_revoked="食品经营许可证 JY001",
        decision_date="2026-03-02")], received_on=date(2026, 3, 5))
    with unit_of_work(engine) as s:
        result = run_check(s, CheckRequest("procurement", uscc=ACME), CASE_OFFICER, today=TODAY)
        assert [m["measure_id"] for m in result["measures"]] == ["procurement_major_violation"]
        assert result["measures"][0]["period_end"] == "2029-03-01"
        assert result["hits"][0]["records"][0]["document_number"].endswith("1号")
        lic = run_check(s, CheckRequest("licensing", name=NAME, licence_kind="food_operation"),
                        CASE_OFFICER, today=TODAY)
        assert [m["measure_id"] for m in lic["measures"]] == ["food_licence_bar"]
        assert lic["measures"][0]["period_end"] == "2031-03-01"
        # Another licence: the food bar is shown as not applicable, and why.
        other = run_check(s, CheckRequest("licensing", uscc=ACME, licence_kind="road_transport"),
                          CASE_OFFICER, today=TODAY)
        assert other["measures"] == []
        assert [(x["measure_id"], "食品经营许可" in x["reason"]) for x in other["not_prompted"]] \
            == [("food_licence_bar", True)]
        # Three years later the procurement restriction has run out; the food bar has not.
        later = run_check(s, CheckRequest("procurement", uscc=ACME), CASE_OFFICER,
                          today=date(2029, 3, 3))
        assert later["measures"] == []


@pytest.mark.parametrize(("query", "method", "score", "step"), [
    (NAME, "exact", 0.95, None),
    ("示範市華盛食品有限公司", "variant", 0.85, "traditional"),
    (NAME + "\uff0e", "variant", 0.85, "full_width"),  # full-width full stop
    ("示范市 华盛食品 有限公司", "variant", 0.85, "spacing_punctuation"),
    ("示范市华盛食品有限责任公司", "variant", 0.85, "company_suffix"),
    # 公司 alone is another legal form than 有限公司: a possible sibling, graded lower.
    ("示范市华盛食品公司", "variant", 0.82, "company_form"),
    ("示范市华盛食品股份有限公司", "variant", 0.82, "company_form"),
])
def test_name_variants_match_with_graded_scores(engine, query, method, score, step):
    with unit_of_work(engine) as s:
        _listed(s)
        add_subject(s, OTHER, "示范市远航物流有限公司")
        result = run_check(s, CheckRequest("procurement", name=query), CASE_OFFICER,
                           today=TODAY)
        assert len(result["hits"]) == 1
        hit = result["hits"][0]
        assert (hit["method"], hit["score"], hit["uscc"]) == (method, score, ACME)
        if step:
            assert step in hit["steps"]
        assert f"{score:.2f}" in hit["explanation"]


def test_former_name_fuzzy_and_legal_representative(engine):
    with unit_of_work(engine) as s:
        _listed(s)
        add_subject(s, ACME, "示范市老华盛食品厂")  # reported under its former name
        former = run_check(s, CheckRequest("procurement", name="示范市老华盛食品厂"),
                           CASE_OFFICER, today=TODAY)["hits"][0]
        assert (former["method"], former["score"], former["matched_current"]) == \
            ("exact", 0.9, False)
        assert "曾用名" in former["explanation"]
        # A one-character typo in the trade name (华胜 for 华盛): graded below every variant.
        fuzzy = run_check(s, CheckRequest("procurement", name="示范市华胜食品有限公司"),
                          CASE_OFFICER, today=TODAY)["hits"][0]
        assert fuzzy["method"] == "fuzzy" and 0.6 < fuzzy["score"] < 0.8
        other_rep = run_check(s, CheckRequest("procurement", name=NAME,
                                              legal_representative="李四"),
                              CASE_OFFICER, today=TODAY)["hits"][0]
        assert other_rep["score"] == 0.9 and "法定代表人" in other_rep["explanation"]
        assert run_check(s, CheckRequest("procurement", name="完全无关的名称有限公司"),
                         CASE_OFFICER, today=TODAY)["status"] == "clear"


def test_wrong_checksum_is_reported_not_matched_by_name(engine):
    wrong = ACME[:17] + ("0" if ACME[17] != "0" else "1")
    with unit_of_work(engine) as s:
        _listed(s)
        result = run_check(s, CheckRequest("procurement", uscc=wrong, name=NAME),
                           CASE_OFFICER, today=TODAY)
        assert result["status"] == "uscc_invalid"
        assert result["uscc_problem"]["code"] == "uscc_checksum"
        assert result["hits"] == [] and result["measures"] == []
        unknown = make("91", "350203", "MA2XKL77")
        assert run_check(s, CheckRequest("procurement", uscc=unknown), CASE_OFFICER,
                         today=TODAY)["status"] == "not_found"
        with pytest.raises(Invalid):
            run_check(s, CheckRequest("parking", uscc=ACME), CASE_OFFICER)
        with pytest.raises(Invalid):
            run_check(s, CheckRequest("procurement"), CASE_OFFICER)


def test_reviewed_false_match_is_remembered_until_the_entry_changes(engine):
    with unit_of_work(engine) as s:
        entry = _listed(s)
        first = run_check(s, CheckRequest("procurement", name="示范市华盛食品有限责任公司"),
                          CASE_OFFICER, today=TODAY)
        assert first["status"] == "hit"
        with pytest.raises(Invalid):
            review_match(s, first["id"], first["hits"][0]["subject_id"], " ", CASE_OFFICER)
        review_match(s, first["id"], first["hits"][0]["subject_id"],
                     "申请人为另一家同名企业(注册地不同)", CASE_OFFICER)
        again = run_check(s, CheckRequest("procurement", name="示范市华盛食品有限责任公司"),
                          CASE_OFFICER, today=TODAY)
        assert again["status"] == "reviewed" and again["hits"] == []
        assert again["measures"] == []
        assert again["reviewed"][0]["review"]["reviewed_by"] == "张警官"
        # The listing changes (published): the hit is raised again.
        publish(s, entry.id, OFFICER, "公示", today=TODAY)
        third = run_check(s, CheckRequest("procurement", name="示范市华盛食品有限责任公司"),
                          CASE_OFFICER, today=TODAY)
        assert third["status"] == "hit" and third["reviewed"] == []
        code = run_check(s, CheckRequest("procurement", uscc=ACME), CASE_OFFICER, today=TODAY)
        with pytest.raises(Invalid):
            review_match(s, code["id"], code["hits"][0]["subject_id"], "不是", CASE_OFFICER)


def test_feedback_recorded_overrides_need_a_reason_and_are_reported(engine):
    with unit_of_work(engine) as s:
        _listed(s, **ART17)
        result = run_check(s, CheckRequest("procurement", uscc=ACME), CASE_OFFICER)
        cid = result["id"]
        with pytest.raises(RuleViolation) as exc:
            record_feedback(s, cid, [FeedbackItem("procurement_ban_serious", "not_applied")],
                            CASE_OFFICER)
        assert "理由" in exc.value.message
        with pytest.raises(NotFound):
            record_feedback(s, cid, [FeedbackItem("land_supply_restriction", "applied")],
                            CASE_OFFICER)
        record_feedback(s, cid, [FeedbackItem("procurement_ban_serious", "not_applied",
                                              "采购项目已于名单列入前签约")], CASE_OFFICER)
        overrides = list_overrides(s)
        assert [(o.measure_id, o.actor, o.reason) for o in overrides] == [
            ("procurement_ban_serious", "张警官", "采购项目已于名单列入前签约")]
        second = run_check(s, CheckRequest("procurement", uscc=ACME), CASE_OFFICER)
        record_feedback(s, second["id"], [FeedbackItem("procurement_ban_serious", "applied")],
                        CASE_OFFICER)
        stats = measure_stats(s)
        assert [(x.department, x.measure_id, x.initiated, x.responded, x.applied,
                 x.not_applied) for x in stats] == [
            ("示范市财政局", "procurement_ban_serious", 2, 2, 1, 1)]
        month = clock.today().strftime("%Y-%m")
        rows = case_rows(s, month)
        assert [r[12] for r in rows] == ["未实施", "已实施"]
        assert rows[0][13] == "采购项目已于名单列入前签约"


def test_batch_returns_one_result_per_applicant(engine):
    with unit_of_work(engine) as s:
        _listed(s, **ART17)
        add_subject(s, OTHER, "示范市远航物流有限公司")
        results = run_checks(s, [CheckRequest("bidding", uscc=ACME),
                                 CheckRequest("bidding", name="示范市远航物流有限公司"),
                                 CheckRequest("bidding", name="示范市不存在有限公司"),
                                 CheckRequest("bidding", name="示範市華盛食品有限公司")],
                             CASE_OFFICER, today=TODAY)
        assert [r["status"] for r in results] == ["hit", "hit", "clear", "hit"]
        # The traditional-script variant is a possible match: nothing until confirmed.
        assert [len(r["measures"]) for r in results] == [1, 0, 0, 0]
        assert [m["measure_id"] for m in results[3]["hits"][0]["pending_measures"]] == [
            "bidding_ban_serious"]
        assert len({r["id"] for r in results}) == 4


def test_a_large_batch_answers_as_single_checks_and_stores_each(engine):
    """A batch large enough for PostgreSQL's set-based path (candidates probed value by
    value, checks written with COPY) answers every applicant as a check of its own would,
    and stores each result and prompt under its own check."""
    with unit_of_work(engine) as s:
        _listed(s, **ART17)
        _listed(s, OTHER, "示范市远航物流有限公司")
        add_subject(s, make("91", "350203", "MA2XKL77"), "示范市华盛食品有限责任公司")
        kinds = [CheckRequest("bidding", uscc=ACME),
                 CheckRequest("bidding", name=NAME),
                 CheckRequest("bidding", name="示範市華盛食品有限公司"),  # variant
                 CheckRequest("bidding", name="示范市华胜食品有限公司"),  # typo
                 CheckRequest("bidding", name="示范市远行物流有限公司"),  # typo
                 CheckRequest("bidding", name="示范市华盛食品有限责任公司"),  # a sibling
                 CheckRequest("bidding", name="示范市不存在有限公司")]
        requests = [kinds[i % len(kinds)] for i in range(70)]
        singles = [run_check(s, r, CASE_OFFICER, today=TODAY) for r in kinds]
        batch = run_checks(s, requests, CASE_OFFICER, today=TODAY)

        def seen(result):
            return {k: v for k, v in result.items() if k not in ("id", "checked_at")}

        assert [seen(r) for r in batch] == [seen(singles[i % len(kinds)])
                                           for i in range(len(requests))]
        assert [r["status"] for r in singles] == ["hit"] * 6 + ["clear"]
        assert singles[3]["hits"][0]["method"] == "fuzzy"
        assert len({r["id"] for r in batch}) == len(requests)
        for request, result in zip(requests, batch, strict=True):
            stored = get_check(s, result["id"])
            assert (stored.query_uscc, stored.query_name) == (request.uscc, request.name)
            assert stored.result == {k: v for k, v in result.items() if k != "id"}
            prompts = s.scalars(select(CheckPrompt.measure_id)
                                .where(CheckPrompt.check_id == result["id"])).all()
            assert sorted(prompts) == sorted(m["measure_id"] for m in result["measures"])
        # Audited: one entry per subject concerned (one without a subject for a clear
        # check), the chain intact as read back from the database.
        audited = s.scalars(select(AuditEntry.details).where(
            AuditEntry.action == audit.CHECK_RUN)).all()
        ids = [json.loads(d)["check_id"] for d in audited]
        assert all(ids.count(r["id"]) == max(1, len({h["uscc"] for h in r["hits"]}
                                                    | {r["applicant_code"]} - {None}))
                   for r in batch)
        assert audit.verify(s).ok
