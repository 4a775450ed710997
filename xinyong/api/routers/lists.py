"""Lists （名单） with due process, for the listing department (and the credit office): propose,
notify (the notice), decide (after considering the statement; the decision document),
publish, remove; early-removal applications; expiry."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, Field

from xinyong.accounts import Actor, Permission
from xinyong.api.deps import DbId, SessionDep, SettingsDep, require
from xinyong.api.routers.objections import attachment_response, attachments_out
from xinyong.api.types import IsoDate, aware_iso, one_of
from xinyong.core import attachments
from xinyong.core.errors import NotFound
from xinyong.core.workdays import session_calendar
from xinyong.documents import Document, render_pdf
from xinyong.lists import (
    STATE_LABELS,
    LegalDocument,
    ListEntry,
    NamedPerson,
    Proposal,
    allowed_actions,
    decide,
    default_list_kinds,
    earliest_removal,
    expire,
    get_list_kind,
    notify,
    persons_of,
    propose,
    publish,
    remove,
    transitions_of,
)
from xinyong.lists import due_process as dp
from xinyong.lists.rules import publication_periods
from xinyong.measures import measures_following

EntryId = DbId
router = APIRouter(prefix="/api/v1/lists", tags=["lists"])
Manager = Annotated[Actor, Depends(require(Permission.LISTS_DECIDE))]


class DocumentIn(BaseModel):
    type: str = Field("", max_length=100, description="文书类型， e.g. 行政处罚决定书")
    number: str = Field("", max_length=200, description="文书编号")
    date: IsoDate | None = Field(None, description="文书日期")
    issuing_body: str = Field("", max_length=200, description="作出机关")


KINDS = default_list_kinds()


class PersonIn(BaseModel):
    name: str = Field(max_length=50, description="责任人姓名（只保存遮蔽形式）")
    role: str = Field(max_length=40, description="身份， e.g. 法定代表人")
    id_number: str | None = Field(None, max_length=40,
                                  description="身份证件号码（只保存密钥散列和遮蔽形式）")


class EntryCreate(BaseModel):
    list_kind: str = Field(json_schema_extra=one_of(KINDS))
    uscc: str = ""
    subject_id_number: str | None = Field(None, max_length=40,
                                          description="自然人（法院名单）：身份证件号码")
    document: DocumentIn
    legal_basis_id: str = Field("", json_schema_extra=one_of(
        {b.id for k in KINDS.values() for b in k.legal_bases}))
    facts: str = Field(max_length=4000)
    responsible_person: str | None = Field(None, max_length=50)
    person_role: str | None = Field(None, max_length=40)
    persons: list[PersonIn] = Field(default_factory=list, max_length=10)


class Step(BaseModel):
    reason: str = Field(max_length=2000)


class Decision(Step):
    outcome: Literal["listed", "dropped"]
    consideration: str | None = Field(None, max_length=4000,
                                      description="对陈述申辩的审查和采纳情况（有陈述申辩时必填）")


class RemovalDecision(BaseModel):
    approve: bool
    reason: str = Field(max_length=2000)


def entry_json(session: Any, e: ListEntry, *, with_history: bool = False,
               base: str = "/api/v1/lists") -> dict[str, Any]:
    kind = get_list_kind(e.list_kind)
    early = earliest_removal(kind, e)
    out: dict[str, Any] = {
        "id": e.id, "list_kind": e.list_kind, "list_name": kind.name, "subject_id": e.subject_id,
        "subject_name": e.subject_name, "state": e.state, "state_label": STATE_LABELS[e.state],
        "allowed_actions": allowed_actions(e.state, kind.notice_required),
        "document": {"type": e.document_type, "number": e.document_number,
                     "date": e.document_date.isoformat(), "issuing_body": e.issuing_body},
        "legal_basis": (b.cite() if (b := kind.basis(e.legal_basis_id)) else None),
        "legal_basis_id": e.legal_basis_id,
        "facts": e.facts, "responsible_person": e.person_name_masked,
        "person_role": e.person_role,
        "persons": [{"role": p.role, "name_masked": p.name_masked, "id_masked": p.id_masked}
                    for p in persons_of(session, e.id)],
        "notice_sent_on": e.notice_sent_on, "statement_until": e.statement_until,
        # In a year whose working-day calendar is provisional: recomputed when it is added.
        "statement_until_provisional": session_calendar(session).is_provisional(
            e.statement_until),
        "notice_number": e.notice_number, "decision_number": e.decision_number,
        "decided_on": e.decided_on, "published_on": e.published_on,
        "listed_until": e.listed_until, "removed_on": e.removed_on,
        "removal_reason": e.removal_reason, "early_removal_from": early,
        "early_removal_rule": kind.early_removal_for(e.legal_basis_id).rule,
        "version": e.version,
        "documents": {"notice": f"{base}/{e.id}/notice.pdf" if e.notice_number else None,
                      "decision": f"{base}/{e.id}/decision.pdf" if e.decision_number
                      and kind.source == "internal" else None}}
    # Class, rule version and minimum/maximum end, as every 失信 record carries them.
    min_end, max_end = publication_periods(e.decided_on, e.listed_until, early is not None,
                                           kind.early_removal_for(e.legal_basis_id).min_years)
    out.update(severity=kind.severity, rule_set_id=f"list:{kind.id}:{e.legal_basis_id}",
               min_end=min_end, max_end=max_end)
    if with_history:
        out["transitions"] = [{"action": t.action, "from": t.from_state, "to": t.to_state,
                               "actor": t.actor, "department": t.department,
                               "reason": t.reason, "on": t.on_day,
                               "at": aware_iso(t.at)}
                              for t in transitions_of(session, e.id)]
        out["statements"] = [
            {"id": st.id, "text": st.text, "contact": st.contact,
             "submitted_by": st.submitted_by, "submitted_on": st.submitted_on,
             "consideration": st.consideration, "considered_by": st.considered_by,
             "considered_on": st.considered_on,
             "attachments": [a.model_dump() for a in attachments_out(
                 session, dp.STATEMENT, st.id)]}
            for st in dp.statements_of(session, e.id)]
        out["removal_applications"] = [
            {"id": a.id, "state": a.state, "state_label": dp.REMOVAL_LABELS[a.state],
             "reasons": a.reasons, "applicant": a.applicant, "submitted_on": a.submitted_on,
             "decided_by": a.decided_by, "decided_on": a.decided_on,
             "decision_reason": a.decision_reason,
             "attachments": [x.model_dump() for x in attachments_out(
                 session, dp.REMOVAL, a.id)]}
            for a in dp.removal_applications(session, e.id)]
    return out


def pdf_response(doc: Document) -> Response:
    name = quote(f"{doc.title}-{doc.number}.pdf", safe="")
    return Response(render_pdf(doc), media_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{name}",
        "Cache-Control": "private, no-store"})


def notice_pdf(session: Any, entry: ListEntry, base_url: str) -> Response:
    return pdf_response(dp.notice_of(session, entry, url=base_url.rstrip("/") + "/me",
                                     measures=measures_following(entry.list_kind,
                                                                 entry.legal_basis_id)))


def decision_pdf(session: Any, entry: ListEntry) -> Response:
    return pdf_response(dp.decision_of(session, entry, measures=measures_following(
        entry.list_kind, entry.legal_basis_id)))


@router.get("/kinds")
def kinds(_actor: Manager) -> dict[str, Any]:
    items = [k.model_dump() for k in default_list_kinds().values()]
    return {"items": items, "total": len(items)}


@router.get("")
def entries(session: SessionDep, actor: Manager, state: str | None = None,
            list_kind: str | None = None) -> dict[str, Any]:
    """The listings the caller's department made (all, for the credit office)."""
    items = [entry_json(session, e) for e in dp.department_entries(
        session, actor, states=[state] if state else None, list_kind=list_kind)]
    return {"items": items, "total": len(items)}


