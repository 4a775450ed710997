"""`xinyong notices ...`: the credit office's notices (通知公告) from the server's shell,
audited as the operator (the same service as the web page /notices/manage and the API)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from xinyong import notices
from xinyong.cli.accounts import OperatorOpt, cli_actor
from xinyong.cli.common import engine, out, print_json, reported
from xinyong.core.db import unit_of_work

notices_app = typer.Typer(help="通知公告 (notices on the public site)", no_args_is_help=True)


def _body(body: str | None, body_file: Path | None) -> str:
    if body_file is not None:
        return body_file.read_text("utf-8")
    return body or ""


@notices_app.command("add")
def add(ctx: typer.Context,
        title: Annotated[str, typer.Option(help="标题 (title)")],
        body: Annotated[str | None, typer.Option(help="正文 (body text)")] = None,
        body_file: Annotated[Path | None, typer.Option(
            help="read the body from this UTF-8 text file")] = None,
        publish: Annotated[bool, typer.Option(help="publish at once (else a draft)")] = False,
        operator: OperatorOpt = None) -> None:
    """Write a notice (a draft unless --publish)."""
    with reported(), unit_of_work(engine(ctx)) as session:
        n = notices.create(session, cli_actor(operator),
                           notices.NoticeInput(title, _body(body, body_file)), publish=publish)
        nid, state = n.id, n.state
    out.print(f"公告 {nid}：{notices.STATE_LABELS[state]}")


@notices_app.command("publish")
def publish(ctx: typer.Context, notice_id: int, operator: OperatorOpt = None) -> None:
    """Publish a notice on the site from today."""
    with reported(), unit_of_work(engine(ctx)) as session:
        notices.set_state(session, cli_actor(operator), notice_id, notices.PUBLISHED)
    out.print(f"公告 {notice_id} 已发布")


@notices_app.command("withdraw")
def withdraw(ctx: typer.Context, notice_id: int, operator: OperatorOpt = None) -> None:
    """Take a notice off the site."""
    with reported(), unit_of_work(engine(ctx)) as session:
        notices.set_state(session, cli_actor(operator), notice_id, notices.WITHDRAWN)
    out.print(f"公告 {notice_id} 已撤下")


@notices_app.command("list")
def list_(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False,
          operator: OperatorOpt = None) -> None:
    """Every notice, drafts and withdrawn ones too."""
    with reported(as_json), unit_of_work(engine(ctx)) as session:
        rows = [{"id": n.id, "title": n.title, "state": n.state,
                 "published_on": n.published_on, "updated_by": n.updated_by}
                for n in notices.list_all(session, cli_actor(operator))]
    if as_json:
        print_json(rows)
        return
    table = Table("编号", "标题", "状态", "发布日期", "最后修改")
    for r in rows:
        table.add_row(str(r["id"]), str(r["title"]), notices.STATE_LABELS[str(r["state"])],
                      str(r["published_on"] or ""), str(r["updated_by"]))
    out.print(table)
