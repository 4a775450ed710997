"""`xinyong monitoring ...`: compute and keep a period's indicators, show them, the scorecard."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from xinyong import monitoring
from xinyong.cli.accounts import OperatorOpt, cli_actor
from xinyong.cli.common import engine, out, print_json, reported, settings
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Invalid

monitoring_app = typer.Typer(help="信用监测 (indicators per period, scorecard)",
                             no_args_is_help=True)
PeriodOpt = Annotated[str, typer.Option("--period", help="2026-11 (month) or 2026-Q4 (quarter)")]


@monitoring_app.command("compute")
def compute(ctx: typer.Context, period: PeriodOpt,
            recompute: Annotated[bool, typer.Option(
                "--recompute", help="replace the period's stored values (audited)")] = False,
            operator: OperatorOpt = None) -> None:
    """Compute every indicator for the period and keep the values (a period already computed
    is refused without --recompute: its figures do not move when later data arrives)."""
    with reported(), unit_of_work(engine(ctx)) as session:
        r = monitoring.compute(session, cli_actor(operator), period, recompute=recompute)
    verb = "已重新计算" if r.recomputed else "已计算"
    out.print(f"{verb}统计期 {r.period}：{r.indicators} 项指标，{r.values} 个数值。")


@monitoring_app.command("show")
def show(ctx: typer.Context, period: PeriodOpt,
         dimension: Annotated[str, typer.Option(help="total | department | county | industry")]
         = "total",
         as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The stored figures of a period."""
    with reported(as_json), unit_of_work(engine(ctx)) as session:
        figs = monitoring.figures(session, period, dimension=dimension)
    inds = monitoring.load_indicators()
    if as_json:
        print_json([f.__dict__ for f in figs])
        return
    table = Table("指标", "范围", "分子", "分母", "数值", "达标")
    for f in figs:
        ind = inds.get(f.indicator_id)
        table.add_row(ind.name if ind else f.indicator_id, f.key or "全市", str(f.numerator),
                      "" if f.denominator is None else str(f.denominator),
                      f.shown(ind.unit if ind else "count"),
                      {True: "是", False: "否", None: ""}[f.met])
    out.print(table)


@monitoring_app.command("scorecard")
def scorecard(ctx: typer.Context, period: PeriodOpt,
              scope: Annotated[str, typer.Option(help="department | county")] = "department",
              xlsx: Annotated[Path | None, typer.Option(help="write the scorecard as XLSX")]
              = None) -> None:
    """Each department (or county) against the targets, shortfalls first."""
    with reported(), unit_of_work(engine(ctx)) as session:
        card = monitoring.scorecard(session, period, scope)
    if xlsx is not None:
        xlsx.write_bytes(monitoring.scorecard_xlsx(card))
        out.print(f"已导出考核表：{xlsx}")
        return
    table = Table("代码", "名称", "未达标项数")
    for row in card.rows:
        table.add_row(row.key, row.name, str(row.shortfalls))
    out.print(table)


@monitoring_app.command("warn")
def warn(ctx: typer.Context,
         as_of: Annotated[str | None, typer.Option(help="day the rules look from, YYYY-MM-DD "
                                                   "(default: today)")] = None,
         operator: OperatorOpt = None) -> None:
    """Run the early-warning rules; new warnings go to the responsible departments."""
    from datetime import date

    from xinyong.monitoring import warnings

    with reported(), unit_of_work(engine(ctx)) as session:
        try:
            day = date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise Invalid(f"日期「{as_of}」无效：应为 YYYY-MM-DD", code="date_invalid") from None
        r = warnings.raise_warnings(session, cli_actor(operator), as_of=day)
    out.print(f"新产生预警 {r.raised} 条（已有 {r.already} 条未重复产生）。")


@monitoring_app.command("warnings")
def list_warnings(ctx: typer.Context,
                  state: Annotated[str | None, typer.Option(help="open | answered")] = None,
                  operator: OperatorOpt = None) -> None:
    """The warnings and their responses."""
    from xinyong.monitoring import warnings

    with reported(), unit_of_work(engine(ctx)) as session:
        items = warnings.list_warnings(session, cli_actor(operator), state=state)
        rows = [(str(w.id), w.rule_id, w.department_uscc, w.subject_name or "—",
                 w.due_on.isoformat(), warnings.STATE_LABELS[w.state]) for w in items]
    table = Table("编号", "规则", "责任单位", "主体", "反馈期限", "状态")
    for row in rows:
        table.add_row(*row)
    out.print(table)


@monitoring_app.command("deliver")
def deliver(ctx: typer.Context,
            loop: Annotated[int, typer.Option(help="repeat every N seconds (0: once)")] = 0,
            operator: OperatorOpt = None) -> None:
    """Scan watched subjects for new public changes and push the due events to their webhooks
    (signed, retried with backoff). Run from cron, or with --loop as a worker."""
    import time

    from xinyong.monitoring import watch

    actor = cli_actor(operator or "system-watch")
    send = watch.guarded_post(watch.allowed_hosts(settings(ctx).webhook_allowed_hosts))
    while True:
        with reported(), unit_of_work(engine(ctx)) as session:
            found = watch.scan(session)
        with reported(), unit_of_work(engine(ctx)) as session:
            r = watch.deliver(session, actor, send=send)
        out.print(f"新变动 {found} 条；推送成功 {r.delivered} 条，待重试 {r.retrying} 条，"
                  f"失败 {r.failed} 条。")
        if loop <= 0:
            return
        time.sleep(loop)
