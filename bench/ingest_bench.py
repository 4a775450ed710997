"""Ingest benchmark (issue 2): validated CSV ingest against a raw insert of the same rows.

For each backend (SQLite file, PostgreSQL schema) it measures, each in its own child process:

* validated ingest of N rows: `run_file_batch` (hash, encoding check, catalog validation,
  subject resolution with name history and 重错码 flags, name-search index, record writes,
  publication judgements and repair notices, one transaction), into a freshly migrated
  database; after the timed part it checks that the derived data is complete (a judgement
  per record, a notice per penalty, a search row per company subject): nothing is left for
  later;
* the same with N/10 rows, to show that peak memory does not grow with the file;
* raw baseline: the same CSV read with csv.reader and inserted with DBAPI executemany, in
  chunks of the same size and one transaction, into a plain table of TEXT columns.

Peak RSS is the child's ru_maxrss, read with os.wait4 so that each run is measured alone.

    python bench/ingest_bench.py --rows 1000000 --backend both --out bench/out

`--profile` runs the validated ingest in-process under cProfile instead (first backend only).
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import json
import os
import platform
import pstats
import random
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import text

from xinyong.catalog import default_catalog
from xinyong.core.db import build_engine, upgrade
from xinyong.core.settings import Settings
from xinyong.ingest.runner import FileBatch, run_file_batch
from xinyong.subjects.uscc import make

PG_URL = os.environ.get("XINYONG_BENCH_POSTGRES_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
RECEIVED_ON = date(2026, 11, 27)
SECTION = "## Ingest (issue 2)"
SEED = 20261127
SECRET = "bench-secret-key"

PROVIDER = make("11", "350200", "MB160001")  # 示范市市场监督管理局, as in tests/factories.py
PROVIDER_NAME = "示范市市场监督管理局"
AUTHORITIES = [
    (PROVIDER_NAME, PROVIDER),
    ("示范市市场监督管理局思明分局", make("11", "350203", "MB160011")),
    ("示范市市场监督管理局湖里分局", make("11", "350206", "MB160012")),
    ("示范市市场监督管理局集美分局", make("11", "350211", "MB160013")),
]
DISTRICTS = [("思明", "350203"), ("海沧", "350205"), ("湖里", "350206"), ("集美", "350211"),
             ("同安", "350212"), ("翔安", "350213")]
TRADE_CHARS = ("华盛鑫源恒通达泰宏鼎嘉瑞祥福隆兴昌富荣安康德"
               "润海金丰茂永佳明晨星辰龙博雅创新联众信诚汇远鹏")
INDUSTRIES = ["食品", "贸易", "餐饮", "建材", "电子", "物流", "医药", "服装", "五金", "科技",
              "家具", "汽车服务", "文化传媒", "农业", "化工", "印刷", "装饰工程", "酒店管理",
              "水产", "茶业"]
COMPANY_FORMS = ["有限公司", "有限责任公司", "股份有限公司"]
SHOP_FORMS = ["商行", "经营部", "便利店"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
GIVEN = ["建国", "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
         "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "志强", "海燕", "文博"]
PRODUCTS = ["饼干", "果汁饮料", "速冻水饺", "食用植物油", "大米", "酱油", "牛奶", "茶叶",
            "月饼", "瓶装饮用水", "儿童玩具", "电线电缆", "安全帽", "化妆品", "保健食品"]
# (violation type, facts, legal basis, penalty kinds, content, fine range in yuan or None)
VIOLATIONS: list[tuple[str, str, str, list[str], str, tuple[int, int] | None]] = [
    ("经营标签不符合规定的食品", "当事人经营的预包装食品{p}标签未标注生产日期,货值金额{v}元",
     "《中华人民共和国食品安全法》第一百二十五条第一款第二项", ["警告", "罚款"],
     "警告,并处罚款{f}元", (2000, 50000)),
    ("未按规定公示年度报告", "当事人未按照规定的期限公示2025年度报告,经责令限期改正逾期未改正",
     "《中华人民共和国市场主体登记管理条例》第四十八条", ["罚款"], "罚款{f}元", (1000, 10000)),
    ("销售不合格产品", "当事人销售经抽检不合格的{p},货值金额{v}元,违法所得{c}元",
     "《中华人民共和国产品质量法》第四十九条", ["没收违法所得", "罚款"],
     "没收违法所得{c}元,并处罚款{f}元", (5000, 200000)),
    ("发布虚假广告", "当事人在其网店页面宣称{p}具有治疗功效,与实际情况不符",
     "《中华人民共和国广告法》第五十五条第一款", ["罚款"], "罚款{f}元", (20000, 300000)),
    ("不明码标价", "当事人销售{p}未按规定明码标价", "《明码标价和禁止价格欺诈规定》第二十一条",
     ["警告"], "警告", None),
    ("未取得许可从事食品经营", "当事人未取得食品经营许可证从事{p}销售,货值金额{v}元",
     "《中华人民共和国食品安全法》第一百二十二条第一款", ["没收违法所得", "没收非法财物", "罚款"],
     "没收违法所得{c}元、没收{p}一批,并处罚款{f}元", (50000, 150000)),
    ("使用未经定期检验的特种设备", "当事人使用的电梯超过定期检验周期未申报检验",
     "《中华人民共和国特种设备安全法》第八十四条第一项", ["责令停产停业", "罚款"],
     "责令停止使用有关特种设备,并处罚款{f}元", (30000, 300000)),
    ("生产经营超过保质期的食品", "当事人经营超过保质期的{p},货值金额{v}元",
     "《中华人民共和国食品安全法》第一百二十四条第一款第五项", ["暂扣许可证件", "罚款"],
     "暂扣食品经营许可证,并处罚款{f}元", (50000, 100000)),
]


# ------------------------------------------------------------------------------------------
# Data


def _subject(i: int) -> tuple[str, str, str, str, str]:
    """Subject i -> (name, category, uscc, legal representative, org code); names unique."""
    d, rest = i % len(DISTRICTS), i // len(DISTRICTS)
    n = len(TRADE_CHARS)
    t1, t2, rest = rest % n, (rest // n) % n, rest // (n * n)
    ind, rest = rest % len(INDUSTRIES), rest // len(INDUSTRIES)
    form = rest % 3
    assert rest < 3, "subject pool too large for the name generator"
    shop = i % 10 == 9  # one subject in ten is an individual business
    district, region = DISTRICTS[d]
    name = (f"示范市{district}区{TRADE_CHARS[t1]}{TRADE_CHARS[t2]}{INDUSTRIES[ind]}"
            f"{(SHOP_FORMS if shop else COMPANY_FORMS)[form]}")
    uscc = make("92" if shop else "91", region, f"MA{i:06d}")
    rep = SURNAMES[(i * 7) % len(SURNAMES)] + GIVEN[(i * 13) % len(GIVEN)]
    org = f"{uscc[8:16]}-{uscc[16]}"
    return name, "个体工商户" if shop else "法人及非法人组织", uscc, rep, org


def _wan(yuan: int) -> str:
    """Yuan -> 万元 as the catalog wants it (at most 6 decimals)."""
    return format((Decimal(yuan) / 10000).normalize(), "f")


def generate_rows(n: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(SEED)
    pool = max(1, n * 3 // 10)
    start = date(2026, 1, 1)
    for k in range(1, n + 1):
        name, category, uscc, rep, org = _subject(rng.randrange(pool))
        vtype, facts, basis, kinds, content, fine = VIOLATIONS[rng.randrange(len(VIOLATIONS))]
        authority, authority_uscc = AUTHORITIES[rng.randrange(len(AUTHORITIES))]
        decided = start + timedelta(days=rng.randrange(323))  # up to 2026-11-19
        product = PRODUCTS[rng.randrange(len(PRODUCTS))]
        value, conf = rng.randrange(100, 50000), rng.randrange(50, 5000)
        fine_yuan = rng.randrange(fine[0], fine[1] + 1, 100) if fine else 0
        row: dict[str, Any] = {
            "subject_name": name, "subject_category": category, "subject_uscc": uscc,
            "org_code": org if category != "个体工商户" else None,
            "legal_representative": rep,
            "document_number": f"示市监处罚〔2026〕{k}号",
            "violation_type": vtype,
            "violation_facts": facts.format(p=product, v=value, c=conf),
            "penalty_basis": basis,
            "penalty_categories": ";".join(kinds),
            "penalty_content": content.format(p=product, c=conf, f=fine_yuan),
            "fine_amount": _wan(fine_yuan) if fine else None,
            "confiscation_amount": _wan(conf) if "没收违法所得" in kinds else None,
            "licence_revoked": (f"食品经营许可证JY1{uscc[2:8]}{k:08d}"
                                if "暂扣许可证件" in kinds else None),
            "decision_date": decided.isoformat(),
            "penalty_valid_until": (decided + timedelta(days=365 if fine_yuan < 100000
                                                        else 1095)).isoformat(),
            "authority_name": authority, "authority_uscc": authority_uscc,
            "provider_name": PROVIDER_NAME, "provider_uscc": PROVIDER,
            "severity": "轻微" if not fine else ("严重" if fine_yuan >= 100000 else "一般"),
            "procedure": "简易程序" if not fine else "一般程序",
        }
        yield row


def csv_path(out: Path, n: int) -> Path:
    return out / f"penalty_{n}.csv"


def ensure_csv(out: Path, n: int) -> Path:
    """Write the deterministic CSV of n rows (streaming) unless it already exists."""
    path = csv_path(out, n)
    done = path.with_suffix(".ok")
    if path.is_file() and done.is_file() and done.read_text().strip() == str(n):
        return path
    out.mkdir(parents=True, exist_ok=True)
    fields = default_catalog().get("penalty").fields
    t0 = time.perf_counter()
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([f.header for f in fields])
        for row in generate_rows(n):
            w.writerow(["" if row.get(f.name) is None else row[f.name] for f in fields])
    tmp.replace(path)
    done.write_text(f"{n}\n")
    size = path.stat().st_size / 1e6
    print(f"wrote {path} ({n} rows, {size:.0f} MB) in {time.perf_counter() - t0:.1f}s",
          flush=True)
    return path


# ------------------------------------------------------------------------------------------
# Databases


@contextmanager
def fresh_database(backend: str, out: Path, tag: str) -> Iterator[str]:
    """A freshly migrated database: an SQLite file under out, or a new PostgreSQL schema."""
    if backend == "sqlite":
        path = out / f"bench_{tag}.db"
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        engine = build_engine(url)
        upgrade(engine)
        _create_raw_table(engine)
        engine.dispose()
        try:
            yield url
        finally:
            for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                p.unlink(missing_ok=True)
        return
    admin = build_engine(PG_URL)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    try:
        engine = build_engine(url)
        upgrade(engine)
        _create_raw_table(engine)
        engine.dispose()
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _raw_columns() -> list[str]:
    return [f.name for f in default_catalog().get("penalty").fields]


def _create_raw_table(engine: Any) -> None:
    cols = ", ".join(f"{c} TEXT" for c in _raw_columns())
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE raw_penalty ({cols})"))


def _settings(url: str, out: Path) -> Settings:
    return Settings(database_url=url, var_dir=out / "var", secret_key=SECRET,
                    environment="test")


# ------------------------------------------------------------------------------------------
# Measurements (run inside a child process)


def measure_validated(url: str, path: Path, out: Path) -> dict[str, Any]:
    settings = _settings(url, out)
    engine = build_engine(url)
    job = FileBatch(path=path, record_type="penalty", provider_uscc=PROVIDER, operator="bench",
                    received_on=RECEIVED_ON, errors_path=out / f"{path.stem}_errors.csv")
    load0, c0, t0 = os.getloadavg()[0], time.process_time(), time.perf_counter()
    summary, errors = run_file_batch(engine, default_catalog(), settings, job)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    derived = derived_counts(engine)
    engine.dispose()
    return {"seconds": seconds, "cpu_s": cpu, "load": [load0, os.getloadavg()[0]],
            "derived": derived,
            "total": summary.total, "accepted": summary.accepted,
            "rejected": summary.rejected, "duplicates": summary.duplicates,
            "late": summary.late, "errors_file": str(errors) if errors else None,
            "chunk_rows": settings.ingest_chunk_rows}


DERIVED = {
    "records": "SELECT count(*) FROM record",
    "judgements": "SELECT count(*) FROM publication_judgement",
    "notices": "SELECT count(*) FROM repair_notice",
    "penalties": "SELECT count(*) FROM record WHERE record_type = 'penalty'",
    "company_subjects": "SELECT count(*) FROM subject WHERE kind <> 'person'",
    "current_search_rows": "SELECT count(*) FROM subject_search WHERE \"current\"",
}


def derived_counts(engine: Any) -> dict[str, int]:
    """Counts showing that the batch left no derived work behind (not timed)."""
    with engine.connect() as conn:
        return {k: int(conn.execute(text(q)).scalar_one()) for k, q in DERIVED.items()}


def measure_raw(url: str, path: Path, out: Path) -> dict[str, Any]:
    chunk_rows = _settings(url, out).ingest_chunk_rows
    engine = build_engine(url)
    cols = _raw_columns()
    mark = "?" if engine.dialect.dbapi.paramstyle == "qmark" else "%s"  # type: ignore[union-attr]
    sql = f"INSERT INTO raw_penalty ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))})"
    conn = engine.raw_connection()
    total = 0
    load0, c0, t0 = os.getloadavg()[0], time.process_time(), time.perf_counter()
    try:
        cur = conn.cursor()
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            while chunk := list(islice(reader, chunk_rows)):
                cur.executemany(sql, chunk)
                total += len(chunk)
        conn.commit()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        conn.close()
        engine.dispose()
    return {"seconds": seconds, "cpu_s": cpu, "load": [load0, os.getloadavg()[0]],
            "total": total, "chunk_rows": chunk_rows}


def child_main(spec: dict[str, Any]) -> None:
    import resource

    fn = measure_validated if spec["kind"] == "validated" else measure_raw
    result = fn(spec["url"], Path(spec["csv"]), Path(spec["out"]))
    result["self_maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["maxrss_mb"] = result["self_maxrss_kb"] / 1024  # replaced by the parent's wait4
    Path(spec["result"]).write_text(json.dumps(result))
    # Also kept where --runs looks for earlier results.
    backend = "sqlite" if spec["url"].startswith("sqlite") else "postgresql"
    saved = Path(spec["out"]) / f"saved_{backend}_{spec['kind']}_{result['total']}.json"
    saved.write_text(json.dumps(result))


def run_child(kind: str, backend: str, url: str, path: Path, out: Path) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; its own peak RSS comes from wait4."""
    result_file = out / f"result_{kind}_{backend}_{os.getpid()}.json"
    result_file.unlink(missing_ok=True)
    spec = {"kind": kind, "url": url, "csv": str(path), "out": str(out),
            "result": str(result_file)}
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child",
                             json.dumps(spec)])
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} run on {backend} failed (exit {proc.returncode})")
    result = json.loads(result_file.read_text())
    result_file.unlink()
    result["maxrss_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
    print(f"  {kind:9} {backend:10} {result['total']:>9} rows  {result['seconds']:8.1f}s  "
          f"{result['total'] / result['seconds']:9.0f} rows/s  client CPU "
          f"{result['cpu_s']:.1f}s  load {result['load'][0]:.1f}->{result['load'][1]:.1f}  "
          f"peak RSS {result['maxrss_mb']:.0f} MB", flush=True)
    if kind == "validated" and (result["accepted"] != result["total"] or result["rejected"]):
        raise SystemExit(f"benchmark data not fully accepted: {result}")
    d = result.get("derived")
    if kind == "validated" and d and not (
            d["records"] == d["judgements"] == result["total"]
            and d["notices"] == d["penalties"]
            and d["company_subjects"] == d["current_search_rows"]):
        raise SystemExit(f"derived data incomplete after the batch: {d}")
    return result


RUNS = ("small", "validated", "raw")


def bench_backend(backend: str, n: int, small: int, out: Path,
                  runs: set[str]) -> dict[str, Any]:
    got: dict[str, dict[str, Any]] = {}
    for run in RUNS:
        kind = "raw" if run == "raw" else "validated"
        rows = small if run == "small" else n
        saved = out / f"saved_{backend}_{kind}_{rows}.json"
        if run in runs:
            with fresh_database(backend, out, run) as url:
                got[run] = run_child(kind, backend, url, csv_path(out, rows), out)
            saved.write_text(json.dumps(got[run]))
        elif saved.is_file():
            got[run] = json.loads(saved.read_text())
            print(f"  {run}: reusing {saved.name}", flush=True)
        else:
            raise SystemExit(f"no saved result {saved}: include {run!r} in --runs")
    v_big, raw = got["validated"], got["raw"]
    return {"backend": backend, "rows": n, "small_rows": small, "validated": v_big,
            "validated_small": got["small"], "raw": raw,
            "ratio": v_big["seconds"] / raw["seconds"]}


def _stopped(m: dict[str, Any]) -> bool:
    """A run stopped by hand (saved with "stopped": true): it only gives a lower bound."""
    return bool(m.get("stopped"))


# ------------------------------------------------------------------------------------------
# Report


def _count(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        m = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        if m:
            ram = f"{int(m.group(1)) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    pg = "n/a"
    try:
        admin = build_engine(PG_URL)
        with admin.connect() as conn:
            pg = str(conn.execute(text("SHOW server_version")).scalar())
        admin.dispose()
    except Exception as exc:  # reported, not fatal: a SQLite-only run needs no server
        pg = f"unreachable ({type(exc).__name__})"
    return {"nproc": str(os.cpu_count()), "cpu": cpu, "ram": ram,
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "postgresql": pg}


def table(results: list[dict[str, Any]]) -> str:
    if not results:
        return ""
    small, n = _count(results[0]["small_rows"]), _count(results[0]["rows"])
    lines = [f"| backend | rows | validated s | validated rows/s | raw s | raw rows/s | ratio "
             f"| peak RSS {small} | peak RSS {n} |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        v, raw = r["validated"], r["raw"]
        if _stopped(v):
            vs, vrate, ratio = (f"> {v['seconds']:.0f} (stopped)",
                                f"< {v['rows_done_max'] / v['seconds']:,.0f}",
                                f"> {r['ratio']:.1f}x")
            rss = f"> {v['maxrss_mb']:.0f} MB"
        else:
            vs, vrate, ratio = (f"{v['seconds']:.1f}", f"{r['rows'] / v['seconds']:,.0f}",
                                f"{r['ratio']:.1f}x")
            rss = f"{v['maxrss_mb']:.0f} MB"
        lines.append(
            f"| {r['backend']} | {r['rows']:,} | {vs} | {vrate} | {raw['seconds']:.1f} | "
            f"{r['rows'] / raw['seconds']:,.0f} | {ratio} | "
            f"{r['validated_small']['maxrss_mb']:.0f} MB | {rss} |")
    return "\n".join(lines)


def conditions(results: list[dict[str, Any]]) -> str:
    lines = ["| backend | run | rows | wall s | client CPU s | load start -> end |",
             "|---|---|---:|---:|---:|---|"]
    for r in results:
        for label, key in (("validated", "validated_small"), ("validated", "validated"),
                           ("raw", "raw")):
            m = r[key]
            cpu = f"{m['cpu_s']:.1f}" if "cpu_s" in m else "n/a"
            load = f"{m['load'][0]:.1f} -> {m['load'][1]:.1f}" if "load" in m else "n/a"
            wall = f"> {m['seconds']:.0f} (stopped)" if _stopped(m) else f"{m['seconds']:.1f}"
            lines.append(f"| {r['backend']} | {label} | {m['total']:,} | {wall} | "
                         f"{cpu} | {load} |")
    return "\n".join(lines)


def section(results: list[dict[str, Any]], mach: dict[str, str], command: str,
            notes: list[str]) -> str:
    raw_rss = ", ".join(f"{r['backend']} {r['raw']['maxrss_mb']:.0f} MB" for r in results)
    chunk = results[0]["validated"]["chunk_rows"] if results else "?"
    return f"""{SECTION}

Validated ingest (`run_file_batch`: file hash, encoding check, catalog validation, subject
resolution, name-search index, record writes, publication judgements and repair notices, one
transaction; derived data checked complete after each run) of a generated CSV of valid
penalty rows (UTF-8 with BOM, Chinese headers, ~30% as many distinct company subjects as rows,
unique document numbers, one provider), against a raw insert of the same rows: csv.reader
plus DBAPI `executemany` into a table of TEXT columns, chunks of {chunk} rows, one
transaction. Each run is a fresh child process on a freshly migrated database (SQLite file;
PostgreSQL schema); ratio = validated s / raw s
(goal: at most 3x). Peak RSS is the child's ru_maxrss (os.wait4) for the validated ingest of
N/10 and N rows; the raw runs peaked at {raw_rss}.

- Machine: {mach['nproc']} cores, {mach['cpu']}, {mach['ram']} RAM
- Python {mach['python']}, SQLite {mach['sqlite']}, PostgreSQL {mach['postgresql']}
  (same machine)
- Date: {datetime.now().strftime('%Y-%m-%d %H:%M')}
- Command: `{command}`

{table(results)}

Conditions of each run (client CPU = user+sys seconds of the benchmark process during the timed
part; the PostgreSQL server's CPU is not included; load = 1-minute load average at start and
end, which shows whether other work shared the machine):

{conditions(results)}
{"".join(f"{chr(10)}{n}{chr(10)}" for n in notes)}"""


def write_results(path: Path, body: str) -> None:
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    if not current.lstrip().startswith("# "):
        current = "# Benchmarks\n\n" + current.lstrip("\n")
    start = current.find(SECTION)
    if start == -1:
        new = current.rstrip("\n") + "\n\n" + body
    else:
        nxt = current.find("\n## ", start + len(SECTION))
        rest = current[nxt + 1:] if nxt != -1 else ""
        new = current[:start] + body + ("\n" + rest if rest else "")
    path.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


# ------------------------------------------------------------------------------------------


def profile(backend: str, path: Path, out: Path) -> None:
    with fresh_database(backend, out, "profile") as url:
        prof = cProfile.Profile()
        prof.enable()
        result = measure_validated(url, path, out)
        prof.disable()
    stats_file = out / f"profile_{backend}.pstats"
    prof.dump_stats(stats_file)
    print(f"profiled validated ingest on {backend}: {result['total']} rows in "
          f"{result['seconds']:.1f}s (under cProfile); stats in {stats_file}")
    stats = pstats.Stats(str(stats_file))
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(45)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--out", type=Path, default=Path("bench/out"))
    parser.add_argument("--results", type=Path, default=Path(__file__).parent / "RESULTS.md")
    parser.add_argument("--profile", action="store_true",
                        help="profile the validated ingest of --rows in-process instead")
    parser.add_argument("--runs", default=",".join(RUNS),
                        help="runs to measure (small,validated,raw); the others are read from "
                        "the results saved in --out by an earlier run")
    parser.add_argument("--note", action="append", default=[],
                        help="a paragraph added below the tables (repeatable)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_main(json.loads(args.child))
        return
    out = args.out.resolve()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    n, small = args.rows, max(1, args.rows // 10)
    runs = {r.strip() for r in args.runs.split(",") if r.strip()}
    if runs - set(RUNS):
        parser.error(f"--runs takes {','.join(RUNS)}")
    if args.profile:
        profile(backends[0], ensure_csv(out, n), out)
        return
    if runs & {"small"}:
        ensure_csv(out, small)
    if runs & {"validated", "raw"}:
        ensure_csv(out, n)
    results = []
    for backend in backends:
        print(f"{backend}:", flush=True)
        results.append(bench_backend(backend, n, small, out, runs))
    mach = machine()
    command = f"python bench/ingest_bench.py --rows {n} --backend {args.backend} --out {args.out}"
    if runs != set(RUNS):
        command += f" (this report: --runs={','.join(r for r in RUNS if r in runs)})"
    body = section(results, mach, command, args.note)
    print()
    print(body)
    write_results(args.results, body)
    print(f"updated {args.results}")


if __name__ == "__main__":
    main()
