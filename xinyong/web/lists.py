"""Public pages of the lists and the measure list: the list columns （名单专栏：严重失信主体名单，
红名单，失信被执行人）, one per published list kind, with filters, paging, CSV export and
`as_of`; and the measures in force （失信惩戒措施清单，向社会公开） with basis, scope and period.
Each page calls the same service as its JSON twin under /api/v1/public, takes the same
parameter names and refuses one it does not know; errors are raised and rendered by the
site's error page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from xinyong.api.deps import SessionDep
from xinyong.api.params import refuse_unknown_query
from xinyong.api.routers.public_lists import measure_out
from xinyong.lists.public import ColumnFilter, list_column, public_kinds
from xinyong.measures import TIER_LABELS, default_measures
from xinyong.web.pages import qs, render
from xinyong.web.routes import AsOfParam, PageParam, PublicReader, _as_of, _date, _page

router = APIRouter(include_in_schema=False, dependencies=[Depends(refuse_unknown_query)])
TextParam = Annotated[str | None, Query()]


@router.get("/lists", response_class=HTMLResponse)
def lists_index(request: Request, actor: PublicReader) -> Response:
    return render(request, "lists_index.html", {
        "title": "名单专栏", "kinds": public_kinds(), "actor": actor,
        "json_url": "/api/v1/public/lists"})


@router.get("/lists/{list_kind}", response_class=HTMLResponse)
def list_column_page(list_kind: str, request: Request, session: SessionDep,
                     actor: PublicReader, department: TextParam = None,
                     region: TextParam = None, decided_from: TextParam = None,
                     decided_to: TextParam = None, page: PageParam = None,
                     as_of: AsOfParam = None) -> Response:
    params = {"department": department, "region": region, "decided_from": decided_from,
              "decided_to": decided_to, "as_of": as_of}
    day, given = _as_of(as_of)
    filters = ColumnFilter(department or None, region or None,
                           _date(decided_from, "列入日期（起）"),
                           _date(decided_to, "列入日期（止）"))
    col = list_column(session, list_kind, day, filters=filters, page=_page(page))
    return render(request, "list_column.html", {
        "title": col.kind.publication.column, "col": col, "params": params,
        "early_rule": col.kind.early_removal.rule,
        "as_of": day, "as_of_given": given, "actor": actor,
        "export_url": f"/api/v1/public/lists/{list_kind}/export.csv?" + qs(params),
        "json_url": f"/api/v1/public/lists/{list_kind}?" + qs(params, page=col.page)})


@router.get("/measures", response_class=HTMLResponse)
def measures_page(request: Request, actor: PublicReader, matter: TextParam = None,
                  as_of: AsOfParam = None) -> Response:
    cat = default_measures()
    day, given = _as_of(as_of)
    if matter:
        cat.check_matter(matter)
    items = [measure_out(m) for m in cat.in_force(day) if not matter or matter in m.matters]
    groups = [(tier, label, [m for m in items if m["tier"] == tier])
              for tier, label in TIER_LABELS.items()]
    return render(request, "measures.html", {
        "title": "失信惩戒措施清单和守信激励措施", "groups": groups, "matters": cat.matters,
        "matter": matter, "as_of": day, "as_of_given": given, "actor": actor,
        "json_url": "/api/v1/public/measures?" + qs({"matter": matter, "as_of": as_of})})
