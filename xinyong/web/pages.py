"""One way to render a page: every page of the site (public, login, 我的信用, cases, checks,
staff) goes through `templates` here and extends `base.html`, whose header shows the menu of
the signed-in account (xinyong.web.menu) and a logout form.

The header needs the caller: `get_actor` leaves it on `request.state.actor`; a route may also
pass `actor` in its context (tests that override `get_actor` do). Anything else the header
shows is computed here, so a page passes only its own content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from xinyong.accounts import PUBLIC, Actor, Permission, can
from xinyong.core.errors import Forbidden
from xinyong.objections.clocks import load_clocks
from xinyong.publication.loader import rule_set_label
from xinyong.web import TEMPLATE_DIR
from xinyong.web.auth.csrf import csrf_token
from xinyong.web.calendar_view import CalendarView
from xinyong.web.menu import Entry, public_menu, role_label, work_menu

WEB = TEMPLATE_DIR.parent
TEMPLATE_DIRS = [str(TEMPLATE_DIR)] + [str(WEB / part / "templates") for part in
                                       ("auth", "me", "cases", "checks", "staff")]


@dataclass(frozen=True)
class Site:
    """What base.html shows around a page."""

    platform_name: str
    actor: Actor
    path: str
    public: list[Entry] = field(default_factory=list)
    work: list[Entry] = field(default_factory=list)
    csrf_token: str = ""

    @property
    def signed_in(self) -> bool:
        return self.actor.account_id is not None

    @property
    def role_label(self) -> str:
        return role_label(self.actor)

    def current(self, entry: Entry) -> bool:
        href = entry.href.split("#")[0]
        return self.path == href or (href != "/" and self.path.startswith(href + "/"))


def actor_of(request: Request) -> Actor:
    actor = getattr(request.state, "actor", None)
    return actor if isinstance(actor, Actor) else PUBLIC


def site_of(request: Request) -> Site:
    actor = actor_of(request)
    settings = request.app.state.settings
    signed_in = actor.account_id is not None
    token = csrf_token(request) if signed_in and "session" in request.scope else ""
    return Site(settings.platform_name, actor, request.url.path, public_menu(actor),
                work_menu(actor), token)


def _context(request: Request) -> dict[str, Any]:
    site = site_of(request)
    # `calendar`: the 暂定 mark after dates of a provisional year and the credit office's
    # banner (loaded only when a page asks).
    return {"site": site, "platform_name": site.platform_name,
            "calendar": CalendarView(request)}


@pass_context
def clock_rule_label(ctx: Any, clock_rule_id: str) -> str:
    """An objection's clock rule id as its legal basis (《上海市社会信用条例》第三十六条...)."""
    request = ctx.get("request")
    path = getattr(getattr(request, "app", None), "state", None)
    settings = getattr(path, "settings", None)
    clocks = load_clocks(getattr(settings, "objection_clocks_file", None))
    if clocks.id == clock_rule_id:
        return clocks.legal_basis.cite()
    return "提出异议时适用的时限规定"


def qs(params: dict[str, Any], **changes: Any) -> str:
    """The query string of `params` with `changes`, empty values left out (pager links)."""
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


templates = Jinja2Templates(directory=TEMPLATE_DIRS, context_processors=[_context])
templates.env.globals["qs"] = qs
# Labels, not identifiers: rule ids reach templates only through these filters.
templates.env.filters["rule_set"] = rule_set_label
templates.env.filters["clock_rule"] = clock_rule_label


def info_title(name: str) -> str:
    """「行政处罚」→「行政处罚信息」, but 「违背信用承诺失信信息」 stays as it is (no 信息信息)."""
    return name if name.endswith("信息") else f"{name}信息"


templates.env.filters["info"] = info_title


def render(request: Request, name: str, ctx: dict[str, Any], status: int = 200,
           headers: dict[str, str] | None = None) -> Response:
    """Render `name` (extending base.html). `actor` in `ctx` is who the header shows."""
    actor = ctx.get("actor")
    if isinstance(actor, Actor):
        request.state.actor = actor
    base: dict[str, Any] = {"title": "", "json_url": None, "as_of": None,
                            "as_of_given": False}
    return templates.TemplateResponse(request, name, {**base, **ctx}, status_code=status,
                                      headers=headers)


def gate(request: Request, actor: Actor, permissions: tuple[Permission, ...],
         refused: str) -> Response | None:
    """None when the actor holds one of `permissions`; anonymous: to the login page and back
    here; signed in without it: Forbidden (the 403 page lists what it may do instead)."""
    if any(can(actor, p) for p in permissions):
        return None
    if actor.account_id is None:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(here, safe='/')}", status_code=303)
    request.state.actor = actor
    raise Forbidden(refused, code="forbidden")
