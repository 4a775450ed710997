"""Public lists （名单专栏） and the public measure list （失信惩戒措施清单）: the JSON twins of
/lists/{kind} and /measures. Natural persons appear only where the legal basis of their
listing makes the list public, and then masked."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from xinyong.api.deps import SessionDep
from xinyong.api.params import refuse_unknown_query
from xinyong.api.routers.subjects import AsOf, PublicReader
from xinyong.api.types import MATTERS, one_of
from xinyong.core import clock
from xinyong.core.errors import Invalid
from xinyong.documents.tabular import csv_bytes
from xinyong.lists import default_list_kinds
from xinyong.lists.public import (
    ColumnFilter,
    PublicEntry,
    export_rows,
    list_column,
    public_kinds,
)
from xinyong.measures import TIER_LABELS, Measure, default_measures

router = APIRouter(prefix="/api/v1/public", tags=["public lists"],
                   dependencies=[Depends(refuse_unknown_query)])
Department = Annotated[str | None, Query(max_length=18,
                                         description="认定部门的统一社会信用代码（18位）")]
Region = Annotated[str | None, Query(description="行政区划代码前缀，如 3502")]
DecidedFrom = Annotated[date | None, Query(description="列入日期（起），YYYY-MM-DD，含当日")]
DecidedTo = Annotated[date | None, Query(description="列入日期（止），YYYY-MM-DD，含当日")]


class ListEntryPublic(BaseModel):
    id: int
    list_kind: str
    list_name: str
    subject_name: str
    subject_uscc: str | None
    subject_id_masked: str | None
    document_type: str
    document_number: str
    document_date: date
    issuing_body: str
    legal_basis: str
    department: str | None
    listed_on: date
    published_on: date
    removal_date: date | None
    removal_reason: str | None
    under_objection: bool
    reason: str | None = Field(None, description="列入原因（经营异常名录等按声明的原因列入的名单）")


class ListColumnPublic(BaseModel):
    list_kind: str
    name: str
    column: str
    as_of: date
    items: list[ListEntryPublic]
    total: int
    page: int
    per_page: int
    pages: int
    departments: list[dict[str, str]]
    removal_conditions: str
    remedies: str


def entry_out(p: PublicEntry) -> ListEntryPublic:
    return ListEntryPublic.model_validate(p.__dict__)


@router.get("/lists", summary="向社会公示的名单类别（专栏），含列入依据、移出条件和救济途径")
def kinds(_actor: PublicReader) -> dict[str, Any]:
    items = [{"id": k.id, "name": k.name, "column": k.publication.column,
              "direction": k.direction, "period_years": k.period_years,
              "publication_basis": k.publication.basis,
              "legal_bases": [b.cite() for b in k.legal_bases],
              "removal_conditions": k.removal_conditions, "early_removal": k.early_removal.rule,
              "remedies": k.remedies} for k in public_kinds()]
    return {"items": items, "total": len(items)}


def _filters(department: str | None, region: str | None, decided_from: date | None,
             decided_to: date | None) -> ColumnFilter:
    return ColumnFilter(department or None, region or None, decided_from, decided_to)


@router.get("/lists/{list_kind}", response_model=ListColumnPublic,
            summary="名单专栏：某类名单当日公示的主体，可按认定部门、地区、列入日期筛选"
            "（与网页 /lists 参数相同）")
def column(list_kind: str, session: SessionDep, _actor: PublicReader,
           department: Department = None, region: Region = None,
           decided_from: DecidedFrom = None, decided_to: DecidedTo = None,
           page: Annotated[int, Query(ge=1, le=10000, description="页码；超过末页时返回末页")]
           = 1,
           per_page: Annotated[int, Query(ge=1, le=100)] = 20,
           as_of: AsOf = None) -> ListColumnPublic:
    col = list_column(session, list_kind, as_of or clock.today(),
                      filters=_filters(department, region, decided_from, decided_to),
                      page=page, per_page=per_page)
    return ListColumnPublic(
        list_kind=col.kind.id, name=col.kind.name, column=col.kind.publication.column or "",
        as_of=col.as_of, items=[entry_out(p) for p in col.items], total=col.total,
        page=col.page, per_page=col.per_page, pages=col.pages,
        departments=[{"uscc": u, "name": n} for u, n in col.departments],
        removal_conditions=col.kind.removal_conditions, remedies=col.kind.remedies)


@router.get("/lists/{list_kind}/export.csv", responses={200: {"content": {"text/csv": {}}}},
            summary="名单专栏导出（CSV，UTF-8 带 BOM），与网站当日公示内容一致")
def column_export(list_kind: str, session: SessionDep, _actor: PublicReader,
                  department: Department = None, region: Region = None,
                  decided_from: DecidedFrom = None, decided_to: DecidedTo = None,
                  as_of: AsOf = None) -> Response:
    day = as_of or clock.today()
    # UTF-8 with BOM, formulas neutralised (names and facts come from departments' files).
    content = csv_bytes(None, export_rows(
        session, list_kind, day,
        filters=_filters(department, region, decided_from, decided_to)))
    name = quote(f"{list_kind}-{day.isoformat()}.csv")
    return Response(content, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})


def measure_out(m: Measure) -> dict[str, Any]:
    """A measure as the public list shows it: basis, scope, targets, matters, period."""
    cat = default_measures()
    kinds = {k.id: k for k in public_kinds()}
    all_kinds = default_list_kinds()
    lk = m.licence_kinds
    return {
        "id": m.id, "name": m.name, "kind": m.kind, "category": m.category, "tier": m.tier,
        "tier_label": TIER_LABELS[m.tier], "advisory": m.advisory,
        "legal_basis": [b.cite() + (f"：{b.text}" if b.text else "") for b in m.legal_basis],
        "triggers": {
            "lists": [{"kind": t.kind, "name": all_kinds[t.kind].name,
                       "public": t.kind in kinds,
                       "bases": [b.cite() for b in all_kinds[t.kind].legal_bases
                                 if b.id in t.bases]} for t in m.triggers.lists],
            "records": [t.model_dump(exclude_none=True) for t in m.triggers.records]},
        "targets": m.targets.model_dump(),
        "matters": [{"id": x, "name": cat.matters[x]} for x in m.matters],
        "licence_kinds": "any" if lk == "any" else [
            {"id": x, "name": cat.licence_kinds[x].name} for x in (lk or [])],
        "period": m.period.model_dump(), "departments": m.departments, "note": m.note,
        "effective_from": m.effective_from, "effective_to": m.effective_to}


@router.get("/measures", summary="失信惩戒措施清单和守信激励措施（向社会公开）")
def measures(_actor: PublicReader,
             matter: Annotated[str | None, Query(description="办理事项，如 procurement",
                                                 json_schema_extra=MATTERS)] = None,
             tier: Annotated[str | None, Query(description="措施类别",
                                               json_schema_extra=one_of(TIER_LABELS))] = None,
             as_of: AsOf = None) -> dict[str, Any]:
    cat = default_measures()
    items = cat.in_force(as_of or clock.today())
    if matter:
        cat.check_matter(matter)
        items = [m for m in items if matter in m.matters]
    if tier:
        if tier not in TIER_LABELS:  # the schema's enum, which FastAPI does not enforce
            raise Invalid("措施类别应为：" + "、".join(TIER_LABELS), code="tier_invalid")
        items = [m for m in items if m.tier == tier]
    return {"items": [measure_out(m) for m in items], "total": len(items),
            "matters": cat.matters, "tiers": TIER_LABELS,
            "licence_kinds": {k: v.name for k, v in cat.licence_kinds.items()}}
