"""Running the evaluation: the whole registry, or the subjects the re-evaluation queue names,
on the configured database (default) or on Apache Spark; results written in bulk."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, Literal

import ibis
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor
from xinyong.core import clock
from xinyong.core.errors import Invalid
from xinyong.grading.compute import expression
from xinyong.grading.model import DEFAULT_MODEL, EvaluationModel, model_for
from xinyong.grading.sources import SCHEMAS, selects
from xinyong.grading.tables import GradeReevaluation, GradeRun

Engine = Literal["default", "spark"]
DIALECTS = {"sqlite": "sqlite", "postgresql": "postgres"}
BATCH = 5000
Progress = Callable[[int], None]


def compiled_sql(session: Session, model: EvaluationModel, as_of: date,
                 subject_ids: Sequence[int] | None = None) -> str:
    """The evaluation as one SQL statement for the session's database: the sources as common
    table expressions, then the Ibis expression compiled for that dialect."""
    dialect = session.get_bind().dialect
    name = dialect.name
    ctes = [f"{n} AS ({s.compile(dialect=dialect, compile_kwargs={'literal_binds': True})})"
            for n, s in selects(name, subject_ids).items()]
    body = ibis.to_sql(expression(model, as_of), dialect=DIALECTS[name]).strip()
    if body[:4].upper() == "WITH":
        return "WITH " + ",\n".join(ctes) + ",\n" + body[4:].lstrip()
    return "WITH " + ",\n".join(ctes) + "\n" + body


def _spark_type(kind: str) -> Any:
    from pyspark.sql import types as T

    return {"int64": T.LongType(), "date": T.DateType(), "string": T.StringType()}[kind]


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def _rows_spark(session: Session, model: EvaluationModel, as_of: date,
                subject_ids: Sequence[int] | None, spark: Any) -> Iterable[Sequence[Any]]:
    """The sources read from the database and handed to Spark as temporary views (on a
    cluster they would be read from the export or JDBC), then the same expression."""
    from pyspark.sql import types as T

    name = session.get_bind().dialect.name
    for view, stmt in selects(name, subject_ids).items():
        schema = SCHEMAS[view]
        cols = list(schema)
        rows = [tuple(_as_date(r[c]) if schema[c] == "date" else r[c] for c in cols)
                for r in session.execute(stmt).mappings()]
        struct = T.StructType([T.StructField(c, _spark_type(schema[c]), True) for c in cols])
        spark.createDataFrame(rows, struct).createOrReplaceTempView(view)
    con = ibis.pyspark.connect(spark)
    frame = con.execute(expression(model, as_of))
    yield from frame[output_columns(model)].itertuples(index=False, name=None)


def spark_session(master: str = "local[2]", partitions: int = 4) -> Any:
    """A Spark session: local mode for tests and one machine, a cluster address
    (spark://host:7077, yarn, k8s://...) in production."""
    from pyspark.sql import SparkSession

    return (SparkSession.builder.master(master).appName("xinyong-grading")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", str(partitions))
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate())


def output_columns(model: EvaluationModel) -> list[str]:
    return (["subject_id"] + [f"{k}_{i.id}" for i in model.indicators for k in ("v", "p")]
            + ["score", "grade", "override"])


def _contributions_json(model: EvaluationModel) -> Callable[[Sequence[Any]], str]:
    """[[indicator, value, points], ...] as JSON text, straight from a result row (the
    writer's hot loop: no intermediate dicts)."""
    ids = [json.dumps(i.id) for i in model.indicators]
    positions = [(ids[k], 1 + 2 * k, 2 + 2 * k) for k in range(len(ids))]

    def encode(row: Sequence[Any]) -> str:
        return "[" + ",".join(f"[{name},{float(row[v])!r},{float(row[p])!r}]"
                              for name, v, p in positions) + "]"

    return encode


def run(session: Session, *, as_of: date | None = None, engine: Engine = "default",
        model: EvaluationModel | None = None, subject_ids: Sequence[int] | None = None,
        scope: str = "registry", actor: Actor | None = None, spark: Any = None,
        progress: Progress | None = None) -> GradeRun:
    """Evaluate the registry (or `subject_ids`) as of `as_of` and write every result (an
    audited write: one entry for the run, naming model, day, engine and count)."""
    operator = actor.name if actor else "system"
    day = as_of or clock.today()
    if day > clock.today():
        raise Invalid(f"评价日期 {day.isoformat()} 晚于今天", code="as_of_in_future")
    m = model or model_for(day, DEFAULT_MODEL)
    grading_run = GradeRun(model_key=m.key, as_of=day, engine=engine, scope=scope, subjects=0,
                           started_at=clock.now(), operator=operator)
    session.add(grading_run)
    session.flush()
    if engine == "spark":
        rows = _rows_spark(session, m, day, subject_ids, spark or spark_session())
        done = _write(session, grading_run, m, rows, progress)
    else:
        done = _write_in_database(session, grading_run, m, subject_ids, progress)
    grading_run.subjects = done
    grading_run.finished_at = clock.now()
    session.flush()
    if actor is not None:
        audit.append(session, actor, "grading.run", details={
            "run_id": grading_run.id, "model": m.key, "as_of": day.isoformat(),
            "engine": engine, "scope": scope, "subjects": done})
    return grading_run


def _write_in_database(session: Session, grading_run: GradeRun, model: EvaluationModel,
                       subject_ids: Sequence[int] | None, progress: Progress | None) -> int:
    """The default engine computes and writes in one statement (INSERT ... SELECT): the
    results never leave the database; the contributions are built there as JSON."""
    dialect = session.get_bind().dialect.name
    array = "json_build_array" if dialect == "postgresql" else "json_array"
    contributions = f"{array}(" + ", ".join(
        f"{array}('{i.id}', g.v_{i.id}, g.p_{i.id})" for i in model.indicators) + ")"
    body = compiled_sql(session, model, grading_run.as_of, subject_ids)
    source = f"({body}) AS g"
    if dialect == "postgresql":
        # PostgreSQL runs an INSERT ... SELECT without parallel workers but a CREATE TABLE
        # AS with them: compute into a temporary table (dropped at commit), then insert.
        # JIT off: compiling ~100 expressions costs more than it saves.
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("DROP TABLE IF EXISTS grading_out"))
        session.execute(text(f"CREATE TEMPORARY TABLE grading_out ON COMMIT DROP AS {body}"))
        source = "grading_out AS g"
    stmt = text(
        "INSERT INTO grade_result (run_id, subject_id, model_key, as_of, score, grade, "
        "override, contributions, computed_at) "
        f"SELECT :run_id, g.subject_id, :model_key, :as_of, g.score, g.grade, g.override, "
        f"{contributions}, :computed_at FROM {source}")
    result = session.execute(stmt, {"run_id": grading_run.id, "model_key": model.key,
                                    "as_of": grading_run.as_of, "computed_at": clock.now()})
    done = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if progress:
        progress(done)
    return done


