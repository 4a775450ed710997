"""Record pushes (batches): the API twin of `xinyong ingest`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, Field

from xinyong.accounts import Actor, Permission, authorize_write
from xinyong.api.deps import CatalogDep, DbId, SessionDep, SettingsDep, require
from xinyong.api.types import RecordTypePath
from xinyong.core import clock
from xinyong.core.workdays import load_calendar
from xinyong.ingest import BatchInput, ingest, json_rows
from xinyong.ingest.reads import read_batch
from xinyong.ingest.runner import audit_batch
from xinyong.ingest.service import BatchSummary

router = APIRouter(prefix="/api/v1/batches", tags=["batches"])


class BatchPublic(BaseModel):
    batch_id: int | None
    record_type: str
    provider: str
    total: int
    accepted: int
    updated: int
    duplicates: int
    rejected: int
    late: int
    timeliness_unknown: int
    masked: int = Field(0, description="rows stored with an ID number masked in a free-text "
                        "field (listed in warnings)")
    warnings: list[str]
    errors: list[dict[str, Any]] = []


@router.post("/{record_type}", response_model=BatchPublic)
def push_batch(
    record_type: RecordTypePath,
    actor: Annotated[Actor, Depends(require(Permission.RECORDS_WRITE))],
    session: SessionDep,
    settings: SettingsDep,
    catalog: CatalogDep,
    rows: Annotated[list[dict[str, Any]], Body(description="records as JSON objects, keys in "
                                               "Chinese headers, English names or codes")],
    provider: Annotated[str | None, Query(
        description="USCC of the providing department: only an administrator names it; a "
        "data officer's key pushes for its own department")] = None,
    atomic: Annotated[bool, Query(description="true: any invalid row refuses the whole batch "
                                  "with 422; false: valid rows are stored, invalid ones "
                                  "listed")] = True,
) -> BatchPublic:
    """Push records of one record type. Same validation and idempotency as a file upload.
    A data officer pushes only the record types the catalog assigns to its department."""
    rt = catalog.get(record_type)
    provider_uscc = authorize_write(actor, rt, provider)
    problems: list[Any] = []
    summary: BatchSummary = ingest(
        session,
        BatchInput(record_type=rt, provider_uscc=provider_uscc,
                   operator=f"{actor.name}@{actor.client or 'unknown'}"[:100],
                   channel="api", received_on=clock.today(), atomic=atomic,
                   earliest_date=settings.earliest_decision_date),
        json_rows(rows, rt), calendar=load_calendar(session), secret=settings.secret_key,
        today=clock.today(), chunk_rows=settings.ingest_chunk_rows, on_problem=problems.append)
    audit_batch(session, actor, summary, "api")
    return BatchPublic(**summary.as_dict(), errors=[p.as_dict() for p in problems])


@router.get("/{batch_id}", response_model=BatchPublic)
def get_batch(batch_id: DbId, session: SessionDep,
              actor: Annotated[Actor, Depends(require(Permission.RECORDS_WRITE))]
              ) -> BatchPublic:
    """One of the caller's department's batches (the credit office: any batch)."""
    batch, provider = read_batch(session, actor, batch_id)
    return BatchPublic(batch_id=batch.id, record_type=batch.record_type,
                       provider=provider, total=batch.total,
                       accepted=batch.accepted, updated=batch.updated,
                       duplicates=batch.duplicates, rejected=batch.rejected, late=batch.late,
                       timeliness_unknown=batch.timeliness_unknown, warnings=[])
