"""Subjects' rights through the HTTP API: an objection with an attachment marks the record
everywhere it is shown; an approved repair removes it from the public page, the API, the
export and department reads at once; the repair notice downloads as a PDF."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from tests.accounts.helpers import ACTORS, client_as
from tests.factories import COMPANY, COMPANY_2, PROVIDER, penalty
from tests.ingest.helpers import push
from xinyong.accounts import Actor, Role
from xinyong.core import clock

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = clock.today()
DECIDED = TODAY - timedelta(days=200)  # 一般 under Order 36: past its 3-month minimum
SUBJECT = ACTORS[Role.SUBJECT]
OFFICER = ACTORS[Role.DATA_OFFICER]
OTHER_OFFICER = Actor(role=Role.DATA_OFFICER, name="other", department_uscc=COMPANY_2,
                      department_class="enforcement", client="testclient")
SHARED = Actor(role=Role.CASE_OFFICER, name="case", department_uscc=PROVIDER,
               department_class="enforcement", client="testclient")


@pytest.fixture
def record_id(engine, settings) -> int:
    push(engine, settings, "penalty", [penalty(
        decision_date=DECIDED.isoformat(),
        penalty_valid_until=(DECIDED + timedelta(days=365)).isoformat())],
        received_on=DECIDED + timedelta(days=2), today=TODAY)
    with client_as(settings, SUBJECT) as c:
        items = c.get("/api/v1/me/file").json()["items"]
    return int(items[0]["id"])


def _public_ids(settings) -> list[int]:
    with client_as(settings, ACTORS[Role.PUBLIC]) as c:
        body = c.get(f"/api/v1/subjects/{COMPANY}").json()
    return [r["id"] for s in body["sections"] for r in s["items"]]


def _export(settings) -> list[list[str]]:
    with client_as(settings, ACTORS[Role.PUBLIC]) as c:
        r = c.get("/api/v1/columns/penalty/export.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))


def test_objection_with_attachment_marks_the_record_and_the_provider_decides(
        engine, settings, record_id):
    with client_as(settings, SUBJECT) as c:
        r = c.post("/api/v1/objections", data={"target": "record", "target_id": str(record_id),
                                               "reasons": "罚款金额登记错误"},
                   files=[("files", ("缴款凭证.pdf", PDF, "application/pdf"))])
        assert r.status_code == 201, r.text
        o = r.json()
        assert o["state"] == "routed" and o["provider_uscc"] == PROVIDER
        assert o["attachments"][0]["file_name"] == "缴款凭证.pdf"
        att = c.get(f"/api/v1/objections/{o['id']}/attachments/{o['attachments'][0]['id']}")
        assert att.content == PDF
        # A disguised executable is refused, naming the file and the rule; nothing stored.
        bad = c.post("/api/v1/objections", data={"target": "record",
                                                 "target_id": str(record_id), "reasons": "x"},
                     files=[("files", ("证明.pdf", b"MZ\x90\x00", "application/pdf"))])
        assert bad.status_code == 422 and bad.json()["code"] == "attachment_type"
        assert "证明.pdf" in bad.json()["message"]
        assert c.get("/api/v1/objections").json()["total"] == 1
    with client_as(settings, ACTORS[Role.PUBLIC]) as c:
        body = c.get(f"/api/v1/subjects/{COMPANY}").json()
        rec = next(r for s in body["sections"] for r in s["items"] if r["id"] == record_id)
        assert rec["under_objection"] is True
        assert c.get(f"/api/v1/objections/{o['id']}").status_code == 404
    export = _export(settings)
    assert export[1][0] == str(record_id) and export[1][5] == "是"
    with client_as(settings, OTHER_OFFICER) as c:
        r = c.post(f"/api/v1/objections/{o['id']}/decision",
                   json={"outcome": "kept", "reasons": "核实无误"})
        assert r.status_code == 403 and r.json()["code"] == "objection_not_provider"
    with client_as(settings, OFFICER) as c:
        r = c.post(f"/api/v1/objections/{o['id']}/decision",
                   json={"outcome": "kept", "reasons": "经核实,罚款金额与决定书一致"})
        assert r.status_code == 200, r.text
        assert r.json()["state"] == "kept" and [s["action"] for s in r.json()["steps"]] == [
            "file", "route", "decide"]
    with client_as(settings, SUBJECT) as c:
        mine = c.get(f"/api/v1/objections/{o['id']}").json()
        assert mine["outcome_reasons"] == "经核实,罚款金额与决定书一致"
    with client_as(settings, ACTORS[Role.ADMIN]) as c:
        report = c.get("/api/v1/objections/report").json()
        row = next(r for r in report if r["provider_uscc"] == PROVIDER)
        assert (row["records"], row["objections"], row["effective"]) == (1, 1, 0)


def test_an_approved_repair_leaves_the_site_api_export_and_shared_reads_at_once(
        engine, settings, record_id):
    assert _public_ids(settings) == [record_id]
    with client_as(settings, SUBJECT) as c:
        el = c.get(f"/api/v1/repairs/eligibility/{record_id}").json()
        assert el["eligible"] is True and el["rule_set_id"] == "ndrc_order_36_v1"
        assert "信用修复" in el["commitment_text"]
        refused = c.post("/api/v1/repairs", data={"record_id": str(record_id),
                                                  "fulfilment": "已缴纳罚款"},
                         files=[("files", ("凭证.pdf", PDF, "application/pdf"))])
        assert refused.status_code == 422 and refused.json()["code"] == "commitment_required"
        r = c.post("/api/v1/repairs", data={"record_id": str(record_id),
                                            "fulfilment": "已于当月缴纳罚款并完成整改",
                                            "commitment_accepted": "true"},
                   files=[("files", ("凭证.pdf", PDF, "application/pdf"))])
        assert r.status_code == 201, r.text
        app_id = r.json()["id"]
        assert r.json()["state"] == "forwarded"
    with client_as(settings, OFFICER) as c:
        assert c.post(f"/api/v1/repairs/{app_id}/accept").json()["state"] == "accepted"
        r = c.post(f"/api/v1/repairs/{app_id}/approve", json={"reasons": "已履行处罚决定"})
        assert r.status_code == 200 and r.json()["state"] == "approved", r.text
    assert _public_ids(settings) == []
    with client_as(settings, ACTORS[Role.PUBLIC]) as c:
        assert c.get(f"/api/v1/records/{record_id}").status_code == 404
    assert len(_export(settings)) == 1  # the header only
    with client_as(settings, SHARED) as c:
        shared = c.get(f"/api/v1/shared/subjects/{COMPANY}/records?purpose=licensing").json()
        assert shared["items"] == []
    with client_as(settings, SUBJECT) as c:
        own = c.get("/api/v1/me/file").json()["items"]
        assert [(i["id"], i["repaired"]) for i in own] == [(record_id, True)]
        again = c.get(f"/api/v1/repairs/eligibility/{record_id}").json()
        assert again["eligible"] is False and again["code"] == "repair_already_done"
    with client_as(settings, OFFICER) as c:
        r = c.post(f"/api/v1/repairs/{app_id}/commitment-broken",
                   json={"reasons": "修复后三个月内再次发生同类违法行为"})
        assert r.status_code == 200 and r.json()["commitment_state"] == "broken"
    assert _public_ids(settings) == [record_id]  # published again, to its maximum period
    with client_as(settings, SUBJECT) as c:
        blocked = c.get(f"/api/v1/repairs/eligibility/{record_id}").json()
        assert blocked["eligible"] is False and blocked["code"] == "repair_commitment_broken"


def test_the_subject_downloads_its_repair_notice(engine, settings, record_id):
    with client_as(settings, SUBJECT) as c:
        r = c.get(f"/api/v1/me/records/{record_id}/repair-notice.pdf")
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
        assert "信用修复告知书" in text and "示市监处罚〔2026〕1号" in text
        assert c.get(f"/api/v1/me/records/{record_id}/repair-notice.pdf").content == r.content
    other = Actor(role=Role.SUBJECT, name="other", subject_uscc=COMPANY_2, client="testclient")
    with client_as(settings, other) as c:
        r = c.get(f"/api/v1/me/records/{record_id}/repair-notice.pdf")
        assert r.status_code == 403 and r.json()["code"] == "record_not_own"


def test_the_penalising_department_downloads_the_notice_to_deliver_it(engine, settings,
                                                                      record_id):
    """两书同达: the department that sent the penalty (and the credit office) downloads the
    notice issued in its name from the record; other departments and subjects may not; every
    download is audited."""
    from sqlalchemy import select

    from xinyong.audit import AuditEntry
    from xinyong.core.db import unit_of_work

    url = f"/api/v1/records/{record_id}/repair-notice.pdf"
    with client_as(settings, OFFICER) as c:
        r = c.get(url)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert text.splitlines()[0].strip() == "示范市市场监督管理局"  # issued in its name
    assert "示范市市场监督管理局（盖章）" in text
    assert f"{settings.public_base_url}/me" in text
    with client_as(settings, SUBJECT) as c:  # the same notice the subject downloads
        assert c.get(f"/api/v1/me/records/{record_id}/repair-notice.pdf").content == r.content
        assert c.get(url).status_code == 403
    with client_as(settings, ACTORS[Role.ADMIN]) as c:
        assert c.get(url).content == r.content
    with client_as(settings, OTHER_OFFICER) as c:
        refused = c.get(url)
        assert refused.status_code == 403 and refused.json()["code"] == "record_not_own"
    with client_as(settings, OFFICER) as c:
        assert c.get("/api/v1/records/999999/repair-notice.pdf").status_code == 404
    with unit_of_work(engine) as s:
        actors = s.scalars(select(AuditEntry.actor_name).where(
            AuditEntry.action == "repair_notice.download").order_by(AuditEntry.seq)).all()
    assert actors == ["officer", "company", "admin"]