def _write(session: Session, grading_run: GradeRun, model: EvaluationModel,
           rows: Iterable[Sequence[Any]], progress: Progress | None) -> int:
    """Write the results in bulk in the session's transaction: COPY on PostgreSQL, one
    executemany per batch on SQLite, the contributions as JSON text built from the row."""
    encode = _contributions_json(model)
    n_cols = len(output_columns(model))
    now, key, day, rid = clock.now(), model.key, grading_run.as_of, grading_run.id
    dbapi = session.connection().connection.driver_connection
    assert dbapi is not None  # a live connection of the session's transaction
    columns = ("run_id, subject_id, model_key, as_of, score, grade, override, contributions, "
               "computed_at")

    def tuples() -> Iterable[tuple[Any, ...]]:
        for row in rows:
            override = row[n_cols - 1]
            yield (rid, int(row[0]), key, day, float(row[n_cols - 3]), row[n_cols - 2],
                   override if isinstance(override, str) else None, encode(row), now)

    done = 0
    if session.get_bind().dialect.name == "postgresql":
        # Read the whole result first: the COPY holds the connection, from which the
        # result's cursor would otherwise fetch (psycopg's connection lock: a deadlock).
        data = list(tuples())
        with dbapi.cursor() as cur, cur.copy(
                f"COPY grade_result ({columns}) FROM STDIN") as copy:
            for t in data:
                copy.write_row(t)
                done += 1
                if progress and done % BATCH == 0:
                    progress(BATCH)
        if progress and done % BATCH:
            progress(done % BATCH)
        return done
    sql = f"INSERT INTO grade_result ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    cur = dbapi.cursor()
    batch: list[tuple[Any, ...]] = []
    for t in tuples():
        batch.append((*t[:3], t[3].isoformat(), *t[4:8], t[8].strftime("%Y-%m-%d %H:%M:%S.%f")))
        if len(batch) >= BATCH:
            cur.executemany(sql, batch)
            done += len(batch)
            if progress:
                progress(len(batch))
            batch.clear()
    if batch:
        cur.executemany(sql, batch)
        done += len(batch)
        if progress:
            progress(len(batch))
    return done


def changed_since(session: Session, since: datetime) -> set[int]:
    """Subjects with a new or changed penalty, industry result or listing since `since`:
    the domains that write them need not know about grading (the repair domain queues its
    subjects itself with `request_reevaluation`)."""
    from xinyong.core.db import load_all_tables

    t = load_all_tables().tables
    record, entry = t["record"], t["list_entry"]
    ids = set(session.scalars(select(record.c.subject_id).where(
        record.c.updated_at > since,
        record.c.record_type.in_(("penalty", "industry_evaluation")))))
    ids |= set(session.scalars(select(entry.c.subject_id).where(entry.c.updated_at > since)))
    return ids


def consume_queue(session: Session, *, actor: Actor | None = None,
                  engine: Engine = "default", spark: Any = None) -> GradeRun | None:
    """Re-evaluate at once the subjects whose grade may have changed: those the queue names
    (repair approved or voided, broken commitment) and those with a new penalty, industry
    result or listing since the previous run. Organisations only (the computation skips
    natural persons)."""
    pending = session.scalars(select(GradeReevaluation)
                              .where(GradeReevaluation.done_at.is_(None))).all()
    last = session.scalar(select(func.max(GradeRun.started_at)))
    ids = {p.subject_id for p in pending} | (changed_since(session, last) if last else set())
    if not ids:
        return None
    grading_run = run(session, subject_ids=sorted(ids), scope="queue", actor=actor,
                      engine=engine, spark=spark)
    now = clock.now()
    for p in pending:
        p.done_at = now
    session.flush()
    return grading_run
