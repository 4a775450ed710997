"""Grading the whole registry: the one Ibis computation on SQLite, PostgreSQL and Spark
local[2], next to a bare SQL aggregate over the same records in the same run.

    .venv/bin/python bench/grading_bench.py --subjects 100000 [--backends sqlite,postgresql,spark]

Synthetic registry, bulk-inserted (not ingested: ingest has its own bench): N organisations,
~5 penalty records each (severity judged: 70 % 一般, 20 % 轻微, 10 % 严重, decisions over 4
years), 3 % repaired, 1 % listed (watch / serious dishonesty), 10 % with an industry result.
Each phase runs in a child process so that its peak memory (ru_maxrss; with Spark's JVM,
which is a child of the phase) is its own. Prints one JSON line per phase and a table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
import uuid
from datetime import date, datetime, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
PG = os.environ.get("XINYONG_BENCH_POSTGRES_URL",
                    "postgresql+psycopg://postgres@127.0.0.1:5432/test")
AS_OF = date(2026, 12, 1)
BARE = """SELECT r.subject_id, COUNT(*) AS n,
       SUM(CASE WHEN j.severity = '严重' THEN 1 ELSE 0 END) AS serious,
       SUM(CASE WHEN j.severity = '一般' THEN 1 ELSE 0 END) AS general,
       SUM(CASE WHEN j.severity = '轻微' THEN 1 ELSE 0 END) AS minor
FROM record r LEFT JOIN publication_judgement j ON j.record_id = r.id
WHERE r.record_type = 'penalty' AND r.decision_date <= '2026-12-01'
GROUP BY r.subject_id"""


def _url(backend: str, tag: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{ROOT}/var/bench_grading_{tag}.db"
    return f"{PG}?options=-csearch_path%3D{tag}"


def populate(url: str, n: int, seed: int = 7) -> None:
    from sqlalchemy import insert, text

    from xinyong.core.db import build_engine, load_all_tables, upgrade
    from xinyong.subjects.uscc import make

    eng = build_engine(url)
    if url.startswith("postgresql"):
        schema = url.split("%3D")[1]
        with build_engine(PG).begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            c.execute(text(f"CREATE SCHEMA {schema}"))
    upgrade(eng)
    t = load_all_tables().tables
    rng = random.Random(seed)
    now = datetime(2026, 12, 1, 9)
    with eng.begin() as c:
        c.execute(insert(t["provider"]), [{"id": 1, "uscc": make("11", "350200", "MB160001"),
                                           "name": "示范市市场监督管理局", "created_at": now}])
        c.execute(insert(t["batch"]), [{
            "id": 1, "record_type": "penalty", "provider_id": 1, "operator": "bench",
            "channel": "api", "received_on": AS_OF, "started_at": now, "total": 0,
            "accepted": 0, "updated": 0, "duplicates": 0, "rejected": 0, "late": 0,
            "timeliness_unknown": 0}])
    chunk = 20000
    rid = 0
    for start in range(0, n, chunk):
        subjects, records, judgements, overrides, entries = [], [], [], [], []
        for i in range(start, min(n, start + chunk)):
            sid = i + 1
            reg = now - timedelta(days=rng.randrange(0, 20 * 365))
            subjects.append({"id": sid, "uscc": make("91", "350203", f"B{i:07d}"),
                             "kind": "organisation", "name": f"企业{i}", "created_at": reg,
                             "updated_at": reg})
            for _ in range(rng.choice((3, 4, 5, 6, 7))):
                rid += 1
                day = AS_OF - timedelta(days=rng.randrange(0, 4 * 365))
                records.append({"id": rid, "record_type": "penalty", "provider_id": 1,
                                "natural_key": f"K{rid}", "subject_id": sid,
                                "subject_name": f"企业{i}", "decision_date": day,
                                "received_on": day, "version": 1, "content_hash": "0" * 64,
                                "data": {}, "first_batch_id": 1, "batch_id": 1,
                                "created_at": now, "updated_at": now})
                x = rng.random()
                judgements.append({"record_id": rid, "record_version": 1,
                                   "record_type": "penalty", "rule_set_id": "bench",
                                   "severity": "严重" if x < .1 else "轻微" if x < .3 else "一般",
                                   "never_early": False, "judged_at": now})
                if rng.random() < .03:
                    overrides.append({"record_id": rid, "reason": "repaired",
                                      "effective_on": day + timedelta(days=200),
                                      "created_by": "bench", "created_at": now})
            if rng.random() < .1:
                rid += 1
                records.append({"id": rid, "record_type": "industry_evaluation",
                                "provider_id": 1, "natural_key": f"K{rid}", "subject_id": sid,
                                "subject_name": f"企业{i}", "decision_date": date(2026, 4, 1),
                                "received_on": date(2026, 4, 1), "version": 1,
                                "content_hash": "0" * 64,
                                "data": {"grade": rng.choice("ABMCD"),
                                         "valid_from": "2026-04-01", "valid_to": "2027-03-31"},
                                "first_batch_id": 1, "batch_id": 1, "created_at": now,
                                "updated_at": now})
            if rng.random() < .01:
                kind = rng.choice(("watch", "serious_dishonesty"))
                entries.append({"list_kind": kind, "subject_id": sid, "subject_name": f"企业{i}",
                                "state": "published", "document_type": "决定书",
                                "document_number": f"D{sid}", "document_date": date(2026, 1, 5),
                                "issuing_body": "示范市市场监督管理局",
                                "legal_basis_id": "samr_order_44", "facts": "事实",
                                "decided_on": date(2026, 1, 5), "version": 1,
                                "created_at": now, "updated_at": now})
        with eng.begin() as c:
            c.execute(insert(t["subject"]), subjects)
            c.execute(insert(t["record"]), records)
            c.execute(insert(t["publication_judgement"]), judgements)
            if overrides:
                c.execute(insert(t["publication_override"]), overrides)
            if entries:
                c.execute(insert(t["list_entry"]), entries)
    with eng.begin() as c:
        if url.startswith("postgresql"):
            c.execute(text("ANALYZE"))
        else:
            c.execute(text("ANALYZE"))
    print(json.dumps({"phase": "populate", "subjects": n, "records": rid}), flush=True)


def _descendants_rss_mb() -> float:
    """RSS of this process's descendants (Spark's JVM), read from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
            parents[int(d)] = int(fields["PPid"])
            rss[int(d)] = int(fields.get("VmRSS", "0 kB").split()[0])
        except (OSError, KeyError, ValueError):
            continue
    me, total = os.getpid(), 0
    for pid in rss:
        p = parents.get(pid)
        while p and p != me:
            p = parents.get(p)
        if p == me:
            total += rss[pid]
    return total / 1024


