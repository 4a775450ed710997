"""Every list transition and refusal, expiry, and responsibility carried to people."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.lists.helpers import ACME, OFFICER, add_subject, doc, proposal
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Conflict, Invalid, RuleViolation
from xinyong.lists import (
    ListEntry,
    decide,
    expire,
    notify,
    propose,
    publish,
    remove,
    transitions_of,
)
from xinyong.lists.model import load_list_kinds

NOTICE_DAY = date(2026, 9, 28)  # Monday before the National Day holiday (10-01..10-07)


def test_full_procedure_records_who_why_when(engine):
    with unit_of_work(engine) as s:
        add_subject(s, ACME, "示范市华盛食品有限公司")
        entry = propose(s, proposal(), OFFICER, today=NOTICE_DAY)
        assert entry.state == "proposed"
        notify(s, entry.id, OFFICER, "已送达列入告知书", today=NOTICE_DAY)
        # 5 working days after 09-28: 29, 30, then the holiday, then 10-09 (make-up day,
        # Friday), 10-10 (Saturday make-up workday) and 10-12.
        assert entry.statement_until is not None
        assert entry.statement_until > date(2026, 10, 7)
        decide(s, entry.id, OFFICER, "listed", "当事人未提出陈述申辩",
               today=date(2026, 10, 20))
        assert entry.listed_until == date(2029, 10, 20)
        publish(s, entry.id, OFFICER, "在信用中国(示范市)公示", today=date(2026, 10, 21))
        steps = transitions_of(s, entry.id)
        assert [t.to_state for t in steps] == ["proposed", "notice_sent", "listed", "published"]
        assert all(t.actor == "李科长" and t.reason for t in steps)
        assert steps[2].on_day == date(2026, 10, 20)
        assert entry.version == 4


def test_statement_period_counts_working_days_across_the_holiday(engine):
    with unit_of_work(engine) as s:
        add_subject(s, ACME, "示范市华盛食品有限公司")
        entry = propose(s, proposal(), OFFICER, today=NOTICE_DAY)
        notify(s, entry.id, OFFICER, "告知", today=NOTICE_DAY)
        with pytest.raises(RuleViolation) as exc:
            decide(s, entry.id, OFFICER, "listed", "急", today=date(2026, 10, 8))
        assert exc.value.code == "statement_period_running"
        assert "陈述申辩期" in exc.value.message
        assert entry.state == "notice_sent"


def test_impossible_transitions_are_refused_with_the_allowed_ones(engine):
    with unit_of_work(engine) as s:
        add_subject(s, ACME, "示范市华盛食品有限公司")
        entry = propose(s, proposal(), OFFICER, today=NOTICE_DAY)
        with pytest.raises(Conflict) as exc:
            publish(s, entry.id, OFFICER, "直接公示", today=NOTICE_DAY)
        assert "告知(notify)" in exc.value.message
        with pytest.raises(Conflict):
            decide(s, entry.id, OFFICER, "listed", "未告知就决定", today=NOTICE_DAY)
        with pytest.raises(Conflict):
            remove(s, entry.id, OFFICER, "未列入就移出", today=NOTICE_DAY)


def test_dropped_is_final(engine):
    with unit_of_work(engine) as s:
        add_subject(s, ACME, "示范市华盛食品有限公司")
        entry = propose(s, proposal(), OFFICER, today=NOTICE_DAY)
        notify(s, entry.id, OFFICER, "告知", today=NOTICE_DAY)
        decide(s, entry.id, OFFICER, "dropped", "陈述申辩理由成立", today=date(2026, 10, 20))
        assert entry.listed_until is None
        with pytest.raises(Conflict) as exc:
            publish(s, entry.id, OFFICER, "公示", today=date(2026, 10, 21))
        assert "流程已结束" in exc.value.message


def test_listing_without_document_or_allowed_basis_is_refused(engine):
    with unit_of_work(engine) as s:
        add_subject(s, ACME, "示范市华盛食品有限公司")
        with pytest.raises(RuleViolation) as exc:
            propose(s, proposal(document=doc(number="", issuing_body=" ")), OFFICER)
        assert exc.value.code == "legal_document_required"
        assert "文书编号" in exc.value.message and "作出机关" in exc.value.message
        with pytest.raises(RuleViolation) as exc:
            propose(s, proposal(document=doc(date=None)), OFFICER)
        assert "文书日期" in exc.value.message
        with pytest.raises(RuleViolation) as exc:
            propose(s, proposal(basis="tax_a_grade"), OFFICER)
        assert exc.value.code == "legal_basis_not_allowed"
        assert "samr_order_44" in exc.value.message
        assert s.scalar(select(ListEntry.id)) is None


def test_person_only_where_the_basis_allows_and_masked(engine):
    with unit_of_work(engine) as s:
        add_subject(s, ACME, "示范市华盛食品有限公司")
        with pytest.raises(RuleViolation) as exc:
            propose(s, proposal(basis="guobanfa_2020_49", responsible_person="王建国",
                                person_role="法定代表人"), OFFICER)
        assert exc.value.code == "person_not_allowed"
        entry = propose(s, proposal(responsible_person="王建国", person_role="法定代表人"),
                        OFFICER)
        assert entry.person_name_masked == "王**"
        assert "王建国" not in str(vars(entry))


def test_red_list_needs_no_notice_but_notify_is_refused(engine):
    with unit_of_work(engine) as s:
        add_subject(s, ACME, "示范市华盛食品有限公司")
        entry = propose(s, proposal(kind="red", basis="guofa_2016_33",
                                    document=doc(type="表彰决定")), OFFICER)
        with pytest.raises(Conflict) as exc:
            notify(s, entry.id, OFFICER, "告知")
        assert "无需告知" in exc.value.message
        decide(s, entry.id, OFFICER, "listed", "诚信典型", today=date(2026, 10, 9))
        assert entry.state == "listed"


def test_expiry_removes_by_itself_and_is_idempotent(engine):
    with unit_of_work(engine) as s:
        add_subject(s, ACME, "示范市华盛食品有限公司")
        entry = propose(s, proposal(kind="judgment_defaulter", basis="spc_defaulter_rules",
                                    document=doc(type="失信决定书",
                                                 issuing_body="示范市中级人民法院")),
                        OFFICER)
        decide(s, entry.id, OFFICER, "listed", "法院决定", today=date(2026, 1, 5))
        assert expire(s, today=date(2028, 1, 4)) == []
        removed = expire(s, today=date(2028, 1, 5))
        assert [e.id for e in removed] == [entry.id]
        assert entry.state == "removed" and entry.removal_reason == "expired"
        assert transitions_of(s, entry.id)[-1].actor.startswith("系统")
        assert expire(s, today=date(2028, 2, 1)) == []


def test_early_removal_follows_the_kind_rule(engine):
    with unit_of_work(engine) as s:
        add_subject(s, ACME, "示范市华盛食品有限公司")
        entry = propose(s, proposal(), OFFICER, today=NOTICE_DAY)
        notify(s, entry.id, OFFICER, "告知", today=NOTICE_DAY)
        decide(s, entry.id, OFFICER, "listed", "列入", today=date(2026, 10, 20))
        with pytest.raises(RuleViolation) as exc:
            remove(s, entry.id, OFFICER, "已整改", today=date(2027, 3, 1))
        assert "2027-10-20" in exc.value.message
        with pytest.raises(Invalid):
            remove(s, entry.id, OFFICER, "  ", today=date(2027, 11, 1))
        remove(s, entry.id, OFFICER, "已整改并经审核", today=date(2027, 11, 1))
        assert entry.state == "removed" and entry.removal_reason == "early"


def test_a_list_kind_without_legal_basis_does_not_load(tmp_path):
    bad = tmp_path / "kinds.yaml"
    bad.write_text("- {id: x, name: 测试, direction: punishment, source: internal,\n"
                   "   notice_required: true, statement_working_days: 5, period_years: 1,\n"
                   "   early_removal: {allowed: false, rule: 不允许},\n"
                   "   removal_conditions: 期满, remedies: 复议,\n"
                   "   publication: {public: false, basis: 不公示}, legal_bases: []}\n",
                   encoding="utf-8")
    from xinyong.core.errors import ConfigError

    with pytest.raises(ConfigError) as exc:
        load_list_kinds(bad)
    assert "legal_bases" in exc.value.message and "'x'" in exc.value.message
