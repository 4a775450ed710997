"""Finding 13 of #14: signed checkpoints anchor the audit chain's head, so that cutting the
newest entries or rewriting the whole chain with the platform's own hash is detected by
`xinyong audit verify` without a head hash noted by hand. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, select, text, update
from typer.testing import CliRunner

from tests.accounts.helpers import ACTORS
from xinyong import audit
from xinyong.accounts import Role
from xinyong.audit import AuditCheckpoint, AuditEntry, checkpoint
from xinyong.audit.rules import GENESIS, canonical_details, entry_hash
from xinyong.audit.service import _fields, register_checkpoints
from xinyong.cli.main import app as cli
from xinyong.core.db import unit_of_work
from xinyong.exchange import ExchangeEvent

EVERY = 10


@pytest.fixture
def signer(engine, settings) -> Iterator[audit.Signer]:
    found = audit.load_signer(settings.effective_audit_signing_key_file)
    checkpoint.enable(engine, found, EVERY)
    yield found
    register_checkpoints(engine, 0, lambda *_: None)  # the engine outlives the test


def _log(engine, n: int) -> None:
    for i in range(n):  # one transaction each, as requests do
        with unit_of_work(engine) as s:
            audit.append(s, ACTORS[Role.ADMIN], "accounts.list", details={"n": i})


def _verify(settings) -> dict[str, object]:
    r = CliRunner().invoke(cli, ["audit", "verify", "--json"], obj=settings)
    result = json.loads(r.stdout)
    assert r.exit_code == (0 if result["ok"] else 1)
    return dict(result)


def test_checkpoints_every_n_entries_kept_three_times(engine, settings, signer):
    _log(engine, 25)
    with unit_of_work(engine) as s:
        cps = list(s.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq)))
        heads = {e.seq: e.hash for e in s.scalars(select(AuditEntry))}
        events = list(s.scalars(select(ExchangeEvent).where(
            ExchangeEvent.kind == "audit.checkpoint").order_by(ExchangeEvent.id)))
    assert [(c.seq, c.head_hash) for c in cps] == [(10, heads[10]), (20, heads[20])]
    assert all(signer.holds(c.seq, c.head_hash, c.at, c.signature) for c in cps)
    # For the upper platform: the signed head and the public key to check it with.
    assert [e.payload["seq"] for e in events] == [10, 20]
    assert events[0].payload["public_key"] == signer.public_hex
    assert events[0].targets == ["省公共信用信息平台"]
    kept = json.loads(signer.head_file.read_text("utf-8"))
    assert (kept["seq"], kept["head_hash"]) == (20, heads[20])
    key_file = settings.effective_audit_signing_key_file
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    result = _verify(settings)
    assert result["ok"] and result["checked"] == 25 and result["anchored_seq"] == 20


def test_a_rolled_back_checkpoint_leaves_no_trace(engine, settings, signer):
    _log(engine, EVERY - 1)
    with pytest.raises(RuntimeError), unit_of_work(engine) as s:
        audit.append(s, ACTORS[Role.ADMIN], "accounts.list")
        raise RuntimeError("the request failed after its audited read")
    assert not signer.head_file.exists()
    assert _verify(settings)["ok"]


def test_cutting_the_newest_entries_is_detected(engine, settings, signer):
    _log(engine, 25)
    with engine.begin() as conn:
        conn.execute(delete(AuditEntry).where(AuditEntry.seq > 15))
    # The chain that is left is valid on its own: only the checkpoint tells.
    with unit_of_work(engine) as s:
        assert audit.verify(s).ok
    result = _verify(settings)
    assert (result["rule"], result["broken_seq"]) == ("checkpoint_ahead", 16)
    assert "20" in str(result["message"])


def test_cutting_entries_and_checkpoint_rows_is_detected(engine, settings, signer):
    _log(engine, 25)
    with engine.begin() as conn:
        conn.execute(delete(AuditEntry).where(AuditEntry.seq > 15))
        conn.execute(delete(AuditCheckpoint).where(AuditCheckpoint.seq > 15))
    result = _verify(settings)
    assert (result["rule"], result["broken_seq"]) == ("checkpoint_missing", 20)


def _rewrite(engine, seq: int) -> None:
    """What an attacker with the database and the source does: change one entry and
    recompute every hash after it with the platform's own function."""
    with unit_of_work(engine) as s:
        prev = GENESIS
        for e in list(s.scalars(select(AuditEntry).order_by(AuditEntry.seq))):
            fields = _fields(e)
            if e.seq == seq:
                fields["details"] = canonical_details({"n": "rewritten"})
            fields["prev_hash"] = prev
            digest = entry_hash(fields)
            s.execute(update(AuditEntry).where(AuditEntry.seq == e.seq).values(
                details=fields["details"], prev_hash=prev, hash=digest))
            prev = digest


def test_rewriting_the_whole_chain_is_detected(engine, settings, signer):
    _log(engine, 25)
    _rewrite(engine, 3)
    with unit_of_work(engine) as s:
        assert audit.verify(s).ok  # the hash chain alone is fooled
    result = _verify(settings)
    assert (result["rule"], result["broken_seq"]) == ("checkpoint_mismatch", 10)


def test_a_forged_checkpoint_is_detected(engine, settings, signer):
    _log(engine, 25)
    _rewrite(engine, 3)
    with unit_of_work(engine) as s:  # the attacker re-anchors with a key of their own
        forger = audit.Signer(Ed25519PrivateKey.generate(), signer.head_file)
        for cp in s.scalars(select(AuditCheckpoint)):
            new_hash = s.scalar(select(AuditEntry.hash).where(AuditEntry.seq == cp.seq))
            assert new_hash is not None
            cp.head_hash, cp.signature = new_hash, forger.sign(cp.seq, new_hash, cp.at)
    result = _verify(settings)
    assert (result["rule"], result["broken_seq"]) == ("checkpoint_signature", 10)


def test_the_checkpoint_command(engine, settings, signer):
    r = CliRunner().invoke(cli, ["audit", "checkpoint", "--json"], obj=settings)
    assert r.exit_code == 0 and json.loads(r.stdout)["checkpoint"] is None  # empty log
    _log(engine, 3)
    r = CliRunner().invoke(cli, ["audit", "checkpoint", "--json"], obj=settings)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["checkpoint"]["seq"] == 3
    CliRunner().invoke(cli, ["audit", "checkpoint"], obj=settings)  # head unchanged: no new one
    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_checkpoint")).scalar() == 1
        conn.execute(delete(AuditEntry).where(AuditEntry.seq == 3))
    assert _verify(settings)["rule"] == "checkpoint_ahead"
