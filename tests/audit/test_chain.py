"""The hash chain: intact logs verify; an edited, deleted or reordered row is reported at the
first broken link, on SQLite and PostgreSQL, by the service and by `xinyong audit verify`."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tests.accounts.helpers import ACTORS
from xinyong import audit
from xinyong.accounts import DeclaredPurpose, Purpose, Role
from xinyong.cli.main import app as cli
from xinyong.core.db import unit_of_work


def _log(engine, n: int = 5) -> str:
    with unit_of_work(engine) as s:
        for i in range(n):
            audit.append(s, ACTORS[Role.CASE_OFFICER], audit.READ_SHARED,
                         subject_uscc="91350203MA2XKL01X"[:18],
                         purpose=DeclaredPurpose(Purpose.OTHER, f"第{i}次"),
                         details={"record_ids": [i, i + 1]})
        return audit.verify(s).head_hash


def _verify(engine, **kw):
    with unit_of_work(engine) as s:
        return audit.verify(s, **kw)


def test_an_intact_log_verifies(engine):
    head = _log(engine)
    result = _verify(engine, expect_head=head)
    assert result.ok and result.checked == 5 and result.head_hash == head


def test_an_updated_row_is_detected(engine):
    _log(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entry SET purpose = 'subsidy' WHERE seq = 3"))
    broken = _verify(engine).broken
    assert broken is not None and (broken.seq, broken.rule) == (3, "hash_mismatch")


def test_a_deleted_row_is_detected(engine):
    _log(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq = 2"))
    broken = _verify(engine).broken
    assert broken is not None and broken.seq == 3 and broken.rule == "seq_gap"


def test_a_deleted_row_renumbered_away_is_still_detected(engine):
    _log(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq = 2"))
        for seq in (3, 4, 5):
            conn.execute(text("UPDATE audit_entry SET seq = :n WHERE seq = :o"),
                         {"n": seq - 1, "o": seq})
    broken = _verify(engine).broken
    assert broken is not None and (broken.seq, broken.rule) == (2, "prev_mismatch")


def test_reordered_rows_are_detected(engine):
    _log(engine)
    with engine.begin() as conn:  # swap entries 2 and 4 (everything but their position)
        conn.execute(text("UPDATE audit_entry SET seq = -2 WHERE seq = 2"))
        conn.execute(text("UPDATE audit_entry SET seq = 2 WHERE seq = 4"))
        conn.execute(text("UPDATE audit_entry SET seq = 4 WHERE seq = -2"))
    broken = _verify(engine).broken
    assert broken is not None and (broken.seq, broken.rule) == (2, "prev_mismatch")


def test_entries_cut_from_the_end_need_the_noted_head(engine):
    head = _log(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq = 5"))
    assert _verify(engine).ok  # a shorter chain is still a chain...
    broken = _verify(engine, expect_head=head).broken  # ...but the noted head is gone
    assert broken is not None and broken.rule == "head_missing"


@pytest.mark.parametrize("tamper", ["UPDATE audit_entry SET actor_name = 'x' WHERE seq = 4",
                                    "DELETE FROM audit_entry WHERE seq = 4"])
def test_the_cli_reports_the_first_broken_link(engine, settings, tamper):
    _log(engine)
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify", "--json"], obj=settings)
    assert ok.exit_code == 0 and json.loads(ok.stdout)["ok"] is True
    with engine.begin() as conn:
        conn.execute(text(tamper))
    bad = runner.invoke(cli, ["audit", "verify", "--json"], obj=settings)
    assert bad.exit_code == 1
    body = json.loads(bad.stdout)
    assert body["ok"] is False and body["broken_seq"] in (4, 5)
    assert body["message"]
