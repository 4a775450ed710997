"""The listing pages through the HTTP layer (SQLite and PostgreSQL): the department's queue
and case page (a decision refused without considering the statement, then made), the
subject's early-removal application on /me and its approval on the case page."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from tests.factories import COMPANY
from tests.lists.helpers import add_subject, proposal
from tests.web.test_cases_pages import OFFICER, OTHER_OFFICER, PDF, SUBJECT, web
from xinyong.audit.tables import AuditEntry
from xinyong.core import clock
from xinyong.core.attachments import Upload
from xinyong.core.db import unit_of_work
from xinyong.lists import decide, get_entry, notify, propose, publish
from xinyong.lists import due_process as dp

TODAY = clock.today()
NAME = "示范市华盛食品有限公司"


def _notified_a_month_ago(engine) -> int:
    with unit_of_work(engine) as s:
        add_subject(s, COMPANY, NAME)
        e = propose(s, proposal(uscc=COMPANY), OFFICER, today=TODAY - timedelta(days=40))
        notify(s, e.id, OFFICER, "送达", today=TODAY - timedelta(days=30))
        dp.submit_statement(s, SUBJECT, dp.Statement(e.id, "本公司已履行进货查验义务。", (
            Upload("进货查验记录.pdf", PDF),)), today=TODAY - timedelta(days=29))
        return e.id


def test_the_department_must_record_how_it_considered_the_statement(engine, settings):
    entry_id = _notified_a_month_ago(engine)
    staff = web(settings, OFFICER)
    queue = staff.get("/cases/lists")
    assert queue.status_code == 200 and "待审查陈述申辩 1 份" in queue.text
    with unit_of_work(engine) as s:  # proposals are not public: the queue read is audited
        read = s.scalars(select(AuditEntry).where(AuditEntry.action == "list.queue_read")).one()
        assert json.loads(read.details)["list_entry_ids"] == [entry_id]
    assert web(settings, OTHER_OFFICER).get(f"/cases/lists/{entry_id}").status_code == 404
    page = staff.get(f"/cases/lists/{entry_id}")
    assert "本公司已履行进货查验义务" in page.text and "进货查验记录.pdf" in page.text
    refused = staff.post(f"/cases/lists/{entry_id}/decide",
                         data={"outcome": "listed", "reason": "事实清楚"})
    assert refused.status_code == 422 and "审查和采纳情况" in refused.text
    done = staff.post(f"/cases/lists/{entry_id}/decide", follow_redirects=True, data={
        "outcome": "listed", "reason": "事实清楚",
        "consideration": "未提供供货者许可证，理由不成立，不予采纳。"})
    assert done.status_code == 200 and "认定决定书已生成" in done.text
    pdf = staff.get(f"/api/v1/lists/{entry_id}/decision.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    mine = web(settings, SUBJECT).get("/me")
    assert "认定决定书（PDF）" in mine.text and "我的名单（1）" in mine.text


def _own_reads(engine) -> int:
    with unit_of_work(engine) as s:
        return len(s.scalars(select(AuditEntry).where(
            AuditEntry.action == "own_lists.read")).all())


def test_the_subject_applies_for_early_removal_and_the_department_approves(engine, settings):
    with unit_of_work(engine) as s:
        add_subject(s, COMPANY, NAME)
        long_ago = TODAY - timedelta(days=420)
        e = propose(s, proposal(uscc=COMPANY), OFFICER, today=long_ago)
        notify(s, e.id, OFFICER, "送达", today=long_ago)
        decide(s, e.id, OFFICER, "listed", "列入", today=long_ago + timedelta(days=20))
        publish(s, e.id, OFFICER, "公示", today=long_ago + timedelta(days=21))
        entry_id = e.id
    company = web(settings, SUBJECT)
    page = company.get(f"/me/lists/{entry_id}")
    assert "申请提前移出" in page.text
    reads = _own_reads(engine)
    missing = company.post(f"/me/lists/{entry_id}/removal", data={"reasons": "已整改"})
    assert missing.status_code == 422 and "证明材料" in missing.text
    # The refused form shows the listing again: that read of the own file is audited too.
    assert _own_reads(engine) == reads + 1
    ok = company.post(f"/me/lists/{entry_id}/removal", data={"reasons": "已召回并整改完毕"},
                      files={"files": ("整改报告.pdf", PDF, "application/pdf")},
                      follow_redirects=True)
    assert "提前移出申请已提交" in ok.text
    staff = web(settings, OFFICER)
    case = staff.get(f"/cases/lists/{entry_id}")
    assert "已召回并整改完毕" in case.text
    with unit_of_work(engine) as s:
        [app] = dp.removal_applications(s, entry_id)
        app_id = app.id
    approved = staff.post(f"/cases/lists/{entry_id}/removal-approve", follow_redirects=True,
                          data={"application_id": str(app_id), "reason": "整改到位"})
    assert "已准予提前移出" in approved.text
    with unit_of_work(engine) as s:
        assert get_entry(s, entry_id).state == "removed"
    assert NAME not in web(settings).get("/lists/serious_dishonesty").text


def test_the_abnormal_operations_column_shows_reason_department_date_and_number(engine,
                                                                                  settings):
    """经营异常名录 (received from market regulation): its column in the public menu, the
    列入原因 column with the department, date and document number, the same in the JSON twin;
    gone from both the day of its 移出 decision, still in the credit office's list."""
    from datetime import date

    from tests.accounts.helpers import client_as
    from tests.lists.test_received import ANNUAL, SAMR, _listing, _removal
    from xinyong.lists import list_entries
    from xinyong.lists.received import import_received

    with unit_of_work(engine) as s:
        add_subject(s, COMPANY, NAME)
        import_received(s, "abnormal_operations", [_listing(COMPANY)], SAMR,
                        today=date(2026, 11, 2))
    public = client_as(settings, None)
    home = public.get("/").text
    assert 'href="/lists/abnormal_operations"' in home and "经营异常名录" in home
    page = public.get("/lists/abnormal_operations?as_of=2026-11-02").text
    assert '<th scope="col">列入原因</th>' in page
    row = page[page.index('id="entry-'):]
    for text in (NAME, ANNUAL, "宜昌市市场监督管理局", "宜市监异列〔2026〕15号", "2026-07-10"):
        assert text in row, text
    twin = public.get("/api/v1/public/lists/abnormal_operations?as_of=2026-11-02").json()
    [item] = twin["items"]
    assert (item["reason"], item["document_number"], item["issuing_body"]) == (
        ANNUAL, "宜市监异列〔2026〕15号", "宜昌市市场监督管理局")
    with unit_of_work(engine) as s:
        import_received(s, "abnormal_operations",
                        [_removal(统一社会信用代码=COMPANY)], SAMR, today=date(2026, 11, 25))
    after = public.get("/lists/abnormal_operations?as_of=2026-11-25").text
    assert NAME not in after and "没有符合条件的公示名单" in after
    assert public.get("/api/v1/public/lists/abnormal_operations?as_of=2026-11-25"
                      ).json()["total"] == 0
    with unit_of_work(engine) as s:
        [kept] = list_entries(s, list_kind="abnormal_operations")
        assert kept.state == "removed"
