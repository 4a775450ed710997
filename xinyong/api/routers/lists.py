"""Lists (名单) with due process: propose, notify, decide, publish, remove; expiry."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from xinyong import audit
from xinyong.accounts import Actor, Permission
from xinyong.api.deps import DbId, SessionDep, require
from xinyong.api.types import IsoDate, aware_iso, one_of
from xinyong.core.workdays import session_calendar
from xinyong.lists import (
    STATE_LABELS,
    LegalDocument,
    ListEntry,
    Proposal,
    allowed_actions,
    decide,
    default_list_kinds,
    expire,
    get_entry,
    get_list_kind,
    list_entries,
    notify,
    propose,
    publish,
    remove,
    transitions_of,
)
from xinyong.lists.rules import publication_periods

EntryId = DbId
router = APIRouter(prefix="/api/v1/lists", tags=["lists"])
Manager = Annotated[Actor, Depends(require(Permission.LISTS_MANAGE))]


class DocumentIn(BaseModel):
    type: str = Field("", max_length=100, description="文书类型， e.g. 行政处罚决定书")
    number: str = Field("", max_length=200, description="文书编号")
    date: IsoDate | None = Field(None, description="文书日期")
    issuing_body: str = Field("", max_length=200, description="作出机关")


KINDS = default_list_kinds()


class EntryCreate(BaseModel):
    list_kind: str = Field(json_schema_extra=one_of(KINDS))
    uscc: str
    document: DocumentIn
    legal_basis_id: str = Field("", json_schema_extra=one_of(
        {b.id for k in KINDS.values() for b in k.legal_bases}))
    facts: str = Field(max_length=4000)
    responsible_person: str | None = Field(None, max_length=50)
    person_role: str | None = Field(None, max_length=40)


class Step(BaseModel):
    reason: str = Field(max_length=2000)


class Decision(Step):
    outcome: Literal["listed", "dropped"]


def entry_json(session: Any, e: ListEntry, *, with_history: bool = False) -> dict[str, Any]:
    kind = get_list_kind(e.list_kind)
    out: dict[str, Any] = {
        "id": e.id, "list_kind": e.list_kind, "list_name": kind.name, "subject_id": e.subject_id,
        "subject_name": e.subject_name, "state": e.state, "state_label": STATE_LABELS[e.state],
        "allowed_actions": allowed_actions(e.state, kind.notice_required),
        "document": {"type": e.document_type, "number": e.document_number,
                     "date": e.document_date.isoformat(), "issuing_body": e.issuing_body},
        "legal_basis": (b.cite() if (b := kind.basis(e.legal_basis_id)) else None),
        "facts": e.facts, "responsible_person": e.person_name_masked,
        "person_role": e.person_role,
        "notice_sent_on": e.notice_sent_on, "statement_until": e.statement_until,
        # In a year whose working-day calendar is provisional: recomputed when it is added.
        "statement_until_provisional": session_calendar(session).is_provisional(
            e.statement_until),
        "decided_on": e.decided_on, "published_on": e.published_on,
        "listed_until": e.listed_until, "removed_on": e.removed_on,
        "removal_reason": e.removal_reason, "version": e.version}
    # Class, rule version and minimum/maximum end, as every 失信 record carries them.
    min_end, max_end = publication_periods(e.decided_on, e.listed_until,
                                           kind.early_removal.allowed,
                                           kind.early_removal.min_years)
    out.update(severity=kind.severity, rule_set_id=f"list:{kind.id}:{e.legal_basis_id}",
               min_end=min_end, max_end=max_end)
    if with_history:
        out["transitions"] = [{"action": t.action, "from": t.from_state, "to": t.to_state,
                               "actor": t.actor, "department": t.department,
                               "reason": t.reason, "on": t.on_day,
                               "at": aware_iso(t.at)}
                              for t in transitions_of(session, e.id)]
    return out


@router.get("/kinds")
def kinds(_actor: Manager) -> dict[str, Any]:
    items = [k.model_dump() for k in default_list_kinds().values()]
    return {"items": items, "total": len(items)}


@router.get("")
def entries(session: SessionDep, actor: Manager, state: str | None = None,
            list_kind: str | None = None) -> dict[str, Any]:
    found = list_entries(session, state=state, list_kind=list_kind)
    items = [entry_json(session, e) for e in found]
    audit.append(session, actor, "list.read", details={
        "entry_ids": [e.id for e in found], "state": state, "list_kind": list_kind})
    return {"items": items, "total": len(items)}


@router.post("", status_code=201)
def create(body: EntryCreate, session: SessionDep, actor: Manager) -> dict[str, Any]:
    """Propose a listing (拟列入): refused without the legal-effect document and an allowed
    legal basis of the list kind."""
    d = body.document
    entry = propose(session, Proposal(body.list_kind, body.uscc,
                                      LegalDocument(d.type, d.number, d.date, d.issuing_body),
                                      body.legal_basis_id, body.facts, body.responsible_person,
                                      body.person_role), actor)
    return entry_json(session, entry, with_history=True)


@router.get("/{entry_id}")
def read(entry_id: EntryId, session: SessionDep, actor: Manager
         ) -> dict[str, Any]:
    entry = get_entry(session, entry_id)
    audit.append(session, actor, "list.read", details={"entry_ids": [entry.id]})
    return entry_json(session, entry, with_history=True)


@router.post("/{entry_id}/notify")
def do_notify(entry_id: EntryId, body: Step, session: SessionDep,
              actor: Manager) -> dict[str, Any]:
    return entry_json(session, notify(session, entry_id, actor, body.reason), with_history=True)


@router.post("/{entry_id}/decide")
def do_decide(entry_id: EntryId, body: Decision, session: SessionDep,
              actor: Manager) -> dict[str, Any]:
    return entry_json(session, decide(session, entry_id, actor, body.outcome, body.reason),
                      with_history=True)


@router.post("/{entry_id}/publish")
def do_publish(entry_id: EntryId, body: Step, session: SessionDep,
               actor: Manager) -> dict[str, Any]:
    return entry_json(session, publish(session, entry_id, actor, body.reason),
                      with_history=True)


@router.post("/{entry_id}/remove")
def do_remove(entry_id: EntryId, body: Step, session: SessionDep,
              actor: Manager) -> dict[str, Any]:
    return entry_json(session, remove(session, entry_id, actor, body.reason), with_history=True)


@router.post("/-/expire")
def do_expire(session: SessionDep, actor: Manager) -> dict[str, Any]:
    removed = expire(session, actor=actor)
    return {"removed": [e.id for e in removed], "total": len(removed)}
