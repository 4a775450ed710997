"""The government query API: a department reads what the catalog shares with it, with a
declared purpose; every read is audited."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from xinyong.accounts import Actor, Permission
from xinyong.accounts.access import FileView, read_shared
from xinyong.api.deps import (
    CatalogDep,
    PurposeDep,
    SessionDep,
    SettingsDep,
    require,
    run_and_commit,
)

router = APIRouter(prefix="/api/v1/shared", tags=["shared"])


class RecordShared(BaseModel):
    id: int
    record_type: str
    record_type_name: str
    provider_uscc: str
    provider_name: str
    decision_date: date
    version: int
    data: dict[str, Any]
    # Only in the subject's own file: shared reads leave repaired records out altogether.
    repaired: bool = False
    under_objection: bool = False


class FileShared(BaseModel):
    uscc: str
    name: str
    kind: str
    record_types: list[str]
    items: list[RecordShared]
    total: int


def file_model(view: FileView) -> FileShared:
    items = [RecordShared(**r.__dict__) for r in view.records]
    return FileShared(uscc=view.uscc, name=view.name, kind=view.kind,
                      record_types=view.record_types, items=items, total=len(items))


@router.get("/subjects/{uscc}/records", response_model=FileShared)
async def shared_records(
        uscc: str, purpose: PurposeDep, session: SessionDep, catalog: CatalogDep,
        settings: SettingsDep,
        actor: Annotated[Actor, Depends(require(Permission.RECORDS_READ_SHARED))],
) -> FileShared:
    """Records of a subject that the caller's department may read (catalog `shared_to`),
    personal identifiers masked. Requires `purpose`; the query is recorded with it."""
    # The read, its audit entry and the commit in one thread-pool hop: the entry commits with
    # the read or not at all.
    view = await run_and_commit(session, lambda: read_shared(
        session, catalog, actor, uscc, purpose, audited=settings.audit_reads))
    return file_model(view)
