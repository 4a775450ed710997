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


inspections_app = typer.Typer(help="双随机抽查 (random inspections drawn by grade)",
                              no_args_is_help=True)


@inspections_app.command("matters")
def matters_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """检查事项清单: the inspection matters, their department class and legal basis."""
    from xinyong import inspections as ins

    rows = [{"id": m.id, "name": m.name, "department_class": m.department_class,
             "legal_basis": [b.cite() for b in m.legal_basis]} for m in ins.matters().values()]
    if as_json:
        print_json(rows)
        return
    table = Table("事项", "名称", "实施部门类别", "依据")
    for r in rows:
        table.add_row(str(r["id"]), str(r["name"]), str(r["department_class"]),
                      "；".join(r["legal_basis"]))
    out.print(table)


@inspections_app.command("draw")
def draw_command(
        ctx: typer.Context, matter: str,
        department: Annotated[str, typer.Option(help="检查部门统一社会信用代码")],
        seed: Annotated[int | None, typer.Option(help="随机种子（复核时填原种子）")] = None,
        no_grades: Annotated[bool, typer.Option("--no-grades", help="不按信用等级")] = False,
        as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Draw a sample for MATTER as DEPARTMENT (re-run with --seed to verify a draw)."""
    from xinyong import inspections as ins
    from xinyong.accounts import Actor, Role

    with reported(as_json), unit_of_work(engine(ctx)) as session:
        from xinyong.departments import find_department

        dept = find_department(session, department)
        if dept is None:
            raise Invalid(f"部门 {department[:18]} 未登记", code="department_not_found")
        actor = Actor(role=Role.ADMIN, name=getpass.getuser(), client="cli",
                      department_uscc=dept.code, department_class=dept.department_class)
        d = ins.draw(session, actor, matter, seed=seed, use_grades=not no_grades)
        _, tasks = ins.get_draw(session, actor, d.id)
        summary = {"draw_id": d.id, "matter": d.matter_id, "seed": d.seed,
                   "population": d.population, "sampled": d.sampled,
                   "used_grades": d.used_grades, "excluded_avoidance": d.excluded_avoidance,
                   "subjects": [[t.subject_id, t.grade] for t in tasks]}
    if as_json:
        print_json(summary)
        return
    out.print(f"抽查 {summary['draw_id']}：随机种子 {summary['seed']}，检查对象 "
              f"{summary['population']} 户，抽中 {summary['sampled']} 户，因回避排除检查人员 "
              f"{summary['excluded_avoidance']} 人次")


@inspections_app.command("avoid")
def avoid_command(
        ctx: typer.Context,
        inspector: Annotated[str, typer.Option(help="检查人员账户")],
        uscc: Annotated[str, typer.Option(help="回避的检查对象统一社会信用代码")],
        reason: Annotated[str, typer.Option(help="回避事由")],
        as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Declare 回避 for INSPECTOR: never assigned to the subject USCC in a draw (audited)."""
    from xinyong import inspections as ins

    actor = operator_actor(getpass.getuser())
    with reported(as_json), unit_of_work(engine(ctx)) as session:
        row = ins.declare(session, actor, uscc, reason, account=inspector)
        summary = {"avoidance_id": row.id, "inspector": inspector,
                   "subject_uscc": row.subject_uscc}
    if as_json:
        print_json(summary)
        return
    out.print(f"回避申报 {summary['avoidance_id']}：{inspector} 不参与对 "
              f"{summary['subject_uscc']} 的抽查")


@inspections_app.command("avoidances")
def avoidances_command(ctx: typer.Context,
                       as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The 回避 declarations in force (audited read)."""
    from xinyong import inspections as ins

    actor = operator_actor(getpass.getuser())
    with reported(as_json), unit_of_work(engine(ctx)) as session:
        rows = [{"id": d.id, "inspector": d.inspector, "subject_uscc": d.subject_uscc,
                 "reason": d.reason, "declared_by": d.declared_by,
                 "declared_at": d.declared_at.isoformat(timespec="seconds")}
                for d in ins.list_declarations(session, actor)]
    if as_json:
        print_json(rows)
        return
    table = Table("编号", "检查人员", "检查对象", "事由", "申报人", "申报时间")
    for r in rows:
        table.add_row(*(str(v) for v in r.values()))
    out.print(table)


@inspections_app.command("share")
def share_command(ctx: typer.Context,
                  year: Annotated[int | None, typer.Option(help="年度（默认今年）")] = None,
                  as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """信用关联度: the share of the year's draws that used credit grades (goal ≥ 80 %)."""
    from xinyong import inspections as ins
    from xinyong.core import clock

    y = year or clock.today().year
    with reported(as_json), unit_of_work(engine(ctx)) as session:
        used, total = ins.grade_share(session, y)
    share = round(used / total, 4) if total else None
    if as_json:
        print_json({"year": y, "draws": total, "with_grades": used, "share": share})
        return
    out.print(f"{y} 年抽查 {total} 次，按信用等级 {used} 次" +
              (f"，占 {share:.1%}" if share is not None else ""))
