"""Objections (异议) through the service, on SQLite and PostgreSQL: who may object, the clocks
in the official calendar, the mark on public pages, suspended measures, the provider's
decision and what it changes, overdue objections and the effective-objection ratio."""

from __future__ import annotations

import json
from datetime import date

import chinese_calendar
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import (
    COMPANY,
    COMPANY_2,
    OTHER_PROVIDER,
    PERSON_ID,
    PROVIDER,
    penalty,
    person_penalty,
)
from tests.ingest.helpers import push
from tests.lists.helpers import CASE_OFFICER
from xinyong.accounts import Actor, Role
from xinyong.audit import AuditEntry
from xinyong.core import attachments
from xinyong.core.attachments import Attachment, Upload
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolation
from xinyong.core.workdays import load_calendar
from xinyong.ingest import Record
from xinyong.ingest.tables import RecordVersion
from xinyong.measures import FeedbackItem, record_feedback
from xinyong.objections.clocks import load_clocks
from xinyong.objections.service import (
    Decision,
    Filing,
    decide,
    effective_ratio,
    file_objection,
    open_for_records,
    overdue,
    steps_of,
)
from xinyong.objections.tables import Objection
from xinyong.publication.reads import credit_file, get_public_record, list_public_records
from xinyong.screening.check import CheckRequest, run_check
from xinyong.subjects.tables import Subject

DOC1, DOC2 = "示市监处罚〔2026〕1号", "示市监处罚〔2026〕2号"
DECIDED, RECEIVED = "2026-09-01", date(2026, 9, 3)
FILED = date(2026, 9, 29)  # Tuesday before the National Day holiday (10-01..10-07)
SUBJECT = Actor(role=Role.SUBJECT, name="华盛食品", subject_uscc=COMPANY)
OFFICER = Actor(role=Role.DATA_OFFICER, name="市场监管数据员", department_uscc=PROVIDER,
                department_class="enforcement", department_name="示范市市场监督管理局")
STRANGER = Actor(role=Role.DATA_OFFICER, name="税务数据员", department_uscc=OTHER_PROVIDER,
                 department_class="enforcement", department_name="示范市税务局")
ADMIN = Actor(role=Role.ADMIN, name="信用办")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
BIG_FINE = {"fine_amount": "250", "penalty_content": "警告,并处罚款人民币二百五十万元"}
MAJOR = "procurement_major_violation"


def _push(engine, settings, *rows, received_on=RECEIVED, provider=PROVIDER):
    summary, problems = push(engine, settings, "penalty", list(rows), received_on=received_on,
                             provider=provider)
    assert not problems, problems


def _rid(s: Session, document_number: str = DOC1) -> int:
    rid = s.scalar(select(Record.id).where(Record.natural_key == document_number))
    assert rid is not None
    return rid


def _file(s: Session, settings, rid: int, *, today: date = FILED, actor: Actor = SUBJECT,
          reasons: str = "罚款金额记录有误,实际为1000元", **kw) -> Objection:
    return file_objection(s, actor, Filing("record", rid, reasons, **kw), clocks=load_clocks(),
                          calendar=load_calendar(s), secret=settings.secret_key, today=today)


def _decide(s: Session, settings, oid: int, decision: Decision, *, today: date,
            actor: Actor = OFFICER) -> Objection:
    return decide(s, oid, actor, decision, calendar=load_calendar(s),
                  secret=settings.secret_key, today=today)


def _company(s: Session, uscc: str = COMPANY) -> Subject:
    subject = s.scalar(select(Subject).where(Subject.uscc == uscc))
    assert subject is not None
    return subject


# -- clocks -------------------------------------------------------------------------------

def test_clocks_skip_the_holiday_and_count_make_up_workdays(engine, settings):
    # The official 2026 arrangement as the calendar package has it: National Day 10-01..10-07
    # off; Sunday 09-20 and Saturday 10-10 are make-up working days.
    assert not any(chinese_calendar.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert chinese_calendar.is_workday(date(2026, 9, 20))
    assert chinese_calendar.is_workday(date(2026, 10, 10))
    _push(engine, settings, penalty(decision_date=DECIDED),
          penalty(document_number=DOC2, decision_date=DECIDED))
    with unit_of_work(engine) as s:
        o = _file(s, settings, _rid(s))
        # Marked and routed at once (the record names its provider).
        assert (o.state, o.marked_on, o.routed_on) == ("routed", FILED, FILED)
        assert (o.provider_uscc, o.provider_name) == (PROVIDER, "示范市市场监督管理局")
        # mark: 1 working day; route: 2 (09-30, then 10-08 after the holiday); decide: 5 from
        # routing (09-30, 10-08, 10-09, Saturday 10-10 worked, 10-12).
        assert (o.mark_due, o.route_due, o.decide_due) == (
            date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 12))
        # Filed on Friday 09-18: the next working day is the make-up Sunday 09-20.
        o2 = _file(s, settings, _rid(s, DOC2), today=date(2026, 9, 18))
        assert (o2.mark_due, o2.route_due, o2.decide_due) == (
            date(2026, 9, 20), date(2026, 9, 21), date(2026, 9, 24))