@router.post("", status_code=201)
def create(body: EntryCreate, session: SessionDep, settings: SettingsDep,
           actor: Manager) -> dict[str, Any]:
    """Propose a listing （拟列入）: refused without the legal-effect document and an allowed
    legal basis of the list kind; responsible persons only where the basis names them."""
    d = body.document
    entry = propose(session, Proposal(
        body.list_kind, body.uscc, LegalDocument(d.type, d.number, d.date, d.issuing_body),
        body.legal_basis_id, body.facts, body.responsible_person, body.person_role,
        tuple(NamedPerson(p.name, p.role, p.id_number) for p in body.persons),
        body.subject_id_number), actor, secret=settings.secret_key)
    return entry_json(session, entry, with_history=True)


@router.get("/{entry_id}")
def read(entry_id: EntryId, session: SessionDep, actor: Manager) -> dict[str, Any]:
    return entry_json(session, dp.case_view(session, actor, entry_id), with_history=True)


@router.get("/{entry_id}/notice.pdf", responses={200: {"content": {"application/pdf": {}}}},
            summary="列入告知书（PDF）")
def notice_document(entry_id: EntryId, session: SessionDep, settings: SettingsDep,
                    actor: Manager) -> Response:
    return notice_pdf(session, dp.case_view(session, actor, entry_id),
                      settings.public_base_url)


