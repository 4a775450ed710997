"""Public pages of the lists and the measure list: the list columns （名单专栏： 严重失信主体名单,
红名单, 失信被执行人）, one per published list kind, with filters, paging, CSV export and
`as_of`; and the measures in force （失信惩戒措施清单, 向社会公开） with basis, scope and period.
Each page calls the same service as its JSON twin under /api/v1/public."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from xinyong.api.deps import SessionDep, SettingsDep
from xinyong.api.routers.public_lists import measure_out
from xinyong.core.errors import Invalid, XinyongError
from xinyong.lists.public import ColumnFilter, list_column, public_kinds
from xinyong.measures import TIER_LABELS, default_measures
from xinyong.web.routes import PublicReader, _as_of, _error, _page, _qs, _render

router = APIRouter(include_in_schema=False)


@router.get("/lists", response_class=HTMLResponse)
def lists_index(request: Request, settings: SettingsDep, _actor: PublicReader) -> Response:
    return _render(request, settings, "lists_index.html", {
        "title": "名单专栏", "kinds": public_kinds(), "json_url": "/api/v1/public/lists"})


@router.get("/lists/{list_kind}", response_class=HTMLResponse)
def list_column_page(list_kind: str, request: Request, session: SessionDep,
                     settings: SettingsDep, _actor: PublicReader,
                     department: str | None = None, region: str | None = None,
                     date_from: str | None = None, date_to: str | None = None,
                     page: str | None = None, as_of: str | None = None) -> Response:
    params = {"department": department, "region": region, "date_from": date_from,
              "date_to": date_to, "as_of": as_of}
    try:
        day, given = _as_of(as_of)
        filters = ColumnFilter(department or None, region or None,
                               date.fromisoformat(date_from) if date_from else None,
                               date.fromisoformat(date_to) if date_to else None)
        col = list_column(session, list_kind, day, filters=filters, page=_page(page))
    except ValueError:
        return _error(request, settings, Invalid("筛选条件格式不正确（日期应为 YYYY-MM-DD）",
                                                 code="filter_invalid"))
    except XinyongError as exc:
        return _error(request, settings, exc)
    api: dict[str, Any] = {"department": department, "region": region, "from": date_from,
                           "to": date_to, "page": col.page, "as_of": as_of}
    export = {k: v for k, v in api.items() if k != "page"}
    return _render(request, settings, "list_column.html", {
        "title": col.kind.publication.column, "col": col, "params": params, "qs": _qs,
        "as_of": day, "as_of_given": given,
        "export_url": f"/api/v1/public/lists/{list_kind}/export.csv?" + _qs(export),
        "json_url": f"/api/v1/public/lists/{list_kind}?" + _qs(api)})


@router.get("/measures", response_class=HTMLResponse)
def measures_page(request: Request, settings: SettingsDep, _actor: PublicReader,
                  matter: str | None = None, as_of: str | None = None) -> Response:
    cat = default_measures()
    try:
        day, given = _as_of(as_of)
        if matter:
            cat.check_matter(matter)
    except XinyongError as exc:
        return _error(request, settings, exc)
    items = [measure_out(m) for m in cat.in_force(day) if not matter or matter in m.matters]
    groups = [(tier, label, [m for m in items if m["tier"] == tier])
              for tier, label in TIER_LABELS.items()]
    return _render(request, settings, "measures.html", {
        "title": "失信惩戒措施清单和守信激励措施", "groups": groups, "matters": cat.matters,
        "matter": matter, "as_of": day, "as_of_given": given,
        "json_url": "/api/v1/public/measures" + (f"?matter={matter}" if matter else "")})