# -- filing -------------------------------------------------------------------------------

def test_only_the_subject_or_the_named_person_may_object(engine, settings):
    _push(engine, settings, penalty(decision_date=DECIDED),
          penalty(subject_uscc=COMPANY_2, subject_name="示范市远航物流有限公司",
                  document_number=DOC2, decision_date=DECIDED),
          person_penalty(decision_date=DECIDED))
    with unit_of_work(engine) as s:
        other = _rid(s, DOC2)
        with pytest.raises(Forbidden) as exc:
            _file(s, settings, other)
        assert exc.value.code == "objection_not_own"
        person_rid = _rid(s, "示市监处罚〔2026〕9号")
        public = Actor(role=Role.PUBLIC, name="public")
        with pytest.raises(Forbidden) as exc:
            _file(s, settings, person_rid, actor=public)
        assert exc.value.code == "objection_identity_required"
        with pytest.raises(Forbidden) as exc:
            _file(s, settings, person_rid, actor=public, person_id_number="110105194912310037",
                  person_name="张三")
        assert exc.value.code == "objection_identity_failed"
        # Nor may someone prove a person's identity against a company's record.
        with pytest.raises(Forbidden) as exc:
            _file(s, settings, _rid(s), actor=public, person_id_number=PERSON_ID)
        assert exc.value.code == "objection_identity_failed"
        assert s.scalar(select(func.count()).select_from(Objection)) == 0
        # The right number, typed in lower case: the keyed hash matches; nothing of it is kept.
        o = _file(s, settings, person_rid, actor=public,
                  person_id_number=PERSON_ID.lower(), person_name="张三")
        assert (o.applicant_kind, o.applicant_name, o.state) == ("named_person", "张*", "routed")
        stored = json.dumps([str(getattr(o, c.key)) for c in Objection.__table__.columns])
        assert PERSON_ID not in stored and PERSON_ID.lower() not in stored


def test_one_open_objection_per_record_and_again_after_the_decision(engine, settings):
    _push(engine, settings, penalty(decision_date=DECIDED))
    with unit_of_work(engine) as s:
        first = _file(s, settings, _rid(s))
        with pytest.raises(Conflict) as exc:
            _file(s, settings, _rid(s), today=date(2026, 9, 30))
        assert exc.value.code == "objection_open_exists"
        assert str(first.id) in exc.value.message
        _decide(s, settings, first.id, Decision("kept", "经核查,处罚金额与决定书一致"),
                today=date(2026, 10, 9))
        again = _file(s, settings, _rid(s), today=date(2026, 10, 12))
        assert again.id != first.id and again.state == "routed"


def test_attachments_checked_by_content_and_size_nothing_stored_when_refused(engine, settings):
    _push(engine, settings, penalty(decision_date=DECIDED))
    with unit_of_work(engine) as s:
        rid = _rid(s)
        fake = Upload("缴款凭证.pdf", b"MZ\x90\x00\x03\x00\x00\x00 not a pdf")
        with pytest.raises(Invalid) as exc:
            _file(s, settings, rid, uploads=(Upload("说明.pdf", PDF), fake))
        assert exc.value.code == "attachment_type"
        assert "缴款凭证.pdf" in exc.value.message and "PDF" in exc.value.message
        assert [(p.row, p.field, p.rule) for p in exc.value.errors] == [
            (2, "缴款凭证.pdf", "attachment_type")]
        big = Upload("扫描件.pdf", PDF + b"0" * (5 * 1024 * 1024))
        with pytest.raises(Invalid) as exc:
            _file(s, settings, rid, uploads=(big,))
        assert exc.value.code == "attachment_too_large"
        assert "扫描件.pdf" in exc.value.message and "5 MB" in exc.value.message
        # Refused before anything was written: no objection, no file, no mark.
        assert s.scalar(select(func.count()).select_from(Objection)) == 0
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
        assert open_for_records(s, [rid], FILED) == {}
        o = _file(s, settings, rid, uploads=(Upload("C:\\材料\\说明.pdf", PDF),))
        stored = attachments.list_for(s, "objection", o.id)
        assert [(a.file_name, a.content_type, a.size) for a in stored] == [
            ("说明.pdf", "application/pdf", len(PDF))]


