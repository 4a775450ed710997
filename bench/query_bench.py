"""Public query benchmark (issue 3): USCC lookup and name search through the HTTP API, and the
same service call run directly on the database as the limit beside it.

1. `generate`: bulk-load N subjects (valid USCCs, realistic names, 5% with a former name),
   their search index (through `index_names`, as ingest does) and M records with their
   publication judgements into a freshly migrated scratch database, not through the
   validating ingest: with ingest's `BulkWriter`, i.e. `COPY ... FROM STDIN` on PostgreSQL
   and executemany on SQLite.
2. `measure`: start `uvicorn` (one process, the app of `create_app`) on a free port, then
   * latency, sequential keep-alive requests: GET /api/v1/subjects/{uscc} (the credit file)
     and GET /api/v1/subjects?q= (name search; half two-character trade names, half longer),
     each with two clients: httpx (`http_*`, as in the earlier runs) and the standard
     library's http.client (`http_*_stdlib`). Client and server share the 2 cores, and httpx
     spends about 1 ms of CPU per request of its own (more when the machine is busy), which
     the stdlib client does not: its figures are closer to what the server adds;
   * throughput: lookups from C concurrent client threads for a fixed time;
   * direct: the same service functions in-process on one Session (no HTTP), and the bare
     SQL of the USCC lookup.

    python bench/query_bench.py --backend sqlite --subjects 1000000 --records 5000000
    python bench/query_bench.py --backend postgresql --subjects 1000000 --records 5000000

The scratch database is kept (bench/out/query_<backend>_<N>.db or PostgreSQL schema
qbench_<N>) and reused on the next run unless --regenerate.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import Engine, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xinyong.core.db import build_engine, unit_of_work, upgrade  # noqa: E402
from xinyong.ingest.tables import Batch, Provider  # noqa: E402
from xinyong.publication import default_rules, judge_penalty  # noqa: E402
from xinyong.subjects.bulk import BulkWriter, iso_datetime  # noqa: E402
from xinyong.subjects.search import index_names, search_subjects  # noqa: E402
from xinyong.subjects.tables import Subject  # noqa: E402
from xinyong.subjects.uscc import ALPHABET, make  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REGIONS = [
    ("350200", "厦门市"),
    ("350100", "福州市"),
    ("350500", "泉州市"),
    ("440300", "深圳市"),
    ("440100", "广州市"),
    ("330100", "杭州市"),
    ("320500", "苏州市"),
    ("110105", "北京市"),
    ("310115", "上海市"),
    ("510100", "成都市"),
]
TRADE = (
    "华盛 腾讯 华为 永泰 鑫源 恒达 金鼎 宏远 瑞丰 天成 明辉 长青 嘉禾 顺发 富民 泰和 "
    "鸿运 海峰 新元 正大 安康 佳美 东方 利民 兴隆 博雅 君安 同创 聚福 万通"
).split()
CHARS = (
    "华盛腾讯永泰鑫源恒达金鼎宏远瑞丰天成明辉长青嘉禾顺发富民和"
    "鸿运海峰新元正大安康佳美东方利民兴隆博雅君安同创聚福万通"
)
TRADES = [a + b for a in CHARS for b in CHARS if a != b]  # ~3,500 two-character trade names
INDUSTRY = [
    "食品",
    "科技",
    "贸易",
    "建筑工程",
    "餐饮管理",
    "物流",
    "医药",
    "服装",
    "电子",
    "机械设备",
    "文化传媒",
    "房地产开发",
    "农业发展",
    "环保科技",
    "汽车销售",
]
SUFFIX = ["有限公司", "有限责任公司", "股份有限公司", "有限公司", "有限公司"]
KINDS = [["罚款"], ["警告"], ["警告", "罚款"], ["没收违法所得", "罚款"], ["吊销许可证件"]]


def org8(i: int) -> str:
    out = []
    for _ in range(8):
        i, r = divmod(i, len(ALPHABET))
        out.append(ALPHABET[r])
    return "".join(reversed(out))


def subject_rows(n: int, rng: random.Random) -> list[dict[str, Any]]:
    now = datetime(2026, 11, 27)
    rows = []
    for i in range(n):
        code, city = REGIONS[i % len(REGIONS)]
        name = f"{city}{rng.choice(TRADES)}{rng.choice(INDUSTRY)}{rng.choice(SUFFIX)}"
        rows.append(
            {
                "id": i + 1,
                "uscc": make("91", code, org8(i + 7919)),
                "kind": "organisation",
                "derived_kind": "organisation",
                "name": name,
                "legal_representative": "王建国",
                "region_code": code,
                "created_at": now,
                "updated_at": now,
                "person_key": None,
                "person_id_masked": None,
            }
        )
    return rows


def db_ready(value: Any) -> Any:
    """A value as `BulkWriter` takes it (see xinyong.subjects.bulk): dates and times as ISO
    text, JSON as text serialised the way ingest serialises it."""
    if isinstance(value, datetime):
        return iso_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return dumps(value)
    return value


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def bulk_insert(writer: BulkWriter, table: str, rows: list[dict[str, Any]]) -> None:
    """Rows (dicts with the same keys) through COPY (PostgreSQL) or executemany (SQLite)."""
    if rows:
        columns = list(rows[0])
        writer.insert(table, columns, ([db_ready(r[c]) for c in columns] for r in rows))


# subject_search_gram: the bigram table of migrations before 0007 (absent after it).
LOADED = (
    "subject",
    "subject_name",
    "subject_search",
    "subject_search_gram",
    "record",
    "publication_judgement",
)
RECORD_COLUMNS = (
    "id",
    "record_type",
    "provider_id",
    "natural_key",
    "subject_id",
    "subject_name",
    "decision_date",
    "received_on",
    "deadline",
    "late",
    "version",
    "content_hash",
    "data",
    "first_batch_id",
    "batch_id",
    "created_at",
    "updated_at",
)
JUDGEMENT_COLUMNS = (
    "record_id",
    "record_version",
    "record_type",
    "rule_set_id",
    "severity",
    "severity_source",
    "min_end",
    "max_end",
    "never_early",
    "window_start",
    "window_end",
    "ended_by",
    "judged_at",
    "public_from",
)


def drop_secondary_indexes(engine: Engine) -> list[str]:
    """PostgreSQL bulk load: drop the plain (non-unique) indexes of the loaded tables and
    return their definitions, to be built once after the load (far cheaper than maintaining
    them row by row, the trigram GIN index above all). Unique indexes stay: they are the
    schema's guarantees. The definitions come from pg_indexes, so what is rebuilt is exactly
    what the migrations created."""
    with engine.begin() as conn:
        rows = conn.execute(
            text(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "JOIN pg_class c ON c.relname = i.indexname "
                "JOIN pg_index x ON x.indexrelid = c.oid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = i.schemaname "
                "WHERE i.schemaname = current_schema() AND i.tablename = ANY(:t) "
                "AND NOT x.indisunique"
            ),
            {"t": list(LOADED)},
        ).all()
        for name, _ in rows:
            conn.execute(text(f'DROP INDEX "{name}"'))
    return [d for _, d in rows]


def load_options(writer: BulkWriter) -> None:
    """PostgreSQL, inside a load transaction: skip the foreign-key triggers (the generator
    only writes ids it has just created or that exist: provider 1-40, batch 1-80, subject
    1-N) and do not wait for the WAL flush at commit (a scratch database). The first needs a
    superuser, which the bench's `postgres` account is."""
    if writer.postgres:
        writer.session.execute(text("SET LOCAL session_replication_role = replica"))
        writer.session.execute(text("SET LOCAL synchronous_commit = off"))


