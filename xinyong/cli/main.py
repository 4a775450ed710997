"""`xinyong` console script: one sub-app per domain, each command a thin translation."""

from __future__ import annotations

import getpass
import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from xinyong.catalog import default_catalog, load_catalog
from xinyong.cli.accounts import OperatorOpt, accounts_app, audit_app, cli_actor
from xinyong.cli.calendar import calendar_app, warn_provisional_calendar
from xinyong.cli.commitments import commitments_app
from xinyong.cli.common import date_option, engine, err, out, print_json, reported, settings
from xinyong.cli.departments import departments_app
from xinyong.cli.grading import grading_app, inspections_app
from xinyong.cli.integrity import seal
from xinyong.cli.monitoring import monitoring_app
from xinyong.cli.notices import notices_app
from xinyong.cli.publication import publication_app, reindex_command
from xinyong.cli.reports import report_app
from xinyong.cli.rights import exchange_app, objections_app, repair_app
from xinyong.cli.screening import (
    check,
    check_confirm,
    expire_lists,
    lists_app,
    measures_app,
    refresh_check_index,
    screening_app,
)
from xinyong.cli.subjects import resolve_command as resolve_review
from xinyong.cli.subjects import reviews as subject_reviews
from xinyong.core import clock
from xinyong.core.db import engine_for, unit_of_work, upgrade
from xinyong.ingest import write_template
from xinyong.ingest.reads import read_end_date_warnings, read_quality
from xinyong.ingest.runner import FileBatch, run_file_batch

app = typer.Typer(help="xinyong 公共信用信息平台", no_args_is_help=True,
                  pretty_exceptions_enable=False)
