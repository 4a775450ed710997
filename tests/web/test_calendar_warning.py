"""From 1 November, when next year has no State Council notice loaded, the platform warns:
`/-/health`, the credit office's case pages, and `xinyong serve` at start. Dates in a
provisional year are marked 暂定 on the case pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.factories import penalty
from tests.ingest.helpers import push
from tests.web.test_cases_pages import ADMIN, OFFICER, SUBJECT, web
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.core.workdays import add_year, load_calendar, load_year_file
from xinyong.ingest import Record
from xinyong.objections import service as objections
from xinyong.objections.clocks import load_clocks

TEST_2027 = Path(__file__).parents[1] / "core" / "data" / "2027-test-arrangement.yaml"


def _today(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    monkeypatch.setattr(clock, "today", lambda: day)


def test_health_reports_the_provisional_year_from_1_november(engine, settings, monkeypatch):
    _today(monkeypatch, date(2026, 10, 31))
    with web(settings) as c:
        before = c.get("/-/health").json()
    assert before["status"] == "ok"
    assert before["calendar"]["next_year"] == 2027 and before["calendar"]["provisional"]
    assert before["calendar"]["message"] is None
    _today(monkeypatch, date(2026, 11, 1))
    with web(settings) as c:
        cal = c.get("/-/health").json()["calendar"]
    assert cal["provisional"] and cal["provisional_years"] == [2027]
    assert "2027" in cal["message"] and "calendar add 2027.yaml" in cal["message"]
    with unit_of_work(engine) as s:
        add_year(s, load_year_file(TEST_2027))
    with web(settings) as c:
        cal = c.get("/-/health").json()["calendar"]
    assert (cal["provisional"], cal["message"]) == (False, None)


def _objection_filed_28_december(engine, settings) -> int:
    push(engine, settings, "penalty", [penalty(decision_date="2026-11-20")],
         received_on=date(2026, 11, 27))
    with unit_of_work(engine) as s:
        rid = s.scalar(select(Record.id))
        o = objections.file_objection(
            s, SUBJECT, objections.Filing("record", rid, "罚款金额有误"), clocks=load_clocks(),
            calendar=load_calendar(s), secret=settings.secret_key, today=date(2026, 12, 28))
        return o.id


def test_the_credit_office_sees_the_banner_and_provisional_due_dates(engine, settings,
                                                                      monkeypatch):
    oid = _objection_filed_28_december(engine, settings)
    _today(monkeypatch, date(2026, 12, 29))
    with web(settings, ADMIN) as c:
        page = c.get(f"/cases/objections/{oid}").text
        queue = c.get("/cases/objections").text
    assert "工作日历暂定" in page and "calendar add 2027.yaml" in page
    assert "2027-01-05（暂定）" in page and "2027-01-05（暂定）" in queue
    with web(settings, OFFICER) as c:  # a data officer: the mark, not the banner
        page = c.get(f"/cases/objections/{oid}").text
    assert "2027-01-05（暂定）" in page and "工作日历暂定" not in page
    with unit_of_work(engine) as s:
        add_year(s, load_year_file(TEST_2027))
    with web(settings, ADMIN) as c:
        page = c.get(f"/cases/objections/{oid}").text
    assert "工作日历暂定" not in page and "（暂定）" not in page


def test_no_banner_before_november(engine, settings, monkeypatch):
    oid = _objection_filed_28_december(engine, settings)
    _today(monkeypatch, date(2026, 10, 15))
    with web(settings, ADMIN) as c:
        assert "工作日历暂定" not in c.get(f"/cases/objections/{oid}").text


def test_serve_warns_at_start(engine, settings, monkeypatch):
    import uvicorn

    from xinyong.cli.main import app

    _today(monkeypatch, date(2026, 11, 20))
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: None)
    result = CliRunner().invoke(app, ["serve"], env={
        "XINYONG_DATABASE_URL": settings.database_url, "XINYONG_VAR_DIR": str(settings.var_dir),
        "XINYONG_SECRET_KEY": settings.secret_key, "COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "工作日历" in result.output and "2027" in result.output


def test_the_api_names_the_provisional_due_dates(engine, settings):
    oid = _objection_filed_28_december(engine, settings)
    with web(settings, ADMIN) as c:
        body = c.get(f"/api/v1/objections/{oid}").json()
    assert body["decide_due"] == "2027-01-05" and body["provisional_dates"] == ["decide_due"]
    with unit_of_work(engine) as s:
        add_year(s, load_year_file(TEST_2027))
    with web(settings, ADMIN) as c:
        body = c.get(f"/api/v1/objections/{oid}").json()
    assert body["provisional_dates"] == []
