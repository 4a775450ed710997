"""Where a check's time goes in the database (issue 20 on PostgreSQL): round trips per single
check and the time of each statement, and the same for a batch, in-process, on a database
built by bench/check_bench.py (run that first; this only reads its queries and stores checks
as the bench does).

    .venv/bin/python bench/check_trace.py --registered 200000 --listed 10000 \
        --backend postgresql --singles 300 --batch 2000

Per statement kind (the first words of its SQL): calls, total and mean wall time, measured
around the driver's execute (so including the round trip); pool check-outs (with their
pre-ping), BEGIN and COMMIT are counted too. Python time is the rest of the wall clock.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).parent))
from check_bench import ACTOR, PG_ADMIN, applicant, code_of, generate  # noqa: E402
from check_names import init_city_full, queries  # noqa: E402

from xinyong.core.db import build_engine, unit_of_work  # noqa: E402
from xinyong.screening.check import CheckRequest, run_check, run_checks  # noqa: E402


class Tracer:
    def __init__(self) -> None:
        self.calls: dict[str, list[float]] = defaultdict(list)
        self._t0 = 0.0

    @staticmethod
    def kind(sql: str) -> str:
        s = re.sub(r"\s+", " ", sql).strip()
        if s.startswith("SELECT") and "screening_name" in s[:600]:
            return "SELECT screening_name" + (" (typo)" if "screening_block" in s else
                                              " (exact)")
        m = re.match(r"(INSERT INTO \w+|UPDATE \w+|DELETE FROM \w+|COPY \w+)", s)
        if m:
            return m.group(0)
        m = re.search(r" FROM (\w+)", s)
        if s.startswith("SELECT") and m:
            return f"SELECT ... FROM {m.group(1)}"
        return s[:40]

    def attach(self, engine: Any) -> None:
        @event.listens_for(engine, "before_cursor_execute")
        def before(conn: Any, cursor: Any, statement: str, *a: Any) -> None:
            self._t0 = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def after(conn: Any, cursor: Any, statement: str, *a: Any) -> None:
            self.calls[self.kind(statement)].append(time.perf_counter() - self._t0)

        for name in ("begin", "commit"):
            def wrap(conn: Any, _name: str = name) -> None:
                self.calls[_name.upper() + " (event)"].append(0.0)
            event.listen(engine, name, wrap)

        @event.listens_for(engine, "checkout")
        def checkout(*a: Any) -> None:
            self.calls["pool checkout"].append(0.0)

    def report(self, n: int, wall: float) -> None:
        total = sum(sum(v) for v in self.calls.values())
        print(f"  wall {wall * 1000:.1f} ms for {n} checks ({wall / n * 1000:.2f} ms each); "
              f"SQL {total * 1000:.1f} ms ({total / n * 1000:.2f} ms each)")
        print(f"  {'statement':60} {'calls/check':>11} {'total ms':>9} {'mean ms':>8}")
        for k, v in sorted(self.calls.items(), key=lambda kv: -sum(kv[1])):
            print(f"  {k[:60]:60} {len(v) / n:11.2f} {sum(v) * 1000:9.1f} "
                  f"{statistics.mean(v) * 1000:8.3f}")
        self.calls.clear()


def backend_cpu(engine: Any) -> tuple[set[int], float]:
    """The server processes of the pool's connections and their CPU seconds so far (from
    /proc: robust to other load on the machine, unlike wall times)."""
    pids = set()
    with engine.connect() as conn:
        pids.add(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
    return pids, cpu_of(pids)


def cpu_of(pids: set[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--registered", type=int, default=200_000)
    ap.add_argument("--listed", type=int, default=10_000)
    ap.add_argument("--per-class", type=int, default=600)
    ap.add_argument("--seed", type=int, default=20)
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    ap.add_argument("--db", default="/tmp/xinyong_check_bench.db")
    ap.add_argument("--singles", type=int, default=300)
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--profile", action="store_true",
                    help="also profile the single checks (cProfile, by own time)")
    args = ap.parse_args()
    if args.backend == "sqlite":
        url = f"sqlite:///{args.db}"
    else:
        schema = f"cbench_{args.registered}_{args.listed}_{args.seed}"
        url = f"{PG_ADMIN}?options=-csearch_path%3D{schema}"
    init_city_full()
    data = generate(args.registered, args.listed, args.seed)
    qs = queries(data["gens"], data["listed"], data["former"], data["siblings"],
                 data["absent"], args.per_class, data["rng"],
                 {sid: code_of(sid) for sid in data["listed"]})
    engine = build_engine(url)
    tracer = Tracer()
    reqs = [CheckRequest("procurement", **applicant(q)) for q in qs]
    for r in reqs[:50]:  # warm-up: connections, statement caches
        with unit_of_work(engine) as s:
            run_check(s, r, ACTOR)
    tracer.attach(engine)
    print(f"single checks ({args.singles}), one transaction each:")
    pids, server0 = backend_cpu(engine) if args.backend == "postgresql" else (set(), 0.0)
    client0 = time.process_time()
    lat: list[float] = []
    commits: list[float] = []
    t_all = time.perf_counter()
    by_class: dict[str, list[float]] = defaultdict(list)
    for i in range(args.singles):
        r = reqs[(i * 7919) % len(reqs)]
        cls = qs[(i * 7919) % len(reqs)][2]
        t0 = time.perf_counter()
        with unit_of_work(engine) as s:
            run_check(s, r, ACTOR)
            t1 = time.perf_counter()
        commits.append(time.perf_counter() - t1)
        lat.append((time.perf_counter() - t0) * 1000)
        by_class[cls].append(lat[-1])
    wall = time.perf_counter() - t_all
    print(f"  CPU per check: client {(time.process_time() - client0) / args.singles * 1000:.2f}"
          f" ms, server {(cpu_of(pids) - server0) / args.singles * 1000:.2f} ms")
    lat.sort()
    print(f"  p50 {statistics.median(lat):.2f} ms, p99 {lat[int(len(lat) * 0.99) - 1]:.2f} ms")
    for cls, v in sorted(by_class.items(), key=lambda kv: -statistics.mean(kv[1])):
        print(f"  {cls:40} n={len(v):4} mean {statistics.mean(v):6.2f} ms "
              f"max {max(v):6.2f} ms")
    tracer.calls["COMMIT (session.commit, close)"] = commits
    tracer.report(args.singles, wall)
    print(f"batch of {args.batch} in one transaction:")
    t0 = time.perf_counter()
    server0, client0 = cpu_of(pids), time.process_time()
    with unit_of_work(engine) as s:
        run_checks(s, [reqs[i % len(reqs)] for i in range(args.batch)], ACTOR)
    print(f"  CPU: client {time.process_time() - client0:.3f} s, server "
          f"{cpu_of(pids) - server0:.3f} s")
    tracer.report(args.batch, time.perf_counter() - t0)
    if args.profile:
        import cProfile
        import pstats
        prof = cProfile.Profile()
        prof.enable()
        for i in range(args.singles):
            with unit_of_work(engine) as s:
                run_check(s, reqs[(i * 7919) % len(reqs)], ACTOR)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
    engine.dispose()


if __name__ == "__main__":
    main()
