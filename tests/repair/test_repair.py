"""Credit repair (信用修复) through the service, on SQLite and PostgreSQL: each rule that blocks
an application, Order 58 and Order 36 records each under its own rules, what an approval
changes everywhere, a broken commitment, and the repair notices issued on ingest."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import COMPANY, COMPANY_2, OTHER_PROVIDER, PROVIDER, licence, penalty
from tests.ingest.helpers import push
from tests.lists.helpers import CASE_OFFICER
from xinyong import commitments
from xinyong.accounts import Actor, Role
from xinyong.accounts.access import read_own_file, read_shared
from xinyong.accounts.policy import DeclaredPurpose, Purpose
from xinyong.audit import AuditEntry
from xinyong.catalog import default_catalog
from xinyong.core import clock
from xinyong.core.attachments import Upload
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolation
from xinyong.core.workdays import load_calendar
from xinyong.exchange import ExchangeEvent, export_pending
from xinyong.grading import GradeReevaluation
from xinyong.ingest import Record
from xinyong.publication.reads import (
    counts_by_type,
    get_public_record,
    list_column,
    list_public_records,
)
from xinyong.publication.tables import PublicationJudgement
from xinyong.repair.notices import latest_notice, notice_pdf
from xinyong.repair.service import (
    Application,
    accept,
    apply,
    approve,
    break_commitment,
    eligibility,
    mark_synced,
    overdue,
    refuse,
    reject,
    steps_of,
)
from xinyong.repair.tables import RepairApplication, RepairNotice
from xinyong.screening.check import CheckRequest, run_check
from xinyong.subjects.tables import Subject

DOC1, DOC2 = "示市监处罚〔2026〕1号", "示市监处罚〔2026〕2号"
# 罚款 decided 2026-06-01: Order 36, 一般, minimum 3 months (to 08-31), maximum 1 year.
DECIDED_36, RECEIVED = "2026-06-01", date(2026, 6, 3)
FIRST_DAY_36 = date(2026, 9, 1)
SUBJECT = Actor(role=Role.SUBJECT, name="华盛食品", subject_uscc=COMPANY)
SUBJECT_2 = Actor(role=Role.SUBJECT, name="远航物流", subject_uscc=COMPANY_2)
OFFICER = Actor(role=Role.DATA_OFFICER, name="市场监管数据员", department_uscc=PROVIDER,
                department_class="enforcement", department_name="示范市市场监督管理局")
STRANGER = Actor(role=Role.DATA_OFFICER, name="税务数据员", department_uscc=OTHER_PROVIDER,
                 department_class="enforcement", department_name="示范市税务局")
PROOF = Upload("罚款缴纳凭证.pdf", b"%PDF-1.4\n%%EOF\n")
ORDER_58, ORDER_36 = "国家发展改革委令第58号", "国家发展改革委令第36号"


def _push(engine, settings, *rows, received_on=RECEIVED, record_type="penalty"):
    _summary, problems = push(engine, settings, record_type, list(rows),
                              received_on=received_on)
    assert not problems, problems


def _rid(s: Session, document_number: str = DOC1) -> int:
    rid = s.scalar(select(Record.id).where(Record.natural_key == document_number))
    assert rid is not None
    return rid


def _apply(s: Session, rid: int, *, today: date, actor: Actor = SUBJECT,
           commitment: bool = True, uploads: tuple[Upload, ...] = (PROOF,)
           ) -> RepairApplication:
    return apply(s, actor, Application(rid, "已于2026年6月10日缴清全部罚款并完成整改", commitment,
                                       uploads), calendar=load_calendar(s), today=today)


def _accept(s: Session, app_id: int, *, today: date, actor: Actor = OFFICER
            ) -> RepairApplication:
    return accept(s, app_id, actor, calendar=load_calendar(s), today=today)


def _approve(s: Session, app_id: int, *, today: date, actor: Actor = OFFICER
             ) -> RepairApplication:
    return approve(s, app_id, actor, "已履行处罚决定,准予修复", calendar=load_calendar(s),
                   today=today)


def _company(s: Session, uscc: str = COMPANY) -> Subject:
    subject = s.scalar(select(Subject).where(Subject.uscc == uscc))
    assert subject is not None
    return subject


def _public_ids(s: Session, day: date, uscc: str = COMPANY) -> list[int]:
    return [r.id for r in list_public_records(s, _company(s, uscc), day)]


def _blocked(exc_type, code: str, fn, *args, **kwargs) -> str:
    with pytest.raises(exc_type) as exc:
        fn(*args, **kwargs)
    assert exc.value.code == code, exc.value.message
    return exc.value.message


# -- what blocks an application -----------------------------------------------------------

def test_before_the_minimum_period_names_the_first_day(engine, settings):
    _push(engine, settings, penalty(decision_date=DECIDED_36))
    with unit_of_work(engine) as s:
        rid = _rid(s)
        msg = _blocked(RuleViolation, "repair_before_minimum", _apply, s, rid,
                       today=FIRST_DAY_36 - timedelta(days=1))
        assert "2026-09-01" in msg and ORDER_36 in msg and "一般" in msg
        assert s.scalar(select(func.count()).select_from(RepairApplication)) == 0
        assert eligibility(s, rid, FIRST_DAY_36).repairable_from == FIRST_DAY_36
        app = _apply(s, rid, today=FIRST_DAY_36)
        assert (app.state, app.rule_set_id, app.severity) == ("forwarded", "ndrc_order_36_v1",
                                                              "一般")


def test_never_early_kind_cannot_be_repaired(engine, settings):
    _push(engine, settings, penalty(decision_date=DECIDED_36,
                                    penalty_categories="罚款;吊销许可证件",
                                    licence_revoked="食品经营许可证 JY001"))
    with unit_of_work(engine) as s:
        msg = _blocked(RuleViolation, "repair_never_early", _apply, s, _rid(s),
                       today=date(2026, 9, 29))
        assert "第十四条" in msg and "2029-05-31" in msg  # 严重: published its 3 years


def test_pending_then_refused_blocks_a_repeat_for_a_year(engine, settings):
    # An Order-58 record (maximum 3 years) so that the year's block ends inside its period.
    _push(engine, settings, penalty(decision_date="2026-03-02"))
    with unit_of_work(engine) as s:
        rid = _rid(s)
        app = _apply(s, rid, today=date(2026, 9, 1))
        msg = _blocked(Conflict, "repair_pending", _apply, s, rid, today=date(2026, 9, 2))
        assert str(app.id) in msg
        _blocked(Forbidden, "repair_not_provider", refuse, s, app.id, STRANGER, "材料不齐",
                 "materials_incomplete", today=date(2026, 9, 2))
        _blocked(Invalid, "refusal_code_invalid", refuse, s, app.id, OFFICER, "材料不齐",
                 "whatever", today=date(2026, 9, 2))
        _blocked(Invalid, "text_required", refuse, s, app.id, OFFICER, " ",
                 "materials_incomplete", today=date(2026, 9, 2))
        assert (app.state, app.accepted_on) == ("forwarded", None)  # refusals changed nothing
        refuse(s, app.id, OFFICER, "未提交罚款缴纳凭证原件", "materials_incomplete",
               today=date(2026, 9, 2))
        assert (app.state, app.refusal_code) == ("refused", "materials_incomplete")
        _blocked(Conflict, "repair_state", _accept, s, app.id, today=date(2026, 9, 3))
        msg = _blocked(RuleViolation, "repair_repeat_within_window", _apply, s, rid,
                       today=date(2026, 9, 3))
        assert "2026-09-02" in msg and "2027-09-02" in msg
        _blocked(RuleViolation, "repair_repeat_within_window", eligibility, s, rid,
                 date(2027, 9, 1))
        assert eligibility(s, rid, date(2027, 9, 2)).record.id == rid


def test_false_materials_block_every_record_of_the_subject(engine, settings):
    _push(engine, settings, penalty(decision_date=DECIDED_36),
          penalty(document_number=DOC2, decision_date=DECIDED_36),
          penalty(document_number="示市监处罚〔2026〕3号", decision_date=DECIDED_36,
                  subject_uscc=COMPANY_2, subject_name="示范市远航物流有限公司"))
    with unit_of_work(engine) as s:
        app = _apply(s, _rid(s), today=date(2026, 9, 29))
        _accept(s, app.id, today=date(2026, 9, 30))
        reject(s, app.id, OFFICER, "所附缴款凭证经核实系伪造", "false_materials",
               today=date(2026, 10, 8))
        assert (app.state, app.decided_on) == ("rejected", date(2026, 10, 8))
        msg = _blocked(RuleViolation, "repair_false_materials", _apply, s, _rid(s, DOC2),
                       today=date(2026, 10, 9))
        assert "2026-10-08" in msg and "36个月" in msg
        # Another subject is not concerned.
        other = _apply(s, _rid(s, "示市监处罚〔2026〕3号"), actor=SUBJECT_2,
                       today=date(2026, 10, 9))
        assert other.state == "forwarded"


def test_period_over_and_the_applicants_own_duties(engine, settings):
    # 警告 only: 轻微 under Order 36, published at most 3 months (to 08-31).
    _push(engine, settings, penalty(decision_date=DECIDED_36, penalty_categories="警告",
                                    penalty_content="警告", fine_amount=None),
          penalty(document_number=DOC2, decision_date=DECIDED_36),
          penalty(document_number="示市监处罚〔2026〕3号", decision_date=DECIDED_36,
                  subject_uscc=COMPANY_2, subject_name="示范市远航物流有限公司"))
    with unit_of_work(engine) as s:
        msg = _blocked(RuleViolation, "repair_period_over", _apply, s, _rid(s),
                       today=date(2026, 9, 1))
        assert "2026-08-31" in msg
        rid = _rid(s, DOC2)
        _blocked(Invalid, "commitment_required", _apply, s, rid, today=date(2026, 9, 29),
                 commitment=False)
        _blocked(Invalid, "attachment_required", _apply, s, rid, today=date(2026, 9, 29),
                 uploads=())
        _blocked(Invalid, "attachment_type", _apply, s, rid, today=date(2026, 9, 29),
                 uploads=(Upload("凭证.pdf", b"PK\x03\x04 a zip"),))
        _blocked(Forbidden, "repair_not_own", _apply, s, _rid(s, "示市监处罚〔2026〕3号"),
                 today=date(2026, 9, 29))
        _blocked(Forbidden, "forbidden", _apply, s, rid, actor=OFFICER, today=date(2026, 9, 29))
        assert s.scalar(select(func.count()).select_from(RepairApplication)) == 0


# -- Order 58 and Order 36 ----------------------------------------------------------------

def test_order_58_and_order_36_records_each_by_their_own_rules(engine, settings):
    _push(engine, settings,
          penalty(document_number="A", decision_date="2026-03-02"),  # Order 58, general
          penalty(document_number="B", decision_date="2026-03-02",  # Order 58, safety: 1 year
                  violation_type="未按规定对从业人员进行安全生产教育和培训",
                  penalty_basis="《中华人民共和国安全生产法》第九十七条"),
          penalty(document_number="C", decision_date=DECIDED_36),  # Order 36, 一般
          penalty(document_number="D", decision_date="2026-09-20", penalty_categories="警告",
                  penalty_content="警告", fine_amount=None),  # Order 36, 轻微: no minimum
          received_on=date(2026, 9, 22))
    day = date(2026, 9, 29)
    with unit_of_work(engine) as s:
        a, b, c, d = (_rid(s, n) for n in "ABCD")
        assert eligibility(s, a, day).repairable_from == date(2026, 6, 2)
        assert eligibility(s, c, day).repairable_from == FIRST_DAY_36
        el = eligibility(s, d, date(2026, 9, 20))  # the decision day itself
        assert (el.repairable_from, el.judgement.severity) == (date(2026, 9, 20), "轻微")
        msg = _blocked(RuleViolation, "repair_before_minimum", eligibility, s, b, day)
        assert "2027-03-02" in msg and ORDER_58 in msg
        msg = _blocked(RuleViolation, "repair_before_minimum", eligibility, s, c,
                       date(2026, 8, 31))
        assert "2026-09-01" in msg and ORDER_36 in msg

        apps = {n: _apply(s, rid, today=day) for n, rid in (("A", a), ("C", c), ("D", d))}
        assert {n: (x.rule_set_id, x.forward_due, x.accept_due) for n, x in apps.items()} == {
            # accept within 2 working days (Order 58) or 3 (Order 36) of forwarding on 09-29:
            # 09-30, then the holiday, 10-08 (and 10-09).
            "A": ("ndrc_order_58_v1", date(2026, 9, 30), date(2026, 10, 8)),
            "C": ("ndrc_order_36_v1", date(2026, 9, 30), date(2026, 10, 9)),
            "D": ("ndrc_order_36_v1", date(2026, 9, 30), date(2026, 10, 9))}
        assert ORDER_58 in apps["A"].commitment_text and "A" in apps["A"].commitment_text
        assert "国办发〔2025〕22号" in apps["C"].commitment_text
        # Decide within 5 working days of acceptance: 10-09, Saturday 10-10, 10-12, 13, 14.
        assert _accept(s, apps["A"].id, today=date(2026, 10, 8)).decide_due == \
            date(2026, 10, 14)


def test_overdue_steps_are_listed(engine, settings):
    _push(engine, settings, penalty(decision_date=DECIDED_36),
          penalty(document_number=DOC2, decision_date=DECIDED_36))
    with unit_of_work(engine) as s:
        waiting = _apply(s, _rid(s), today=date(2026, 9, 29))  # accept due 10-09
        done = _apply(s, _rid(s, DOC2), today=date(2026, 9, 29))
        _accept(s, done.id, today=date(2026, 9, 30))
        _approve(s, done.id, today=date(2026, 10, 8))  # sync due 10-12
        assert overdue(s, today=date(2026, 10, 9)) == []
        assert [(o.application.id, o.step, o.due) for o in overdue(s, today=date(2026, 10, 13))] \
            == [(waiting.id, "accept", date(2026, 10, 9)), (done.id, "sync", date(2026, 10, 12))]
        # A page asks only about the applications it shows.
        assert [o.application.id for o in overdue(s, today=date(2026, 10, 13), ids=[done.id])] \
            == [done.id]


# -- approval -----------------------------------------------------------------------------

def test_approval_stops_publication_sharing_and_use_at_once(engine, settings, tmp_path):
    # Shared reads and the own file look at the real today: the approval is dated today.
    today = clock.today()
    decided = today - timedelta(days=120)  # past its 3-month minimum under either order
    # A fine of 200万元 or more: a major violation record in procurement (three years).
    _push(engine, settings, penalty(decision_date=decided.isoformat(),
                                    penalty_valid_until=(decided + timedelta(days=365))
                                    .isoformat(), fine_amount="250",
                                    penalty_content="警告,并处罚款人民币二百五十万元"),
          received_on=decided + timedelta(days=2))
    catalog = default_catalog()
    purpose = DeclaredPurpose(Purpose.PROCUREMENT)
    with unit_of_work(engine) as s:
        rid = _rid(s)
        assert _public_ids(s, today) == [rid]
        assert [r.id for r in read_shared(s, catalog, CASE_OFFICER, COMPANY, purpose).records] \
            == [rid]
        check = run_check(s, CheckRequest("procurement", uscc=COMPANY), CASE_OFFICER,
                          today=today)
        assert [m["measure_id"] for m in check["measures"]] == ["procurement_major_violation"]
        app = _apply(s, rid, today=today)
        _blocked(Forbidden, "repair_not_provider", _accept, s, app.id, today=today,
                 actor=STRANGER)
        _blocked(Conflict, "repair_state", _approve, s, app.id, today=today)
        _accept(s, app.id, today=today)
        _blocked(Invalid, "text_required", approve, s, app.id, OFFICER, "",
                 calendar=load_calendar(s), today=today)
        assert app.state == "accepted" and _public_ids(s, today) == [rid]
        _approve(s, app.id, today=today)
        assert (app.state, app.commitment_state, app.decided_on) == ("approved", "in_force",
                                                                     today)

        # Public listings: gone the same day; the day before still shows it (as_of).
        assert _public_ids(s, today) == []
        assert _public_ids(s, today - timedelta(days=1)) == [rid]
        with pytest.raises(NotFound):
            get_public_record(s, rid, today)
        # Sharing stops; the subject still sees it in its own file, marked repaired.
        assert read_shared(s, catalog, CASE_OFFICER, COMPANY, purpose).records == []
        own = read_own_file(s, catalog, SUBJECT)
        assert [(r.id, r.repaired) for r in own.records] == [(rid, True)]
        # Use stops: the check no longer triggers anything on it.
        after = run_check(s, CheckRequest("procurement", uscc=COMPANY), CASE_OFFICER,
                          today=today)
        assert after["measures"] == [] and after["hits"][0]["records"] == []
        # Grade re-evaluation and the exchange event are queued with the approval.
        subject_id = _company(s).id
        assert [(g.subject_id, g.reason, g.ref_kind, g.ref_id) for g in s.scalars(
            select(GradeReevaluation))] == [(subject_id, "repair_approved", "repair", app.id)]
        [event] = s.scalars(select(ExchangeEvent)).all()
        assert (event.kind, event.record_id, event.sent_at) == ("repair.approved", rid, None)
        assert event.payload["document_number"] == DOC1
        assert event.payload["repaired_on"] == today.isoformat()
        # Nothing left to repair.
        _blocked(Conflict, "repair_already_done", _apply, s, rid, today=today)

        path, n = export_pending(s, tmp_path / "out", on_sent=mark_synced)
        assert n == 1 and path is not None and path.suffix == ".jsonl"
        [line] = path.read_text(encoding="utf-8").splitlines()
        sent = json.loads(line)
        assert (sent["kind"], sent["payload"]["application_id"]) == ("repair.approved", app.id)
        assert "信用中国" in sent["targets"]
        s.refresh(app)
        assert (app.state, app.synced_on) == ("synced", clock.today())
        assert [x.action for x in steps_of(s, app.id)] == ["submit", "forward", "accept",
                                                            "approve", "sync"]
        assert export_pending(s, tmp_path / "out", on_sent=mark_synced) == (None, 0)
        assert list(s.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("repair.%")).order_by(AuditEntry.seq))) == [
            "repair.apply", "repair.accept", "repair.approve"]


def test_broken_commitment_publishes_the_record_again_to_its_maximum(engine, settings):
    _push(engine, settings, penalty(decision_date=DECIDED_36))
    with unit_of_work(engine) as s:
        rid = _rid(s)
        app = _apply(s, rid, today=date(2026, 9, 29))
        _accept(s, app.id, today=date(2026, 9, 30))
        _approve(s, app.id, today=date(2026, 10, 8))
        assert _public_ids(s, date(2026, 10, 8)) == []
        _blocked(Forbidden, "repair_not_provider", break_commitment, s, app.id, STRANGER,
                 "再次违法", today=date(2026, 10, 15))
        _blocked(Invalid, "text_required", break_commitment, s, app.id, OFFICER, "",
                 today=date(2026, 10, 15))
        break_commitment(s, app.id, OFFICER, "修复后再次销售标签不合格食品,违反修复承诺",
                         today=date(2026, 10, 15))
        assert (app.commitment_state, app.commitment_broken_on) == ("broken",
                                                                    date(2026, 10, 15))
        j = s.get(PublicationJudgement, rid)
        assert (j.window_end, j.ended_by) == (date(2027, 5, 31), "max_period")
        assert j.window_end == j.max_end
        assert _public_ids(s, date(2026, 10, 15)) == [rid]
        assert _public_ids(s, date(2027, 5, 31)) == [rid]
        assert _public_ids(s, date(2027, 6, 1)) == []
        # History stays as it was (as_of, for disputes): public up to the day before the
        # repair, off the site from the repair to the day before the voiding, then again;
        # the same on every public read (credit file, one record, the column, the counts).
        for day, shown in ((date(2026, 10, 7), True), (date(2026, 10, 8), False),
                           (date(2026, 10, 14), False), (date(2026, 10, 15), True)):
            assert _public_ids(s, day) == ([rid] if shown else []), day
            column = list_column(s, "penalty", day)
            assert [r.id for r in column.items] == ([rid] if shown else []), day
            assert counts_by_type(s, day)["penalty"] == int(shown), day
            if shown:
                assert get_public_record(s, rid, day)[0].id == rid
            else:
                with pytest.raises(NotFound):
                    get_public_record(s, rid, day)
        assert [e.kind for e in s.scalars(select(ExchangeEvent).order_by(ExchangeEvent.id))] \
            == ["repair.approved", "repair.voided"]
        assert [g.reason for g in s.scalars(select(GradeReevaluation)
                                            .order_by(GradeReevaluation.id))] == [
            "repair_approved", "repair_voided"]
        # The repair commitment is a 信用修复型 commitment, now broken with its consequence.
        c = commitments.linked(s, ("repair", app.id))
        assert c is not None and (c.kind, c.state, c.fulfilment, c.consequence) == (
            "repair", "broken", "not_kept", "restore_penalty_maximum")
        assert c.determined_on == date(2026, 10, 15) and c.disclosure == "scoped"
        _blocked(Conflict, "commitment_state", break_commitment, s, app.id, OFFICER, "再次",
                 today=date(2026, 10, 16))


# -- notices ------------------------------------------------------------------------------

def _pdf_text(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages))


def test_ingest_issues_one_notice_per_penalty_version(engine, settings):
    _push(engine, settings, penalty(decision_date=DECIDED_36),
          penalty(document_number=DOC2, decision_date=DECIDED_36))
    _push(engine, settings, licence(decision_date=DECIDED_36, valid_from=DECIDED_36),
          record_type="licence")
    with unit_of_work(engine) as s:
        notices = s.scalars(select(RepairNotice).order_by(RepairNotice.record_id)).all()
        assert [(n.record_id, n.record_version) for n in notices] == [(_rid(s), 1),
                                                                     (_rid(s, DOC2), 1)]
        j = s.get(PublicationJudgement, _rid(s))
        n = notices[0]
        assert (n.issued_on, n.rule_set_id, n.severity, n.min_end, n.max_end) == (
            RECEIVED, "ndrc_order_36_v1", "一般", j.min_end, j.max_end)
        notice, pdf = notice_pdf(s, _rid(s), platform_name="信用示范市",
                                 base_url="http://127.0.0.1:8000/")
        assert notice.id == n.id and pdf.startswith(b"%PDF-")
        text = _pdf_text(pdf)
        assert DOC1 in text and "示范市华盛食品有限公司" in text
        assert "自2026年9月1日起可申请信用修复" in text
        licence_id = s.scalar(select(Record.id).where(Record.record_type == "licence"))
        with pytest.raises(NotFound):
            notice_pdf(s, licence_id, platform_name="信用示范市", base_url="http://x")
    # The same row again: no second notice. A changed row: a notice for the new version.
    _push(engine, settings, penalty(decision_date=DECIDED_36), received_on=date(2026, 6, 10))
    with unit_of_work(engine) as s:
        assert s.scalar(select(func.count()).select_from(RepairNotice)) == 2
    _push(engine, settings, penalty(decision_date=DECIDED_36, severity="严重"),
          received_on=date(2026, 6, 12))
    with unit_of_work(engine) as s:
        rid = _rid(s)
        assert [(n.record_version, n.issued_on, n.severity) for n in s.scalars(
            select(RepairNotice).where(RepairNotice.record_id == rid)
            .order_by(RepairNotice.record_version))] == [
            (1, RECEIVED, "一般"), (2, date(2026, 6, 12), "严重")]
        latest = latest_notice(s, rid)
        assert latest is not None and latest.record_version == 2
        _notice, pdf = notice_pdf(s, rid, platform_name="信用示范市", base_url="http://x")
        assert "自2027年6月1日起可申请信用修复" in _pdf_text(pdf)


def test_approval_rechecks_the_rules_after_a_reclassification(engine, settings):
    # The department reclassifies the penalty as 严重 after the application was accepted:
    # the minimum period is now a year, so the repair cannot be approved yet.
    _push(engine, settings, penalty(decision_date=DECIDED_36))
    with unit_of_work(engine) as s:
        app = _apply(s, _rid(s), today=date(2026, 9, 29))
        _accept(s, app.id, today=date(2026, 9, 30))
        app_id = app.id
    _push(engine, settings, penalty(decision_date=DECIDED_36, severity="严重"),
          received_on=date(2026, 10, 8))
    with unit_of_work(engine) as s:
        msg = _blocked(RuleViolation, "repair_before_minimum", _approve, s, app_id,
                       today=date(2026, 10, 9))
        assert "2027-06-01" in msg
        assert s.get(RepairApplication, app_id).state == "accepted"
        assert _public_ids(s, date(2026, 10, 9)) == [_rid(s)]
        reject(s, app_id, OFFICER, "处罚已重新认定为严重失信,最短公示期未满", "not_eligible",
               today=date(2026, 10, 9))
