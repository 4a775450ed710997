"""The check, feedback, review, lists and measures report through the HTTP API."""

from __future__ import annotations

from tests.accounts.helpers import client_as
from tests.lists.helpers import ACME, CASE_OFFICER, OFFICER, add_subject
from xinyong.core import clock
from xinyong.core.db import unit_of_work

DOC = {"type": "行政处罚决定书", "number": "示市监处罚〔2026〕88号", "date": "2026-09-01",
       "issuing_body": "示范市市场监督管理局"}


def _list_via_api(engine, settings):
    with unit_of_work(engine) as s:
        add_subject(s, ACME, "示范市华盛食品有限公司")
    admin = client_as(settings, OFFICER)
    refused = admin.post("/api/v1/lists", json={
        "list_kind": "serious_dishonesty", "uscc": ACME, "document": DOC | {"number": ""},
        "legal_basis_id": "samr_order_44", "facts": "情节严重"})
    assert refused.status_code == 422
    assert refused.json()["code"] == "legal_document_required"
    r = admin.post("/api/v1/lists", json={
        "list_kind": "judgment_defaulter", "uscc": ACME,
        "document": DOC | {"type": "失信决定书", "issuing_body": "示范市中级人民法院"},
        "legal_basis_id": "spc_defaulter_rules", "facts": "有履行能力而拒不履行"})
    assert r.status_code == 201
    entry = r.json()
    assert entry["allowed_actions"] == ["decide"]
    bad = admin.post(f"/api/v1/lists/{entry['id']}/publish", json={"reason": "公示"})
    assert bad.status_code == 409 and "作出决定(decide)" in bad.json()["message"]
    ok = admin.post(f"/api/v1/lists/{entry['id']}/decide",
                    json={"outcome": "listed", "reason": "法院决定"})
    assert ok.json()["state"] == "listed"
    # A listing carries its class, rule and minimum/maximum end, as a penalty does.
    assert ok.json()["severity"] == "严重" and ok.json()["rule_set_id"].startswith("list:")
    assert ok.json()["min_end"] <= ok.json()["max_end"] < ok.json()["listed_until"]
    assert [t["actor"] for t in ok.json()["transitions"]] == ["李科长", "李科长"]
    return entry["id"]


def test_lists_and_check_and_feedback_round_trip(engine, settings):
    _list_via_api(engine, settings)
    officer = client_as(settings, CASE_OFFICER)
    r = officer.post("/api/v1/checks", json={"name": "示範市華盛食品有限公司",
                                             "matter": "procurement"})
    assert r.status_code == 200
    body = r.json()
    assert body["hits"][0]["score"] == 0.85 and "traditional" in body["hits"][0]["steps"]
    # A variant of the name decides nothing alone: pending until confirmed.
    assert body["measures"] == [] and body["hits"][0]["needs_confirmation"]
    assert [m["measure_id"] for m in body["hits"][0]["pending_measures"]] == [
        "procurement_ban_serious"]
    unconfirmed = officer.post(f"/api/v1/checks/{body['id']}/feedback", json={"items": [
        {"measure_id": "procurement_ban_serious", "outcome": "applied"}]})
    assert unconfirmed.json()["code"] == "match_unconfirmed"
    confirmed = officer.post(f"/api/v1/checks/{body['id']}/confirmations", json={
        "subject_id": body["hits"][0]["subject_id"], "reason": "核对营业执照代码一致"})
    assert confirmed.status_code == 200
    assert [m["measure_id"] for m in confirmed.json()["measures"]] == [
        "procurement_ban_serious"]
    assert confirmed.json()["measures"][0]["period"] == "列入名单期间"
    refused = officer.post(f"/api/v1/checks/{body['id']}/feedback", json={"items": [
        {"measure_id": "procurement_ban_serious", "outcome": "not_applied"}]})
    assert refused.status_code == 422
    assert refused.json()["code"] == "not_applied_reason_required"
    ok = officer.post(f"/api/v1/checks/{body['id']}/feedback", json={"items": [
        {"measure_id": "procurement_ban_serious", "outcome": "not_applied",
         "reason": "合同已于列入前签订"}]})
    assert ok.status_code == 200
    assert officer.get("/api/v1/measures/overrides").status_code == 403
    office = client_as(settings, OFFICER)
    items = office.get("/api/v1/measures/overrides").json()["items"]
    assert items[0]["reason"] == "合同已于列入前签订" and items[0]["actor"] == "张警官"
    stats = office.get("/api/v1/measures/stats").json()["items"]
    assert stats[0]["initiated"] == 1 and stats[0]["not_applied"] == 1
    month = clock.today().strftime("%Y-%m")
    csv = office.get(f"/api/v1/measures/report?month={month}&format=csv")
    assert csv.status_code == 200 and "合同已于列入前签订" in csv.content.decode("utf-8-sig")
    xlsx = office.get(f"/api/v1/measures/report?month={month}&format=xlsx")
    assert xlsx.content[:2] == b"PK"


