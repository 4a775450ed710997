"""`xinyong` console script: one sub-app per domain, each command a thin translation."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from xinyong.catalog import default_catalog, load_catalog
from xinyong.cli.accounts import accounts_app, audit_app
from xinyong.cli.common import date_option, engine, err, out, print_json, reported, settings
from xinyong.cli.publication import publication_app, reindex_command
from xinyong.cli.rights import exchange_app, objections_app, repair_app
from xinyong.cli.screening import (
    check,
    expire_lists,
    lists_app,
    measures_app,
    refresh_check_index,
    screening_app,
)
from xinyong.core import clock
from xinyong.core.db import unit_of_work, upgrade
from xinyong.core.workdays import add_year, covered_years, load_calendar, load_year_file
from xinyong.ingest import provider_quality, write_template
from xinyong.ingest.runner import FileBatch, run_file_batch

app = typer.Typer(help="xinyong 公共信用信息平台", no_args_is_help=True,
                  pretty_exceptions_enable=False)
db_app = typer.Typer(help="数据库 (database)", no_args_is_help=True)
catalog_app = typer.Typer(help="公共信用信息目录 (catalog)", no_args_is_help=True)
calendar_app = typer.Typer(help="工作日历 (official working-day calendar)", no_args_is_help=True)
subjects_app = typer.Typer(help="信用主体 (subject registry)", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(catalog_app, name="catalog")
app.add_typer(calendar_app, name="calendar")
app.add_typer(subjects_app, name="subjects")
app.add_typer(publication_app, name="publication")
subjects_app.command("reindex")(reindex_command)
app.add_typer(accounts_app, name="accounts")
app.add_typer(audit_app, name="audit")
app.add_typer(lists_app, name="lists")
app.add_typer(measures_app, name="measures")
app.add_typer(screening_app, name="screening")
app.add_typer(objections_app, name="objections")
app.add_typer(repair_app, name="repair")
app.add_typer(exchange_app, name="exchange")
app.command("check")(check)


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Apply all database migrations (every other command also does this by itself)."""
    from xinyong.core.db import engine_for

    upgrade(engine_for(settings(ctx)))
    out.print(f"数据库已升级到最新版本: {settings(ctx).effective_database_url}")


