"""Check benchmark (issues 5 and 20): a registry of realistic enterprise names, some listed.

* quality per query class (issue 20): exact, code, traditional, width/spacing, the legal form
  spelt another way, 股份公司/集团 forms, the division written another way, the bracketed
  division order, a sibling of another form, former names, typos (replaced, swapped, missing,
  added), six-character cores, long place names, branches, absent names and absent names two
  edits from a listed one. Each class: recall@1, recall@5, false-hit rate, and the exhaustive
  ceiling (bench/check_names.py: every registry name scored by the same rule in this process,
  without the index), with recall@1 on the tie-free part (queries whose truth the exhaustive
  scorer puts alone at the top). Quality is measured in-process with run_checks (the code
  the API runs), so that the whole ranked list is seen;
* single check p50/p99 through the HTTP API (uvicorn subprocess on 127.0.0.1, bounded
  number of requests), goal p99 < 20 ms;
* a batch of 10,000 applicants of these classes through POST /api/v1/checks/batch, goal < 5 s.

Data goes into a scratch SQLite database (or, with `--backend postgresql`, a PostgreSQL
schema `cbench_<registered>_<listed>_<seed>` in the `test` database, kept for `--reuse`) with
executemany (not through the validating ingest); the name index is then built with the same
code as `xinyong screening reindex`. `--reuse` skips the build when the database file (or
schema) exists (the data is regenerated from the seed, so the truth is the same; checks
stored by earlier runs stay in it). Truths are listed subjects (the check's purpose: a typo
of an unlisted name is never shown, by design).

    .venv/bin/python bench/check_bench.py --registered 20000 --listed 2000 --per-class 100 \
        --batch 2000 --requests 300                                    # small run
    .venv/bin/python bench/check_bench.py --registered 1000000 --listed 50000 --backend sqlite
    .venv/bin/python bench/check_bench.py --registered 1000000 --listed 50000 --backend postgresql
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from check_names import (  # noqa: E402
    Gen,
    Generator,
    Query,
    Registry,
    init_city_full,
    queries,
)

from xinyong.accounts import Actor, Role  # noqa: E402
from xinyong.core.db import build_engine, unit_of_work, upgrade  # noqa: E402
from xinyong.screening.check import CheckRequest, run_checks  # noqa: E402
from xinyong.screening.match import reindex  # noqa: E402
from xinyong.subjects.uscc import make  # noqa: E402

PG_ADMIN = os.environ.get("XINYONG_BENCH_POSTGRES_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")
LISTS = [("serious_dishonesty", "samr_order_44"), ("judgment_defaulter", "spc_defaulter_rules"),
         ("red", "guofa_2016_33")]
ACTOR = Actor(role=Role.CASE_OFFICER, name="张警官", department_uscc="11350200MB1600090X",
              department_class="procurement", department_name="示范市财政局")
SIBLING_SHARE = 0.02  # of the listed, an unlisted sibling that differs only by its form
FORMER_SHARE = 0.4  # of the listed, a former name
CLASS_ORDER = ["exact", "code", "traditional", "full width and spacing", "former name",
               "form spelt another way", "股份公司 / 集团 forms", "sibling of another form listed",
               "division written another way", "bracket order", "branch", "typo: replaced",
               "typo: swap", "typo: missing", "typo: extra", "six-character core, replaced",
               "long place name, typo in 字号"]


def code_of(sid: int) -> str:
    return make("91", "350200", f"{sid - 1:08d}")


def generate(n: int, listed: int, seed: int) -> dict[str, Any]:
    """The registry, listed ids, former names and siblings, all from the seed."""
    rng = random.Random(seed)
    gen = Generator(rng)
    n_sib = int(listed * SIBLING_SHARE)
    gens: list[Gen] = [gen.one() for _ in range(n - n_sib)]
    listed_ids = rng.sample(range(1, len(gens) + 1), listed)
    siblings: dict[int, int] = {}
    for sid in listed_ids[:n_sib * 2]:
        if len(siblings) >= n_sib:
            break
        sib = gen.sibling(gens[sid - 1])
        if sib is not None:
            gens.append(sib)
            siblings[sid] = len(gens)
    former: dict[int, Gen] = {}
    for sid in listed_ids[: int(listed * FORMER_SHARE)]:
        g = gens[sid - 1]
        old = gen.one()
        former[sid] = Gen(g.division, g.short, old.trade, g.industry, "厂")
    absent: Iterator[Gen] = iter(gen.one, None)
    return {"gens": gens, "listed": listed_ids, "former": former, "siblings": siblings,
            "absent": absent, "rng": rng}


def load(url: str, data: dict[str, Any], write: bool) -> dict[str, float]:
    eng = build_engine(url)
    upgrade(eng)  # a reused database gets this code's migrations too
    if not write:
        return {"load_s": 0.0, "index_s": 0.0, "indexed": 0}
    t0 = time.perf_counter()
    gens: list[Gen] = data["gens"]
    mark = "?" if eng.dialect.name == "sqlite" else "%s"

    def values(k: int) -> str:
        return "VALUES (" + ",".join([mark] * k) + ")"
    now = datetime.now()
    rows = [(i + 1, code_of(i + 1), "organisation", "organisation", g.name, "王建国", "350200",
             now, now) for i, g in enumerate(gens)]
    with eng.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO subject (id, uscc, kind, derived_kind, name, legal_representative, "
            f"region_code, created_at, updated_at) {values(9)}", rows)
        if eng.dialect.name == "postgresql":  # ids were given: the sequence must follow
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('subject', 'id'), "
                                 "(SELECT max(id) FROM subject))")
        entries = []
        for j, sid in enumerate(data["listed"]):
            kind, basis = LISTS[0] if j % 10 < 6 else (LISTS[1] if j % 10 < 9 else LISTS[2])
            entries.append((kind, sid, gens[sid - 1].name, "published", "决定书",
                            f"示决〔2026〕{j}号", date(2026, 1, 5), "示范市市场监督管理局", basis,
                            "基准测试", date(2026, 2, 1), date(2029, 2, 1), 3, now, now))
        conn.exec_driver_sql(
            "INSERT INTO list_entry (list_kind, subject_id, subject_name, state, document_type, "
            "document_number, document_date, issuing_body, legal_basis_id, facts, decided_on, "
            f"listed_until, version, created_at, updated_at) {values(15)}", entries)
        conn.exec_driver_sql(
            f"INSERT INTO subject_name (subject_id, name, first_seen_at) {values(3)}",
            [(sid, g.name, now) for sid, g in data["former"].items()])
    if eng.dialect.name == "postgresql":
        # Statistics of the loaded tables, as autovacuum would gather them (the PostgreSQL
        # of our bench machines runs with autovacuum off); reindex analyses its own tables.
        with eng.begin() as conn:
            for table in ("subject", "subject_name", "list_entry"):
                conn.exec_driver_sql(f"ANALYZE {table}")
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with unit_of_work(eng) as s:
        indexed = reindex(s)
    eng.dispose()
    return {"load_s": load_s, "index_s": time.perf_counter() - t0, "indexed": indexed}


def applicant(q: Query) -> dict[str, str]:
    text, _sid, cls = q
    return {"uscc": text} if cls == "code" else {"name": text}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timings(url: str, qs: list[Query], n_single: int, n_batch: int, root: Path
            ) -> dict[str, Any]:
    port = free_port()
    env = dict(os.environ, XINYONG_DATABASE_URL=url)
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "check_app:app", "--app-dir", str(root / "bench"),
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"], env=env,
        cwd=str(root))
    out: dict[str, Any] = {}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            for _ in range(300):
                try:
                    if client.get("/-/health").status_code < 500:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            for q in qs[:50]:  # warm-up
                client.post("/api/v1/checks", json=applicant(q) | {"matter": "procurement"})
            base = []
            for _ in range(200):
                t0 = time.perf_counter()
                client.get("/-/health")
                base.append((time.perf_counter() - t0) * 1000)
            base.sort()
            out["health"] = (statistics.median(base), base[int(len(base) * 0.99) - 1])
            lat = []
            for i in range(n_single):
                q = qs[(i * 7919) % len(qs)]
                t0 = time.perf_counter()
                r = client.post("/api/v1/checks", json=applicant(q) | {"matter": "procurement"})
                lat.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200, r.text
            lat.sort()
            out["single"] = (statistics.median(lat), lat[int(len(lat) * 0.99) - 1], len(lat))
            batch = [applicant(qs[i % len(qs)]) for i in range(n_batch)]
            t0 = time.perf_counter()
            r = client.post("/api/v1/checks/batch", json={"matter": "bidding",
                                                          "applicants": batch})
            out["batch_s"] = time.perf_counter() - t0
            assert r.status_code == 200, r.text[:500]
            out["batch_best"] = [None if row["best_hit"] is None else row["best_hit"]["subject_id"]
                                 for row in r.json()["items"]]
            out["batch_n"] = len(batch)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return out


def checked(url: str, qs: list[Query]) -> tuple[list[list[int]], list[int]]:
    """The check's ranked hits (subject ids) for each query, in-process, and the number of
    measures each check prompted (a fuzzy hit prompts none until an officer confirms it)."""
    eng = build_engine(url)
    out: list[list[int]] = []
    prompts: list[int] = []
    for i in range(0, len(qs), 2000):
        reqs = [CheckRequest("procurement", **applicant(q)) for q in qs[i:i + 2000]]
        with unit_of_work(eng) as s:
            for r in run_checks(s, reqs, ACTOR):
                out.append([h["subject_id"] for h in r["hits"]])
                prompts.append(len(r["measures"]))
    eng.dispose()
    return out, prompts


def exhaustive(data: dict[str, Any], qs: list[Query]) -> list[list[tuple[int, float]]]:
    reg = Registry()
    listed = set(data["listed"])
    for i, g in enumerate(data["gens"]):
        reg.add(i + 1, g.name, True, i + 1 in listed)
    for sid, g in data["former"].items():
        reg.add(sid, g.name, False, True)
    return [[(sid, 1.0)] if cls == "code" else reg.rank(text) for text, sid, cls in qs]


def report(qs: list[Query], got: list[list[int]], ceiling: list[list[tuple[int, float]]]
           ) -> dict[str, dict[str, float]]:
    rows: dict[str, dict[str, float]] = {}
    for (_text, truth, cls), hits, ranked in zip(qs, got, ceiling, strict=True):
        r = rows.setdefault(cls, dict.fromkeys(
            ("n", "r1", "r5", "false", "ceil", "best", "tiefree", "tiefree_r1", "agree"), 0.0))
        r["n"] += 1
        r["agree"] += list(hits[:5]) == [sid for sid, _s in ranked[:5]]
        if truth is None:
            r["false"] += bool(hits)
            r["ceil"] += bool(ranked)  # the rule itself hits (a name one edit away)
            continue
        r["r1"] += bool(hits) and hits[0] == truth
        r["r5"] += truth in hits[:5]
        r["false"] += bool(hits) and hits[0] != truth
        scores = dict(ranked)
        r["ceil"] += bool(ranked) and ranked[0][0] == truth
        if truth in scores:
            st = scores[truth]
            r["best"] += all(s < st for sid, s in ranked if sid != truth)
            if all(s < st for sid, s in ranked if sid != truth):
                r["tiefree"] += 1
                r["tiefree_r1"] += bool(hits) and hits[0] == truth
    return rows


def print_report(rows: dict[str, dict[str, float]]) -> None:
    print("| class | n | recall@1 | recall@5 | false-hit rate | ceiling@1 | best rank 1 | "
          "tie-free n | recall@1 tie-free | top-5 = exhaustive |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    total = dict.fromkeys(("n", "r1", "r5", "false", "ceil", "best", "tiefree", "tiefree_r1",
                           "agree"), 0.0)
    negatives = ("absent", "absent, two edits from a listed name")
    for cls, r in sorted(rows.items(), key=lambda kv: (kv[0] in negatives, CLASS_ORDER.index(
            kv[0]) if kv[0] in CLASS_ORDER else 99)):
        n = r["n"]
        if cls in negatives:
            print(f"| {cls} | {n:.0f} | - | - | {r['false'] / n:.4f} | (rule hits "
                  f"{r['ceil'] / n:.4f}) | - | - | - | {r['agree'] / n:.3f} |")
            continue
        for k in total:
            total[k] += r[k]
        tf = r["tiefree_r1"] / r["tiefree"] if r["tiefree"] else float("nan")
        print(f"| {cls} | {n:.0f} | {r['r1'] / n:.4f} | {r['r5'] / n:.4f} | "
              f"{r['false'] / n:.4f} | {r['ceil'] / n:.4f} | {r['best'] / n:.4f} | "
              f"{r['tiefree']:.0f} | {tf:.4f} | {r['agree'] / n:.3f} |")
    n = total["n"]
    print(f"| **all present** | {n:.0f} | {total['r1'] / n:.4f} | {total['r5'] / n:.4f} | "
          f"{total['false'] / n:.4f} | {total['ceil'] / n:.4f} | {total['best'] / n:.4f} | "
          f"{total['tiefree']:.0f} | {total['tiefree_r1'] / max(total['tiefree'], 1):.4f} | "
          f"{total['agree'] / n:.3f} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--registered", "--subjects", dest="registered", type=int,
                    default=1_000_000)
    ap.add_argument("--listed", type=int, default=50_000)
    ap.add_argument("--per-class", type=int, default=600, help="queries per class")
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--db", default="/tmp/xinyong_check_bench.db",
                    help="SQLite file (--backend sqlite)")
    ap.add_argument("--seed", type=int, default=20)
    ap.add_argument("--reuse", action="store_true",
                    help="keep an existing --db built with the same sizes and seed")
    args = ap.parse_args()
    root = Path(__file__).resolve().parent.parent
    if args.backend == "sqlite":
        reuse = args.reuse and Path(args.db).exists()
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(args.db + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{args.db}"
        where = args.db
    else:
        schema = f"cbench_{args.registered}_{args.listed}_{args.seed}"
        admin = build_engine(PG_ADMIN)
        with admin.begin() as conn:
            exists = conn.exec_driver_sql(
                "SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).first()
            reuse = args.reuse and exists is not None
            if not reuse:
                conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
                conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        admin.dispose()
        url = f"{PG_ADMIN}?options=-csearch_path%3D{schema}"
        where = f"schema {schema}"
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    t0 = time.perf_counter()
    init_city_full()
    data = generate(args.registered, args.listed, args.seed)
    print(f"generated {len(data['gens']):,} names in {time.perf_counter() - t0:.1f} s",
          flush=True)
    built = load(url, data, write=not reuse)
    print(f"reusing {where}" if reuse else
          f"loaded {len(data['gens']):,} subjects / {args.listed:,} listed / "
          f"{len(data['former']):,} former names in {built['load_s']:.1f} s; name index "
          f"{built['indexed']:,} names in {built['index_s']:.1f} s", flush=True)
    if args.backend == "sqlite":  # a warm server, not this VM's disk
        for path in (Path(args.db), Path(args.db + "-wal")):
            if path.exists():
                with path.open("rb") as f:
                    while f.read(1 << 24):
                        pass
    qs = queries(data["gens"], data["listed"], data["former"], data["siblings"],
                 data["absent"], args.per_class, data["rng"], {
                     sid: code_of(sid) for sid in data["listed"]})
    print(f"{len(qs):,} queries in {len({c for _t, _s, c in qs})} classes", flush=True)
    t = timings(url, qs, args.requests, args.batch, root)
    print(f"baseline GET /-/health: p50={t['health'][0]:.1f} ms p99={t['health'][1]:.1f} ms")
    print(f"single check over HTTP: n={t['single'][2]} p50={t['single'][0]:.1f} ms "
          f"p99={t['single'][1]:.1f} ms")
    print(f"batch of {t['batch_n']:,} applicants over HTTP: {t['batch_s']:.2f} s", flush=True)
    t0 = time.perf_counter()
    got, prompts = checked(url, qs)
    print(f"quality pass in-process: {len(qs):,} checks in {time.perf_counter() - t0:.1f} s")
    absent = [p for (_t, truth, _c), p in zip(qs, prompts, strict=True) if truth is None]
    print(f"measures prompted for absent names: {sum(absent)} in {len(absent):,} checks "
          f"({sum(1 for p in absent if p)} checks prompting any)")
    same = sum((g[0] if g else None) == b for g, b in zip(got, t["batch_best"], strict=False))
    print(f"batch over HTTP agrees with the in-process best hit on {same:,} of "
          f"{min(len(got), t['batch_n']):,}")
    t0 = time.perf_counter()
    ceiling = exhaustive(data, qs)
    print(f"exhaustive scorer over {len(data['gens']) + len(data['former']):,} names: "
          f"{time.perf_counter() - t0:.1f} s", flush=True)
    print_report(report(qs, got, ceiling))
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
