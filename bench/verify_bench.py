"""Cost of the records part of `xinyong audit verify` (#13): ingest a generated penalty CSV
(as bench/ingest_bench.py writes them) into a fresh database, then time `verify_stored`.

    python bench/verify_bench.py --csv bench/out/penalty_30000.csv --url sqlite:////tmp/v.db

Prints records checked, client CPU and wall seconds, records per CPU-second and peak RSS.
`--no-load` times verify on a database already loaded.
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import date
from pathlib import Path

from xinyong.catalog import default_catalog
from xinyong.core.db import build_engine, unit_of_work, upgrade
from xinyong.core.settings import Settings
from xinyong.ingest.integrity import verify_stored
from xinyong.ingest.runner import FileBatch, run_file_batch
from xinyong.subjects.uscc import make

PROVIDER = make("11", "350200", "MB160001")  # as bench/ingest_bench.py


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--csv", type=Path)
    parser.add_argument("--no-load", action="store_true")
    args = parser.parse_args()
    engine = build_engine(args.url)
    upgrade(engine)
    if not args.no_load:
        settings = Settings(database_url=args.url, secret_key="bench-secret-key",
                            environment="test")
        run_file_batch(engine, default_catalog(), settings, FileBatch(
            args.csv, "penalty", PROVIDER, "bench", date(2026, 11, 27),
            errors_path=Path("/tmp/verify_bench_errors.csv")))
    cpu, wall = time.process_time(), time.perf_counter()
    with unit_of_work(engine) as session:
        report = verify_stored(session)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"records {report.records} versions {report.versions} ok {report.ok} "
          f"cpu {cpu:.2f}s wall {wall:.2f}s {report.records / cpu:,.0f} records/cpu-s "
          f"peak RSS {rss} MB")


if __name__ == "__main__":
    main()
