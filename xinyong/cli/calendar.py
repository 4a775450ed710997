"""`xinyong calendar`: add a year's official arrangement (and recompute what was counted
over it on the provisional calendar), list where each year's calendar comes from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.cli.accounts import cli_actor
from xinyong.cli.common import engine, err, out, print_json, reported, settings
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.core.logs import get_logger
from xinyong.core.workdays import (
    PROVISIONAL,
    SOURCE_LABELS,
    WorkingCalendar,
    add_year,
    load_calendar,
    load_year_file,
    outlook,
    year_sources,
)

calendar_app = typer.Typer(help="工作日历 (official working-day calendar)", no_args_is_help=True)


def recompute_year(session: Session, calendar: WorkingCalendar, year: int,
                   objection_clocks_file: Path | None = None) -> dict[str, int]:
    """Recompute every stored date counted in working days over `year` (each domain's own
    entry point), in the caller's transaction; returns how many changed per kind."""
    from xinyong.ingest.timeliness import recompute_deadlines
    from xinyong.lists.clocks import recompute_statement_periods
    from xinyong.objections.clocks import clocks_from
    from xinyong.objections.clocks import recompute_due_dates as objection_dues
    from xinyong.publication.clocks import rejudge_revocations
    from xinyong.repair.clocks import recompute_due_dates as repair_dues

    clocks = clocks_from(str(objection_clocks_file) if objection_clocks_file else None)
    return {
        "records": recompute_deadlines(session, calendar, year),
        "objections": objection_dues(session, calendar, clocks, year),
        "repairs": repair_dues(session, calendar, year),
        "list_entries": recompute_statement_periods(session, calendar, year),
        "revocations": rejudge_revocations(session, year),
    }


RECOMPUTED = {"records": "信息报送时限（及时性）", "objections": "异议办理时限",
              "repairs": "信用修复各环节时限", "list_entries": "名单陈述申辩期",
              "revocations": "撤销后停止公示日期（重新判定）"}


@calendar_app.command("add")
def calendar_add(ctx: typer.Context, path: Path,
                 replace: Annotated[bool, typer.Option(help="replace a year already added")]
                 = False) -> None:
    """Add a year's holiday arrangement (the State Council notice) from a YAML file, and
    recompute the dates counted over that year before it was added."""
    with reported():
        arrangement = load_year_file(path)
        with unit_of_work(engine(ctx)) as session:
            add_year(session, arrangement, replace=replace)
            counts = recompute_year(session, load_calendar(session), arrangement.year,
                                    settings(ctx).objection_clocks_file)
            audit.append(session, cli_actor(), "calendar.add", details={
                "year": arrangement.year, "source": arrangement.source, "replace": replace,
                "recomputed": counts})
    out.print(f"已添加{arrangement.year}年节假日安排：{len(arrangement.holidays)}个假期，"
              f"{len(arrangement.workdays)}个调休上班日")
    moved = ",".join(f"{RECOMPUTED[k]} {n} 项" for k, n in counts.items() if n)
    out.print(f"已按新安排重新计算：{moved}" if moved else "此前按暂定日历计算的时限无需调整")


@calendar_app.command("years")
def calendar_years(ctx: typer.Context,
                   as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the years working-day clocks are computed for and where each comes from:
    official (added notice), package (chinesecalendar) or provisional (statutory holidays)."""
    with unit_of_work(engine(ctx)) as session:
        cal = load_calendar(session)
    today = clock.today()
    years = year_sources(cal, today.year + 1)
    view = outlook(cal, today)
    if as_json:
        print_json({"years": [{"year": y, "source": s} for y, s in years],
                    "calendar": view.as_dict()})
        return
    table = Table("年份", "来源", title="工作日历")
    for y, s in years:
        label = SOURCE_LABELS[s]
        table.add_row(str(y), f"[yellow]{label}[/]" if s == PROVISIONAL else label)
    out.print(table)
    out.print(f"{years[-1][0] + 1}年及以后：{SOURCE_LABELS[PROVISIONAL]}，"
              "直至添加国务院通知（xinyong calendar add YEAR.yaml）")
    if view.warning:
        out.print(f"[yellow]注意：[/] {view.warning}")


def warn_provisional_calendar(ctx: typer.Context) -> str | None:
    """At server start: from 1 November, when next year has no notice yet (or this year has
    none), say so in the log and on the console. Returns the warning."""
    with unit_of_work(engine(ctx)) as session:
        view = outlook(load_calendar(session))
    if view.warning:
        get_logger("xinyong.calendar").warning("calendar_provisional",
                                               years=list(view.provisional_years),
                                               message=view.warning)
        err.print(f"[bold yellow]工作日历：[/] {view.warning}")
    return view.warning
