"""Due process online: the notice with its working-day deadline, the subject's statement
within it, the decision refused until the statement was considered, the decision document,
early removal on application, and every listing change queued for the upper platforms."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.lists.helpers import ACME, OFFICER, OTHER, add_subject, proposal
from xinyong.accounts import Actor, Role
from xinyong.core.attachments import Upload
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolation
from xinyong.documents import render_pdf
from xinyong.exchange import ExchangeEvent
from xinyong.lists import decide, expire, notify, propose, publish
from xinyong.lists import due_process as dp
from xinyong.lists.documents import text_of
from xinyong.measures import measures_following

NOTICE_DAY = date(2026, 9, 28)  # Monday before the National Day holiday
DEADLINE = date(2026, 10, 10)  # 5 working days across the National Day holiday (10-10: make-up)
COMPANY = Actor(role=Role.SUBJECT, name="华盛食品", subject_uscc=ACME)
STRANGER = Actor(role=Role.SUBJECT, name="远航物流", subject_uscc=OTHER)
DEPT = Actor(role=Role.DATA_OFFICER, name="王科员", department_uscc=OFFICER.department_uscc,
             department_class="enforcement", department_name="示范市市场监督管理局")
OTHER_DEPT = Actor(role=Role.DATA_OFFICER, name="税务科员",
                   department_uscc="11350200MB1600027X", department_name="示范市税务局")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STATEMENT = "涉案食品系供应商提供，本公司已履行进货查验义务，不属于情节严重，请求不予列入。"


def _notified(s, **over):
    add_subject(s, ACME, "示范市华盛食品有限公司")
    add_subject(s, OTHER, "示范市远航物流有限公司")
    entry = propose(s, proposal(**over), DEPT, today=NOTICE_DAY)
    notify(s, entry.id, DEPT, "已通过平台和邮寄送达告知书", today=NOTICE_DAY)
    return entry


def _text(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages))


def test_the_statement_period_refuses_a_decision_until_the_statement_is_considered(engine):
    with unit_of_work(engine) as s:
        entry = _notified(s)
        assert entry.statement_until == DEADLINE and entry.notice_number
        # Not the subject's: another company sees nothing, a proposal before its notice too.
        with pytest.raises(NotFound):
            dp.submit_statement(s, STRANGER, dp.Statement(entry.id, STATEMENT))
        with pytest.raises(Invalid):
            dp.submit_statement(s, COMPANY, dp.Statement(entry.id, "  "), today=DEADLINE)
        st = dp.submit_statement(s, COMPANY, dp.Statement(
            entry.id, STATEMENT, (Upload("进货查验记录.pdf", PDF),), "0592-5551234"),
            today=DEADLINE)
        assert st.submitted_on == DEADLINE
        with pytest.raises(RuleViolation) as exc:  # the deadline's day has passed
            dp.submit_statement(s, COMPANY, dp.Statement(entry.id, "补充"),
                                today=date(2026, 10, 12))
        assert exc.value.code == "statement_period_over"
        # During the period no decision; after it, none without the consideration.
        with pytest.raises(RuleViolation) as exc:
            decide(s, entry.id, DEPT, "listed", "列入", today=DEADLINE)
        assert exc.value.code == "statement_period_running"
        with pytest.raises(RuleViolation) as exc:
            decide(s, entry.id, DEPT, "listed", "列入", today=date(2026, 10, 12))
        assert exc.value.code == "statement_not_considered"
        assert entry.state == "notice_sent"
        decide(s, entry.id, DEPT, "listed", "事实清楚、证据确凿",
               consideration="经核查，当事人未能提供供货者许可证和合格证明，"
                             "陈述申辩理由不成立，不予采纳。",
               today=date(2026, 10, 12))
        assert (entry.state, entry.decision_number) == ("listed", f"XYJD-2026-{entry.id:06d}")
        [st] = dp.statements_of(s, entry.id)
        assert st.considered_by == "王科员" and "不予采纳" in (st.consideration or "")


def test_only_the_listing_department_handles_its_listing(engine):
    with unit_of_work(engine) as s:
        entry = _notified(s)
        with pytest.raises(Forbidden):
            decide(s, entry.id, OTHER_DEPT, "listed", "列入", today=date(2026, 10, 20))
        with pytest.raises(NotFound):
            dp.case_view(s, OTHER_DEPT, entry.id)
        assert dp.case_view(s, DEPT, entry.id).id == entry.id
        assert dp.case_view(s, OFFICER, entry.id).id == entry.id  # the credit office


def test_the_notice_and_decision_documents_say_what_the_law_requires(engine):
    with unit_of_work(engine) as s:
        entry = _notified(s)
        measures = measures_following(entry.list_kind, entry.legal_basis_id)
        notice = dp.notice_of(s, entry, measures=measures, url="http://127.0.0.1:8000/me")
        text = text_of(notice)
        assert notice.title == "列入严重失信主体名单告知书"
        assert notice.number == f"XYGZ-2026-{entry.id:06d}"
        assert "示范市华盛食品有限公司（统一社会信用代码：" + ACME + "）：" in text
        assert "生产销售不符合食品安全标准的食品" in text  # the facts
        assert "示市监处罚〔2026〕88号" in text
        assert "《市场监督管理严重违法失信名单管理办法》" in text
        assert "2026年10月10日" in text and "5个工作日" in text  # the deadline, working days
        assert "陈述、申辩的权利" in text and "视为放弃" in text
        assert "限制申请财政性资金项目和政府补贴" in text  # a measure that follows
        assert "行政复议" in text  # remedies
        pdf = render_pdf(notice)
        assert pdf.startswith(b"%PDF-") and render_pdf(notice) == pdf  # deterministic
        extracted = _text(pdf)
        for phrase in ("列入严重失信主体名单告知书", "2026年10月10日", "陈述、申辩",
                       "示市监处罚〔2026〕88号", notice.number):
            assert phrase in extracted, phrase
        # Issued, signed and sealed by the listing department; its fonts travel with it.
        assert notice.authority == "示范市市场监督管理局"
        assert "示范市市场监督管理局（盖章）" in extracted and "2026年9月28日" in extracted
        for page in PdfReader(BytesIO(pdf)).pages:
            for font in page["/Resources"]["/Font"].values():
                for descendant in font.get_object()["/DescendantFonts"]:
                    descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                    assert "/FontFile2" in descriptor

        dp.submit_statement(s, COMPANY, dp.Statement(entry.id, STATEMENT), today=NOTICE_DAY)
        decide(s, entry.id, DEPT, "listed", "事实清楚",
               consideration="陈述申辩理由不成立，不予采纳。", today=date(2026, 10, 20))
        decision = dp.decision_of(s, entry, measures=measures)
        text = text_of(decision)
        assert decision.title == "严重失信主体名单认定决定书"
        assert "你单位于2026年9月28日提出陈述、申辩" in text
        assert "陈述申辩理由不成立，不予采纳。" in text
        assert "自2026年10月20日起至2029年10月19日止" in text
        assert "提前移出" in text and "行政复议" in text
        extracted = _text(render_pdf(decision))
        for phrase in ("严重失信主体名单认定决定书", "不予采纳", "2029年10月19日",
                       decision.number):
            assert phrase in extracted, phrase


def test_early_removal_is_applied_for_online_and_decided_by_the_department(engine):
    with unit_of_work(engine) as s:
        entry = _notified(s)
        decide(s, entry.id, DEPT, "listed", "列入", today=date(2026, 10, 20))
        publish(s, entry.id, DEPT, "公示", today=date(2026, 10, 21))
        request = dp.RemovalRequest(entry.id, "已召回问题食品并完成整改，缴清罚款",
                                    (Upload("整改报告.pdf", PDF),))
        with pytest.raises(RuleViolation) as exc:  # the kind's rule: after one year
            dp.apply_early_removal(s, COMPANY, request, today=date(2027, 3, 1))
        assert exc.value.code == "early_removal_too_soon" and "2027-10-20" in exc.value.message
        with pytest.raises(Invalid):  # proof of correction is required
            dp.apply_early_removal(s, COMPANY, dp.RemovalRequest(entry.id, "已整改"),
                                   today=date(2027, 10, 20))
        app = dp.apply_early_removal(s, COMPANY, request, today=date(2027, 10, 20))
        with pytest.raises(Conflict):
            dp.apply_early_removal(s, COMPANY, request, today=date(2027, 10, 20))
        with pytest.raises(Forbidden):
            dp.decide_early_removal(s, OTHER_DEPT, app.id, True, "同意",
                                    today=date(2027, 10, 22))
        dp.decide_early_removal(s, DEPT, app.id, True, "整改到位，准予提前移出",
                                today=date(2027, 10, 22))
        assert (entry.state, entry.removed_on, entry.removal_reason) == (
            "removed", date(2027, 10, 22), "early")


def test_a_basis_without_early_removal_refuses_the_application(engine):
    from tests.screening.test_prompting import ART17

    with unit_of_work(engine) as s:
        entry = _notified(s, **ART17)
        decide(s, entry.id, DEPT, "listed", "列入", today=date(2026, 10, 20))
        assert entry.listed_until == date(2031, 10, 20)  # Art. 17: five years
        with pytest.raises(RuleViolation) as exc:
            dp.apply_early_removal(s, COMPANY, dp.RemovalRequest(
                entry.id, "已补报年报", (Upload("年报.pdf", PDF),)), today=date(2028, 1, 4))
        assert exc.value.code == "early_removal_refused"


def test_listing_publication_removal_and_expiry_go_to_the_exchange_outbox(engine):
    with unit_of_work(engine) as s:
        entry = _notified(s)
        decide(s, entry.id, DEPT, "listed", "列入", today=date(2026, 10, 20))
        publish(s, entry.id, DEPT, "公示", today=date(2026, 10, 21))
        expire(s, today=date(2029, 10, 20))
        events = list(s.scalars(select(ExchangeEvent).order_by(ExchangeEvent.id)))
        assert [e.kind for e in events] == ["list.listed", "list.published", "list.expired"]
        assert all(e.ref_kind == "list_entry" and e.ref_id == entry.id for e in events)
        assert events[0].subject_uscc == ACME and "信用中国" in events[0].targets
        assert events[2].payload["removed_on"] == "2029-10-20"
        assert events[0].payload["decision_number"] == entry.decision_number
