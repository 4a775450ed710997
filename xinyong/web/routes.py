"""Public pages: home, search results, credit file (信用档案), record, columns (专栏).

Each page calls the same service function as its JSON twin in the API (linked from the
page), takes the same parameter names, and refuses a parameter it does not know (422). Pages
work without JavaScript; `as_of=YYYY-MM-DD` shows what was public that day. Errors are raised
and rendered by the site's error page (xinyong.web.errors).
"""

from __future__ import annotations

import time
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from xinyong import notices
from xinyong.accounts import Actor, Permission
from xinyong.api.deps import MAX_ID, CatalogDep, SessionDep, require
from xinyong.api.params import refuse_unknown_query
from xinyong.catalog import Catalog
from xinyong.core import clock
from xinyong.core.errors import Invalid, NotFound
from xinyong.lists.public import entries_for_uscc, latest_published, list_names_for
from xinyong.publication.reads import (
    counts_by_type,
    credit_file,
    get_public_record,
    list_column,
    public_counts_for,
    public_type_ids,
)
from xinyong.subjects.search import search_subjects
from xinyong.web.commitments import public_for_uscc
from xinyong.web.pages import qs, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(refuse_unknown_query)])
COUNTS_TTL_S = 60.0  # the home page counts scan every record: cache them briefly per day
COLUMN_TYPES = ("licence", "penalty")
# The fields a column shows beside subject, document, date and source, by record type.
COLUMN_FIELDS: dict[str, tuple[str, ...]] = {"penalty": ("违法行为类型", "处罚内容"),
                                             "licence": ("许可类别", "许可内容"),
                                             "commitment_breach": ("承诺类型", "承诺事由",
                                                                   "违诺责任追究内容"),
                                             "inspection_result": ("检查事项", "检查结果")}
# Column headings for the document number, decision date and provider where a type names
# them otherwise than a decision does (违诺: 承诺编码, 认定日期, 认定单位).
COLUMN_HEADS: dict[str, tuple[str, str, str]] = {
    "commitment_breach": ("承诺编码", "认定日期", "认定单位"),
    "inspection_result": ("抽查任务编号", "检查结果日期", "检查机关")}
DEFAULT_HEADS = ("决定文书号", "决定日期", "数据来源单位")
LATEST = 5  # latest published decisions per type on the home page
# The list columns on the home page (xinyong.web.lists): path, name, what it is.
LIST_COLUMNS = (("/lists/serious_dishonesty", "严重失信主体名单", "依法认定的严重失信主体"),
                ("/lists/red", "诚信典型红名单", "守信激励对象"),
                ("/lists/judgment_defaulter", "失信被执行人", "人民法院公布的失信被执行人"),
                ("/lists/abnormal_operations", "经营异常名录",
                 "市场监督管理部门列入经营异常名录的企业和农民专业合作社"))
PublicReader = Annotated[Actor, Depends(require(Permission.PUBLIC_READ))]
AsOfParam = Annotated[str | None, Query(description="YYYY-MM-DD")]
PageParam = Annotated[str | None, Query()]


def _as_of(raw: str | None) -> tuple[date, bool]:
    if not raw:
        return clock.today(), False
    try:
        return date.fromisoformat(raw), True
    except ValueError:
        raise Invalid("查询日期格式应为 YYYY-MM-DD，例如 2026-11-27", code="as_of_invalid",
                      ) from None


