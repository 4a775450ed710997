"""Issue 14, finding 9: ownership before eligibility. The web repair form told one enterprise
about another's records (a repair in progress, end dates); it now says only that a subject
applies for its own records, exactly as for a record that does not exist."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import COMPANY_2, penalty
from tests.ingest.helpers import push
from tests.web.test_cases_pages import PDF, SUBJECT, _apply, _rid, web
from xinyong.accounts import Actor, Role
from xinyong.core import clock

TODAY = clock.today()
OLD = TODAY - timedelta(days=200)  # past its minimum period: repairable
RECENT = TODAY - timedelta(days=3)  # within its minimum period: "最短公示期未满 ... 至 <date>"
STRANGER = Actor(role=Role.SUBJECT, name="腾讯", subject_uscc=COMPANY_2, client="testclient")
LEAKS = ("正在办理", "最短公示期", "编号", "至 20", "起可申请")


def _records(engine, settings) -> tuple[int, int]:
    push(engine, settings, "penalty", [
        penalty(document_number="示市监处罚〔2026〕1号", decision_date=OLD.isoformat(),
                penalty_valid_until=(OLD + timedelta(days=365)).isoformat()),
        penalty(document_number="示市监处罚〔2026〕2号", decision_date=RECENT.isoformat())],
        received_on=TODAY, today=TODAY)
    return _rid(engine, "示市监处罚〔2026〕1号"), _rid(engine, "示市监处罚〔2026〕2号")


def _blocked_text(html: str) -> str:
    """The page's own content (the footer names the publication rules on every page)."""
    return html.split("<h1>", 1)[-1].split("<footer", 1)[0]


def test_the_web_repair_form_checks_ownership_before_eligibility(engine, settings):
    pending, recent = _records(engine, settings)
    _apply(engine, pending)  # the owner has a repair in progress on this one
    owner = web(settings, SUBJECT)
    assert "正在办理" in owner.get(f"/me/repairs/new?record={pending}").text
    assert "最短公示期" in owner.get(f"/me/repairs/new?record={recent}").text

    stranger = web(settings, STRANGER)
    nothing = _blocked_text(stranger.get("/me/repairs/new?record=999999").text)
    assert "只能对本主体的信息申请信用修复" in nothing
    for rid in (pending, recent):
        page = _blocked_text(stranger.get(f"/me/repairs/new?record={rid}").text)
        assert "只能对本主体的信息申请信用修复" in page
        assert not [w for w in LEAKS if w in page], page
        # Submitting anyway re-renders the form: with the same answer, nothing more.
        r = stranger.post("/me/repairs", data={"record_id": str(rid), "fulfilment": "已整改",
                                               "commitment": "yes"},
                          files={"files": ("凭证.pdf", PDF, "application/pdf")})
        assert r.status_code == 422
        assert not [w for w in LEAKS if w in _blocked_text(r.text)], r.text
