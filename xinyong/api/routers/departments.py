"""Departments (credit office administrators): register, change and list them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from xinyong import departments
from xinyong.accounts import Actor, Permission
from xinyong.api.deps import CatalogDep, SessionDep, require
from xinyong.api.types import AwareDatetime
from xinyong.catalog import Catalog
from xinyong.core import clock

router = APIRouter(prefix="/api/v1/departments", tags=["departments"])
Admin = Annotated[Actor, Depends(require(Permission.DEPARTMENTS_MANAGE))]
Code = Annotated[str, Path(min_length=1, max_length=40, description="the department's USCC")]


class DepartmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=40, description="the department's USCC")
    name: str = Field(min_length=1, max_length=200)
    department_class: str = Field(min_length=1, max_length=40, description="a class from "
                                  "`classes` (the catalog's list of department classes)")
    region_code: str | None = Field(None, max_length=6, description="GB/T 2260 division "
                                    "code; default: the one inside the USCC")


class DepartmentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    department_class: str | None = Field(None, min_length=1, max_length=40)
    region_code: str | None = Field(None, max_length=6)


class DepartmentPublic(BaseModel):
    code: str
    name: str
    department_class: str | None
    class_label: str | None
    region_code: str
    created_at: AwareDatetime
    updated_at: AwareDatetime


class DepartmentClassPublic(BaseModel):
    id: str
    label: str
    note: str | None


class DepartmentList(BaseModel):
    items: list[DepartmentPublic]
    total: int
    classes: list[DepartmentClassPublic]


def _public(d: departments.Department, catalog: Catalog) -> DepartmentPublic:
    cls = catalog.department_classes.get(d.department_class or "")
    return DepartmentPublic(code=d.code, name=d.name, department_class=d.department_class,
                            class_label=cls.label if cls else None, region_code=d.region_code,
                            created_at=clock.aware(d.created_at),
                            updated_at=clock.aware(d.updated_at))


@router.get("", response_model=DepartmentList, summary="单位列表与目录的部门类别")
def list_departments(session: SessionDep, catalog: CatalogDep, actor: Admin) -> DepartmentList:
    items = [_public(d, catalog) for d in departments.list_departments(session, actor)]
    return DepartmentList(items=items, total=len(items), classes=[
        DepartmentClassPublic(id=c.id, label=c.label, note=c.note)
        for c in catalog.department_classes.values()])


@router.post("", response_model=DepartmentPublic, status_code=201, summary="登记单位")
def add_department(body: DepartmentCreate, session: SessionDep, catalog: CatalogDep,
                   actor: Admin) -> DepartmentPublic:
    d = departments.add_department(session, actor, departments.NewDepartment(
        code=body.code, name=body.name, department_class=body.department_class,
        region_code=body.region_code), catalog=catalog)
    return _public(d, catalog)


@router.patch("/{code}", response_model=DepartmentPublic,
              summary="更改单位的名称、类别或行政区划（其账户的权限随类别变化）")
def update_department(code: Code, body: DepartmentUpdate, session: SessionDep,
                      catalog: CatalogDep, actor: Admin) -> DepartmentPublic:
    d = departments.update_department(session, actor, code, departments.DepartmentChange(
        name=body.name, department_class=body.department_class,
        region_code=body.region_code), catalog=catalog)
    return _public(d, catalog)
