"""Public query API: search, credit file, records with provenance; errors are JSON with a
stable code and a Chinese message, never a 500."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.factories import COMPANY, COMPANY_2, PROVIDER, licence, penalty, person_penalty
from tests.ingest.helpers import push
from xinyong.accounts import Actor, Role
from xinyong.api.app import create_app
from xinyong.api.deps import get_actor
from xinyong.core.db import unit_of_work
from xinyong.ingest import Record

RECEIVED = date(2026, 11, 27)
WRONG = COMPANY[:-1] + ("0" if COMPANY[-1] != "0" else "1")


@pytest.fixture
def client(engine, settings):
    push(engine, settings, "penalty", [
        penalty(),
        penalty(document_number="示市监处罚〔2026〕8号", decision_date="2026-10-09"),
        person_penalty()], received_on=RECEIVED)
    push(engine, settings, "licence", [licence(), licence(
        document_number="示市监许〔2026〕2号", subject_uscc=COMPANY_2,
        subject_name="深圳市腾讯计算机系统有限公司")], received_on=RECEIVED)
    with TestClient(create_app(settings)) as c:  # anonymous: the public
        yield c


def _error(resp, status: int, code: str) -> dict:
    assert resp.status_code == status
    body = resp.json()
    assert (body["ok"], body["status"], body["code"]) == (False, status, code)
    assert body["message"]
    return body


def test_search_by_name_and_two_character_trade_name(client):
    body = client.get("/api/v1/subjects", params={"q": "腾讯"}).json()
    assert body["total"] == 1
    hit = body["items"][0]
    assert hit["uscc"] == COMPANY_2
    assert [s for s in hit["highlight"] if s["match"]] == [{"text": "腾讯", "match": True}]


def test_search_by_code_and_wrong_check_digit(client):
    assert client.get("/api/v1/subjects", params={"q": COMPANY}).json()["items"][0]["uscc"] \
        == COMPANY
    body = _error(client.get("/api/v1/subjects", params={"q": WRONG}), 422, "uscc_checksum")
    assert body["message"] == "统一社会信用代码校验位错误"
    _error(client.get("/api/v1/subjects", params={"q": ""}), 422, "request_invalid")
    _error(client.get("/api/v1/subjects", params={"q": "华"}), 422, "query_too_short")
    _error(client.get("/api/v1/subjects", params={"q": "华盛", "page": "x"}), 422,
           "request_invalid")


def test_credit_file_shows_public_records_with_legal_basis(client):
    body = client.get(f"/api/v1/subjects/{COMPANY}", params={"as_of": "2026-12-01"}).json()
    assert body["subject"]["name"] == "示范市华盛食品有限公司"
    assert body["subject"]["legal_representative"] == "王**"
    sections = {s["record_type"]: s for s in body["sections"]}
    assert sections["penalty"]["total"] == 2 and sections["licence"]["total"] == 1
    assert any("行政处罚法" in b for b in sections["penalty"]["legal_basis"])
    item = sections["penalty"]["items"][0]
    assert item["provider_uscc"] == PROVIDER and item["publish_until"] == "2027-11-19"
    assert "王建国" not in str(body)


def test_records_by_type_and_as_of(client):
    url = f"/api/v1/subjects/{COMPANY}/records"
    assert client.get(url, params={"type": "penalty", "as_of": "2026-12-01"}).json()[
        "total"] == 2
    # Before it was received nothing was public.
    assert client.get(url, params={"as_of": "2026-11-26"}).json()["total"] == 0
    # The penalty of 2026-10-09 has dropped off by 2027-10-09 (一般: one year).
    assert client.get(url, params={"type": "penalty", "as_of": "2027-10-09"}).json()[
        "total"] == 1
    _error(client.get(url, params={"type": "objection"}), 422, "record_type_unknown")
    _error(client.get(url, params={"as_of": "2026-13-01"}), 422, "request_invalid")


def test_record_with_provenance(client, engine):
    with unit_of_work(engine) as s:
        rid = s.scalar(select(Record.id).where(Record.natural_key == "示市监处罚〔2026〕1号"))
        person_rid = s.scalar(select(Record.id).where(Record.subject_name == "张三"))
    body = client.get(f"/api/v1/records/{rid}", params={"as_of": "2026-12-01"}).json()
    prov = body["provenance"]
    assert prov["provider_uscc"] == PROVIDER and prov["received_on"] == "2026-11-27"
    assert prov["rule_set_id"] == "ndrc_order_36_v1" and prov["batch_id"] >= 1
    assert prov["legal_basis"]
    _error(client.get(f"/api/v1/records/{person_rid}"), 404, "record_not_found")
    _error(client.get("/api/v1/records/999999"), 404, "record_not_found")
    _error(client.get("/api/v1/records/abc"), 422, "request_invalid")


def test_subject_errors(client):
    _error(client.get(f"/api/v1/subjects/{WRONG}"), 422, "uscc_checksum")
    _error(client.get("/api/v1/subjects/123"), 422, "uscc_length")
    from xinyong.subjects.uscc import make

    _error(client.get(f"/api/v1/subjects/{make('91', '350200', 'MA2XKL77')}"), 404,
           "subject_not_found")


def test_columns_counts_and_late(client, settings):
    body = client.get("/api/v1/columns/penalty", params={"as_of": "2026-12-01"}).json()
    assert body["total"] == 2 and body["providers"]
    # Every public column is counted, an empty one with 0 (违背信用承诺失信信息 and
    # 双随机抽查结果信息 here).
    assert client.get("/api/v1/publication/counts", params={"as_of": "2026-12-01"}).json()[
        "counts"] == {"commitment_breach": 0, "inspection_result": 0, "licence": 2,
                      "penalty": 2}
    _error(client.get("/api/v1/columns/penalty", params={"region": "x"}), 422,
           "region_invalid")
    # Late publication is for the credit office, not the public.
    _error(client.get("/api/v1/publication/late"), 401, "authentication_required")
    app = create_app(settings)
    app.dependency_overrides[get_actor] = lambda: Actor(role=Role.ADMIN, name="信用办")
    with TestClient(app) as admin:
        late = admin.get("/api/v1/publication/late").json()
    assert [i["document_number"] for i in late["items"]] == ["示市监处罚〔2026〕8号"]


# Well formed (prefix of 12 hex digits), so it is looked up, and held by nobody.
STALE_KEY = "xy_0123456789ab_" + "k" * 43


def test_a_stale_key_is_refused_on_public_reads_too(client):
    # The public reads resolve the caller without a database access when no key is sent;
    # a key that is sent is still checked, and refused, not taken for the public.
    for headers in ({"X-API-Key": STALE_KEY}, {"Authorization": f"Bearer {STALE_KEY}"},
                    {"X-API-Key": "xy_malformed"}):
        _error(client.get(f"/api/v1/subjects/{COMPANY}", headers=headers), 401,
               "api_key_invalid")
        _error(client.get("/api/v1/subjects", params={"q": "腾讯"}, headers=headers), 401,
               "api_key_invalid")


def test_every_request_gives_its_connection_back(client, engine):
    """Whatever the outcome (found, searched, 404, 422, 401), a request ends its transaction
    and returns its connection before the answer is sent, not whenever the garbage collector
    gets to a forgotten session: more requests than the pool holds, and none left out."""
    from xinyong.subjects.uscc import make

    unknown = make("91", "350200", "MA2XKL77")
    calls = [(f"/api/v1/subjects/{COMPANY}", {}, 200),
             ("/api/v1/subjects?q=腾讯", {}, 200),
             (f"/api/v1/subjects/{COMPANY}/records?type=penalty", {}, 200),
             (f"/api/v1/subjects/{unknown}", {}, 404),
             (f"/api/v1/subjects/{WRONG}", {}, 422),
             (f"/api/v1/subjects/{COMPANY}", {"X-API-Key": STALE_KEY}, 401)]
    for i in range(30):
        path, headers, status = calls[i % len(calls)]
        assert client.get(path, headers=headers).status_code == status
    assert engine.pool.checkedout() == 0
