"""No cliff at the new year: clocks started in late December 2026 complete in January 2027 on
the provisional calendar, marked provisional, and move when `xinyong calendar add` loads the
2027 arrangement (a test arrangement with a make-up Saturday on 2 January)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from tests.factories import COMPANY, PROVIDER, licence, penalty
from tests.ingest.helpers import push
from tests.lists.helpers import ACME, OFFICER, add_subject, proposal
from xinyong.accounts import Actor, Role
from xinyong.audit import AuditEntry
from xinyong.cli.main import app
from xinyong.core.attachments import Upload
from xinyong.core.db import unit_of_work
from xinyong.core.workdays import load_calendar
from xinyong.ingest import Batch, Record
from xinyong.lists import notify, propose
from xinyong.lists.tables import ListEntry
from xinyong.objections.clocks import load_clocks
from xinyong.objections.service import Filing, file_objection
from xinyong.objections.tables import Objection
from xinyong.publication.judging import end_publication
from xinyong.publication.tables import PublicationJudgement
from xinyong.recordstate import REVOKED
from xinyong.repair.service import Application, accept, apply
from xinyong.repair.tables import RepairApplication

runner = CliRunner()
TEST_2027 = Path(__file__).parents[1] / "core" / "data" / "2027-test-arrangement.yaml"
DEC_28 = date(2026, 12, 28)
PROVISIONAL_DUE, OFFICIAL_DUE = date(2027, 1, 5), date(2027, 1, 4)
SUBJECT = Actor(role=Role.SUBJECT, name="华盛食品", subject_uscc=COMPANY)
DATA_OFFICER = Actor(role=Role.DATA_OFFICER, name="市场监管数据员", department_uscc=PROVIDER,
                     department_class="enforcement", department_name="示范市市场监督管理局")


def _env(settings):
    return {"XINYONG_DATABASE_URL": settings.database_url,
            "XINYONG_VAR_DIR": str(settings.var_dir),
            "XINYONG_SECRET_KEY": settings.secret_key, "COLUMNS": "200"}


def _clocks_across_the_new_year(engine, settings) -> None:
    """Every kind of stored working-day date, each started in late December 2026."""
    # Timeliness: decided 24 December, 7 working days: provisional 5 January; received then.
    summary, problems = push(engine, settings, "penalty", [
        penalty(document_number="D-TIMELY", decision_date="2026-12-24",
                penalty_valid_until="2027-12-31")], received_on=PROVISIONAL_DUE)
    assert not problems and summary.late == 0
    push(engine, settings, "penalty", [
        penalty(document_number="D-REPAIR", decision_date="2026-06-01"),
        penalty(document_number="D-OBJECT", decision_date="2026-11-20")],
        received_on=date(2026, 11, 27))
    push(engine, settings, "licence", [licence(document_number="L-REVOKED")],
         received_on=date(2026, 11, 27))
    with unit_of_work(engine) as s:
        cal = load_calendar(s)
        rid = dict(s.execute(select(Record.natural_key, Record.id)).tuples().all())
        # Objection filed on 28 December: decided within 5 working days of routing.
        file_objection(s, SUBJECT, Filing("record", rid["D-OBJECT"], "罚款金额有误"),
                       clocks=load_clocks(), calendar=cal, secret=settings.secret_key,
                       today=DEC_28)
        # Repair accepted on 28 December: decided within 5 working days.
        a = apply(s, SUBJECT, Application(rid["D-REPAIR"], "已缴清罚款并完成整改", True,
                                          (Upload("凭证.pdf", b"%PDF-1.4\n%%EOF\n"),)),
                  calendar=cal, today=DEC_28)
        accept(s, a.id, DATA_OFFICER, calendar=cal, today=DEC_28)
        # List notice on 28 December: 5 working days to state a case.
        add_subject(s, ACME, "示范市华盛食品有限公司")
        entry = propose(s, proposal(), OFFICER, today=DEC_28)
        notify(s, entry.id, OFFICER, "告知拟列入", today=DEC_28)
        # Licence revoked on 30 December: off the site 3 working days later.
        end_publication(s, rid["L-REVOKED"], REVOKED, date(2026, 12, 30), created_by="测试")


def _dates(engine) -> dict[str, object]:
    with unit_of_work(engine) as s:
        timely = s.scalar(select(Record).where(Record.natural_key == "D-TIMELY"))
        revoked = s.scalar(select(Record.id).where(Record.natural_key == "L-REVOKED"))
        cal = load_calendar(s)
        out = {"deadline": timely.deadline, "late": timely.late,
               "batch_late": s.get(Batch, timely.first_batch_id).late,
               "objection": s.scalar(select(Objection.decide_due)),
               "repair": s.scalar(select(RepairApplication.decide_due)),
               "statement": s.scalar(select(ListEntry.statement_until)),
               "unpublished_after": s.get(PublicationJudgement, revoked).window_end}
        out["provisional"] = cal.is_provisional(timely.deadline)
    return out


def test_clocks_cross_into_a_provisional_2027_and_move_when_the_notice_is_added(
        engine, settings):
    _clocks_across_the_new_year(engine, settings)
    before = _dates(engine)
    assert before == {"deadline": PROVISIONAL_DUE, "late": False, "batch_late": 0,
                      "objection": PROVISIONAL_DUE, "repair": PROVISIONAL_DUE,
                      "statement": PROVISIONAL_DUE, "unpublished_after": PROVISIONAL_DUE,
                      "provisional": True}
    result = runner.invoke(app, ["calendar", "add", str(TEST_2027)], env=_env(settings))
    assert result.exit_code == 0, result.output
    assert "已按新安排重新计算" in result.output
    with unit_of_work(engine) as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "calendar.add"))
        details = json.loads(entry.details)
        assert details["year"] == 2027 and details["recomputed"]["records"] == 1
    after = _dates(engine)
    # 2 January 2027 is a make-up Saturday in the added arrangement: every clock is a day
    # shorter, and the record received on 5 January is now late.
    assert after == {"deadline": OFFICIAL_DUE, "late": True, "batch_late": 1,
                     "objection": OFFICIAL_DUE, "repair": OFFICIAL_DUE,
                     "statement": OFFICIAL_DUE, "unpublished_after": OFFICIAL_DUE,
                     "provisional": False}


def test_calendar_years_says_where_each_year_comes_from(engine, settings):
    years = runner.invoke(app, ["calendar", "years", "--json"], env=_env(settings))
    assert years.exit_code == 0, years.output
    by_year = {y["year"]: y["source"] for y in json.loads(years.stdout)["years"]}
    assert by_year[2004] == by_year[2026] == "package"
    runner.invoke(app, ["calendar", "add", str(TEST_2027)], env=_env(settings))
    human = runner.invoke(app, ["calendar", "years"], env=_env(settings))
    assert "官方通知（已添加）" in human.output and "随 chinesecalendar" in human.output
    by_year = {y["year"]: y["source"] for y in json.loads(runner.invoke(
        app, ["calendar", "years", "--json"], env=_env(settings)).stdout)["years"]}
    assert by_year[2027] == "official"
