"""`demo-data --ingest` shows every capability: after it, a new user finds the lists, the
court list, commitments and a breach, inspection results, monitoring figures, notices and a
grade; the same seed gives the same database content; a rerun creates nothing twice."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import DateTime, Engine, Integer, select, text
from typer.testing import CliRunner

from tests.accounts.helpers import client_as
from xinyong.accounts import Actor, Role
from xinyong.cli.main import app
from xinyong.core.db import load_all_tables, unit_of_work
from xinyong.core.settings import Settings
from xinyong.lists import ListEntry
from xinyong.monitoring import reads
from xinyong.objections.tables import Objection
from xinyong.subjects.tables import Subject

runner = CliRunner()
SUBJECTS = 100
# The audit chain (timestamps, and the hashes over them), the timestamps of every other table
# and the digest of an XLSX file (its zip container stamps the wall clock; the cells are the
# same) differ between two runs by design; everything else is the same.
CLOCK_TABLES = {"audit_entry", "audit_checkpoint"}
CLOCK_COLUMNS = {"file_sha256"}
# Written set-based (INSERT ... SELECT): the same rows, numbered in whatever order the
# database produced them; compared without their surrogate id.
SET_WRITTEN = {"grade_result"}


def _env(settings: Settings) -> dict[str, str]:
    return {"XINYONG_DATABASE_URL": settings.database_url,
            "XINYONG_VAR_DIR": str(settings.var_dir),
            "XINYONG_SECRET_KEY": settings.secret_key, "COLUMNS": "200"}


def _demo(settings: Settings, tmp_path, today: date) -> str:
    result = runner.invoke(app, ["demo-data", "--subjects", str(SUBJECTS), "--seed", "5",
                                 "-o", str(tmp_path / "demo"), "--today", today.isoformat(),
                                 "--ingest"], env=_env(settings))
    assert result.exit_code == 0, result.output
    return result.output


def _content(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows without their timestamp columns."""
    found = {}
    with engine.connect() as conn:
        for table in load_all_tables().sorted_tables:
            if table.name in CLOCK_TABLES:
                continue
            cols = [c for c in table.columns
                    if not isinstance(c.type, DateTime) and c.name not in CLOCK_COLUMNS
                    and not (table.name in SET_WRITTEN and c.primary_key)]
            key = [c for c in cols if isinstance(c.type, Integer) and c.primary_key]
            rows = conn.execute(select(*cols).order_by(*key)).tuples().all()
            found[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return found


def test_the_site_shows_every_capability_after_the_demo(engine, settings, tmp_path, today):
    output = _demo(settings, tmp_path, today)
    assert "演示业务数据已创建" in output
    public = client_as(settings, None)
    for kind in ("serious_dishonesty", "red", "judgment_defaulter", "abnormal_operations"):
        column = public.get(f"/api/v1/public/lists/{kind}").json()
        assert column["total"] >= 1, kind
    # Three received 经营异常名录 listings, one since removed: two on the column.
    assert public.get("/api/v1/public/lists/abnormal_operations").json()["total"] == 2
    home = public.get("/").text
    assert "严重失信主体名单" in home and "诚信典型红名单" in home
    commitments = public.get("/api/v1/commitments").json()["items"]
    assert {c["state"] for c in commitments} >= {"kept", "published", "verifying"}
    breaches = public.get("/api/v1/columns/commitment_breach").json()
    assert breaches["total"] >= 1
    results = public.get("/api/v1/public/inspection-results").json()
    assert len(results) >= 1 and {r["matter"] for r in results} == {"食品经营许可事项监督检查"}
    assert public.get("/api/v1/columns/inspection_result").json()["total"] == len(results)
    notices = public.get("/api/v1/notices").json()["items"]
    assert len(notices) == 2
    figures_page = public.get("/figures").text
    assert "%" in figures_page
    month = f"{today.year if today.month > 1 else today.year - 1}-{(today.month - 2) % 12 + 1:02d}"
    turnaround = public.get(f"/api/v1/monitoring/turnaround?period={month}").json()
    assert any(r["figures"]["double_publicity_timeliness"]["value"] is not None
               for r in turnaround)
    # Objections and repairs were decided in time; one objection is still open.
    before = f"{today.year if today.month > 2 else today.year - 1}-{(today.month - 3) % 12 + 1:02d}"
    decided = {k for m in (before, month) for r in
               public.get(f"/api/v1/monitoring/turnaround?period={m}").json()
               for k, f in r["figures"].items() if f and f["value"] is not None}
    assert decided == set(reads.PUBLIC_INDICATORS)
    with unit_of_work(engine) as s:
        [open_one] = s.scalars(select(Objection).where(Objection.decided_on.is_(None)))
        uscc = s.get(Subject, open_one.subject_id).uscc
    penalties = public.get(f"/api/v1/subjects/{uscc}/records?type=penalty").json()["items"]
    assert [p["under_objection"] for p in penalties if p["id"] == open_one.record_id] == [True]
    admin = client_as(settings, Actor(role=Role.ADMIN, name="admin", client="testclient"))
    stored = admin.get(f"/api/v1/monitoring/figures?period={month}").json()
    assert any(f["value"] for f in stored)

    # A listed enterprise sees its own grade (internal: never on the public site).
    red = public.get("/api/v1/public/lists/red").json()["items"][0]["subject_uscc"]
    own = client_as(settings, Actor(role=Role.SUBJECT, name="company", subject_uscc=red,
                                    client="testclient")).get("/api/v1/me/grade").json()
    assert own["evaluated"] and own["grade"] in ("A", "B", "C", "D")

    # The listing went through the procedure: notice before decision, decided after the
    # statement period, numbered documents; the red list needs no notice.
    with unit_of_work(engine) as s:
        entries = list(s.scalars(select(ListEntry).order_by(ListEntry.id)))
        serious = [e for e in entries if e.list_kind == "serious_dishonesty"]
        assert any(e.state == "notice_sent" for e in serious)  # still in its period
        for e in serious:
            assert e.notice_number and e.notice_sent_on and e.statement_until
            if e.state == "published":
                assert e.decided_on > e.statement_until and e.decision_number
                assert e.published_on >= e.decided_on
        assert all(e.notice_number is None for e in entries if e.list_kind != "serious_dishonesty")
        assert all(e.published_on <= today for e in entries if e.published_on)
        actors = set(s.scalars(text("SELECT DISTINCT actor_name FROM audit_entry")))
        assert "demo" in actors
        passwords = s.execute(text("SELECT count(*) FROM account WHERE password_hash IS NOT "
                                   "NULL")).scalar_one()
        assert passwords == 0


def test_a_rerun_creates_nothing_twice(engine, settings, tmp_path, today):
    _demo(settings, tmp_path, today)
    before = _content(engine)
    again = _demo(settings, tmp_path, today)
    assert "未重复创建" in again
    after = _content(engine)
    assert {k: len(v) for k, v in after.items() if k != "batch"} == \
        {k: len(v) for k, v in before.items() if k != "batch"}


def test_the_same_seed_gives_the_same_database_content(engine, settings, tmp_path, today):
    _demo(settings, tmp_path, today)
    first = _content(engine)
    tables = list(reversed(load_all_tables().sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(t.name for t in tables)} RESTART "
                              "IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(t.delete())
    _demo(settings, tmp_path, today)  # same files, same names
    second = _content(engine)
    differ = [name for name in first if first[name] != second[name]]
    assert differ == []