def generate(engine: Engine, subjects: int, records: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    upgrade(engine)
    postgres = engine.dialect.name == "postgresql"
    t0 = time.perf_counter()
    chunk = 20000 if not postgres else 50000
    now = datetime(2026, 11, 27)
    now_iso = iso_datetime(now)
    with unit_of_work(engine) as s:
        s.execute(
            insert(Provider),
            [
                {
                    "id": p + 1,
                    "uscc": make("11", "350200", org8(p + 1)),
                    "name": f"示范市第{p + 1}局",
                    "created_at": now,
                }
                for p in range(40)
            ],
        )
        s.execute(
            insert(Batch),
            [
                {
                    "id": b + 1,
                    "record_type": "penalty" if b < 40 else "licence",
                    "provider_id": b % 40 + 1,
                    "operator": "bench",
                    "channel": "file",
                    "received_on": date(2026, 11, 27),
                    "started_at": now,
                }
                for b in range(80)
            ],
        )
    indexes = drop_secondary_indexes(engine) if postgres else []
    all_rows = subject_rows(subjects, rng)
    print(f"  generated {subjects:,} subjects in {time.perf_counter() - t0:.0f}s", flush=True)
    for start in range(0, subjects, chunk):
        rows = all_rows[start : start + chunk]
        with unit_of_work(engine) as s:
            writer = BulkWriter(s)
            load_options(writer)
            bulk_insert(writer, "subject", rows)
            former = [
                {
                    "subject_id": r["id"],
                    "name": r["name"].replace("有限公司", "有限责任公司")
                    if rng.random() < 0.5
                    else r["name"][:3] + rng.choice(TRADES) + r["name"][5:],
                    "first_seen_at": now,
                    "batch_id": None,
                }
                for r in rows
                if rng.random() < 0.05
            ]
            # A former name equal to the current one (a name already 有限责任公司) is none.
            current = {r["id"]: r["name"] for r in rows}
            former = [f for f in former if f["name"] != current[f["subject_id"]]]
            bulk_insert(writer, "subject_name", former)
            index_names(
                s,
                [(r["id"], r["name"], True) for r in rows]
                + [(f["subject_id"], f["name"], False) for f in former],
                new=True,
                writer=writer,
            )
        if start % 200000 == 0:
            print(f"  subjects {start + len(rows):,} ({time.perf_counter() - t0:.0f}s)", flush=True)
    del all_rows
    rules = default_rules()
    cache: dict[tuple[date, int], Any] = {}
    first = date(2023, 6, 1)
    span = (date(2026, 11, 20) - first).days
    last_day = date(2026, 11, 27)
    rid = 0
    # Rows are built DB-ready (tuples in the column order above, ISO dates, JSON text): at
    # 5,000,000 records the per-value conversion would cost minutes.
    for start in range(0, records, chunk):
        recs: list[tuple[Any, ...]] = []
        judgements: list[tuple[Any, ...]] = []
        for _ in range(min(chunk, records - start)):
            rid += 1
            decided = first + timedelta(rng.randrange(span))
            decided_iso = decided.isoformat()
            sid = rng.randrange(1, subjects + 1)
            provider = rng.randrange(1, 41)
            if rng.random() < 0.5:
                k = rng.randrange(len(KINDS))
                data: dict[str, Any] = {
                    "document_number": f"示罚〔{decided.year}〕{rid}号",
                    "penalty_categories": KINDS[k],
                    "penalty_content": "、".join(KINDS[k]),
                    "violation_type": "未按规定公示",
                    "authority_name": f"示范市第{provider}局",
                }
                key = (decided, k)
                if key not in cache:
                    j = judge_penalty(data, decided, rules)
                    cache[key] = (
                        j.rule_set_id,
                        j.severity,
                        j.severity_source,
                        db_ready(j.min_end),
                        db_ready(j.max_end),
                        j.never_early,
                        decided_iso,
                        db_ready(j.max_end),
                        "max_period",
                    )
                judged = cache[key]
                rtype, batch = "penalty", provider
            else:
                valid_to = (decided + timedelta(365 * rng.choice((1, 3, 5)))).isoformat()
                data = {
                    "document_number": f"示许〔{decided.year}〕{rid}号",
                    "licence_content": "食品经营许可",
                    "valid_from": decided_iso,
                    "valid_to": valid_to,
                    "status": "有效",
                    "authority_name": f"示范市第{provider}局",
                }
                judged = (
                    "catalog:licence",
                    None,
                    None,
                    None,
                    valid_to,
                    False,
                    decided_iso,
                    valid_to,
                    "valid_to",
                )
                rtype, batch = "licence", provider + 40
            received = decided + timedelta(rng.choice((1, 2, 3, 5, 12)))
            received_iso = min(received, last_day).isoformat()
            judgements.append((rid, 1, rtype, *judged, now_iso, received_iso))
            recs.append(
                (
                    rid,
                    rtype,
                    provider,
                    data["document_number"],
                    sid,
                    "",
                    decided_iso,
                    received_iso,
                    None,
                    received - decided > timedelta(9),
                    1,
                    "x",
                    dumps(data),
                    batch,
                    batch,
                    now_iso,
                    now_iso,
                )
            )
        with unit_of_work(engine) as s:
            writer = BulkWriter(s)
            load_options(writer)
            writer.insert("record", RECORD_COLUMNS, recs)
            writer.insert("publication_judgement", JUDGEMENT_COLUMNS, judgements)
        if start % 500000 == 0:
            print(f"  records {start + len(recs):,} ({time.perf_counter() - t0:.0f}s)", flush=True)
    if postgres:
        print(f"  rows loaded ({time.perf_counter() - t0:.0f}s); building indexes", flush=True)
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
            for ddl in indexes:
                conn.execute(text(ddl))
            # Ids were given explicitly: move the sequences past them.
            for t in ("provider", "batch", "subject", "record"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), "
                        f"(SELECT max(id) FROM {t}))"
                    )
                )
        with engine.begin() as conn:
            for t in LOADED:
                if conn.execute(text("SELECT to_regclass(:t)"), {"t": t}).scalar() is not None:
                    conn.execute(text(f"ANALYZE {t}"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    print(f"  loaded in {time.perf_counter() - t0:.0f}s", flush=True)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(int(len(values) * p), len(values) - 1)] * 1000


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(pct(values, 0.50), 2),
        "p99_ms": round(pct(values, 0.99), 2),
        "mean_ms": round(statistics.mean(values) * 1000, 2),
    }


