"""The audit log: entries and chain verification (credit office)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from xinyong import audit
from xinyong.accounts import Actor, Permission
from xinyong.api.deps import SessionDep, require
from xinyong.api.types import AwareDatetime

router = APIRouter(prefix="/api/v1/audit", tags=["audit"],
                   dependencies=[Depends(require(Permission.AUDIT_READ))])
Reader = Annotated[Actor, Depends(require(Permission.AUDIT_READ))]


class AuditEntryPublic(BaseModel):
    seq: int
    at: AwareDatetime
    action: str
    actor_name: str
    role: str
    department_uscc: str | None
    department_name: str | None
    subject_uscc: str | None
    purpose: str | None
    purpose_text: str | None
    client: str | None
    details: dict[str, Any]
    hash: str


class AuditList(BaseModel):
    items: list[AuditEntryPublic]
    total: int


class VerifyPublic(BaseModel):
    ok: bool
    checked: int
    head_hash: str
    broken_seq: int | None
    rule: str | None
    message: str | None


@router.get("/entries", response_model=AuditList)
def list_entries(session: SessionDep, actor: Reader,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                 offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
                 action: Annotated[str | None, Query(max_length=40)] = None) -> AuditList:
    """Newest first."""
    items = [AuditEntryPublic(**{k: getattr(e, k) for k in AuditEntryPublic.model_fields
                                 if k != "details"}, details=json.loads(e.details))
             for e in audit.list_entries(session, limit=limit, offset=offset, action=action)]
    total = audit.count(session)
    # Reading the log is itself recorded (after the read: the page shows the log as it was).
    audit.append(session, actor, "audit.read", details={
        "limit": limit, "offset": offset, "action": action, "entries": len(items)})
    return AuditList(items=items, total=total)


@router.get("/verify", response_model=VerifyPublic)
def verify(session: SessionDep, actor: Reader) -> VerifyPublic:
    """Walk the hash chain; report the first broken link."""
    r = audit.verify(session)
    b = r.broken
    audit.append(session, actor, "audit.verify", details={
        "ok": r.ok, "checked": r.checked, "head_hash": r.head_hash})
    return VerifyPublic(ok=r.ok, checked=r.checked, head_hash=r.head_hash,
                        broken_seq=b.seq if b else None, rule=b.rule if b else None,
                        message=b.message if b else None)
