"""The state of a record has one home (xinyong.recordstate): an objection opens and closes a
dispute there, publication and the subject's own file read it, and a database migrated from
before the home existed finds its open objections as disputes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from alembic import command
from sqlalchemy import select, text

from tests.conftest import PG_URL
from tests.factories import PROVIDER, penalty
from tests.ingest.helpers import push
from tests.objections.test_objections import OFFICER, SUBJECT, _file, _rid
from xinyong import recordstate
from xinyong.accounts.access import read_own_file
from xinyong.catalog import default_catalog
from xinyong.core.db import alembic_config, build_engine, unit_of_work, upgrade
from xinyong.core.workdays import load_calendar
from xinyong.objections.service import Decision, decide
from xinyong.publication.reads import list_column
from xinyong.recordstate import Dispute

DOC = "示市监处罚〔2026〕1号"
FILED, DECIDED_ON = date(2026, 9, 29), date(2026, 10, 9)


def _load(engine, settings) -> int:
    summary, problems = push(engine, settings, "penalty",
                             [penalty(document_number=DOC, decision_date="2026-09-01")],
                             received_on=date(2026, 9, 3), provider=PROVIDER)
    assert not problems, problems
    with unit_of_work(engine) as s:
        return _rid(s, DOC)


def test_an_objection_is_a_dispute_from_filing_until_its_decision(engine, settings):
    rid = _load(engine, settings)
    with unit_of_work(engine) as s:
        o = _file(s, settings, rid)
        oid = o.id
    with unit_of_work(engine) as s:
        assert recordstate.disputed_records(s, [rid], FILED) == {rid}
        assert recordstate.disputed_records(s, [rid], date(2026, 9, 28)) == set()
        column = list_column(s, "penalty", FILED)
        assert [r.under_objection for r in column.items] == [True]
        own = read_own_file(s, default_catalog(), SUBJECT)
        assert [r.under_objection for r in own.records] == [True]
    with unit_of_work(engine) as s:
        decide(s, oid, OFFICER, Decision("kept", "经核查，原记录无误"),
               calendar=load_calendar(s), secret=settings.secret_key, today=DECIDED_ON)
    with unit_of_work(engine) as s:
        # Open the day before the decision, settled on its day: the site's past days keep
        # the mark they showed.
        assert recordstate.disputed_records(s, [rid], date(2026, 10, 8)) == {rid}
        assert recordstate.disputed_records(s, [rid], DECIDED_ON) == set()
        (d,) = s.scalars(select(Dispute)).all()
        assert (d.case_kind, d.case_id, d.opened_on, d.closed_on) == (
            "objection", oid, FILED, DECIDED_ON)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A database with no tables yet (a file, or a fresh PostgreSQL schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    admin = build_engine(PG_URL)
    schema = f"m_{uuid.uuid4().hex[:10]}"
    with admin.begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def test_migration_turns_existing_objections_into_disputes(empty_url):
    """A database at 0009 with one open and one decided objection: after the upgrade both
    are disputes with the objection's days."""
    eng = build_engine(empty_url)
    command.upgrade(alembic_config(eng), "0009_screening_pending")
    with eng.begin() as c:
        c.execute(text("INSERT INTO subject (id, kind, name, created_at, updated_at) VALUES "
                       "(1, 'organisation', '示范市华盛食品有限公司', '2026-01-01', "
                       "'2026-01-01')"))
        for oid, decided in ((1, None), (2, "2026-10-09")):
            c.execute(text(
                "INSERT INTO objection (id, target, subject_id, subject_name, applicant_kind, "
                "applicant_name, reasons, state, clock_rule_id, filed_on, filed_at, "
                "decided_on) VALUES (:id, 'record', 1, 'x', 'subject', 'x', 'x', 'marked', "
                "'c', '2026-09-29', '2026-09-29 10:00:00', :d)"), {"id": oid, "d": decided})
    upgrade(eng)
    with eng.connect() as c:
        rows = c.execute(text("SELECT case_id, opened_on, closed_on FROM record_dispute "
                              "ORDER BY case_id")).all()
    eng.dispose()
    assert [(r[0], str(r[1]), r[2] and str(r[2])) for r in rows] == [
        (1, "2026-09-29", None), (2, "2026-09-29", "2026-10-09")]