def queries(engine: Engine, n: int, rng: random.Random) -> tuple[list[str], list[str]]:
    with engine.connect() as conn:
        top = conn.execute(text("SELECT max(id) FROM subject")).scalar_one()
        ids = [rng.randrange(1, top + 1) for _ in range(n)]
        codes = [
            conn.execute(text("SELECT uscc FROM subject WHERE id = :i"), {"i": i}).scalar_one()
            for i in ids
        ]
        names = [
            conn.execute(text("SELECT name FROM subject WHERE id = :i"), {"i": i}).scalar_one()
            for i in ids[: n // 2]
        ]
    searches = []
    for i, name in enumerate(names):
        # Half two-character trade names (腾讯), half trade name + industry (腾讯科技).
        searches.append(name[3:5] if i % 2 == 0 else name[3:9])
        searches.append(rng.choice(TRADES))
    return codes, searches[:n]


def serve(url: str) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "XINYONG_DATABASE_URL": url, "XINYONG_ENVIRONMENT": "test"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "xinyong.api.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/-/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def timed_http(client: httpx.Client, paths: list[str]) -> list[float]:
    out = []
    for p in paths:
        t = time.perf_counter()
        r = client.get(p)
        out.append(time.perf_counter() - t)
        assert r.status_code == 200, (p, r.status_code, r.text[:200])
    return out


def timed_stdlib(base: str, paths: list[str]) -> list[float]:
    """The same sequential keep-alive requests with http.client (a much lighter client)."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port))
    out = []
    try:
        for p in paths:
            t = time.perf_counter()
            conn.request("GET", p)
            r = conn.getresponse()
            body = r.read()
            out.append(time.perf_counter() - t)
            assert r.status == 200, (p, r.status, body[:200])
    finally:
        conn.close()
    return out


def throughput(base: str, paths: list[str], threads: int, seconds: float) -> float:
    done = [0] * threads
    stop = time.monotonic() + seconds

    def worker(k: int) -> None:
        with httpx.Client(base_url=base) as c:
            i = k
            while time.monotonic() < stop:
                c.get(paths[i % len(paths)])
                i += threads
                done[k] += 1

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(done) / seconds


def measure(engine: Engine, url: str, n: int, seconds: float, threads: int) -> dict[str, Any]:
    from xinyong.publication.reads import credit_file

    rng = random.Random(11)
    codes, searches = queries(engine, n, rng)
    result: dict[str, Any] = {}
    # Direct: the same service calls on one session, no HTTP.
    today = date(2026, 11, 27)
    with unit_of_work(engine) as s:
        for c in codes[:50]:
            credit_file(s, c, today)
        lat = []
        for c in codes:
            t = time.perf_counter()
            credit_file(s, c, today)
            lat.append(time.perf_counter() - t)
        result["direct_credit_file"] = summary(lat)
        lat = []
        for c in codes:
            t = time.perf_counter()
            s.execute(select(Subject.id).where(Subject.uscc == c)).scalar_one()
            lat.append(time.perf_counter() - t)
        result["direct_sql_uscc"] = summary(lat)
        lat = []
        hits = 0
        for q in searches:
            t = time.perf_counter()
            hits += len(search_subjects(s, q).items)
            lat.append(time.perf_counter() - t)
        result["direct_search"] = {**summary(lat), "mean_hits": round(hits / len(searches), 1)}
    proc, base = serve(url)
    try:
        with httpx.Client(base_url=base) as client:
            timed_http(client, [f"/api/v1/subjects/{c}" for c in codes[:50]])
            result["http_credit_file"] = summary(
                timed_http(client, [f"/api/v1/subjects/{c}?as_of=2026-11-27" for c in codes])
            )
            result["http_search"] = summary(
                timed_http(client, [f"/api/v1/subjects?q={q}" for q in searches])
            )
            # The floor: a route with no database access (sync: one thread pool hop).
            result["http_version"] = summary(timed_http(client, ["/-/version"] * 500))
        result["http_version_stdlib"] = summary(timed_stdlib(base, ["/-/version"] * 500))
        result["http_credit_file_stdlib"] = summary(
            timed_stdlib(base, [f"/api/v1/subjects/{c}?as_of=2026-11-27" for c in codes])
        )
        result["http_search_stdlib"] = summary(
            timed_stdlib(base, [f"/api/v1/subjects?q={quote(q)}" for q in searches])
        )
        result["http_lookup_rps"] = round(
            throughput(
                base, [f"/api/v1/subjects/{c}?as_of=2026-11-27" for c in codes], threads, seconds
            ),
            1,
        )
        result["http_lookup_threads"] = threads
    finally:
        proc.terminate()
        proc.wait(10)
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--subjects", type=int, default=1_000_000)
    ap.add_argument("--records", type=int, default=5_000_000)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.backend == "sqlite":
        path = args.out / f"query_sqlite_{args.subjects}.db"
        fresh = args.regenerate or not path.exists()
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        schema = f"qbench_{args.subjects}"
        admin = build_engine(PG_ADMIN)
        with admin.begin() as conn:
            exists = (
                conn.execute(
                    text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema}
                ).first()
                is not None
            )
            fresh = args.regenerate or not exists
            if fresh:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                conn.execute(text(f"CREATE SCHEMA {schema}"))
        url = f"{PG_ADMIN}?options=-csearch_path%3D{schema}"
    engine = build_engine(url)
    if fresh:
        print(
            f"generating {args.subjects:,} subjects, {args.records:,} records ({args.backend})",
            flush=True,
        )
        t = time.perf_counter()
        generate(engine, args.subjects, args.records)
        load_s = round(time.perf_counter() - t)
    else:
        load_s = None
    res = measure(engine, url, args.queries, args.seconds, args.threads)
    report = {
        "backend": args.backend,
        "subjects": args.subjects,
        "records": args.records,
        "load_s": load_s,
        "machine": f"{platform.node()} {os.cpu_count()} cores",
        "python": platform.python_version(),
        "date": date.today().isoformat(),
        **res,
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    (args.out / f"query_{args.backend}_{args.subjects}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1)
    )


if __name__ == "__main__":
    main()
