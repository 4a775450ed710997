"""`xinyong publication ...` and `xinyong subjects reindex`: thin translations."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer
from rich.table import Table

from xinyong.cli.common import date_option, engine, out, print_json, reported
from xinyong.core.db import unit_of_work
from xinyong.ingest.runner import operator_actor

publication_app = typer.Typer(help="公示 (publication windows, late publication)",
                              no_args_is_help=True)


@publication_app.command("judge")
def judge(ctx: typer.Context,
          rejudge: Annotated[bool, typer.Option("--all", help="re-judge every record, not only "
                                                "those without a judgement")] = False) -> None:
    """Compute publication windows of records not judged yet (ingest does this by itself;
    needed after bulk loads or for records stored before the publication tables existed)."""
    from xinyong.publication.judging import judge_records

    with reported(), unit_of_work(engine(ctx)) as session:
        n = judge_records(session, rejudge=rejudge)
    out.print(f"已判定 {n} 条记录的公示期")


@publication_app.command("late")
def late(ctx: typer.Context,
         provider: Annotated[str | None, typer.Option(help="USCC of one provider")] = None,
         page: int = 1,
         as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Records received more than 7 working days after their decision (迟报), newest first."""
    from xinyong.ingest.reads import read_late

    with reported(as_json), unit_of_work(engine(ctx)) as session:
        items, total = read_late(session, operator_actor(getpass.getuser()),
                                 provider_uscc=provider, page=page)
    if as_json:
        print_json({"total": total, "page": page, "items": [i.__dict__ for i in items]})
        return
    table = Table("记录", "类别", "文书号", "数据提供单位", "决定日期", "应报送截止", "接收日期",
                  "超期工作日", title=f"迟报记录（共 {total} 条）")
    for i in items:
        table.add_row(str(i.id), i.record_type, i.document_number, i.provider_name,
                      i.decision_date.isoformat(), i.deadline.isoformat() if i.deadline else "—",
                      i.received_on.isoformat(),
                      "—" if i.working_days_late is None else str(i.working_days_late))
    out.print(table)


@publication_app.command("end")
def end(ctx: typer.Context, record_id: int,
        reason: Annotated[str, typer.Option(help="repaired （信用修复） or revoked （撤销）")],
        on: Annotated[str, typer.Option(help="effective date YYYY-MM-DD")],
        note: Annotated[str | None, typer.Option()] = None,
        operator: Annotated[str, typer.Option()] = "信用办") -> None:
    """End a record's publication early: a repair or a revocation, with its date."""
    from xinyong.publication.judging import end_early

    day = date_option(on, "--on")
    assert day is not None
    with reported(), unit_of_work(engine(ctx)) as session:
        j = end_early(session, operator_actor(operator), record_id, reason, day, note=note)
        end_day = j.window_end.isoformat() if j.window_end else "长期"
    out.print(f"记录 {record_id} 最后公示日：{end_day}({j.ended_by})")


def reindex_command(ctx: typer.Context) -> None:
    """Rebuild the public name search index from the registry (current and former names)."""
    from xinyong.subjects.search import reindex

    with reported(), unit_of_work(engine(ctx)) as session:
        n = reindex(session)
    out.print(f"已重建名称检索索引：{n} 个名称")
