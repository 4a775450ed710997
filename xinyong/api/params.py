"""Unknown query parameters are refused, not ignored: `?provder=...` (a typo) or a filter
name from an older version would otherwise return the unfiltered list as if it were the
answer. Used by the public pages and the public API (same names on both)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from xinyong.core.errors import Invalid, Problem

_KNOWN: dict[int, frozenset[str]] = {}


def _query_names(dependant: Any) -> set[str]:
    names = {f.alias for f in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def known_query(route: Any) -> frozenset[str]:
    key = id(route)
    if key not in _KNOWN:
        _KNOWN[key] = frozenset(_query_names(route.dependant))
    return _KNOWN[key]


async def refuse_unknown_query(request: Request) -> None:
    """422 `parameter_unknown` naming each query parameter the route does not take."""
    route = request.scope.get("route")
    if route is None or not hasattr(route, "dependant"):
        return
    known = known_query(route)
    unknown = [k for k in dict.fromkeys(request.query_params.keys()) if k not in known]
    if not unknown:
        return
    offered = "、".join(sorted(known)) or "无"
    raise Invalid(f"不支持的查询参数：{'、'.join(unknown)}（本页可用参数：{offered}）",
                  code="parameter_unknown",
                  errors=[Problem(None, k, "parameter_unknown", f"不支持的查询参数“{k}”")
                          for k in unknown])