def test_reasons_are_required(engine, settings):
    _push(engine, settings, penalty(decision_date=DECIDED))
    with unit_of_work(engine) as s:
        with pytest.raises(Invalid) as exc:
            _file(s, settings, _rid(s), reasons="  ")
        assert exc.value.code == "reasons_required"


# -- while open ---------------------------------------------------------------------------

def test_open_objection_is_marked_publicly_and_suspends_the_measures(engine, settings):
    # A fine of 200万元 or more within three years is a major violation record in procurement.
    _push(engine, settings, penalty(decision_date=DECIDED, **BIG_FINE))
    day = date(2026, 9, 30)
    with unit_of_work(engine) as s:
        rid = _rid(s)
        before = run_check(s, CheckRequest("procurement", uscc=COMPANY), CASE_OFFICER, today=day)
        assert [(m["measure_id"], m["suspended"]) for m in before["measures"]] == [
            (MAJOR, False)]
        assert [r.under_objection for r in list_public_records(s, _company(s), day)] == [False]
        o = _file(s, settings, rid)
        assert [(r.id, r.under_objection) for r in list_public_records(s, _company(s), day)] \
            == [(rid, True)]
        assert [r.under_objection for sec in credit_file(s, COMPANY, day).sections
                for r in sec.items] == [True]
        assert get_public_record(s, rid, day)[0].under_objection is True
        # The day before the filing the page showed no mark (as_of).
        assert get_public_record(s, rid, date(2026, 9, 28))[0].under_objection is False

        result = run_check(s, CheckRequest("procurement", uscc=COMPANY), CASE_OFFICER, today=day)
        records = result["hits"][0]["records"]
        assert [(r["id"], r["under_objection"]) for r in records] == [(rid, True)]
        [measure] = result["measures"]
        assert (measure["measure_id"], measure["suspended"]) == (MAJOR, True)
        assert measure["suspended_because"]
        with pytest.raises(RuleViolation) as exc:
            record_feedback(s, result["id"], [FeedbackItem(MAJOR, "applied")],
                            CASE_OFFICER)
        assert exc.value.code == "measure_suspended"
        [fb] = record_feedback(s, result["id"], [FeedbackItem(MAJOR,
                                                              "not_applied")], CASE_OFFICER)
        assert fb.outcome == "not_applied" and "异议" in (fb.reason or "")

        # Decided (kept) on 10-09: from that day the measure is in force again.
        _decide(s, settings, o.id, Decision("kept", "经核查,信息无误"), today=date(2026, 10, 9))
        after = run_check(s, CheckRequest("procurement", uscc=COMPANY), CASE_OFFICER,
                          today=date(2026, 10, 9))
        assert [(m["measure_id"], m["suspended"]) for m in after["measures"]] == [
            (MAJOR, False)]
        record_feedback(s, after["id"], [FeedbackItem(MAJOR, "applied")],
                        CASE_OFFICER)


def test_one_undisputed_fact_keeps_the_measure_in_force(engine, settings):
    _push(engine, settings, penalty(decision_date=DECIDED, **BIG_FINE),
          penalty(document_number=DOC2, decision_date="2026-08-03", **BIG_FINE))
    day = date(2026, 9, 30)
    with unit_of_work(engine) as s:
        _file(s, settings, _rid(s))
        result = run_check(s, CheckRequest("procurement", uscc=COMPANY), CASE_OFFICER, today=day)
        flags = {r["document_number"]: r["under_objection"]
                 for r in result["hits"][0]["records"]}
        assert flags == {DOC1: True, DOC2: False}
        [measure] = result["measures"]
        assert (measure["measure_id"], measure["suspended"]) == (MAJOR, False)
        record_feedback(s, result["id"], [FeedbackItem(MAJOR, "applied")],
                        CASE_OFFICER)


# -- decisions ----------------------------------------------------------------------------

