"""The JSON API: the subject signs online and downloads its PDF; the department sends one,
verifies, breaks; the public column shows only public ones; shared reads are audited."""

from __future__ import annotations

from tests.accounts.helpers import client_as
from tests.commitments.helpers import ADMIN, COMPANY, OFFICER, PROVIDER, SUBJECT, setup
from xinyong import audit
from xinyong.core.db import unit_of_work


def test_sign_verify_breach_and_column(engine, settings):
    with unit_of_work(engine) as s:
        setup(s)
    company, dept = client_as(settings, SUBJECT), client_as(settings, OFFICER)
    public = client_as(settings, None)
    assert any(t["legal_basis"].count("国办发〔2020〕42号")
               for t in public.get("/api/v1/commitments/templates").json())
    r = company.post("/api/v1/me/commitments", json={
        "template_id": "deficiency_materials", "accepting_uscc": PROVIDER,
        "matter_detail": "食品经营许可证"})
    assert r.status_code == 201, r.text
    signed = r.json()
    assert signed["kind_label"] == "容缺受理型" and len(signed["content_hash"]) == 64
    pdf = company.get(signed["document_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    scoped = dept.post("/api/v1/commitments", json={
        "committer_uscc": COMPANY, "committer_name": "示范市华盛食品有限公司",
        "kind": "certification", "reason": "申请开具证明", "content": "所填信息真实",
        "liability": "不实的撤销证明", "made_on": "2026-11-02", "disclosure": "scoped"})
    assert scoped.status_code == 201, scoped.text
    column = public.get("/api/v1/commitments").json()
    assert column["total"] == 1 and column["items"][0]["code"] == signed["code"]
    assert public.get(f"/api/v1/commitments/{scoped.json()['code']}").status_code == 404
    assert len(public.get(f"/api/v1/commitments/subject/{COMPANY}").json()) == 1
    assert len(company.get("/api/v1/me/commitments").json()) == 2
    with unit_of_work(engine) as s:
        before = audit.count(s)
    shared = dept.get(f"/api/v1/commitments/subject/{COMPANY}/shared?purpose=licensing")
    assert shared.status_code == 200 and len(shared.json()) == 2
    with unit_of_work(engine) as s:
        assert audit.count(s) == before + 1
    tasks = dept.get("/api/v1/commitments/tasks").json()
    assert {t["code"] for t in tasks} == {signed["code"], scoped.json()["code"]}
    bad = dept.post(f"/api/v1/commitments/{signed['code']}/determination",
                    json={"fulfilment": "partly"})
    assert bad.status_code == 422 and bad.json()["code"] == "determination_incomplete"
    broke = dept.post(f"/api/v1/commitments/{signed['code']}/determination", json={
        "fulfilment": "not_kept", "unfulfilled_content": "未补齐材料",
        "liability_pursued": "撤销受理"})
    assert broke.status_code == 200 and broke.json()["state_label"] == "违诺"
    assert broke.json()["consequence_label"].startswith("撤销容缺受理")
    cov = client_as(settings, ADMIN).get("/api/v1/commitments/coverage?by=department")
    assert cov.status_code == 200 and cov.json()[0]["commitments"] == 2
    assert company.get("/api/v1/commitments/coverage").status_code == 403
