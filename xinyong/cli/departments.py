"""`xinyong departments ...`: register and change the departments accounts belong to."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from xinyong import departments
from xinyong.catalog import default_catalog
from xinyong.cli.accounts import OperatorOpt, cli_actor
from xinyong.cli.common import engine, out, print_json, reported
from xinyong.core.db import unit_of_work

departments_app = typer.Typer(help="部门 (departments: code, name, class, region)",
                              no_args_is_help=True)

ClassOpt = Annotated[str | None, typer.Option(
    "--class", help="department class from the catalog (`xinyong departments classes`), e.g. "
    "enforcement, licensing")]
RegionOpt = Annotated[str | None, typer.Option(
    "--region", help="6-digit administrative division code (GB/T 2260); default: the one "
    "inside the USCC")]


def _label(class_id: str | None) -> str:
    if class_id is None:
        return "（未分类）"
    found = default_catalog().department_classes.get(class_id)
    return f"{found.label}({class_id})" if found else class_id


def _row(d: departments.Department) -> dict[str, Any]:
    return {"code": d.code, "name": d.name, "class": d.department_class,
            "class_label": _label(d.department_class), "region": d.region_code,
            "updated_at": d.updated_at}


@departments_app.command("add")
def add(ctx: typer.Context, code: Annotated[str, typer.Argument(help="the department's USCC")],
        name: Annotated[str, typer.Option(help="name of the department")],
        department_class: Annotated[str, typer.Option("--class", help="department class from "
                                                      "the catalog, e.g. enforcement")],
        region: RegionOpt = None, operator: OperatorOpt = None) -> None:
    """Register a department (accounts then name it with `accounts create --department`)."""
    with reported(), unit_of_work(engine(ctx)) as session:
        d = departments.add_department(session, cli_actor(operator), departments.NewDepartment(
            code=code, name=name, department_class=department_class, region_code=region))
        row = _row(d)
    out.print(f"已登记单位：{row['code']} {row['name']}，{row['class_label']}，"
              f"行政区划 {row['region']}")


@departments_app.command("update")
def update(ctx: typer.Context, code: str,
           name: Annotated[str | None, typer.Option(help="new name")] = None,
           department_class: ClassOpt = None, region: RegionOpt = None,
           operator: OperatorOpt = None) -> None:
    """Change a department's name, class or region (its accounts' rights follow the class)."""
    with reported(), unit_of_work(engine(ctx)) as session:
        d = departments.update_department(session, cli_actor(operator), code,
                                          departments.DepartmentChange(
                                              name=name, department_class=department_class,
                                              region_code=region))
        row = _row(d)
    out.print(f"单位 {row['code']}: {row['name']},{row['class_label']}，行政区划 {row['region']}")


@departments_app.command("list")
def list_cmd(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False,
             operator: OperatorOpt = None) -> None:
    """List registered departments."""
    with reported(as_json), unit_of_work(engine(ctx)) as session:
        rows = [_row(d) for d in departments.list_departments(session, cli_actor(operator))]
    if as_json:
        print_json(rows)
        return
    table = Table("代码", "名称", "类别", "行政区划", title="单位")
    for r in rows:
        table.add_row(r["code"], r["name"], r["class_label"], r["region"])
    out.print(table)


@departments_app.command("classes")
def classes(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The department classes of the catalog (departments/classes.yaml)."""
    items = [{"id": c.id, "label": c.label, "note": c.note}
             for c in default_catalog().department_classes.values()]
    if as_json:
        print_json(items)
        return
    table = Table("类别", "名称", "说明", title="部门类别")
    for c in items:
        table.add_row(str(c["id"]), str(c["label"]), str(c["note"] or ""))
    out.print(table)