@catalog_app.command("check")
def catalog_check(directory: Annotated[Path | None, typer.Argument(
        help="catalog directory (default: the shipped catalog)")] = None) -> None:
    """Load and validate the catalog YAML files; exit 2 naming the file and rule on error."""
    with reported():
        cat = load_catalog(directory)
    for rt in cat.record_types.values():
        out.print(f"[green]✓[/] {rt.id} {rt.name}: {len(rt.fields)} 个字段;依据 "
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
        out.print(f"设定依据: {b.cite()} {b.text or ''}")


@app.command()
def template(record_type: str,
             fmt: Annotated[str, typer.Option("--format", help="xlsx or csv")] = "xlsx",
             output: Annotated[Path | None, typer.Option("-o", "--output")] = None) -> None:
    """Write the upload template of a record type (Chinese headers)."""
    with reported():
        rt = default_catalog().get(record_type)
    if fmt not in ("xlsx", "csv"):
        err.print("[red]--format 只能是 xlsx 或 csv[/]")
        raise typer.Exit(2)
    path = output or Path(f"{rt.name}模板.{fmt}")
    write_template(rt, path, fmt)
    out.print(f"模板已生成: {path}")


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
    errors: Annotated[Path | None, typer.Option(help="error file (default: <file>_错误.csv)")]
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
    table = Table("批次", "总行数", "新增(accepted)", "更新(updated)", "重复(duplicates)",
                  "拒收(rejected)", "迟报(late)", title="归集结果")
    table.add_row(str(summary.batch_id), str(summary.total), str(summary.accepted),
                  str(summary.updated), str(summary.duplicates), str(summary.rejected),
                  str(summary.late))
    out.print(table)
    for w in summary.warnings:
        out.print(f"[yellow]注意:[/] {w}")
    if error_path:
        out.print(f"[red]{summary.rejected} 行被拒收[/],原因见错误文件: {error_path}")


@app.command()
def quality(ctx: typer.Context,
            as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Compliance and timeliness rate per provider."""
    with unit_of_work(engine(ctx)) as session:
        rows = provider_quality(session)
    if as_json:
        print_json([{**q.__dict__, "compliance_rate": q.compliance_rate,
                     "timeliness_rate": q.timeliness_rate} for q in rows])
        return
    table = Table("数据提供单位", "批次", "上报行数", "合规行数", "合规率", "记录数", "及时",
                  "迟报", "及时率", title="数据质量")

    def pct(v: float | None) -> str:
        return "—" if v is None else f"{v:.1%}"

    for q in rows:
        table.add_row(q.provider_name, str(q.batches), str(q.submitted), str(q.valid),
                      pct(q.compliance_rate), str(q.records), str(q.on_time), str(q.late),
                      pct(q.timeliness_rate))
    out.print(table)
    out.print("合规率 = 通过校验行数 / 上报行数;及时率 = 决定之日起7个工作日内报送的记录 / "
              "可判定及时性的记录")


@calendar_app.command("add")
def calendar_add(ctx: typer.Context, path: Path,
                 replace: Annotated[bool, typer.Option(help="replace a year already added")]
                 = False) -> None:
    """Add a year's holiday arrangement (the State Council notice) from a YAML file."""
    with reported():
        arrangement = load_year_file(path)
        with unit_of_work(engine(ctx)) as session:
            add_year(session, arrangement, replace=replace)
    out.print(f"已添加{arrangement.year}年节假日安排:{len(arrangement.holidays)}个假期,"
              f"{len(arrangement.workdays)}个调休上班日")


@calendar_app.command("years")
def calendar_years(ctx: typer.Context) -> None:
    """List the years working-day clocks can be computed for."""
    with unit_of_work(engine(ctx)) as session:
        years = covered_years(load_calendar(session))
    out.print(f"已覆盖年份: {years[0]}–{years[-1]}" if years else "无")


@subjects_app.command("reviews")
def subjects_reviews(ctx: typer.Context,
                     as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Open 重错码 reviews: same code with different names, same name with different codes."""
    from xinyong.subjects import Subject, list_code_reviews

    with unit_of_work(engine(ctx)) as session:
        items: list[dict[str, str | int | None]] = []
        for r in list_code_reviews(session):
            subject = session.get(Subject, r.subject_id)
            other = session.get(Subject, r.other_subject_id) if r.other_subject_id else None
            items.append({"id": r.id, "kind": r.kind, "uscc": subject.uscc if subject else None,
                          "name": r.name, "other_name": r.other_name,
                          "other_uscc": other.uscc if other else None,
                          "detected_at": r.detected_at.isoformat(timespec="seconds")})
    if as_json:
        print_json(items)
        return
    table = Table("编号", "类型", "统一社会信用代码", "名称", "另一名称/代码", title="重错码待核查")
    for i in items:
        kind = "同码不同名" if i["kind"] == "same_code_different_names" else "同名不同码"
        table.add_row(str(i["id"]), kind, str(i["uscc"] or ""), str(i["name"]),
                      str(i["other_name"] or i["other_uscc"] or ""))
    out.print(table)


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
    out.print(f"已生成 {len(files)} 个演示文件: {target}")
    if not load:
        return
    eng = engine(ctx)
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
    out.print("演示数据已导入: " + json.dumps(totals, ensure_ascii=False))


@app.command()
def serve(ctx: typer.Context, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the API (and the web site) with uvicorn."""
    import uvicorn

    from xinyong.api.app import create_app

    engine(ctx)
    expire_lists(ctx)  # listings whose period ran out while the server was down
    refresh_check_index(ctx)  # names of batches committed while it was down
    uvicorn.run(create_app(settings(ctx)), host=host, port=port, log_level="info")


if __name__ == "__main__":
    app()
