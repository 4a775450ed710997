"""Monitoring (issue 19): all indicators of one month, every dimension, computed and stored by
`xinyong.monitoring.compute`, next to bare SQL counts over the same tables in the same run.

Synthetic data is inserted directly (Core executemany, not the validated ingest: the figure
is the computation, not loading): S subjects (enterprises over 12 counties), R records
(penalties and licences from 40 departments, received over 12 months of 2026, ~8 % late),
one batch per department and day, 1 % of subjects on the serious-dishonesty list, 0.5 % on
the red list (A-grade taxpayers), objections, repairs and checks with feedback.

    python bench/monitoring_bench.py --subjects 100000 --records 500000 [--backend sqlite]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from xinyong.accounts import Actor, Role
from xinyong.core.db import build_engine, unit_of_work, upgrade
from xinyong.departments.tables import Department
from xinyong.ingest.tables import Batch, Provider, Record
from xinyong.lists.tables import ListEntry
from xinyong.measures.tables import CheckFeedback, CheckPrompt
from xinyong.monitoring import compute, load_indicators
from xinyong.objections.tables import Objection
from xinyong.repair.tables import RepairApplication
from xinyong.screening.tables import ScreeningCheck
from xinyong.subjects.tables import Subject
from xinyong.subjects.uscc import make

PG_URL = os.environ.get("XINYONG_TEST_POSTGRES_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
COUNTIES = [f"3502{n:02d}" for n in (3, 5, 6, 11, 12, 13, 14, 15, 16, 17, 18, 19)]
CLASSES = ["enforcement", "licensing", "tax", "courts"]
MONTH = "2026-11"
T0 = datetime(2026, 1, 1, 9)
ADMIN = Actor(role=Role.ADMIN, name="bench", client="bench")


@contextmanager
def database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as d:
            url = f"sqlite:///{Path(d) / 'bench.db'}"
            upgrade(build_engine(url))
            yield url
        return
    admin = build_engine(PG_URL)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    try:
        upgrade(build_engine(url))
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _chunks(rows: list[dict[str, Any]], n: int = 20000) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), n):
        yield rows[i:i + n]


def _insert(engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        with engine.begin() as conn:
            conn.execute(table.__table__.insert(), chunk)


def seed(engine: Engine, subjects: int, records: int, rnd: random.Random) -> None:
    depts = [(make("11", COUNTIES[i % len(COUNTIES)], f"MB{i:06d}"), CLASSES[i % 4])
             for i in range(40)]
    _insert(engine, Department, [
        {"id": i + 1, "code": c, "name": f"部门{i}", "department_class": cls,
         "region_code": c[2:8], "created_at": T0, "updated_at": T0}
        for i, (c, cls) in enumerate(depts)])
    _insert(engine, Provider, [{"id": i + 1, "uscc": c, "name": f"部门{i}", "created_at": T0}
                               for i, (c, _cls) in enumerate(depts)])
    _insert(engine, Subject, [
        {"id": i + 1, "uscc": make("91", COUNTIES[i % 12], f"{i:08d}"), "kind": "organisation",
         "name": f"示范企业{i}有限公司", "legal_representative": f"代表{i % (subjects // 2)}",
         "region_code": COUNTIES[i % 12], "created_at": T0, "updated_at": T0}
        for i in range(subjects)])
    days = [date(2026, 1, 1) + timedelta(days=d) for d in range(365)]
    batches, batch_id = [], {}
    for p in range(40):
        for d in days:
            batch_id[(p, d)] = len(batches) + 1
            batches.append({"id": len(batches) + 1, "record_type": "penalty" if p % 2 else
                            "licence", "provider_id": p + 1, "operator": "bench",
                            "channel": "api", "received_on": d, "started_at": T0,
                            "total": records // (40 * 365) + 1, "accepted": 0, "updated": 0,
                            "duplicates": 0, "rejected": rnd.randrange(3), "late": 0,
                            "timeliness_unknown": 0})
    _insert(engine, Batch, batches)
    rows = []
    for i in range(records):
        p = rnd.randrange(40)
        received = days[rnd.randrange(365)]
        late = rnd.random() < 0.08
        rows.append({"id": i + 1, "record_type": "penalty" if p % 2 else "licence",
                     "provider_id": p + 1, "natural_key": f"k{i}",
                     "subject_id": rnd.randrange(subjects) + 1, "subject_name": "x",
                     "decision_date": received - timedelta(days=rnd.randrange(3, 20)),
                     "received_on": received, "deadline": received, "late": late,
                     "version": 1, "content_hash": "h", "data": {"document_number": f"d{i}"},
                     "first_batch_id": batch_id[(p, received)],
                     "batch_id": batch_id[(p, received)], "created_at": T0, "updated_at": T0})
        if len(rows) == 50000:
            _insert(engine, Record, rows)
            rows = []
    _insert(engine, Record, rows)
    entries = []
    for kind, share, basis in (("serious_dishonesty", 0.01, "samr_order_44"),
                               ("red", 0.005, "tax_a_grade")):
        for s in rnd.sample(range(subjects), int(subjects * share)):
            on = days[rnd.randrange(330)]
            entries.append({"list_kind": kind, "subject_id": s + 1, "subject_name": "x",
                            "state": "published", "document_type": "决定书",
                            "document_number": "n", "document_date": on,
                            "issuing_body": "x", "legal_basis_id": basis, "facts": "x",
                            "department_uscc": depts[rnd.randrange(40)][0],
                            "published_on": on, "created_at": T0, "updated_at": T0,
                            "version": 1})
    _insert(engine, ListEntry, entries)
    objections, repairs = [], []
    for i in range(records // 250):
        filed = days[rnd.randrange(350)]
        decided = filed + timedelta(days=rnd.randrange(3, 12)) if rnd.random() < 0.9 else None
        objections.append({
            "target": "record", "record_id": i + 1, "subject_id": rnd.randrange(subjects) + 1,
            "subject_name": "x", "provider_uscc": depts[rnd.randrange(40)][0],
            "provider_name": "x", "applicant_kind": "subject", "applicant_name": "x",
            "reasons": "x", "state": rnd.choice(["corrected", "kept", "revoked", "kept"])
            if decided else "routed", "clock_rule_id": "x", "filed_on": filed, "filed_at": T0,
            "decide_due": filed + timedelta(days=7), "decided_on": decided})
    for i in range(records // 500):
        filed = days[rnd.randrange(350)]
        decided = filed + timedelta(days=rnd.randrange(3, 20)) if rnd.random() < 0.8 else None
        repairs.append({
            "record_id": i + 1, "record_version": 1, "subject_id": rnd.randrange(subjects) + 1,
            "subject_name": "x", "provider_uscc": depts[rnd.randrange(40)][0],
            "provider_name": "x", "rule_set_id": "x", "state": "approved" if decided
            else "accepted", "applicant_name": "x", "fulfilment": "x", "commitment_text": "x",
            "commitment_state": "made", "submitted_on": filed, "submitted_at": T0,
            "decide_due": filed + timedelta(days=10), "decided_on": decided})
    _insert(engine, Objection, objections)
    _insert(engine, RepairApplication, repairs)
    checks, prompts, feedback = [], [], []
    for i in range(records // 100):
        at = T0 + timedelta(days=rnd.randrange(360), hours=rnd.randrange(8))
        dept = depts[rnd.randrange(40)][0]
        checks.append({"id": i + 1, "created_at": at, "actor": "x", "department_uscc": dept,
                       "matter": "x", "status": "done", "result": {}})
        prompts.append({"id": i + 1, "check_id": i + 1, "measure_id": "m", "measure_name": "x",
                        "measure_kind": "x", "category": 1,
                        "subject_id": rnd.randrange(subjects) + 1, "subject_name": "x",
                        "basis": "x", "legal_basis": "x", "matter": "x", "actor": "x",
                        "created_at": at})
        if rnd.random() < 0.7:
            feedback.append({"prompt_id": i + 1, "check_id": i + 1, "measure_id": "m",
                             "outcome": "applied" if rnd.random() < 0.6 else "not_applied",
                             "actor": "x", "created_at": at + timedelta(hours=1)})
    _insert(engine, ScreeningCheck, checks)
    _insert(engine, CheckPrompt, prompts)
    _insert(engine, CheckFeedback, feedback)


BARE = {
    "records of the month (count)":
        "SELECT count(*) FROM record WHERE received_on BETWEEN :s AND :e",
    "records of the month by department (GROUP BY)":
        "SELECT provider_id, count(*), sum(CASE WHEN late THEN 0 ELSE 1 END) FROM record "
        "WHERE received_on BETWEEN :s AND :e GROUP BY provider_id",
    "enterprises (count)": "SELECT count(*) FROM subject WHERE uscc LIKE '9%'",
}


def run(backend: str, subjects: int, records: int, index: bool = False) -> dict[str, Any]:
    rnd = random.Random(19)
    with database(backend) as url:
        engine = build_engine(url)
        t = time.perf_counter()
        seed(engine, subjects, records, rnd)
        if index:  # what decision 0018 proposes for 5M records (not in the migration)
            with engine.begin() as conn:
                conn.execute(text("CREATE INDEX ix_bench_record_received "
                                  "ON record (received_on, provider_id)"))
        if backend == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        loaded = time.perf_counter() - t
        bare = {}
        with engine.connect() as conn:
            for name, sql in BARE.items():
                times = []
                for _ in range(3):
                    t = time.perf_counter()
                    conn.execute(text(sql), {"s": date(2026, 11, 1),
                                             "e": date(2026, 11, 30)}).all()
                    times.append(time.perf_counter() - t)
                bare[name] = min(times)
        runs = []
        for i in range(3):
            with unit_of_work(engine) as session:
                t0, c0 = time.perf_counter(), time.process_time()
                r = compute(session, ADMIN, MONTH, recompute=i > 0)
                runs.append((time.perf_counter() - t0, time.process_time() - c0, r.values))
        engine.dispose()
    best = min(runs)
    return {"backend": backend, "load_s": loaded, "bare": bare, "compute_s": best[0],
            "compute_cpu_s": best[1], "values": best[2], "runs": [r[0] for r in runs]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--subjects", type=int, default=100000)
    ap.add_argument("--records", type=int, default=500000)
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--index", action="store_true",
                    help="add an index on record(received_on, provider_id) after loading")
    args = ap.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    load = os.getloadavg()
    print(f"# monitoring bench {datetime.now():%Y-%m-%d %H:%M} {platform.machine()} "  # noqa: DTZ005
          f"{os.cpu_count()} cores, load {load[0]:.1f}; {args.subjects} subjects, "
          f"{args.records} records, {len(load_indicators())} indicators, month {MONTH}")
    for b in backends:
        res = run(b, args.subjects, args.records, args.index)
        print(f"\n## {b}{' + index on record(received_on)' if args.index else ''}: "
              f"seeded in {res['load_s']:.0f} s")
        for name, s in res["bare"].items():
            print(f"- bare SQL, {name}: {s * 1000:.0f} ms")
        print(f"- compute all indicators ({res['values']} values stored): "
              f"{res['compute_s']:.2f} s wall (best of 3: "
              f"{', '.join(f'{r:.2f}' for r in res['runs'])}), "
              f"{res['compute_cpu_s']:.2f} s client CPU")


if __name__ == "__main__":
    main()
