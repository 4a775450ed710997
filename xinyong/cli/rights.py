"""`xinyong objections ...`, `xinyong repair ...` and `xinyong exchange export`: the credit
office's view of subjects' rights work (overdue clocks, the effective-objection ratio) and the
hand-off of repair results to upper-level platforms."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from xinyong.accounts import Actor
from xinyong.cli.common import date_option, engine, out, print_json, reported
from xinyong.core.db import unit_of_work
from xinyong.core.workdays import PROVISIONAL_MARK
from xinyong.ingest.runner import operator_actor


def _operator() -> Actor:
    """The credit office's operator on the server (reads here are audited as them)."""
    return operator_actor(getpass.getuser())


objections_app = typer.Typer(help="异议 (objections)", no_args_is_help=True)
repair_app = typer.Typer(help="信用修复 (credit repair)", no_args_is_help=True)
exchange_app = typer.Typer(help="数据交换 (exchange with upper-level platforms)",
                           no_args_is_help=True)


def _due_text(row: dict[str, Any]) -> str:
    """A due date as the table shows it: 暂定 when it lies in a provisional calendar year."""
    if not row["due"]:
        return "日历未覆盖"
    return str(row["due"]) + (PROVISIONAL_MARK if row["provisional"] else "")


@objections_app.command("overdue")
def objections_overdue(ctx: typer.Context,
                       as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Open objections past their working-day clock (flag to the credit office)."""
    from xinyong.core.workdays import load_calendar
    from xinyong.objections.reads import read_overdue

    with reported(as_json), unit_of_work(engine(ctx)) as session:
        cal = load_calendar(session)
        items = read_overdue(session, _operator(), cal)
        rows = [{"id": od.objection.id, "subject": od.objection.subject_name,
                 "provider": od.objection.provider_name, "step": od.step,
                 "due": od.due.isoformat() if od.due else None,
                 "provisional": cal.is_provisional(od.due),
                 "working_days_late": od.working_days_late} for od in items]
    if as_json:
        print_json({"total": len(rows), "items": rows})
        return
    table = Table("异议", "信用主体", "数据提供单位", "超期环节", "时限", "超期工作日",
                  title=f"超期异议（共 {len(rows)} 件）")
    for r in rows:
        table.add_row(str(r["id"]), str(r["subject"]), str(r["provider"] or "待转办"),
                      {"route": "转办", "decide": "核查办结"}[str(r["step"])],
                      _due_text(r), str(r["working_days_late"] or "—"))
    out.print(table)


@objections_app.command("report")
def objections_report(ctx: typer.Context,
                      since: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
                      as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Effective objections per providing department, per 100,000 records (target < 1)."""
    from xinyong.objections.reads import read_report

    since_day = date_option(since, "--since")
    with reported(as_json), unit_of_work(engine(ctx)) as session:
        rows = read_report(session, _operator(), since=since_day)
    if as_json:
        print_json([{"provider_uscc": r.provider_uscc, "provider_name": r.provider_name,
                     "records": r.records, "objections": r.objections,
                     "effective": r.effective, "per_100k": round(r.per_100k, 3),
                     "within_target": r.within_target} for r in rows])
        return
    table = Table("数据提供单位", "记录数", "异议", "有效异议", "每十万条", "达标（<1）",
                  title="有效异议率")
    for r in rows:
        table.add_row(r.provider_name, str(r.records), str(r.objections), str(r.effective),
                      f"{r.per_100k:.3f}", "是" if r.within_target else "否")
    out.print(table)


@repair_app.command("overdue")
def repair_overdue(ctx: typer.Context,
                   as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Repair applications with a step past its working-day clock."""
    from xinyong.core.workdays import load_calendar
    from xinyong.repair.reads import read_overdue

    with reported(as_json), unit_of_work(engine(ctx)) as session:
        cal = load_calendar(session)
        rows = [{"id": o.application.id, "subject": o.application.subject_name,
                 "provider": o.application.provider_name, "step": o.step,
                 "due": o.due.isoformat() if o.due else None,
                 "provisional": cal.is_provisional(o.due)}
                for o in read_overdue(session, _operator())]
    if as_json:
        print_json({"total": len(rows), "items": rows})
        return
    table = Table("申请", "信用主体", "认定单位", "超期环节", "时限",
                  title=f"超期修复申请（共 {len(rows)} 件）")
    for r in rows:
        table.add_row(str(r["id"]), str(r["subject"]), str(r["provider"]), str(r["step"]),
                      _due_text(r))
    out.print(table)


@repair_app.command("notices")
def repair_notices(ctx: typer.Context) -> None:
    """Issue repair notices for judged penalties that have none (records loaded before
    notices existed; ingest issues them by itself)."""
    from xinyong.repair.notices import issue_notices

    with reported(), unit_of_work(engine(ctx)) as session:
        n = issue_notices(session)
    out.print(f"已签发 {n} 份信用修复告知书")


@exchange_app.command("export")
def exchange_export(ctx: typer.Context,
                    out_dir: Annotated[Path, typer.Option("--out", help="pick-up directory of "
                                                          "the front-end processor")]) -> None:
    """Write pending exchange events (repair results ...) as one JSON Lines file and mark them
    sent; approved repairs whose result is delivered become 已同步."""
    from xinyong.exchange.service import export_pending
    from xinyong.repair.service import mark_synced

    with reported(), unit_of_work(engine(ctx)) as session:
        path, n = export_pending(session, out_dir, on_sent=mark_synced)
    out.print(f"已导出 {n} 条交换事件" + (f":{path}" if path else ""))
