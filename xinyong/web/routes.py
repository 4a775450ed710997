"""Public pages: home, search results, credit file (信用档案), record, columns (专栏).

Each page calls the same service function as its JSON twin in the API (linked from the
page). Pages work without JavaScript; `as_of=YYYY-MM-DD` shows what was public that day.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from xinyong.accounts import Actor, Permission
from xinyong.api.deps import MAX_ID, CatalogDep, SessionDep, SettingsDep, require
from xinyong.core import clock
from xinyong.core.errors import Invalid, NotFound, XinyongError
from xinyong.lists.public import entries_for_uscc
from xinyong.publication.service import (
    counts_by_type,
    credit_file,
    get_public_record,
    list_column,
    public_type_ids,
)
from xinyong.subjects.search import search_subjects
from xinyong.web import TEMPLATE_DIR

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
COUNTS_TTL_S = 60.0  # the home page counts scan every record: cache them briefly per day
COLUMN_TYPES = ("licence", "penalty")
PublicReader = Annotated[Actor, Depends(require(Permission.PUBLIC_READ))]


def _as_of(raw: str | None) -> tuple[date, bool]:
    if not raw:
        return clock.today(), False
    try:
        return date.fromisoformat(raw), True
    except ValueError:
        raise Invalid("日期格式应为 YYYY-MM-DD,例如 2026-11-27", code="as_of_invalid") from None


def _page(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), 10000)
    except ValueError:
        return 1




def _render(request: Request, settings: SettingsDep, name: str, ctx: dict[str, Any],
            status: int = 200) -> Response:
    base = {"platform_name": settings.platform_name, "as_of": None, "as_of_given": False,
            "column_types": COLUMN_TYPES}
    return templates.TemplateResponse(request, name, {**base, **ctx}, status_code=status)


def _error(request: Request, settings: SettingsDep, exc: XinyongError,
           query: str = "") -> Response:
    status = 404 if isinstance(exc, NotFound) else 422 if isinstance(exc, Invalid) else 400
    return _render(request, settings, "error.html", {
        "title": "未找到" if status == 404 else "请求有误", "message": exc.message,
        "code": exc.code, "query": query}, status)


def _qs(params: dict[str, Any], **changes: Any) -> str:
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, settings: SettingsDep, catalog: CatalogDep,
         _actor: PublicReader, as_of: str | None = None) -> Response:
    try:
        day, given = _as_of(as_of)
    except Invalid as exc:
        return _error(request, settings, exc)
    cache: dict[date, tuple[float, dict[str, int]]] = request.app.state.__dict__.setdefault(
        "public_counts", {})
    hit = cache.get(day)
    if hit is None or time.monotonic() - hit[0] > COUNTS_TTL_S:
        hit = (time.monotonic(), counts_by_type(session, day, catalog=catalog))
        cache[day] = hit
    counts = [(rt_id, catalog.get(rt_id).name, hit[1].get(rt_id, 0))
              for rt_id in public_type_ids(catalog)]
    return _render(request, settings, "home.html", {
        "title": "首页", "counts": counts, "as_of": day, "as_of_given": given,
        "json_url": "/api/v1/publication/counts" + ("?as_of=" + day.isoformat() if given
                                                    else "")})


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, session: SessionDep, settings: SettingsDep, _actor: PublicReader,
           q: str = "", page: str | None = None, as_of: str | None = None) -> Response:
    q = q.strip()
    if not q:
        return RedirectResponse("/", status_code=303)
    try:
        result = search_subjects(session, q, page=_page(page))
    except XinyongError as exc:
        return _render(request, settings, "results.html", {
            "title": "查询结果", "query": q, "result": None, "message": exc.message,
            "code": exc.code}, 422)
    if result.by_code and len(result.items) == 1:
        target = f"/subjects/{result.items[0].uscc}"
        return RedirectResponse(target + (f"?as_of={as_of}" if as_of else ""), status_code=303)
    params = {"q": q, "as_of": as_of}
    return _render(request, settings, "results.html", {
        "title": f"“{q}”的查询结果", "query": q, "result": result, "message": None,
        "params": params, "qs": _qs, "as_of_raw": as_of,
        "json_url": "/api/v1/subjects?" + _qs({"q": q, "page": result.page})})


@router.get("/subjects/{uscc}", response_class=HTMLResponse)
def subject_page(uscc: str, request: Request, session: SessionDep, settings: SettingsDep,
                 catalog: CatalogDep, _actor: PublicReader, as_of: str | None = None) -> Response:
    try:
        day, given = _as_of(as_of)
        f = credit_file(session, uscc, day, catalog=catalog)
    except XinyongError as exc:
        return _error(request, settings, exc, query=uscc)
    return _render(request, settings, "subject.html", {
        "title": f"{f.subject.name} 信用档案", "file": f, "as_of": day, "as_of_given": given,
        "lists": entries_for_uscc(session, f.subject.uscc, day),
        "json_url": f"/api/v1/subjects/{f.subject.uscc}"
                    + (f"?as_of={day.isoformat()}" if given else "")})


@router.get("/records/{record_id}", response_class=HTMLResponse)
def record_page(record_id: int, request: Request, session: SessionDep, settings: SettingsDep,
                catalog: CatalogDep, _actor: PublicReader, as_of: str | None = None) -> Response:
    try:
        day, given = _as_of(as_of)
        if not 1 <= record_id <= MAX_ID:
            raise NotFound(f"记录 {record_id} 不存在或未公示", code="record_not_found")
        record, prov = get_public_record(session, record_id, day, catalog=catalog)
    except XinyongError as exc:
        return _error(request, settings, exc)
    return _render(request, settings, "record.html", {
        "title": f"{record.record_type_name} {record.document_number}", "record": record,
        "prov": prov, "as_of": day, "as_of_given": given,
        "json_url": f"/api/v1/records/{record_id}"
                    + (f"?as_of={day.isoformat()}" if given else "")})


@router.get("/columns/{record_type}", response_class=HTMLResponse)
def column_page(record_type: str, request: Request, session: SessionDep,
                settings: SettingsDep, catalog: CatalogDep, _actor: PublicReader,
                provider: str | None = None, region: str | None = None,
                date_from: str | None = None, date_to: str | None = None,
                page: str | None = None, as_of: str | None = None) -> Response:
    params = {"provider": provider, "region": region, "date_from": date_from,
              "date_to": date_to, "as_of": as_of}
    try:
        day, given = _as_of(as_of)
        d_from = date.fromisoformat(date_from) if date_from else None
        d_to = date.fromisoformat(date_to) if date_to else None
        pid = int(provider) if provider else None
        if pid is not None and not 1 <= pid <= MAX_ID:
            raise ValueError(provider)
        p = list_column(session, record_type, day, provider_id=pid, region=region or None,
                        date_from=d_from, date_to=d_to, page=_page(page), catalog=catalog)
    except ValueError:
        return _error(request, settings, Invalid("筛选条件格式不正确(日期应为 YYYY-MM-DD)",
                                                 code="filter_invalid"))
    except XinyongError as exc:
        return _error(request, settings, exc)
    api = {"provider": provider, "region": region, "from": date_from, "to": date_to,
           "page": p.page, "as_of": as_of}
    return _render(request, settings, "column.html", {
        "title": f"{p.name}专栏", "col": p, "params": params, "qs": _qs, "as_of": day,
        "as_of_given": given, "json_url": f"/api/v1/columns/{record_type}?" + _qs(api)})