def test_only_the_providing_department_or_the_credit_office_decides(engine, settings):
    _push(engine, settings, penalty(decision_date=DECIDED))
    with unit_of_work(engine) as s:
        o = _file(s, settings, _rid(s))
        for actor, error in ((STRANGER, Forbidden), (SUBJECT, Forbidden),
                             (CASE_OFFICER, Forbidden)):
            with pytest.raises(error):
                _decide(s, settings, o.id, Decision("kept", "无误"), today=FILED, actor=actor)
        with pytest.raises(Forbidden) as exc:
            _decide(s, settings, o.id, Decision("kept", "无误"), today=FILED, actor=STRANGER)
        assert exc.value.code == "objection_not_provider"
        assert o.state == "routed"
        _decide(s, settings, o.id, Decision("kept", "经核查无误"), today=FILED, actor=ADMIN)
        assert (o.state, o.decided_by) == ("kept", "信用办")
        with pytest.raises(Conflict) as exc:
            _decide(s, settings, o.id, Decision("revoked", "撤销"), today=FILED)
        assert exc.value.code == "objection_closed"
        with pytest.raises(NotFound):
            _decide(s, settings, o.id + 100, Decision("kept", "x"), today=FILED)


def test_kept_needs_reasons_and_every_step_is_recorded_and_audited(engine, settings):
    _push(engine, settings, penalty(decision_date=DECIDED))
    decided = date(2026, 10, 9)
    with unit_of_work(engine) as s:
        rid = _rid(s)
        o = _file(s, settings, rid)
        with pytest.raises(Invalid) as exc:
            _decide(s, settings, o.id, Decision("kept", " \n "), today=decided)
        assert exc.value.code == "reasons_required"
        with pytest.raises(Invalid):
            _decide(s, settings, o.id, Decision("dismissed", "?"), today=decided)
        assert o.state == "routed"
        _decide(s, settings, o.id, Decision("kept", "经核查,处罚金额与决定书一致"),
                today=decided)
        assert (o.state, o.decided_on, o.outcome_reasons) == (
            "kept", decided, "经核查,处罚金额与决定书一致")
        steps = steps_of(s, o.id)
        assert [(x.action, x.from_state, x.to_state, x.on_day) for x in steps] == [
            ("file", None, "marked", FILED), ("route", "marked", "routed", FILED),
            ("decide", "routed", "kept", decided)]
        # Routing to the record's provider is the platform's own step, recorded as such.
        assert steps[0].actor == "华盛食品" and steps[1].actor == "系统"
        assert steps[2].actor == "市场监管数据员"
        assert steps[2].department == "示范市市场监督管理局"
        audit = [(a.action, json.loads(a.details)) for a in s.scalars(
            select(AuditEntry).where(AuditEntry.action.like("objection.%"))
            .order_by(AuditEntry.seq))]
        assert [a for a, _d in audit] == ["objection.file", "objection.route",
                                          "objection.decide"]
        assert all(d["objection_id"] == o.id for _a, d in audit)
        roles = [a.role for a in s.scalars(select(AuditEntry).where(
            AuditEntry.action.like("objection.%")).order_by(AuditEntry.seq))]
        assert roles == ["subject", "system", "data_officer"]
        assert audit[2][1]["outcome"] == "kept"
        # The mark is gone from the decision day; the record stays public (kept).
        assert open_for_records(s, [rid], decided) == {}
        assert open_for_records(s, [rid], date(2026, 10, 8))  # still open the day before
        assert [(r.id, r.under_objection) for r in list_public_records(
            s, _company(s), decided)] == [(rid, False)]


def test_corrected_writes_a_new_version_and_keeps_the_old_one(engine, settings):
    _push(engine, settings, penalty(decision_date=DECIDED))
    decided = date(2026, 10, 9)
    with unit_of_work(engine) as s:
        o = _file(s, settings, _rid(s))
        oid = o.id
    for changes, code in (({"document_number": "示市监处罚〔2026〕100号"},
                           "correction_key_changed"),
                          ({"penalty_content": "警告,并处罚款2000元"}, "correction_unchanged"),
                          ({"no_such_field": "x"}, "correction_field"),
                          ({}, "correction_empty")):
        with pytest.raises(Invalid) as exc, unit_of_work(engine) as s:
            _decide(s, settings, oid, Decision("corrected", "更正", changes), today=decided)
        assert exc.value.code == code
    with unit_of_work(engine) as s:
        rid = _rid(s)
        assert s.get(Record, rid).version == 1
        assert s.get(Objection, oid).state == "routed"
        o = _decide(s, settings, oid, Decision(
            "corrected", "罚款金额录入错误,已按决定书更正",
            {"penalty_content": "警告,并处罚款1000元", "fine_amount": "0.1"}), today=decided)
        assert (o.state, o.corrected_version) == ("corrected", 2)
        record = s.get(Record, rid)
        assert record.version == 2
        assert record.data["penalty_content"] == "警告,并处罚款1000元"
        assert record.data["document_number"] == DOC1
        [old] = s.scalars(select(RecordVersion).where(RecordVersion.record_id == rid)).all()
        assert old.version == 1 and old.data["penalty_content"] == "警告,并处罚款2000元"
        # The public page shows the corrected content, without the mark.
        shown, provenance = get_public_record(s, rid, decided)
        assert ("处罚内容", "警告,并处罚款1000元") in shown.fields
        assert shown.under_objection is False and provenance.record_version == 2


