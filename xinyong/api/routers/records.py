"""Public records with provenance, the columns (专栏) and counts; late publication for the
credit office."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

from xinyong.accounts import Actor, Permission
from xinyong.api.deps import DbId, SessionDep, require
from xinyong.api.params import refuse_unknown_query
from xinyong.api.routers.subjects import AsOf, PublicReader, RecordPublic, record_out
from xinyong.api.types import AwareDatetime, IsoDate, PublicRecordTypePath
from xinyong.core import clock
from xinyong.documents.tabular import csv_bytes
from xinyong.ingest.reads import read_late
from xinyong.publication.loader import rule_set_label
from xinyong.publication.reads import (
    counts_by_type,
    export_column,
    get_public_record,
    list_column,
)

router = APIRouter(tags=["records"])
RecordId = DbId


class ProvenancePublic(BaseModel):
    provider_name: str
    provider_uscc: str
    batch_id: int
    first_batch_id: int
    channel: str
    received_on: date
    record_version: int
    legal_basis: list[str]
    rule_set_id: str
    rule_set_title: str | None
    rule_set_label: str  # what to show for the rule set: title and document number
    severity: str | None
    severity_source: str | None
    min_end: date | None
    max_end: date | None
    ended_by: str | None
    judged_at: AwareDatetime


class RecordDetail(BaseModel):
    as_of: date
    record: RecordPublic
    provenance: ProvenancePublic


class ColumnPublic(BaseModel):
    record_type: str
    name: str
    as_of: date
    items: list[RecordPublic]
    total: int
    capped: bool
    page: int
    per_page: int
    pages: int
    providers: list[dict[str, str]]  # uscc, name: the values of the provider filter


class Counts(BaseModel):
    as_of: date
    counts: dict[str, int]


class LatePublic(BaseModel):
    id: int
    record_type: str
    document_number: str
    provider_name: str
    provider_uscc: str
    decision_date: date
    deadline: date | None
    received_on: date
    working_days_late: int | None


class LateList(BaseModel):
    items: list[LatePublic]
    total: int
    page: int


@router.get("/api/v1/records/{record_id}", response_model=RecordDetail,
            dependencies=[Depends(refuse_unknown_query)],
            summary="一条公示记录及其来源（数据提供单位、批次、接收日期、设定依据、公示规则版本）")
def get_record(record_id: RecordId, session: SessionDep, _actor: PublicReader,
               as_of: AsOf = None) -> RecordDetail:
    day = as_of or clock.today()
    record, prov = get_public_record(session, record_id, day)
    return RecordDetail(as_of=day, record=record_out(record),
                        provenance=ProvenancePublic(**prov.__dict__,
                                                    rule_set_label=rule_set_label(
                                                        prov.rule_set_id)))


@router.get("/api/v1/columns/{record_type}", response_model=ColumnPublic,
            dependencies=[Depends(refuse_unknown_query)],
            summary="专栏：某类公示记录，可按数据提供单位、地区、决定日期筛选"
            "（与网页 /columns 参数相同）")
def column(record_type: PublicRecordTypePath, session: SessionDep, _actor: PublicReader,
           provider: Annotated[str | None, Query(
               max_length=18, description="数据提供单位的统一社会信用代码（18位）")] = None,
           region: Annotated[str | None, Query(description="行政区划代码前缀，如 3502")] = None,
           decided_from: Annotated[IsoDate | None, Query(
               description="决定日期（起），YYYY-MM-DD，含当日")] = None,
           decided_to: Annotated[IsoDate | None, Query(
               description="决定日期（止），YYYY-MM-DD，含当日")] = None,
           page: Annotated[int, Query(ge=1, le=10000, description="页码；超过末页时返回末页")]
           = 1,
           per_page: Annotated[int, Query(ge=1, le=100)] = 20,
           as_of: AsOf = None) -> ColumnPublic:
    p = list_column(session, record_type, as_of or clock.today(), provider_uscc=provider,
                    region=region or None, date_from=decided_from, date_to=decided_to,
                    page=page, per_page=per_page)
    return ColumnPublic(record_type=p.record_type, name=p.name, as_of=p.as_of,
                        items=[record_out(r) for r in p.items], total=p.total,
                        capped=p.capped, page=p.page, per_page=p.per_page, pages=p.pages,
                        providers=[{"uscc": u, "name": n} for u, n in p.providers])


@router.get("/api/v1/columns/{record_type}/export.csv",
            dependencies=[Depends(refuse_unknown_query)],
            responses={200: {"content": {"text/csv": {}}}},
            summary="专栏公示记录导出（CSV，UTF-8 带 BOM），与网站当日公示内容一致")
def column_export(record_type: PublicRecordTypePath, session: SessionDep, _actor: PublicReader,
                  as_of: AsOf = None) -> Response:
    day = as_of or clock.today()
    # UTF-8 with BOM, formulas neutralised (names and facts come from departments' files)
    content = csv_bytes(None, export_column(session, record_type, day))
    name = quote(f"{record_type}-{day.isoformat()}.csv")
    return Response(content, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})


@router.get("/api/v1/publication/counts", response_model=Counts,
            dependencies=[Depends(refuse_unknown_query)],
            summary="各类公示记录数量")
def counts(session: SessionDep, _actor: PublicReader,
           as_of: AsOf = None) -> Counts:
    day = as_of or clock.today()
    return Counts(as_of=day, counts=counts_by_type(session, day))


@router.get("/api/v1/publication/late", response_model=LateList,
            summary="迟报记录（决定之日起超过7个工作日报送）：信用办看全部，数据提供单位看本单位的")
def late(session: SessionDep,
         actor: Annotated[Actor, Depends(require(Permission.QUALITY_READ))],
         provider: Annotated[str | None, Query(description="数据提供单位统一社会信用代码")]
         = None,
         page: Annotated[int, Query(ge=1, le=100000)] = 1) -> LateList:
    items, total = read_late(session, actor, provider_uscc=provider, page=page)
    return LateList(items=[LatePublic(**i.__dict__) for i in items], total=total, page=page)
