"""`xinyong commitments ...`: the credit office's commitment work from the server's shell —
overdue verification tasks, coverage, and importing a department's commitments from a JSON
file — audited as the operator (the same functions as /cases/commitments and the API)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from xinyong import commitments
from xinyong.cli.accounts import OperatorOpt, cli_actor
from xinyong.cli.common import engine, out, print_json, reported
from xinyong.commitments import reads
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Invalid
from xinyong.core.workdays import load_calendar

commitments_app = typer.Typer(help="信用承诺 (credit commitments)", no_args_is_help=True)


@commitments_app.command("overdue")
def overdue(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False,
            operator: OperatorOpt = None) -> None:
    """Verification tasks past their due date, every department."""
    with reported(as_json), unit_of_work(engine(ctx)) as session:
        rows = [{"code": v.code, "committer": v.committer_name, "kind": v.kind_label,
                 "verify_due": v.verify_due, "accepting": v.accepting_name}
                for v in reads.queue(session, cli_actor(operator), overdue_only=True)]
    if as_json:
        print_json(rows)
        return
    table = Table("承诺编码", "承诺人", "类型", "核查期限", "受理单位")
    for r in rows:
        table.add_row(*(str(r[k]) for k in ("code", "committer", "kind", "verify_due",
                                            "accepting")))
    out.print(table)


@commitments_app.command("coverage")
def coverage(ctx: typer.Context,
             by: Annotated[str, typer.Option(help="region | department")] = "region",
             as_json: Annotated[bool, typer.Option("--json")] = False,
             operator: OperatorOpt = None) -> None:
    """Commitments and fulfilment records per registered enterprise (target 100%)."""
    if by not in ("region", "department"):
        raise typer.BadParameter("--by 应为 region 或 department")
    with reported(as_json), unit_of_work(engine(ctx)) as session:
        from xinyong import audit

        rows = [r.__dict__ for r in reads.coverage(session, clock.today(), by)]
        audit.append(session, cli_actor(operator), "commitment.coverage", details={"by": by})
    if as_json:
        print_json(rows)
        return
    table = Table("范围", "承诺", "履约信息", "登记企业", "比值")
    for r in rows:
        ratio = f"{r['ratio'] * 100:.1f}%" if r["ratio"] is not None else "—"
        table.add_row(str(r["label"]), str(r["commitments"]), str(r["fulfilment_records"]),
                      str(r["enterprises"] if r["enterprises"] is not None else "—"), ratio)
    out.print(table)


def _incoming(row: dict[str, Any], n: int) -> commitments.Incoming:
    try:
        return commitments.Incoming(
            committer_uscc=str(row["committer_uscc"]), committer_name=str(row["committer_name"]),
            kind=str(row["kind"]), reason=str(row["reason"]), content=str(row["content"]),
            liability=str(row["liability"]), made_on=date.fromisoformat(row["made_on"]),
            disclosure=str(row.get("disclosure", "public")),
            valid_until=date.fromisoformat(row["valid_until"]) if row.get("valid_until")
            else None,
            verify_due=date.fromisoformat(row["verify_due"]) if row.get("verify_due") else None,
            category=str(row.get("category", "legal")), remark=row.get("remark"))
    except (KeyError, ValueError, TypeError) as exc:
        raise Invalid(f"第{n}条承诺数据不完整或格式有误：{exc}", code="row_invalid") from exc


@commitments_app.command("import")
def import_(ctx: typer.Context, path: Path,
            department: Annotated[str, typer.Option(help="承诺受理单位代码")],
            operator: OperatorOpt = None) -> None:
    """Import a department's commitments from a JSON array (the API's fields); all or none."""
    rows = json.loads(path.read_text("utf-8"))
    if not isinstance(rows, list):
        raise typer.BadParameter("文件应为 JSON 数组")
    with reported(), unit_of_work(engine(ctx)) as session:
        actor, cal = cli_actor(operator), load_calendar(session)
        codes = [commitments.receive(session, actor, _incoming(r, i), calendar=cal,
                                     accepting_uscc=department).code
                 for i, r in enumerate(rows, 1)]
    out.print(f"已导入 {len(codes)} 条信用承诺")