def phase(name: str, backend: str, url: str) -> None:
    import threading

    from sqlalchemy import text

    from xinyong.core.db import build_engine, unit_of_work
    from xinyong.grading import run, spark_session

    eng = build_engine(url)
    spark = spark_session("local[2]") if name == "spark" else None
    peak_children = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            peak_children[0] = max(peak_children[0], _descendants_rss_mb())

    threading.Thread(target=sample, daemon=True).start()
    t0 = time.perf_counter()
    rows = None
    if name == "bare":
        with eng.connect() as c:
            rows = len(c.execute(text(BARE)).all())
    else:
        with unit_of_work(eng) as s:
            r = run(s, as_of=AS_OF, engine="spark" if name == "spark" else "default",
                    spark=spark)
            rows = r.subjects
    wall = time.perf_counter() - t0
    done.set()
    if spark is not None:
        spark.stop()
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = peak_children[0]
    print(json.dumps({"phase": name, "backend": backend, "rows": rows, "wall_s": round(wall, 2),
                      "peak_python_mb": round(self_mb), "peak_child_mb": round(child_mb)}),
          flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--subjects", type=int, default=100000)
    ap.add_argument("--backends", default="sqlite,postgresql,spark")
    ap.add_argument("--phase")
    ap.add_argument("--backend")
    ap.add_argument("--url")
    ap.add_argument("--keep", action="store_true", help="keep the databases it made")
    a = ap.parse_args()
    if a.phase:
        if a.phase == "populate":
            populate(a.url, a.subjects)
        else:
            phase(a.phase, a.backend, a.url)
        return
    tag = f"gb_{uuid.uuid4().hex[:8]}"
    wanted = a.backends.split(",")
    plan: list[tuple[str, list[str]]] = []
    if "sqlite" in wanted:
        plan.append(("sqlite", ["bare", "default"]))
    if "postgresql" in wanted or "spark" in wanted:
        # Spark reads its sources from PostgreSQL (the production database).
        plan.append(("postgresql", ["bare"] + (["default"] if "postgresql" in wanted else [])
                     + (["spark"] if "spark" in wanted else [])))
    results = []
    for backend, phases in plan:
        url = _url(backend, tag)
        if backend == "sqlite":
            os.makedirs(f"{ROOT}/var", exist_ok=True)
        for ph in ["populate"] + phases:
            out = subprocess.run([sys.executable, __file__, "--phase", ph, "--backend", backend,
                                  "--url", url, "--subjects", str(a.subjects)],
                                 capture_output=True, text=True, check=True)
            line = [x for x in out.stdout.splitlines() if x.startswith("{")][-1]
            print(line, flush=True)
            results.append(json.loads(line))
    if not a.keep:
        from sqlalchemy import text

        from xinyong.core.db import build_engine

        with build_engine(PG).begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {tag} CASCADE"))
        if os.path.exists(f"{ROOT}/var/bench_grading_{tag}.db"):
            os.remove(f"{ROOT}/var/bench_grading_{tag}.db")
    print("\n| backend | phase | subjects | wall s | peak RSS python MB | peak RSS child MB |")
    for r in results:
        if r["phase"] != "populate":
            print(f"| {r['backend']} | {r['phase']} | {r['rows']} | {r['wall_s']} | "
                  f"{r['peak_python_mb']} | {r['peak_child_mb']} |")


if __name__ == "__main__":
    main()
