"""`xinyong subjects reviews` and `xinyong subjects resolve`: 重错码 governance."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from xinyong.cli.accounts import OperatorOpt, cli_actor
from xinyong.cli.common import engine, out, print_json, reported
from xinyong.codereview import (
    CONFIRM_RENAME,
    DISTINCT,
    MERGE,
    WRONG_CODE,
    Resolution,
    ReviewView,
    read_reviews,
    resolve,
)
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Invalid


def review_dict(v: ReviewView) -> dict[str, object]:
    return {k: (getattr(v, k).isoformat(timespec="seconds")
                if k in ("detected_at", "resolved_at") and getattr(v, k) else getattr(v, k))
            for k in v.__dataclass_fields__}


def reviews(ctx: typer.Context,
            status: Annotated[str, typer.Option(
                help="open, awaiting_correction (wrong codes sent back to their provider), "
                "resolved or all")] = "open",
            as_json: Annotated[bool, typer.Option("--json")] = False,
            operator: OperatorOpt = None) -> None:
    """重错码 reviews: same code with different names, same name with different codes
    (audited)."""
    with reported(as_json), unit_of_work(engine(ctx)) as session:
        items = read_reviews(session, cli_actor(operator), status)
    if as_json:
        print_json([review_dict(v) for v in items])
        return
    table = Table("编号", "类型", "统一社会信用代码", "名称", "另一名称/代码", "报送单位", "状态",
                  title="重错码核查")
    for v in items:
        state = v.status_label + (f"（待更正 {v.awaiting_records} 条）" if v.awaiting_records
                                  else f"：{v.resolution_label}" if v.resolution_label else "")
        table.add_row(str(v.id), v.kind_label, v.uscc or "", v.name,
                      v.other_name or v.other_uscc or "", v.provider_name or "", state)
    out.print(table)


def resolve_command(
    ctx: typer.Context, review_id: int,
    reason: Annotated[str, typer.Option(help="why (recorded with the resolution and audited)")],
    confirm_rename: Annotated[bool, typer.Option(
        "--confirm-rename", help="same code: both names are the subject's (renamed)")] = False,
    wrong_code: Annotated[bool, typer.Option(
        "--wrong-code", help="same code: the other name's rows carry a wrong code; send "
        "them back to their provider for correction")] = False,
    distinct: Annotated[bool, typer.Option(
        "--distinct", help="same name: two different subjects")] = False,
    merge_into: Annotated[str | None, typer.Option(
        "--merge-into", help="same name: one code was wrong; merge into this USCC (the "
        "other stays as an alias)")] = None,
    operator: OperatorOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Resolve a 重错码 review (audited)."""
    chosen = [a for a, on in ((CONFIRM_RENAME, confirm_rename), (WRONG_CODE, wrong_code),
                              (DISTINCT, distinct), (MERGE, merge_into is not None)) if on]
    with reported(as_json):
        if len(chosen) != 1:
            raise Invalid("请选择且只选择一种处理方式：--confirm-rename、--wrong-code、"
                          "--distinct 或 --merge-into 统一社会信用代码",
                          code="review_action_required")
        with unit_of_work(engine(ctx)) as session:
            view = resolve(session, review_id, cli_actor(operator),
                           Resolution(chosen[0], reason, merge_into))
    if as_json:
        print_json(review_dict(view))
        return
    out.print(f"[green]✓[/] 重错码核查 {view.id}：{view.resolution_label}（{view.status_label}）")
