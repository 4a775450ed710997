"""Non-public reads: what a department may see about a subject (per the catalog's shared_to),
and a subject's own credit file. Each read is audited in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts.policy import (
    Actor,
    DeclaredPurpose,
    Permission,
    Role,
    authorize,
    readable_types,
)
from xinyong.audit.rules import mask_value
from xinyong.catalog import Catalog
from xinyong.core import clock
from xinyong.core.errors import Forbidden
from xinyong.ingest.tables import Provider, Record
from xinyong.recordstate import disputed_records, repaired_ids
from xinyong.subjects import get_subject
from xinyong.subjects.tables import Subject


@dataclass(frozen=True)
class RecordView:
    id: int
    record_type: str
    record_type_name: str
    provider_uscc: str
    provider_name: str
    decision_date: date
    version: int
    data: dict[str, Any]
    repaired: bool = False
    under_objection: bool = False


@dataclass(frozen=True)
class FileView:
    uscc: str
    name: str
    kind: str
    record_types: list[str]
    records: list[RecordView]


def _records(session: Session, catalog: Catalog, subject: Subject,
             types: list[str] | None, *, own: bool) -> list[RecordView]:
    """A department's read leaves repaired records out (停止共享, Order 36 Art. 3); the
    subject's own file keeps them, marked, with any open objection. `types` None: every
    record of the subject, of whatever type (retired or no longer in the catalog too)."""
    if types is not None and not types:
        return []
    stmt = (select(Record, Provider.uscc, Provider.name)
            .join(Provider, Provider.id == Record.provider_id)
            .where(Record.subject_id == subject.id)
            .order_by(Record.decision_date.desc(), Record.id))
    if types is not None:
        stmt = stmt.where(Record.record_type.in_(types))
    rows = list(session.execute(stmt).tuples())
    today = clock.today()
    repaired = repaired_ids(session, [r.id for r, _u, _n in rows], today)
    disputed = (disputed_records(session, [r.id for r, _u, _n in rows], today) if own
                else set())
    # Personal identifiers are masked at ingest; masking again guards any field the catalog
    # forgot to mark as personal.
    return [RecordView(r.id, r.record_type, catalog.name_of(r.record_type), puscc, pname,
                       r.decision_date, r.version, mask_value(r.data), r.id in repaired,
                       r.id in disputed)
            for r, puscc, pname in rows if own or r.id not in repaired]


def read_shared(session: Session, catalog: Catalog, actor: Actor, uscc: str,
                purpose: DeclaredPurpose, *, audited: bool = True) -> FileView:
    """A department's view of a subject: the record types the catalog shares with it."""
    authorize(actor, Permission.RECORDS_READ_SHARED)
    types = readable_types(actor, catalog.record_types.values())
    subject = get_subject(session, uscc)
    records = _records(session, catalog, subject, types, own=False)
    if audited:
        audit.append(session, actor, audit.READ_SHARED, subject_uscc=subject.uscc,
                     purpose=purpose, details={"record_ids": [r.id for r in records],
                                               "record_types": types})
    return FileView(subject.uscc or "", subject.name, subject.kind, types, records)


def read_own_file(session: Session, catalog: Catalog, actor: Actor) -> FileView:
    """A subject account's whole credit file, non-public parts included."""
    authorize(actor, Permission.OWN_FILE_READ)
    if not actor.subject_uscc:
        raise Forbidden("该账户未关联信用主体", code="no_subject")
    subject = get_subject(session, actor.subject_uscc)
    records = _records(session, catalog, subject, None, own=True)
    types = sorted(set(catalog.record_types) | {r.record_type for r in records})
    audit.append(session, actor, "own_file.read", subject_uscc=subject.uscc,
                 details={"record_ids": [r.id for r in records]})
    return FileView(subject.uscc or "", subject.name, subject.kind, types, records)


def scope_cases(stmt: Select[Any], actor: Actor, *, provider_uscc: Any,
                subject_id: Any) -> Select[Any] | None:
    """The cases about subjects' rights (objections, repair applications) an actor may list:
    all for the credit office, its own department's for a data officer, its own for a
    subject account; None for anyone else (they have none to see)."""
    if actor.role == Role.ADMIN:
        return stmt
    if actor.role == Role.DATA_OFFICER and actor.department_uscc:
        return stmt.where(provider_uscc == actor.department_uscc)
    if actor.role == Role.SUBJECT and actor.subject_uscc:
        return stmt.join(Subject, Subject.id == subject_id).where(
            Subject.uscc == actor.subject_uscc)
    return None