db_app = typer.Typer(help="数据库 (database)", no_args_is_help=True)
catalog_app = typer.Typer(help="公共信用信息目录 (catalog)", no_args_is_help=True)
subjects_app = typer.Typer(help="信用主体 (subject registry)", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(catalog_app, name="catalog")
app.add_typer(calendar_app, name="calendar")
app.add_typer(subjects_app, name="subjects")
app.add_typer(grading_app, name="grading")
app.add_typer(inspections_app, name="inspections")
app.add_typer(publication_app, name="publication")
subjects_app.command("reindex")(reindex_command)
subjects_app.command("reviews")(subject_reviews)
subjects_app.command("resolve")(resolve_review)
app.add_typer(accounts_app, name="accounts")
app.add_typer(audit_app, name="audit")
app.add_typer(departments_app, name="departments")
audit_app.command("seal")(seal)
app.add_typer(lists_app, name="lists")
app.add_typer(commitments_app, name="commitments")
app.add_typer(measures_app, name="measures")
app.add_typer(screening_app, name="screening")
app.add_typer(objections_app, name="objections")
app.add_typer(repair_app, name="repair")
app.add_typer(exchange_app, name="exchange")
app.add_typer(notices_app, name="notices")
app.add_typer(report_app, name="report")
app.add_typer(monitoring_app, name="monitoring")
app.command("check")(check)
app.command("check-confirm")(check_confirm)


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create the database or apply all migrations (the other commands upgrade an existing
    database by themselves, and refuse a SQLite file that does not exist)."""
    engine(ctx, create=True)
    upgrade(engine_for(settings(ctx)))
    out.print(f"数据库已升级到最新版本： {settings(ctx).effective_database_url}")


@catalog_app.command("check")
def catalog_check(directory: Annotated[Path | None, typer.Argument(
        help="catalog directory (default: the shipped catalog)")] = None) -> None:
    """Load and validate the catalog YAML files; exit 2 naming the file and rule on error."""
    with reported():
        cat = load_catalog(directory)
    for rt in cat.record_types.values():
        out.print(f"[green]✓[/] {rt.id} {rt.name}: {len(rt.fields)} 个字段；依据 "
                  f"{rt.legal_basis[0].cite()}")


@catalog_app.command("show")
def catalog_show(record_type: str) -> None:
    """Print the fields of one record type."""
    with reported():
        rt = default_catalog().get(record_type)
    table = Table("代码", "中文表头", "英文名", "类型", "必填", title=f"{rt.name} ({rt.id})")
    for f in rt.fields:
        req = "是" if f.required else ("条件" if f.required_when else "")
        table.add_row(f.code, f.header, f.name, f.type, req)
    out.print(table)
    for b in rt.legal_basis:
        out.print(f"设定依据： {b.cite()} {b.text or ''}")


@app.command()
def template(record_type: str,
             fmt: Annotated[str | None, typer.Option(
                 "--format", help="xlsx or csv (default: from the -o suffix, else xlsx)")] = None,
             output: Annotated[Path | None, typer.Option("-o", "--output")] = None) -> None:
    """Write the upload template of a record type (Chinese headers)."""
    with reported():
        rt = default_catalog().get(record_type)
    suffix = output.suffix.lower().lstrip(".") if output else ""
    # `-o 模板.csv` means a CSV: writing XLSX bytes under a .csv name gives a clerk a file
    # that Excel opens as garbage.
    fmt = fmt or (suffix if suffix in ("xlsx", "csv") else "xlsx")
    if fmt not in ("xlsx", "csv"):
        err.print("[red]--format 只能是 xlsx 或 csv[/]")
        raise typer.Exit(2)
    if suffix in ("xlsx", "csv") and suffix != fmt:
        err.print(f"[red]--format {fmt} 与输出文件扩展名 .{suffix} 不一致[/]")
        raise typer.Exit(2)
    path = output or Path(f"{rt.name}模板.{fmt}")
    write_template(rt, path, fmt)
    out.print(f"模板已生成： {path}")


def _count_rows(path: Path, fmt: str) -> int | None:
    if fmt == "csv":
        with path.open("rb") as fh:
            return max(sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
                       - 1, 0)
    if fmt == "json":
        return None
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True)
    except Exception:  # not a readable XLSX: the reader refuses it with its reason
        return None
    try:
        return max((wb.worksheets[0].max_row or 1) - 1, 0) if wb.worksheets else None
    finally:
        wb.close()


@app.command("ingest")
def ingest_cmd(
    ctx: typer.Context,
    path: Path,
    record_type: Annotated[str, typer.Option("--type", help="record type, e.g. penalty")],
    provider: Annotated[str, typer.Option(help="USCC of the providing department")],
    fmt: Annotated[str | None, typer.Option("--format", help="csv, xlsx or json "
                                            "(default: from the file name)")] = None,
    errors: Annotated[Path | None, typer.Option(help="error file （default: <file>_错误.csv）")]
    = None,
    atomic: Annotated[bool, typer.Option(help="refuse the whole batch if any row is "
                                         "rejected")] = False,
    received_on: Annotated[str | None, typer.Option(
        help="receipt date for backfilling historic batches (default today)")] = None,
    operator: Annotated[str | None, typer.Option(help="who submits (default: login name)")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
) -> None:
    """Ingest one file of records; print the summary and write rejected rows to an error file."""
    with reported(as_json):
        received = date_option(received_on, "--received-on") or clock.today()
        eng = engine(ctx)
        if received > clock.today():
            err.print("[red]--received-on 不能晚于今天[/]")
            raise typer.Exit(2)
        job = FileBatch(path=path, record_type=record_type, provider_uscc=provider,
                        operator=operator or getpass.getuser(), received_on=received,
                        fmt=fmt, errors_path=errors, atomic=atomic)
        kind = (fmt or path.suffix.lstrip(".")).lower()
        total = _count_rows(path, kind) if path.is_file() and kind in ("csv", "xlsx") else None
        with Progress(TextColumn("[bold]归集 {task.description}"), BarColumn(),
                      MofNCompleteColumn(), TimeElapsedColumn(), console=err.console,
                      transient=as_json) as progress:
            task = progress.add_task(path.name, total=total)
            summary, error_path = run_file_batch(
                eng, default_catalog(), settings(ctx), job,
                on_progress=lambda n: progress.advance(task, n))
        # The batch is committed; its new names go into the check's index now, not during
        # the next case officer's check.
        with err.console.status("更新核查名称索引"):
            refresh_check_index(ctx)
    result = {**summary.as_dict(), "errors_file": str(error_path) if error_path else None}
    if as_json:
        print_json(result)
        return
    table = Table("批次", "总行数", "新增（accepted）", "更新（updated）", "重复（duplicates）",
                  "拒收（rejected）", "迟报（late）", title="归集结果")
    table.add_row(str(summary.batch_id), str(summary.total), str(summary.accepted),
                  str(summary.updated), str(summary.duplicates), str(summary.rejected),
                  str(summary.late))
    out.print(table)
    for w in summary.warnings:
        out.print(f"[yellow]注意：[/] {w}")
    if error_path and summary.rejected:
        out.print(f"[red]{summary.rejected} 行被拒收[/]，原因见错误文件：{error_path}")
    elif error_path:
        out.print(f"警告行（已导入）见错误文件：{error_path}")


@app.command()
def quality(ctx: typer.Context,
            end_dates: Annotated[bool, typer.Option(
                "--end-dates", help="list the records whose own 公示截止期 the rule overrode "
                "(warnings)")] = False,
            provider: Annotated[str | None, typer.Option(
                help="with --end-dates: one provider's USCC")] = None,
            as_json: Annotated[bool, typer.Option("--json")] = False,
            operator: OperatorOpt = None) -> None:
    """Compliance, timeliness, end-date warnings and 重错码 rate per provider (audited)."""
    actor = cli_actor(operator)
    with reported(as_json), unit_of_work(engine(ctx)) as session:
        if end_dates:
            warnings, total = read_end_date_warnings(session, actor, provider_uscc=provider,
                                                     per_page=1000)
        else:
            rows = read_quality(session, actor)
    if end_dates:
        if as_json:
            print_json({"items": [w.__dict__ for w in warnings], "total": total})
            return
        table = Table("记录", "文号", "数据提供单位", "决定日期", "报送的公示截止期", "规则最短至",
                      "规则最长至", "公示截止日期", title=f"公示截止期警告（{total}条）")
        for w in warnings:
            table.add_row(str(w.id), w.document_number, w.provider_name,
                          w.decision_date.isoformat(), w.given, w.min_end.isoformat(),
                          w.max_end.isoformat(),
                          w.publish_until.isoformat() if w.publish_until else "长期")
        out.print(table)
        return
    if as_json:
        print_json([{**q.__dict__, "compliance_rate": q.compliance_rate,
                     "timeliness_rate": q.timeliness_rate,
                     "code_review_rate": q.code_review_rate} for q in rows])
        return
    table = Table("数据提供单位", "批次", "上报行数", "合规行数", "合规率", "记录数", "及时",
                  "迟报", "及时率", "截止期警告", "重错码", "重错码率", title="数据质量")

    def pct(v: float | None) -> str:
        return "—" if v is None else f"{v:.1%}"

    for q in rows:
        table.add_row(q.provider_name, str(q.batches), str(q.submitted), str(q.valid),
                      pct(q.compliance_rate), str(q.records), str(q.on_time), str(q.late),
                      pct(q.timeliness_rate), str(q.end_dates_overridden),
                      f"{q.code_reviews}（确认{q.code_errors}）", pct(q.code_review_rate))
    out.print(table)
    out.print("合规率 = 通过校验行数 / 上报行数；及时率 = 决定之日起7个工作日内报送的记录 / "
              "可判定及时性的记录；截止期警告 = 报送的公示截止期超出公示规则最短、最长公示期、"
              "已按规则公示的记录（--end-dates 列出）；重错码率 = 该单位报送行引起的重错码核查 / "
              "该单位的记录（确认 = 核定为代码错误或已合并）")


@app.command("demo-data")
def demo_data(
    ctx: typer.Context,
    subjects: Annotated[int, typer.Option(help="number of subjects")] = 2000,
    seed: Annotated[int, typer.Option(help="random seed (same seed, same files)")] = 7,
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
    load: Annotated[bool, typer.Option("--ingest/--no-ingest",
                                       help="also ingest the generated files")] = False,
    today: Annotated[str | None, typer.Option(
        help="the day the data ends (default today); fix it for identical files")] = None,
) -> None:
    """Generate deterministic realistic demo files (and optionally ingest them)."""
    from xinyong.demo import generate_demo

    target = output or settings(ctx).var_dir / "demo"
    day = date_option(today, "--today") or clock.today()
    files = generate_demo(target, subjects=subjects, seed=seed, today=day)
    out.print(f"已生成 {len(files)} 个演示文件： {target}")
    if not load:
        return
    eng = engine(ctx, create=True)
    totals = {"accepted": 0, "rejected": 0, "late": 0, "duplicates": 0, "updated": 0}
    with reported(), Progress(TextColumn("[bold]导入演示数据"), BarColumn(),
                              MofNCompleteColumn(), console=err.console) as progress:
        task = progress.add_task("demo", total=len(files))
        for f in files:
            job = FileBatch(path=f.path, record_type=f.record_type,
                            provider_uscc=f.provider_uscc, operator="demo",
                            received_on=f.received_on,
                            errors_path=target / "errors" / f"{f.path.stem}_错误.csv")
            summary, _ = run_file_batch(eng, default_catalog(), settings(ctx), job)
            for k in totals:
                totals[k] += getattr(summary, k)
            progress.advance(task)
        refresh_check_index(ctx)
    out.print("演示数据已导入： " + json.dumps(totals, ensure_ascii=False))
    _demo_scenario(ctx, seed=seed, today=day)


def _demo_scenario(ctx: typer.Context, *, seed: int, today: date) -> None:
    """The demo's work after the files: lists, commitments, grades, inspections, monitoring
    and notices, through the services in one transaction (xinyong.demo.scenario)."""
    from xinyong.demo import scenario
    from xinyong.objections.clocks import clocks_from

    eng = engine(ctx)
    with unit_of_work(eng) as session:
        if scenario.already_populated(session):
            out.print("演示业务数据已在该数据库中，未重复创建。")
            return
    with reported(), Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                              MofNCompleteColumn(), console=err.console) as progress:
        task = progress.add_task("演示业务", total=len(scenario.STEPS))

        def step(label: str) -> None:
            progress.update(task, advance=1, description=label)

        with unit_of_work(eng) as session:
            done = scenario.populate(
                session, seed=seed, today=today, secret=settings(ctx).secret_key,
                clocks=clocks_from(str(path) if (path := settings(ctx).objection_clocks_file)
                                   else None), step=step)
        refresh_check_index(ctx)
    out.print("演示业务数据已创建： " + json.dumps(done.as_dict(), ensure_ascii=False))


@app.command()
def serve(ctx: typer.Context, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the API (and the web site) with uvicorn."""
    import uvicorn

    from xinyong.api.app import create_app

    engine(ctx)
    warn_provisional_calendar(ctx)
    expire_lists(ctx)  # listings whose period ran out while the server was down
    refresh_check_index(ctx)  # names of batches committed while it was down
    uvicorn.run(create_app(settings(ctx)), host=host, port=port, log_level="info")


if __name__ == "__main__":
    app()