@router.get("/{entry_id}/decision.pdf", responses={200: {"content": {"application/pdf": {}}}},
            summary="认定决定书（PDF）")
def decision_document(entry_id: EntryId, session: SessionDep, actor: Manager) -> Response:
    return decision_pdf(session, dp.case_view(session, actor, entry_id))


@router.get("/{entry_id}/statements/{statement_id}/attachments/{attachment_id}",
            responses={200: {"content": {"application/pdf": {}, "image/png": {}}}})
def statement_attachment(entry_id: EntryId, statement_id: DbId, attachment_id: DbId,
                         session: SessionDep, actor: Manager) -> Response:
    entry = dp.case_view(session, actor, entry_id)
    if statement_id not in {st.id for st in dp.statements_of(session, entry.id)}:
        raise NotFound(f"陈述申辩 {statement_id} 不存在", code="statement_not_found")
    return attachment_response(attachments.get(session, dp.STATEMENT, statement_id,
                                               attachment_id))


@router.post("/{entry_id}/notify")
def do_notify(entry_id: EntryId, body: Step, session: SessionDep,
              actor: Manager) -> dict[str, Any]:
    return entry_json(session, notify(session, entry_id, actor, body.reason), with_history=True)


@router.post("/{entry_id}/decide")
def do_decide(entry_id: EntryId, body: Decision, session: SessionDep,
              actor: Manager) -> dict[str, Any]:
    """Refused during the statement period, and without `consideration` when the subject
    made a statement."""
    return entry_json(session, decide(session, entry_id, actor, body.outcome, body.reason,
                                      consideration=body.consideration), with_history=True)


@router.post("/{entry_id}/publish")
def do_publish(entry_id: EntryId, body: Step, session: SessionDep,
               actor: Manager) -> dict[str, Any]:
    return entry_json(session, publish(session, entry_id, actor, body.reason),
                      with_history=True)


@router.post("/{entry_id}/remove")
def do_remove(entry_id: EntryId, body: Step, session: SessionDep,
              actor: Manager) -> dict[str, Any]:
    return entry_json(session, remove(session, entry_id, actor, body.reason), with_history=True)


@router.post("/removals/{app_id}/decision")
def decide_removal(app_id: DbId, body: RemovalDecision, session: SessionDep,
                   actor: Manager) -> dict[str, Any]:
    """Approve (removed today) or reject an early-removal application, with reasons."""
    app = dp.decide_early_removal(session, actor, app_id, body.approve, body.reason)
    return entry_json(session, dp.case_view(session, actor, app.entry_id), with_history=True)


@router.get("/removals/{app_id}/attachments/{attachment_id}",
            responses={200: {"content": {"application/pdf": {}, "image/png": {}}}})
def removal_attachment(app_id: DbId, attachment_id: DbId, session: SessionDep,
                       actor: Manager) -> Response:
    app = dp.get_removal_application(session, app_id)
    dp.case_view(session, actor, app.entry_id)
    return attachment_response(attachments.get(session, dp.REMOVAL, app.id, attachment_id))


@router.post("/-/expire")
def do_expire(session: SessionDep,
              actor: Annotated[Actor, Depends(require(Permission.LISTS_MANAGE))]
              ) -> dict[str, Any]:
    removed = expire(session, actor=actor)
    return {"removed": [e.id for e in removed], "total": len(removed)}
