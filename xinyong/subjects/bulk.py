"""Set-based writes for the ingest path, on the session's own connection and transaction.

(Generic, and it would sit best in xinyong.core; it lives here, in the lowest domain that
ingest, the subject registry and publication judging all use, to avoid an import cycle.)

An ingest batch writes hundreds of thousands of rows (records, subjects, their search index
and judgements). Going through the ORM or Core `executemany` costs tens of microseconds of
Python per row in parameter processing; this module hands DB-ready tuples straight to the
driver instead: `executemany` on SQLite, `COPY ... FROM STDIN` on PostgreSQL. Both run inside
the caller's transaction, so a batch stays all-or-nothing.

Values must be DB-ready: str, int, bool or None; dates and times as ISO text (`iso_datetime`
gives the form SQLAlchemy itself stores on SQLite) and JSON as serialised text.

Ids are allocated before the rows are written (`allocate_ids`), so rows that reference each
other (a record and its judgement, a subject and its search rows) are written without reading
anything back.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.orm import Session


def iso_datetime(moment: datetime) -> str:
    """A timestamp as text in SQLAlchemy's SQLite storage format (PostgreSQL parses it too)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


Job = tuple[str, Sequence[str], Sequence[Sequence[Any]]]  # table, columns, rows


class BulkWriter:
    """Inserts and id allocation for one session (one transaction).

    Used as a context manager (as ingest does), it also sizes SQLite's page cache for a bulk
    load: the default 2 MB holds a sliver of the indexes a batch inserts into at random
    (subject ids, codes, names), so at a million rows most index inserts first re-read a page.
    `cache_mib` applies to this connection until the block ends, then the previous size is
    back; on exit the block also waits for a background insert (or, on an error, lets it
    finish and drops its error so that the caller can roll back).
    """

    def __init__(self, session: Session, *, cache_mib: int = 0) -> None:
        self.session = session
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self._sql: dict[tuple[str, tuple[str, ...]], str] = {}
        self._sequences: dict[str, str] = {}
        self._running: threading.Thread | None = None
        self._failed: BaseException | None = None
        self._cache_mib = cache_mib
        self._old_cache: int | None = None

    def __enter__(self) -> BulkWriter:
        if self._cache_mib and not self.postgres:
            conn = self.session.connection()
            self._old_cache = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
            conn.exec_driver_sql(f"PRAGMA cache_size = -{self._cache_mib * 1024:d}")
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: Any) -> None:
        if exc_type is None:
            self.wait()
        else:
            self.settle()
        if self._old_cache is not None:
            old, self._old_cache = self._old_cache, None
            try:
                self.session.connection().exec_driver_sql(f"PRAGMA cache_size = {int(old)}")
            except Exception:
                if exc_type is None:
                    raise  # otherwise the caller's own error is the one to see

    def _dbapi(self) -> Any:
        # session.connection() begins the session's transaction if needed; the raw DBAPI
        # connection below is the same connection, so the rows are part of that transaction.
        return self.session.connection().connection.dbapi_connection

    def _statement(self, table: str, columns: Sequence[str]) -> str:
        key = (table, tuple(columns))
        sql = self._sql.get(key)
        if sql is None:
            cols = ", ".join(columns)
            sql = self._sql[key] = (
                f"COPY {table} ({cols}) FROM STDIN" if self.postgres else
                f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(columns))})")
        return sql

    @staticmethod
    def _copy(raw: Any, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with raw.cursor() as cur, cur.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        self.wait()
        sql = self._statement(table, columns)
        if self.postgres:
            self._copy(self._dbapi(), sql, rows)
            return
        cur = self._dbapi().cursor()
        try:
            cur.executemany(sql, rows)
        finally:
            cur.close()

    def insert_soon(self, jobs: Sequence[Job]) -> None:
        """Insert rows into tables, in this order; on PostgreSQL in a background thread.

        The server's work on a COPY (index entries, foreign key checks, JSON parsing) then
        overlaps with what the caller does next, as long as that does not touch the database:
        the caller must `wait()` before its next statement (`insert` and `allocate_ids` do).
        The thread uses the session's own connection, so the rows are still part of its
        transaction. SQLite inserts at once: it works in-process, and a thread would only
        contend for the GIL.
        """
        if not self.postgres:
            for table, columns, rows in jobs:
                self.insert(table, columns, rows)
            return
        self.wait()
        raw = self._dbapi()
        work = [(self._statement(t, c), rows) for t, c, rows in jobs]

        def run() -> None:
            try:
                for sql, rows in work:
                    self._copy(raw, sql, rows)
            except BaseException as exc:  # raised in the caller's thread by wait()
                self._failed = exc

        self._running = threading.Thread(target=run, name="bulk-insert", daemon=True)
        self._running.start()

    def wait(self) -> None:
        """Let a background insert finish; raise its error, if any."""
        running, self._running = self._running, None
        if running is not None:
            running.join()
        failed, self._failed = self._failed, None
        if failed is not None:
            raise failed

    def settle(self) -> None:
        """Let a background insert finish, dropping its error (the caller is already failing
        and will roll back; the connection must be idle for that)."""
        try:
            self.wait()
        except BaseException:  # the caller's own error is the one that matters
            pass

    def allocate_ids(self, table: str, n: int) -> list[int]:
        """n fresh primary keys for `table` (column `id`).

        PostgreSQL: from the table's own sequence, so concurrent writers never collide.
        SQLite: above the current maximum. SQLite has one writer at a time; the transaction
        takes the write lock before reading the maximum (the driver opens it on the first
        INSERT, here it may not have written yet) and holds it to its commit, so nobody else can
        take these ids. The maximum is read on every call, so rows inserted any other way in
        the same transaction are respected too.
        """
        if n <= 0:
            return []
        self.wait()
        conn = self.session.connection()
        if self.postgres:
            seq = self._sequences.get(table)
            if seq is None:
                seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                   {"t": table}).scalar_one()
                self._sequences[table] = seq
            return list(conn.execute(text("SELECT nextval(:s) FROM generate_series(1, :n)"),
                                     {"s": seq, "n": n}).scalars())
        raw = self._dbapi()
        if not raw.in_transaction:
            raw.execute("BEGIN IMMEDIATE")
        top = conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()
        return list(range(top + 1, top + 1 + n))


def probe(session: Session, keys: Collection[str], query: str,
          **params: Any) -> Sequence[Row[Any]]:
    """PostgreSQL: run `query` once per key, as index probes. `query` selects from one table
    with `:key` in an indexed equality (e.g. "SELECT id FROM record WHERE natural_key = :key").

    Why not `column IN (...)`: inside a batch's transaction the tables have no statistics yet,
    and without them the planner prices each listed value at 0.5 % of the table (no
    single-column unique index says otherwise), so a chunk's 2000 keys "match everything" and
    it scans the whole, growing table once per chunk: quadratic. A LATERAL subquery behind an
    optimisation fence (OFFSET 0) is planned as one index probe per key, whatever the
    statistics say.
    """
    if not keys:
        return []
    inner = query.replace(":key", "k.key")
    sql = (f"SELECT p.* FROM unnest(CAST(:keys AS text[])) AS k(key) "
           f"CROSS JOIN LATERAL ({inner} OFFSET 0) AS p")
    return session.connection().execute(text(sql), {"keys": list(keys), **params}).all()
