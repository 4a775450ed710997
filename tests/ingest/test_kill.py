"""A real kill (SIGKILL) of `xinyong ingest` mid-batch leaves nothing; re-running completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import func, select

from tests.factories import PROVIDER, penalty, write_csv
from xinyong.core.db import unit_of_work
from xinyong.ingest import Batch, Record

# Enough rows that the batch is still writing when it is killed (3 s after start), with
# room to spare on a fast, quiet machine: ingest now runs at several thousand rows a second.
ROWS = 60_000


def _counts(engine) -> tuple[int, int]:
    with unit_of_work(engine) as s:
        return (int(s.scalar(select(func.count()).select_from(Record)) or 0),
                int(s.scalar(select(func.count()).select_from(Batch)) or 0))


def test_sigkill_mid_batch_leaves_no_half_batch(engine, settings, tmp_path):
    rows = [penalty(document_number=f"K-{i}") for i in range(ROWS)]
    path = write_csv(tmp_path / "big.csv", "penalty", rows)
    env = {**os.environ, "XINYONG_DATABASE_URL": settings.database_url,
           "XINYONG_VAR_DIR": str(settings.var_dir),
           "XINYONG_SECRET_KEY": settings.secret_key, "XINYONG_INGEST_CHUNK_ROWS": "500"}
    cmd = [sys.executable, "-m", "xinyong.cli.main", "ingest", str(path), "--type", "penalty",
           "--provider", PROVIDER, "--received-on", "2026-11-27"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    # Let it import, open the transaction and write some chunks; nothing is visible outside.
    time.sleep(3.0)
    assert proc.poll() is None, "ingest finished before it could be killed; raise ROWS"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert _counts(engine) == (0, 0)
    done = subprocess.run(cmd + ["--json"], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert _counts(engine) == (ROWS, 1)
