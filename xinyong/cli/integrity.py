"""The records part of `xinyong audit verify` (options and output; the check is
`ingest.integrity.verify_stored`) and `xinyong audit seal`: stored records and list entries
checked against the seals the audit chain holds."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from xinyong.accounts import Actor, Role
from xinyong.audit.seals import IntegrityReport
from xinyong.cli.common import engine, err, out
from xinyong.core.db import unit_of_work
from xinyong.ingest import integrity as records
from xinyong.lists import integrity as lists

BatchOpt = Annotated[list[int] | None, typer.Option(
    "--batch", help="check only the record versions of this batch (repeatable); default: "
    "every record, version, batch and list entry")]
RecordsOpt = Annotated[bool, typer.Option(
    "--records/--no-records", help="also check stored records and list entries against "
    "their seals in the chain (a full pass over the records: see README for the cost)")]


def print_report(report: IntegrityReport) -> None:
    checked = (f"记录 {report.records} 条、历史版本 {report.versions} 个、批次 "
               f"{report.batches} 个、名单记录 {report.list_entries} 条")
    if report.ok:
        out.print(f"[green]✓[/] 存储内容与审计日志的封存一致：已校验{checked}"
                  f"（范围：{report.scope}）")
        return
    first = report.problems[0]
    err.print(f"[bold red]✗ 存储内容被篡改[/]：共 {report.total_problems} 处，第一处"
              f"（{first.rule}）：{first.message}")
    for p in report.problems[1:10]:
        err.print(f"  - ({p.rule}) {p.message}")
    err.print(f"已校验{checked}")


def seal(ctx: typer.Context, operator: Annotated[str | None, typer.Option(
        "--operator", help="who runs the command (default: login name); recorded in the "
        "audit log")] = None) -> None:
    """Seal batches and list entries written before tamper evidence existed (run once after
    upgrading): their current digests go into the audit chain."""
    with unit_of_work(engine(ctx)) as session:
        actor = Actor(role=Role.ADMIN, name=operator or getpass.getuser(), client="cli")
        batch_ids = records.seal_unsealed(session, actor)
        entry_ids = lists.seal_unsealed(session, actor)
    out.print(f"已封存 {len(batch_ids)} 个批次、{len(entry_ids)} 条名单记录")
