"""The subject's own listings （我的名单）: proposals from the notice on, the notice and decision
documents, the statement （陈述申辩） within the statement period, and the application for early
removal where the list kind allows one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import Response

from xinyong.accounts import Actor, Permission
from xinyong.api.deps import DbId, SessionDep, SettingsDep, require
from xinyong.api.routers.lists import decision_pdf, entry_json, notice_pdf
from xinyong.api.routers.objections import attachment_response, read_uploads
from xinyong.core import attachments
from xinyong.core.errors import NotFound
from xinyong.lists import due_process as dp

router = APIRouter(prefix="/api/v1/me/lists", tags=["me"])
OwnFile = Annotated[Actor, Depends(require(Permission.OWN_FILE_READ))]
Responder = Annotated[Actor, Depends(require(Permission.LISTS_RESPOND))]
BASE = "/api/v1/me/lists"


def _public(session: Any, e: Any) -> dict[str, Any]:
    out = entry_json(session, e, with_history=True, base=BASE)
    # The department's internal steps are not the subject's: who did what, without reasons.
    out["transitions"] = [{k: t[k] for k in ("action", "to", "on")}
                          for t in out["transitions"]]
    out.pop("allowed_actions")
    return out


@router.get("")
def my_lists(session: SessionDep, actor: OwnFile) -> dict[str, Any]:
    """The subject's listings: notified proposals (with the statement deadline), decisions,
    published and removed entries."""
    items = [_public(session, e) for e in dp.own_entries(session, actor)]
    return {"items": items, "total": len(items)}


@router.get("/{entry_id}")
def my_list_entry(entry_id: DbId, session: SessionDep, actor: OwnFile) -> dict[str, Any]:
    return _public(session, dp.own_entry(session, actor, entry_id, audited=True))


@router.post("/{entry_id}/statements", status_code=201,
             summary="提交陈述申辩（陈述申辩期内），可附 PDF/图片")
async def submit_statement(
        entry_id: DbId, session: SessionDep, actor: Responder,
        text: Annotated[str, Form(min_length=1, max_length=dp.TEXT_MAX)],
        contact: Annotated[str | None, Form(max_length=200)] = None,
        files: Annotated[list[UploadFile] | None, File()] = None) -> dict[str, Any]:
    uploads = await read_uploads(files or [])
    st = dp.submit_statement(session, actor, dp.Statement(entry_id, text, tuple(uploads),
                                                          contact))
    return {"id": st.id, "entry_id": st.entry_id, "submitted_on": st.submitted_on}


@router.post("/{entry_id}/removal", status_code=201,
             summary="申请提前移出（名单类别允许时），须附纠正失信行为的证明材料")
async def apply_removal(
        entry_id: DbId, session: SessionDep, actor: Responder,
        reasons: Annotated[str, Form(min_length=1, max_length=dp.TEXT_MAX)],
        files: Annotated[list[UploadFile] | None, File()] = None) -> dict[str, Any]:
    uploads = await read_uploads(files or [])
    app = dp.apply_early_removal(session, actor, dp.RemovalRequest(entry_id, reasons,
                                                                   tuple(uploads)))
    return {"id": app.id, "entry_id": app.entry_id, "state": app.state,
            "state_label": dp.REMOVAL_LABELS[app.state]}


@router.get("/{entry_id}/notice.pdf", responses={200: {"content": {"application/pdf": {}}}},
            summary="下载列入告知书（PDF）")
def my_notice(entry_id: DbId, session: SessionDep, settings: SettingsDep,
              actor: OwnFile) -> Response:
    return notice_pdf(session, dp.own_entry(session, actor, entry_id, audited=True),
                      settings.public_base_url)


@router.get("/{entry_id}/decision.pdf", responses={200: {"content": {"application/pdf": {}}}},
            summary="下载认定决定书（PDF）")
def my_decision(entry_id: DbId, session: SessionDep, actor: OwnFile) -> Response:
    return decision_pdf(session, dp.own_entry(session, actor, entry_id, audited=True))


@router.get("/{entry_id}/statements/{statement_id}/attachments/{attachment_id}",
            responses={200: {"content": {"application/pdf": {}, "image/png": {}}}})
def my_statement_attachment(entry_id: DbId, statement_id: DbId, attachment_id: DbId,
                            session: SessionDep, actor: OwnFile) -> Response:
    entry = dp.own_entry(session, actor, entry_id, audited=True)
    if statement_id not in {st.id for st in dp.statements_of(session, entry.id)}:
        raise NotFound(f"陈述申辩 {statement_id} 不存在", code="statement_not_found")
    return attachment_response(attachments.get(session, dp.STATEMENT, statement_id,
                                               attachment_id))
