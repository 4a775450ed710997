"""Audit overhead on the lookup path (issue 4).

A department's non-public lookup (GET /api/v1/shared/subjects/{uscc}/records?purpose=...) is
timed through the HTTP API with the audit write on and off (XINYONG_AUDIT_READS, a setting
only this benchmark turns off). uvicorn runs the app of `create_app` in a subprocess on
127.0.0.1; two servers run side by side on the same database, one auditing and one not,
and sequential keep-alive requests alternate between them one by one (bounded in number), so
that whatever else a shared machine is doing hits both modes alike. Each round starts fresh
servers; the figure is the median of the rounds' percentiles.

    python bench/audit_bench.py --requests 2000 --rounds 3 [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from xinyong import departments
from xinyong.accounts import Actor, Role
from xinyong.accounts import service as accounts
from xinyong.catalog import default_catalog
from xinyong.core.db import build_engine, unit_of_work, upgrade
from xinyong.core.workdays import load_calendar
from xinyong.ingest import BatchInput, ingest, json_rows
from xinyong.subjects.uscc import make

PROVIDER = make("11", "350200", "MB160001")
LICENSING = make("11", "350200", "MB160002")
COMPANY = make("91", "350203", "MA2XKL01")


def _penalty(i: int) -> dict[str, Any]:
    return {"subject_name": "示范市华盛食品有限公司", "subject_category": "法人及非法人组织",
            "subject_uscc": COMPANY, "legal_representative": "王建国",
            "document_number": f"示市监处罚〔2026〕{i}号", "violation_type": "经营标签不符合规定",
            "violation_facts": "预包装食品标签未标注生产日期",
            "penalty_basis": "《中华人民共和国食品安全法》第一百二十五条",
            "penalty_categories": "警告;罚款", "penalty_content": "警告,并处罚款2000元",
            "fine_amount": "0.2", "decision_date": "2026-11-20",
            "penalty_valid_until": "2027-11-20", "authority_name": "示范市市场监督管理局",
            "authority_uscc": PROVIDER, "provider_name": "示范市市场监督管理局",
            "provider_uscc": PROVIDER}


def seed(url: str, records: int) -> str:
    engine = build_engine(url)
    upgrade(engine)
    rt = default_catalog().get("penalty")
    cli = Actor(role=Role.ADMIN, name="bench", client="cli")
    with unit_of_work(engine) as s:
        ingest(s, BatchInput(record_type=rt, provider_uscc=PROVIDER, operator="bench",
                             channel="api", received_on=date(2026, 11, 27)),
               json_rows([_penalty(i) for i in range(records)], rt),
               calendar=load_calendar(s), secret="bench", today=date(2026, 11, 27))
        departments.add_department(s, cli, departments.NewDepartment(
            code=LICENSING, name="示范市行政审批局", department_class="licensing"))
        accounts.create_account(s, cli, accounts.NewAccount(
            name="lic", role=Role.CASE_OFFICER, department=LICENSING))
        _key, clear = accounts.issue_key(s, cli, "lic")
    engine.dispose()
    return clear


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(url: str, audit: bool) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "XINYONG_DATABASE_URL": url, "XINYONG_AUDIT_READS": str(audit).lower(),
           "XINYONG_ENVIRONMENT": "test", "XINYONG_SECRET_KEY": "bench"}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "xinyong.api.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
         "--no-access-log"], env=env)
    return server, f"http://127.0.0.1:{port}"


def measure(url: str, key: str, requests: int) -> dict[bool, list[float]]:
    """Two servers on the same database, one auditing reads and one not, asked in strict
    alternation (off, on, off, on, ...): whatever else the machine is doing hits both alike,
    so the difference is the audit and not the moment it was measured in."""
    servers = {audit: start(url, audit) for audit in (False, True)}
    try:
        clients = {audit: httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=30)
                   for audit, (_, base) in servers.items()}
        for c in clients.values():
            for _ in range(100):
                try:
                    if c.get("/-/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
        path = f"/api/v1/shared/subjects/{COMPANY}/records?purpose=licensing"
        for _ in range(100):  # warm-up
            for c in clients.values():
                assert c.get(path).status_code == 200
        times: dict[bool, list[float]] = {False: [], True: []}
        for i in range(requests * 2):
            audit = bool(i % 2)
            t0 = time.perf_counter()
            r = clients[audit].get(path)
            times[audit].append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.text
        for c in clients.values():
            c.close()
        return times
    finally:
        for server, _ in servers.values():
            server.terminate()
            server.wait(timeout=30)


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 10) - 1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--records", type=int, default=20, help="records in the subject's file")
    ap.add_argument("--database-url", default="")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'audit_bench.db'}"
        key = seed(url, args.records)
        runs: dict[bool, list[list[float]]] = {False: [], True: []}
        load_before = os.getloadavg()[0]
        for _ in range(args.rounds):
            times = measure(url, key, args.requests)
            for audit in (False, True):
                runs[audit].append(times[audit])
        load_after = os.getloadavg()[0]
    result: dict[str, Any] = {"machine": f"{platform.node()} {platform.machine()} "
                              f"{os.cpu_count()} cpu, Python {platform.python_version()}",
                              "backend": url.split(":", 1)[0], "requests": args.requests,
                              "rounds": args.rounds, "records_per_lookup": args.records,
                              "load_average": [round(load_before, 2), round(load_after, 2)]}
    for audit, label in ((False, "without_audit"), (True, "with_audit")):
        p50 = statistics.median(pct(t, 50) for t in runs[audit])
        p99 = statistics.median(pct(t, 99) for t in runs[audit])
        result[label] = {"p50_ms": round(p50, 2), "p99_ms": round(p99, 2)}
    for q in ("p50_ms", "p99_ms"):
        off, on = result["without_audit"][q], result["with_audit"][q]
        result[f"overhead_{q[:3]}_pct"] = round((on - off) / off * 100, 1)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
