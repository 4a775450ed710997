"""Commitments benchmark (issue 16): concurrent creation with a unique 承诺编码, and the
coverage figure (seed 001: commitments and fulfilment records per registered enterprise).

* `--commitments N` created by `--threads T` workers through `commitments.receive` (the code
  the API and the file import run: code allocation under the counter's lock, subject
  resolution, the audit entry), one transaction each; reports commitments per second and
  checks that every 承诺编码 is distinct;
* a third of them determined (half kept, half broken);
* `reads.coverage` by region and by department, median of 5 runs.

Registered enterprises: `--enterprises E` subjects bulk-inserted first (executemany, not the
validating ingest) over 10 districts.

    .venv/bin/python bench/commitments_bench.py --commitments 2000 --threads 4
    .venv/bin/python bench/commitments_bench.py --commitments 2000 --threads 4 \
        --database-url 'postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dcmbench'
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xinyong import commitments  # noqa: E402
from xinyong.accounts import Actor, Role  # noqa: E402
from xinyong.commitments import reads  # noqa: E402
from xinyong.core import clock  # noqa: E402
from xinyong.core.db import build_engine, unit_of_work, upgrade  # noqa: E402
from xinyong.core.workdays import load_calendar  # noqa: E402
from xinyong.departments.service import NewDepartment, add_department  # noqa: E402
from xinyong.subjects.tables import Subject  # noqa: E402
from xinyong.subjects.uscc import make  # noqa: E402

ADMIN = Actor(role=Role.ADMIN, name="bench", client="bench")
DEPTS = [make("11", "350200", f"MB16{i:04d}") for i in range(5)]
DISTRICTS = [f"3502{d:02d}" for d in range(3, 13)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--commitments", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--enterprises", type=int, default=20000)
    ap.add_argument("--database-url", default=None)
    a = ap.parse_args()
    url = a.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    if url.startswith("postgresql"):
        schema = url.split("search_path%3D")[1]
        admin = build_engine(url.split("?")[0])
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            c.execute(text(f"CREATE SCHEMA {schema}"))
    engine = build_engine(url)
    upgrade(engine)
    now = clock.now()
    usccs = [make("91", DISTRICTS[i % 10], f"MA{i:06d}") for i in range(a.enterprises)]
    with unit_of_work(engine) as s:
        for i, d in enumerate(DEPTS):
            add_department(s, ADMIN, NewDepartment(d, f"示范市第{i + 1}局", "licensing"))
        s.execute(insert(Subject), [
            {"uscc": u, "kind": "organisation", "name": f"示范市测试第{i}号有限公司",
             "region_code": u[2:8], "created_at": now, "updated_at": now}
            for i, u in enumerate(usccs)])
    day = date(2026, 11, 2)

    def work(i: int) -> str:
        u = usccs[i % len(usccs)]
        with unit_of_work(engine) as s:
            return commitments.receive(s, ADMIN, commitments.Incoming(
                committer_uscc=u, committer_name=f"示范市测试第{i % len(usccs)}号有限公司",
                kind=("deficiency", "certification", "voluntary")[i % 3],
                reason="申请办理许可", content="按期补齐材料", liability="撤销受理",
                made_on=day, disclosure="public"), calendar=load_calendar(s),
                accepting_uscc=DEPTS[i % len(DEPTS)]).code

    t0 = time.perf_counter()
    with ThreadPoolExecutor(a.threads) as pool:
        codes = list(pool.map(work, range(a.commitments)))
    created = time.perf_counter() - t0
    assert len(set(codes)) == len(codes), "duplicate 承诺编码"
    with unit_of_work(engine) as s:
        for i, code in enumerate(codes[: len(codes) // 3]):
            commitments.determine(s, ADMIN, code, commitments.Determination(
                "kept" if i % 2 else "not_kept", day, "未补齐", "撤销受理"),
                secret="bench-secret-key", today=day)  # each breach: its record (#16)
    timings = {}
    for by in ("region", "department"):
        runs = []
        for _ in range(5):
            with unit_of_work(engine) as s:
                t = time.perf_counter()
                rows = reads.coverage(s, day, by)
                runs.append(time.perf_counter() - t)
        timings[by] = (statistics.median(runs) * 1000, len(rows))
    print(f"backend={engine.dialect.name} commitments={a.commitments} threads={a.threads} "
          f"enterprises={a.enterprises}")
    print(f"create: {created:.1f} s, {a.commitments / created:.0f}/s, codes distinct")
    for by, (ms, n) in timings.items():
        print(f"coverage by {by}: {ms:.1f} ms median ({n} rows)")


if __name__ == "__main__":
    main()
