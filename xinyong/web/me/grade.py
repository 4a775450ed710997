"""The subject's own credit evaluation (/me/grade): the grade, each indicator's contribution
and how to improve. Same read as its API twin /api/v1/me/grade (audited)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from xinyong.api.deps import ActorDep, SessionDep
from xinyong.grading import reads
from xinyong.web.me.routes import _gate
from xinyong.web.pages import render

router = APIRouter(include_in_schema=False)


@router.get("/me/grade", response_class=HTMLResponse)
def my_grade(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    if (refused := _gate(request, actor)) is not None:
        return refused
    subject, view = reads.own_grade(session, actor)
    return render(request, "me_grade.html", {
        "title": "我的信用评价", "actor": actor, "subject": subject, "g": view,
        "json_url": "/api/v1/me/grade"})