def _date(raw: str | None, label: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid(f"{label}格式应为 YYYY-MM-DD，例如 2026-11-27",
                      code="filter_invalid") from None


def _page(raw: str | None) -> int:
    if not raw:
        return 1
    try:
        return min(max(int(raw), 1), 10000)
    except ValueError:
        raise Invalid("页码应为整数", code="page_invalid") from None


def _suffix(day: date, given: bool) -> str:
    return f"?as_of={day.isoformat()}" if given else ""


def _counts(request: Request, session: Session, catalog: Catalog, day: date) -> dict[str, int]:
    cache: dict[date, tuple[float, dict[str, int]]] = request.app.state.__dict__.setdefault(
        "public_counts", {})
    hit = cache.get(day)
    if hit is None or time.monotonic() - hit[0] > COUNTS_TTL_S:
        hit = (time.monotonic(), counts_by_type(session, day, catalog=catalog))
        cache[day] = hit
    return hit[1]


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, catalog: CatalogDep, actor: PublicReader,
         as_of: AsOfParam = None) -> Response:
    day, given = _as_of(as_of)
    counted = _counts(request, session, catalog, day)
    counts = [(rt_id, catalog.get(rt_id).name, counted.get(rt_id, 0))
              for rt_id in public_type_ids(catalog, day)]
    latest = [list_column(session, rt_id, day, per_page=LATEST, catalog=catalog)
              for rt_id in COLUMN_TYPES if rt_id in public_type_ids(catalog, day)]
    news, _total = notices.list_published(session, limit=6)
    return render(request, "home.html", {
        "title": "首页", "counts": counts, "latest": latest, "notices": news,
        "list_columns": LIST_COLUMNS, "list_entries": latest_published(session, day, LATEST),
        "as_of": day,
        "as_of_given": given, "actor": actor, "suffix": _suffix(day, given),
        "json_url": "/api/v1/publication/counts" + _suffix(day, given)})


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, session: SessionDep, catalog: CatalogDep, actor: PublicReader,
           q: str = "", page: PageParam = None, as_of: AsOfParam = None) -> Response:
    q = q.strip()
    if not q:
        return RedirectResponse("/", status_code=303)
    day, given = _as_of(as_of)
    result = search_subjects(session, q, page=_page(page))
    if result.by_code and len(result.items) == 1:
        target = f"/subjects/{result.items[0].uscc}"
        return RedirectResponse(target + _suffix(day, given), status_code=303)
    ids = [h.subject_id for h in result.items]
    marks = public_counts_for(session, ids, day, catalog=catalog)
    lists = list_names_for(session, ids, day)  # 列入名单 marks beside the penalty mark
    params = {"q": q, "as_of": as_of}
    return render(request, "results.html", {
        "title": f"“{q}”的查询结果", "query": q, "result": result, "marks": marks,
        "lists": lists, "params": params, "as_of_raw": as_of, "as_of": day,
        "as_of_given": given, "actor": actor,
        "json_url": "/api/v1/subjects?" + qs({"q": q, "page": result.page})})


@router.get("/subjects/{uscc}", response_class=HTMLResponse)
def subject_page(uscc: str, request: Request, session: SessionDep, catalog: CatalogDep,
                 actor: PublicReader, as_of: AsOfParam = None) -> Response:
    day, given = _as_of(as_of)
    f = credit_file(session, uscc, day, catalog=catalog)
    if f.subject.uscc and f.subject.uscc != uscc.strip().upper():
        # A code merged into another subject (重错码 resolved): that subject's page.
        return RedirectResponse(f"/subjects/{f.subject.uscc}"
                                + (f"?as_of={day.isoformat()}" if given else ""),
                                status_code=301)
    return render(request, "subject.html", {
        "title": f"{f.subject.name} 信用档案", "file": f, "as_of": day, "as_of_given": given,
        "lists": entries_for_uscc(session, f.subject.uscc, day),
        "commitments": public_for_uscc(session, f.subject.uscc, day),
        "actor": actor, "json_url": f"/api/v1/subjects/{f.subject.uscc}" + _suffix(day, given)})


@router.get("/records/{record_id}", response_class=HTMLResponse)
def record_page(record_id: int, request: Request, session: SessionDep, catalog: CatalogDep,
                actor: PublicReader, as_of: AsOfParam = None) -> Response:
    day, given = _as_of(as_of)
    if not 1 <= record_id <= MAX_ID:
        raise NotFound(f"信息 {record_id} 不存在或未公示", code="record_not_found")
    record, prov = get_public_record(session, record_id, day, catalog=catalog)
    return render(request, "record.html", {
        "title": f"{record.record_type_name} {record.document_number}", "record": record,
        "prov": prov, "as_of": day, "as_of_given": given, "actor": actor,
        "json_url": f"/api/v1/records/{record_id}" + _suffix(day, given)})


@router.get("/columns/{record_type}", response_class=HTMLResponse)
def column_page(record_type: str, request: Request, session: SessionDep, catalog: CatalogDep,
                actor: PublicReader, provider: str | None = None, region: str | None = None,
                decided_from: str | None = None, decided_to: str | None = None,
                page: PageParam = None, as_of: AsOfParam = None) -> Response:
    params = {"provider": provider, "region": region, "decided_from": decided_from,
              "decided_to": decided_to, "as_of": as_of}
    day, given = _as_of(as_of)
    p = list_column(session, record_type, day, provider_uscc=provider or None,
                    region=region or None, date_from=_date(decided_from, "决定日期（起）"),
                    date_to=_date(decided_to, "决定日期（止）"), page=_page(page),
                    catalog=catalog)
    api = {**params, "page": p.page}
    return render(request, "column.html", {
        "title": f"{p.name}专栏", "col": p, "params": params, "as_of": day,
        "as_of_given": given, "actor": actor, "extra": COLUMN_FIELDS.get(record_type, ()),
        "heads": COLUMN_HEADS.get(record_type, DEFAULT_HEADS),
        "json_url": f"/api/v1/columns/{record_type}?" + qs(api)})
