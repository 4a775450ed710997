"""The audit log: entries and chain verification (credit office)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from xinyong import audit
from xinyong.accounts import Actor, Permission
from xinyong.api.deps import MAX_ID, SessionDep, SettingsDep, require
from xinyong.api.types import AwareDatetime
from xinyong.ingest.integrity import verify_stored

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


class TamperedPublic(BaseModel):
    kind: str = Field(description="record | record_version | batch | list_entry")
    id: int
    rule: str
    message: str
    document_number: str | None
    version: int | None
    batch_id: int | None


class StoredPublic(BaseModel):
    """Stored records and list entries checked against their seals in the chain."""

    ok: bool
    scope: str
    records: int
    versions: int
    batches: int
    list_entries: int
    total_problems: int
    problems: list[TamperedPublic] = Field(description="the first 50, records in id order "
                                           "before batches")


class VerifyPublic(BaseModel):
    ok: bool = Field(description="the chain and (unless records=false) the stored records")
    checked: int
    head_hash: str
    anchored_seq: int | None
    broken_seq: int | None
    rule: str | None
    message: str | None
    records: StoredPublic | None = None


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
def verify(session: SessionDep, settings: SettingsDep, actor: Reader,
           records: Annotated[bool, Query(description="also check stored records and list "
                                          "entries against their seals (a full pass)")] = True,
           batch: Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None, Query(
               max_length=100, description="check only the record versions of these "
               "batches")] = None,
           ) -> VerifyPublic:
    """Walk the hash chain held to the signed checkpoints; report the first broken link.
    Then check the stored records and list entries against the seals in the chain; report
    the first that no longer matches (record id and document number)."""
    r = audit.verify_anchored(session,
                              audit.load_signer(settings.effective_audit_signing_key_file))
    b = r.broken
    stored = verify_stored(session, batch) if records else None
    ok = r.ok and (stored is None or stored.ok)
    audit.append(session, actor, "audit.verify", details={
        "ok": ok, "checked": r.checked, "head_hash": r.head_hash,
        "records": records, "batches": batch or None})
    return VerifyPublic(ok=ok, checked=r.checked,
                        head_hash=r.head_hash, anchored_seq=r.anchored_seq,
                        broken_seq=b.seq if b else None,
                        rule=b.rule if b else None, message=b.message if b else None,
                        records=StoredPublic.model_validate(stored.as_dict()) if stored
                        else None)
