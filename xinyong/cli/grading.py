"""`xinyong grading ...`: the evaluation run (whole registry or the re-evaluation queue)."""

from __future__ import annotations

import getpass
from typing import Annotated, Literal

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from xinyong.cli.common import date_option, engine, out, print_json, reported
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Invalid
from xinyong.ingest.runner import operator_actor

grading_app = typer.Typer(help="信用评价 (credit evaluation runs)", no_args_is_help=True)


@grading_app.command("run")
def run_command(
        ctx: typer.Context,
        engine_name: Annotated[str, typer.Option(
            "--engine", help="default (the configured database) or spark")] = "default",
        as_of: Annotated[str | None, typer.Option("--as-of", help="evaluation day YYYY-MM-DD "
                                                   "(default today)")] = None,
        model: Annotated[str | None, typer.Option(help="model id (default enterprise)")] = None,
        spark_master: Annotated[str, typer.Option(help="Spark master: local[2], "
                                                  "spark://host:7077 ...")] = "local[2]",
        queue: Annotated[bool, typer.Option("--queue", help="only the subjects the "
                                            "re-evaluation queue names")] = False,
        as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Evaluate every organisation of the registry (or the queue) and write the results."""
    from xinyong.core import clock
    from xinyong.grading import consume_queue, model_for, run, spark_session

    with reported(as_json):
        if engine_name not in ("default", "spark"):
            raise Invalid(f"--engine 「{engine_name[:20]}」无效，应为 default 或 spark",
                          code="engine_invalid")
        eng: Literal["default", "spark"] = "spark" if engine_name == "spark" else "default"
        day = date_option(as_of, "--as-of") or clock.today()
        actor = operator_actor(getpass.getuser())
        spark = spark_session(spark_master) if eng == "spark" else None
        with unit_of_work(engine(ctx)) as session, Progress(
                TextColumn("[bold]信用评价"), BarColumn(), TextColumn("{task.completed} 户"),
                TimeElapsedColumn(), console=out.console, transient=as_json,
                disable=as_json) as bar:
            task = bar.add_task("grading", total=None)

            def advance(n: int) -> None:
                bar.advance(task, n)

            if queue:
                r = consume_queue(session, actor=actor, engine=eng, spark=spark)
            else:
                m = model_for(day, model) if model else None
                r = run(session, as_of=day, engine=eng, model=m, actor=actor, spark=spark,
                        progress=advance)
    if r is None:
        out.print("重新评价队列为空")
        return
    summary = {"run_id": r.id, "model": r.model_key, "as_of": r.as_of.isoformat(),
               "engine": r.engine, "scope": r.scope, "subjects": r.subjects,
               "seconds": round((r.finished_at - r.started_at).total_seconds(), 2)
               if r.finished_at else None}
    if as_json:
        print_json(summary)
        return
    table = Table("评价批次", "模型版本", "评价日", "引擎", "范围", "主体数", "用时（秒）")
    table.add_row(*(str(v) for v in summary.values()))
    out.print(table)
