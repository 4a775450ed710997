"""Where the validated ingest's time goes beyond the raw insert (issue 2): the storage floor.

After a validated ingest of N rows (the CSV of bench/ingest_bench.py), everything the batch
stored is copied again inside the database, with no Python per row:

* SQLite: every table the batch wrote (records, judgements, repair notices, subjects, the
  name-search rows and both FTS5 indexes, ...) into a freshly migrated database with
  INSERT ... SELECT, one transaction. This is what the storage alone costs; the rest of the
  validated ingest's time is the Python work per row (validation, serialisation, subject
  resolution, judging).
* The Python stages alone, per row, on the same CSV in-process (no database): reading the CSV
  into row dicts, catalog validation, JSON serialisation and hash.
* PostgreSQL: the batch's `record` rows exported with COPY TO and loaded with COPY FROM into
  copies of the table: without indexes, with the table's indexes, and with its indexes and
  foreign keys (one at a time and all four): what the server spends per record row, and how
  much of it the referential checks are.

    python bench/ingest_floor.py --rows 100000 --backend sqlite
    python bench/ingest_floor.py --rows 200000 --backend postgresql

Prints the figures; nothing is written to RESULTS.md by this script.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_bench import PROVIDER, ensure_csv, fresh_database, measure_validated  # noqa: E402

from xinyong.core.db import build_engine, upgrade  # noqa: E402

# Not part of what a batch writes: the migration's own rows and the calendar it seeds.
SKIP = {"alembic_version", "calendar_day", "calendar_year", "raw_penalty"}
FTS = (("subject_search_fts", "haystack"), ("subject_search_bigram", "grams"))


def sqlite_floor(src: Path, dst: Path) -> None:
    for p in (dst, Path(f"{dst}-wal"), Path(f"{dst}-shm")):
        p.unlink(missing_ok=True)
    engine = build_engine(f"sqlite:///{dst}")
    upgrade(engine)
    engine.dispose()
    con = sqlite3.connect(dst, isolation_level=None)
    # As the platform's connections (xinyong.core.db) and the bulk writer's page cache.
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA cache_size=-65536")
    con.execute("ATTACH ? AS s", (str(src),))
    tables = [name for (name,) in con.execute(
        "SELECT name FROM s.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'subject_search_fts_%' "
        "AND name NOT LIKE 'subject_search_bigram_%'") if name not in SKIP]
    con.execute("BEGIN")
    total = 0.0
    for table in tables:
        n = con.execute(f"SELECT count(*) FROM s.{table}").fetchone()[0]
        if not n:
            continue
        t0 = time.perf_counter()
        con.execute(f"INSERT INTO main.{table} SELECT * FROM s.{table}")
        dt = time.perf_counter() - t0
        total += dt
        print(f"  {table:28s} {n:>9,} rows {dt:6.2f} s")
    for vt, col in FTS:  # external-content FTS5 tables: indexed from the copied rows
        t0 = time.perf_counter()
        con.execute(f"INSERT INTO main.{vt}(rowid, {col}) SELECT id, {col} FROM subject_search")
        dt = time.perf_counter() - t0
        total += dt
        print(f"  {vt:28s} {'(index)':>9} {dt:10.2f} s")
    t0 = time.perf_counter()
    con.execute("COMMIT")
    dt = time.perf_counter() - t0
    total += dt
    print(f"  {'commit':28s} {'':>9} {dt:10.2f} s")
    print(f"  storage floor: {total:.2f} s")
    con.close()


def python_stages(csv_path: Path) -> None:
    from datetime import date

    from xinyong.catalog import default_catalog
    from xinyong.ingest.readers import open_rows
    from xinyong.ingest.service import serialise
    from xinyong.ingest.validate import RowValidator

    rt = default_catalog().get("penalty")
    t0 = time.perf_counter()
    rows = list(open_rows(csv_path, rt).rows)
    t1 = time.perf_counter()
    day = date(2026, 11, 27)
    validator = RowValidator(rt, today=day, received_on=day, provider_uscc=PROVIDER,
                             secret="bench")
    results = [validator.validate(n, raw) for n, raw in rows]
    t2 = time.perf_counter()
    for r in results:
        if r.values is not None:
            serialise(r.values, keys_sorted=True)
    t3 = time.perf_counter()
    n = len(rows)
    print(f"  Python per row ({n:,} rows): CSV to row dicts {(t1 - t0) / n * 1e6:.1f} µs, "
          f"validation {(t2 - t1) / n * 1e6:.1f} µs, JSON and hash {(t3 - t2) / n * 1e6:.1f} µs")


FKS = {
    "subject": "FOREIGN KEY (subject_id) REFERENCES subject(id)",
    "batch": "FOREIGN KEY (batch_id) REFERENCES batch(id)",
    "first_batch": "FOREIGN KEY (first_batch_id) REFERENCES batch(id)",
    "provider": "FOREIGN KEY (provider_id) REFERENCES provider(id)",
}


def postgres_floor(url: str, dump: Path) -> None:
    engine = build_engine(url)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        with dump.open("wb") as fh, cur.copy("COPY record TO STDOUT") as copy:
            for block in copy:
                fh.write(block)
        raw.commit()
        n = cur.execute("SELECT count(*) FROM record").fetchone()[0]
        variants: list[tuple[str, str, list[str]]] = [
            ("no indexes", "INCLUDING DEFAULTS", []),
            ("indexes", "INCLUDING DEFAULTS INCLUDING INDEXES", []),
            *[(f"indexes + FK {k}", "INCLUDING DEFAULTS INCLUDING INDEXES", [k]) for k in FKS],
            ("indexes + all 4 FKs (as record)", "INCLUDING DEFAULTS INCLUDING INDEXES",
             list(FKS)),
        ]
        for label, like, fks in variants:
            cur.execute(f"CREATE TABLE floor_record (LIKE record {like})")
            for k in fks:
                cur.execute(f"ALTER TABLE floor_record ADD {FKS[k]}")
            raw.commit()
            t0 = time.perf_counter()
            with dump.open("rb") as fh, cur.copy("COPY floor_record FROM STDIN") as copy:
                while block := fh.read(1 << 20):
                    copy.write(block)
            raw.commit()
            dt = time.perf_counter() - t0
            print(f"  COPY {n:,} records, {label:34s} {dt:6.2f} s  "
                  f"{dt / n * 1e6:5.1f} µs/row")
            cur.execute("DROP TABLE floor_record")
            raw.commit()
    finally:
        raw.close()
        engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--out", type=Path, default=Path("bench/out"))
    args = ap.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    csv_path = ensure_csv(out, args.rows)
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    with fresh_database(args.backend, out, "floor") as url:
        result = measure_validated(url, csv_path, out)
        print(f"validated ingest of {result['total']:,} rows: {result['seconds']:.2f} s")
        if args.backend == "sqlite":
            src = Path(url.removeprefix("sqlite:///"))
            sqlite_floor(src, out / "bench_floor_copy.db")
            python_stages(csv_path)
            for p in (out / "bench_floor_copy.db", out / "bench_floor_copy.db-wal",
                      out / "bench_floor_copy.db-shm"):
                p.unlink(missing_ok=True)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                postgres_floor(url, Path(tmp) / "record.copy")
            with build_engine(url).begin() as conn:  # nothing left behind in the schema
                conn.execute(text("DROP TABLE IF EXISTS floor_record"))
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
