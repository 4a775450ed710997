"""Running the evaluation: the whole registry, or the subjects the re-evaluation queue names,
on the configured database (default) or on Apache Spark; results written in bulk."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, Literal

import ibis
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor
from xinyong.core import clock
from xinyong.core.errors import Invalid
from xinyong.grading.compute import expression
from xinyong.grading.model import DEFAULT_MODEL, EvaluationModel, model_for
from xinyong.grading.sources import SCHEMAS, selects
from xinyong.grading.tables import GradeReevaluation, GradeResult, GradeRun

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


def _rows_default(session: Session, model: EvaluationModel, as_of: date,
                  subject_ids: Sequence[int] | None) -> Iterable[dict[str, Any]]:
    result = session.execute(text(compiled_sql(session, model, as_of, subject_ids)))
    for row in result.mappings():
        yield dict(row)


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
                subject_ids: Sequence[int] | None, spark: Any) -> Iterable[dict[str, Any]]:
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
    yield from frame.to_dict(orient="records")


def spark_session(master: str = "local[2]", partitions: int = 4) -> Any:
    """A Spark session: local mode for tests and one machine, a cluster address
    (spark://host:7077, yarn, k8s://...) in production."""
    from pyspark.sql import SparkSession

    return (SparkSession.builder.master(master).appName("xinyong-grading")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", str(partitions))
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate())


def _contributions(model: EvaluationModel, row: dict[str, Any]) -> list[list[Any]]:
    return [[ind.id, float(row[f"v_{ind.id}"]), float(row[f"p_{ind.id}"])]
            for ind in model.indicators]


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
    else:
        rows = _rows_default(session, m, day, subject_ids)
    now = clock.now()
    batch: list[dict[str, Any]] = []
    done = 0
    for row in rows:
        batch.append({"run_id": grading_run.id, "subject_id": int(row["subject_id"]),
                      "model_key": m.key, "as_of": day, "score": float(row["score"]),
                      "grade": row["grade"], "override": row["override"] or None,
                      "contributions": _contributions(m, row), "computed_at": now})
        if len(batch) >= BATCH:
            done += _flush(session, batch, progress)
    done += _flush(session, batch, progress)
    grading_run.subjects = done
    grading_run.finished_at = clock.now()
    session.flush()
    if actor is not None:
        audit.append(session, actor, "grading.run", details={
            "run_id": grading_run.id, "model": m.key, "as_of": day.isoformat(),
            "engine": engine, "scope": scope, "subjects": done})
    return grading_run


def _flush(session: Session, batch: list[dict[str, Any]], progress: Progress | None) -> int:
    n = len(batch)
    if n:
        session.execute(insert(GradeResult), batch)
        batch.clear()
        if progress:
            progress(n)
    return n


def consume_queue(session: Session, *, actor: Actor | None = None,
                  engine: Engine = "default", spark: Any = None) -> GradeRun | None:
    """Re-evaluate at once the subjects the queue names (repair, listing, new penalty...)."""
    pending = session.scalars(select(GradeReevaluation)
                              .where(GradeReevaluation.done_at.is_(None))).all()
    if not pending:
        return None
    ids = sorted({p.subject_id for p in pending})
    grading_run = run(session, subject_ids=ids, scope="queue", actor=actor,
                      engine=engine, spark=spark)
    now = clock.now()
    for p in pending:
        p.done_at = now
    session.flush()
    return grading_run