def test_revoked_record_leaves_publication_within_three_working_days(engine, settings):
    _push(engine, settings, penalty(decision_date=DECIDED))
    with unit_of_work(engine) as s:
        rid = _rid(s)
        o = _file(s, settings, rid, today=date(2026, 9, 28))
        with pytest.raises(Invalid) as exc:
            _decide(s, settings, o.id, Decision("revoked", "原处罚决定已撤销",
                                                revoked_on=date(2026, 9, 30)), today=FILED)
        assert exc.value.code == "revoked_on_future"
        _decide(s, settings, o.id, Decision("revoked", "原处罚决定已被复议撤销"), today=FILED)
        assert (o.state, o.revoked_on) == ("revoked", FILED)
    # Three working days after Tuesday 09-29: 09-30, 10-08, 10-09 (the holiday in between).
    with unit_of_work(engine) as s:
        last, gone = date(2026, 10, 9), date(2026, 10, 10)
        shown = get_public_record(s, rid, last)[0]
        assert shown.under_objection is False
        assert shown.window_end == last
        with pytest.raises(NotFound):
            get_public_record(s, rid, gone)
        assert list_public_records(s, _company(s), gone) == []


# -- the credit office's view -------------------------------------------------------------

def test_overdue_lists_late_objections_with_working_days_late(engine, settings):
    _push(engine, settings, penalty(decision_date=DECIDED),
          penalty(document_number=DOC2, decision_date=DECIDED))
    with unit_of_work(engine) as s:
        late = _file(s, settings, _rid(s))  # decide_due 10-12
        done = _file(s, settings, _rid(s, DOC2))
        _decide(s, settings, done.id, Decision("kept", "无误"), today=date(2026, 10, 8))
        cal = load_calendar(s)
        assert overdue(s, cal, today=date(2026, 10, 12)) == []  # due today: not late yet
        [row] = overdue(s, cal, today=date(2026, 10, 14))
        assert (row.objection.id, row.step, row.due, row.working_days_late) == (
            late.id, "decide", date(2026, 10, 12), 2)
        # A page asks only about the objections it shows.
        assert overdue(s, cal, today=date(2026, 10, 14), ids=[done.id]) == []
        assert [r.objection.id for r in overdue(s, cal, today=date(2026, 10, 14),
                                                ids=[late.id, done.id])] == [late.id]


def test_effective_ratio_counts_corrected_and_revoked_per_department(engine, settings):
    docs = [f"示市监处罚〔2026〕{n}号" for n in range(1, 5)]
    _push(engine, settings, *[penalty(document_number=d, decision_date=DECIDED) for d in docs])
    _push(engine, settings, penalty(document_number="示税罚〔2026〕1号", decision_date=DECIDED,
                                    authority_name="示范市税务局", authority_uscc=OTHER_PROVIDER,
                                    provider_name="示范市税务局", provider_uscc=OTHER_PROVIDER),
          provider=OTHER_PROVIDER)
    with unit_of_work(engine) as s:
        outcomes = (Decision("revoked", "已撤销"), Decision("kept", "无误"),
                    Decision("corrected", "已更正", {"fine_amount": "0.1"}))
        for d, decision in zip(docs, outcomes, strict=False):
            o = _file(s, settings, _rid(s, d))
            _decide(s, settings, o.id, decision, today=date(2026, 10, 8))
        _file(s, settings, _rid(s, docs[3]))  # still open: counted, not effective
        rows = {r.provider_uscc: r for r in effective_ratio(s)}
        smr, tax = rows[PROVIDER], rows[OTHER_PROVIDER]
        assert (smr.records, smr.objections, smr.effective) == (4, 4, 2)
        assert smr.per_100k == 50_000.0 and not smr.within_target
        assert (tax.records, tax.objections, tax.effective, tax.per_100k) == (1, 0, 0, 0.0)
        assert tax.within_target
        assert [r.effective for r in effective_ratio(s, since=date(2026, 10, 1))
                if r.provider_uscc == PROVIDER] == [0]
