"""Check benchmark (issue 5): 1,000,000 subjects, 50,000 listed.

* single check p50/p99 through the HTTP API (uvicorn subprocess on 127.0.0.1, bounded
  number of requests), goal p99 < 20 ms;
* a batch of 10,000 applicants with name variants through POST /api/v1/checks/batch,
  goal < 5 s, with recall@1 and false-hit rate on the generated variants (truth known).

Data goes into a scratch SQLite database (or, with `--backend postgresql`, a PostgreSQL
schema `cbench_<subjects>_<listed>_<seed>` in the `test` database, kept for `--reuse`) with
executemany (not through the validating ingest); the name index is then built with the same
code as `xinyong screening reindex`. `--reuse` skips the build when the database file (or
schema) exists (the data is regenerated from the seed, so the truth is the same; checks
stored by earlier runs stay in it).

Reading the typo and absent figures: the generated names are region + 字号 (two or three of
94 characters) + industry, so at a million names almost every absent name and every typo has
several registered names one character away, and nothing in the name tells the true one
apart. The check shows a fuzzy hit only for a subject with credit information (see
xinyong.screening.check), so typo recall is reported apart for truths that are listed (the
check's purpose) and those that are not (always missed, by design).

    .venv/bin/python bench/check_bench.py --subjects 1000000 --listed 50000
    .venv/bin/python bench/check_bench.py --subjects 1000000 --listed 50000 --backend postgresql
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
from datetime import date, datetime
from pathlib import Path

import httpx
import opencc

from xinyong.core.db import build_engine, unit_of_work, upgrade
from xinyong.screening.match import reindex
from xinyong.subjects.uscc import make

PG_ADMIN = os.environ.get("XINYONG_BENCH_POSTGRES_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")

REGIONS = ["北京市", "上海市", "天津市", "重庆市", "广州市", "深圳市", "杭州市", "南京市", "苏州市",
           "成都市", "武汉市", "西安市", "厦门市", "福州市", "泉州市", "青岛市", "济南市", "郑州市",
           "长沙市", "合肥市", "南昌市", "昆明市", "贵阳市", "南宁市", "海口市", "沈阳市", "大连市",
           "哈尔滨市", "长春市", "石家庄市"]
TRADE = ("华盛德泰恒达鑫源宏远兴业富隆嘉禾瑞丰永安博通汇金长城东方新星天成佳美康宁锦程鹏飞凯越"
         "海纳百川卓越明辉金鼎银河安信宝丰诚信和谐福瑞祥云中科创智联网络星光天下大地蓝海红日"
         "绿洲白鹭青松翠竹紫荆黄河长江泰山峨眉昆仑珠江湘江闽江")
INDUSTRY = ["食品", "科技", "建筑工程", "物流", "贸易", "餐饮管理", "信息技术", "医药",
            "环保科技", "机械制造", "电子", "服装", "文化传媒", "房地产开发",
            "装饰工程", "农业发展", "汽车服务",
            "教育咨询", "化工", "新能源", "生物科技", "旅游开发", "物业管理", "建材", "印刷",
            "广告", "酒店管理", "人力资源", "金属制品", "家具"]
SUFFIX = ["有限公司", "有限责任公司", "股份有限公司", "集团有限公司", "有限公司"]
LISTS = [("serious_dishonesty", "samr_order_44"), ("judgment_defaulter", "spc_defaulter_rules"),
         ("red", "guofa_2016_33")]


def gen_names(n: int, rng: random.Random) -> list[tuple[str, str, str, str]]:
    seen: set[str] = set()
    out: list[tuple[str, str, str, str]] = []
    while len(out) < n:
        region = rng.choice(REGIONS)
        trade = rng.choice(TRADE) + rng.choice(TRADE) + (rng.choice(TRADE) if rng.random() < .3
                                                           else "")
        ind = rng.choice(INDUSTRY)
        core = region + trade + ind
        if core in seen:
            continue
        seen.add(core)
        out.append((region, trade, ind, rng.choice(SUFFIX)))
    return out


def build(url: str, n: int, listed: int, seed: int, write: bool = True) -> dict[str, object]:
    rng = random.Random(seed)
    eng = build_engine(url)
    t0 = time.perf_counter()
    parts = gen_names(n + 5000, rng)  # the last 5,000 are absent: negatives
    absent = parts[n:]
    parts = parts[:n]
    upgrade(eng)  # a reused database gets this code's migrations too
    if not write:
        listed_ids = rng.sample(range(1, n + 1), listed)
        return {"engine": eng, "parts": parts, "absent": absent, "listed_ids": listed_ids,
                "former_ids": set(listed_ids[:20000]), "load_s": 0.0, "index_s": 0.0,
                "indexed": 0}
    # The DBAPI's placeholder: sqlite3 takes ?, psycopg %s.
    mark = "?" if eng.dialect.name == "sqlite" else "%s"

    def values(n: int) -> str:
        return "VALUES (" + ",".join([mark] * n) + ")"
    now = datetime.now()
    rows = []
    for i, (region, trade, ind, suf) in enumerate(parts):
        uscc = make("91", "350200", f"{i:08d}")
        rows.append((i + 1, uscc, "organisation", "organisation", region + trade + ind + suf,
                     "王建国", "350200", now, now))
    with eng.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO subject (id, uscc, kind, derived_kind, name, legal_representative, "
            f"region_code, created_at, updated_at) {values(9)}", rows)
        if eng.dialect.name == "postgresql":  # ids were given: the sequence must follow
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('subject', 'id'), "
                                 "(SELECT max(id) FROM subject))")
        listed_ids = rng.sample(range(1, n + 1), listed)
        entries = []
        for j, sid in enumerate(listed_ids):
            kind, basis = LISTS[0] if j % 10 < 6 else (LISTS[1] if j % 10 < 9 else LISTS[2])
            entries.append((kind, sid, rows[sid - 1][4], "published", "决定书",
                            f"示决〔2026〕{j}号", date(2026, 1, 5), "示范市市场监督管理局", basis,
                            "基准测试",
                            date(2026, 2, 1), date(2029, 2, 1), 3, now, now))
        conn.exec_driver_sql(
            "INSERT INTO list_entry (list_kind, subject_id, subject_name, state, document_type, "
            "document_number, document_date, issuing_body, legal_basis_id, facts, decided_on, "
            "listed_until, version, created_at, updated_at) "
            f"{values(15)}", entries)
        # Former names for 20,000 listed subjects.
        former_ids = listed_ids[:20000]
        conn.exec_driver_sql(
            f"INSERT INTO subject_name (subject_id, name, first_seen_at) {values(3)}",
            [(sid, parts[sid - 1][0] + "老" + parts[sid - 1][1] + parts[sid - 1][2] + "厂",
              now) for sid in former_ids])
    if eng.dialect.name == "postgresql":
        # Statistics of the tables loaded above, as autovacuum would gather them after such a
        # load (the PostgreSQL of our bench machines runs with autovacuum off; without them a
        # single check took p50 27 ms / p99 469 ms instead of 4 / 8). `reindex` analyses the
        # tables it rewrites itself.
        with eng.begin() as conn:
            for table in ("subject", "subject_name", "list_entry"):
                conn.exec_driver_sql(f"ANALYZE {table}")
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with unit_of_work(eng) as s:
        indexed = reindex(s)
    index_s = time.perf_counter() - t0
    return {"engine": eng, "parts": parts, "absent": absent, "listed_ids": listed_ids,
            "former_ids": set(former_ids), "load_s": load_s, "index_s": index_s,
            "indexed": indexed}


def variants(data: dict[str, object], count: int, rng: random.Random
             ) -> list[tuple[dict[str, str], int | None, str]]:
    t2s = opencc.OpenCC("s2t")
    parts = data["parts"]
    listed = data["listed_ids"]
    former = data["former_ids"]
    assert isinstance(parts, list) and isinstance(listed, list) and isinstance(former, set)
    out: list[tuple[dict[str, str], int | None, str]] = []
    kinds = ["exact", "traditional", "full_width", "spacing", "suffix", "former", "typo",
             "code"]
    present = count * 3 // 4
    for i in range(present):
        sid = rng.choice(listed) if rng.random() < .7 else rng.randrange(1, len(parts) + 1)
        region, trade, ind, suf = parts[sid - 1]
        name = region + trade + ind + suf
        kind = kinds[i % len(kinds)]
        if kind == "former" and sid not in former:
            kind = "exact"
        q: dict[str, str]
        if kind == "exact":
            q = {"name": name}
        elif kind == "traditional":
            q = {"name": t2s.convert(name)}
        elif kind == "full_width":
            q = {"name": region + "\u3000" + trade + ind + suf.replace("有限", "有限")}
        elif kind == "spacing":
            q = {"name": f"{region} {trade}·{ind} {suf}"}
        elif kind == "suffix":
            other_suffix = "有限责任公司" if suf != "有限责任公司" else "公司"
            q = {"name": region + trade + ind + other_suffix}
        elif kind == "former":
            q = {"name": region + "老" + trade + ind + "厂"}
        elif kind == "typo":
            pos = rng.randrange(len(trade))
            other = rng.choice([c for c in TRADE if c != trade[pos]])
            q = {"name": region + trade[:pos] + other + trade[pos + 1:] + ind + suf}
        else:
            q = {"uscc": make("91", "350200", f"{sid - 1:08d}")}
        out.append((q, sid, kind))
    absent = data["absent"]
    assert isinstance(absent, list)
    for region, trade, ind, suf in absent[:count - present]:
        out.append(({"name": region + trade + ind + suf}, None, "absent"))
    rng.shuffle(out)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--subjects", type=int, default=1_000_000)
    ap.add_argument("--listed", type=int, default=50_000)
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--db", default="/tmp/xinyong_check_bench.db",
                    help="SQLite file (--backend sqlite)")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--reuse", action="store_true",
                    help="keep an existing --db built with the same sizes and seed")
    args = ap.parse_args()
    if args.backend == "sqlite":
        reuse = args.reuse and Path(args.db).exists()
        if not reuse:
            Path(args.db).unlink(missing_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(args.db + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{args.db}"
        where = args.db
    else:
        schema = f"cbench_{args.subjects}_{args.listed}_{args.seed}"
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
    data = build(url, args.subjects, args.listed, args.seed, write=not reuse)
    if reuse:
        print(f"reusing {where}", flush=True)
    else:
        print(f"loaded {args.subjects:,} subjects / {args.listed:,} listed in "
              f"{data['load_s']:.1f} s; name index {data['indexed']:,} names in "
              f"{data['index_s']:.1f} s", flush=True)
    # Read the database file once: the figures are of a warm server, not of this VM's disk
    # (idle page-cache pages are reclaimed here, so a reused file is cold).
    t0 = time.perf_counter()
    for path in ((Path(args.db), Path(args.db + "-wal")) if args.backend == "sqlite" else ()):
        if path.exists():
            with path.open("rb") as f:
                while f.read(1 << 24):
                    pass
    if args.backend == "sqlite":
        print(f"read the database file in {time.perf_counter() - t0:.1f} s", flush=True)
    rng = random.Random(args.seed + 1)
    port = free_port()
    env = dict(os.environ, XINYONG_DATABASE_URL=url)
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "check_app:app", "--app-dir", str(Path(__file__).parent),
         "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"], env=env,
        cwd=str(Path(__file__).resolve().parent.parent))
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=60) as client:
            for _ in range(300):
                try:
                    if client.get("/-/health").status_code < 500:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            singles = variants(data, args.requests, rng)
            for q, _sid, _k in singles[:50]:  # warm-up
                client.post("/api/v1/checks", json=q | {"matter": "procurement"})
            # The framework's own cost on this machine now: a request that runs SELECT 1.
            base_lat = []
            for _ in range(200):
                t0 = time.perf_counter()
                client.get("/-/health")
                base_lat.append((time.perf_counter() - t0) * 1000)
            base_lat.sort()
            print(f"baseline GET /-/health: p50={statistics.median(base_lat):.1f} ms "
                  f"p99={base_lat[int(len(base_lat) * 0.99) - 1]:.1f} ms", flush=True)
            lat = []
            for q, _sid, _k in singles:
                t0 = time.perf_counter()
                r = client.post("/api/v1/checks", json=q | {"matter": "procurement"})
                lat.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200, r.text
            lat.sort()
            p50 = statistics.median(lat)
            p99 = lat[int(len(lat) * 0.99) - 1]
            print(f"single check over HTTP: n={len(lat)} p50={p50:.1f} ms p99={p99:.1f} ms",
                  flush=True)
            batch = variants(data, args.batch, rng)
            t0 = time.perf_counter()
            r = client.post("/api/v1/checks/batch", json={
                "matter": "bidding", "applicants": [q for q, _s, _k in batch]})
            batch_s = time.perf_counter() - t0
            assert r.status_code == 200, r.text[:500]
            rows = r.json()["items"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    listed_set = set(data["listed_ids"])  # type: ignore[call-overload]
    per_kind: dict[str, list[int]] = {}
    false_hits: dict[str, int] = {}
    negatives = 0
    for (_q, sid, kind), row in zip(batch, rows, strict=True):
        best = row["best_hit"]
        if sid is None:
            negatives += 1
            if best is not None:
                false_hits[best["method"]] = false_hits.get(best["method"], 0) + 1
        else:
            if kind == "typo":
                kind = "typo (listed)" if sid in listed_set else "typo (not listed)"
            per_kind.setdefault(kind, []).append(int(best is not None
                                                     and best["subject_id"] == sid))
    positives = [x for v in per_kind.values() for x in v]
    recall = sum(positives) / len(positives)
    typos = per_kind.get("typo (listed)", []) + per_kind.get("typo (not listed)", [])
    print(f"batch of {len(rows):,} applicants over HTTP: {batch_s:.2f} s; recall@1 "
          f"{recall:.4f}; typo recall@1 {sum(typos) / max(len(typos), 1):.3f}; false-hit rate "
          f"on {negatives:,} absent names {sum(false_hits.values()) / max(negatives, 1):.4f} "
          f"(by method: {false_hits})")
    print("recall@1 by variant: " + ", ".join(
        f"{k} {sum(v) / len(v):.3f} (n={len(v)})" for k, v in sorted(per_kind.items())))
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