def test_batch_and_wrong_code_and_review(engine, settings):
    _list_via_api(engine, settings)
    officer = client_as(settings, CASE_OFFICER)
    wrong = ACME[:17] + ("0" if ACME[17] != "0" else "1")
    r = officer.post("/api/v1/checks/batch", json={"matter": "bidding", "applicants": [
        {"uscc": ACME}, {"uscc": wrong, "name": "示范市华盛食品有限公司"},
        {"name": "示范市华盛食品有限责任公司"}, {"name": "示范市远航物流有限公司"}]})
    rows = r.json()["items"]
    assert [x["status"] for x in rows] == ["hit", "uscc_invalid", "hit", "clear"]
    assert rows[1]["uscc_problem"]["code"] == "uscc_checksum"
    third = rows[2]
    review = officer.post(f"/api/v1/checks/{third['check_id']}/reviews", json={
        "subject_id": third["best_hit"]["subject_id"], "reason": "不同主体"})
    assert review.status_code == 200
    again = officer.post("/api/v1/checks", json={"name": "示范市华盛食品有限责任公司",
                                                 "matter": "bidding"}).json()
    assert again["status"] == "reviewed"
    assert again["reviewed"][0]["review"]["reviewed_by"] == "张警官"


def test_case_officer_page_works_without_javascript(engine, settings):
    _list_via_api(engine, settings)
    web = client_as(settings, CASE_OFFICER)
    page = web.get("/checks")
    assert page.status_code == 200 and "逢办必查" in page.text
    r = web.post("/checks", data={"matter": "procurement", "uscc": ACME},
                 follow_redirects=True)
    assert r.status_code == 200
    assert "限制参加政府采购活动" in r.text and "财库〔2016〕125号" in r.text
    check_id = r.url.path.rsplit("/", 1)[-1]
    bad = web.post(f"/checks/{check_id}/feedback",
                   data={"outcome_procurement_ban_serious": "not_applied"})
    assert bad.status_code == 422 and "须填写理由" in bad.text
    good = web.post(f"/checks/{check_id}/feedback",
                    data={"outcome_procurement_ban_serious": "applied"}, follow_redirects=True)
    assert "已实施" in good.text
    # A variant of the name: confirmed on the page, then prompted.
    v = web.post("/checks", data={"matter": "procurement", "name": "示范市华盛食品有限责任公司"},
                 follow_redirects=True)
    assert "疑似同一主体，待确认" in v.text and "确认后将提示" in v.text
    vid = v.url.path.rsplit("/", 1)[-1]
    from xinyong.screening.check import get_check

    with unit_of_work(engine) as s:
        sid = get_check(s, int(vid)).result["hits"][0]["subject_id"]
    confirmed = web.post(f"/checks/{vid}/confirmations",
                         data={"subject_id": sid, "reason": "核对营业执照"},
                         follow_redirects=True)
    assert "已确认为同一主体" in confirmed.text and "outcome_procurement_ban_serious" in \
        confirmed.text
    anonymous = client_as(settings, None)
    assert anonymous.get("/checks", follow_redirects=False).status_code == 303
