"""Reads of a department's own collection, scoped and audited: its batches and its late
records. The credit office sees every department's; a data officer only its own department's
(another department's batch is "not found", as one that does not exist)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, Permission, Role, authorize
from xinyong.core.errors import Forbidden, NotFound
from xinyong.ingest.quality import LateRecord, list_late
from xinyong.ingest.tables import Batch, Provider


def _own_department(actor: Actor) -> str | None:
    """None for the credit office (every department); the actor's department otherwise."""
    if actor.role == Role.ADMIN:
        return None
    if not actor.department_uscc:
        raise Forbidden("账户未关联数据提供单位", code="no_department")
    return actor.department_uscc


def read_batch(session: Session, actor: Actor, batch_id: int) -> tuple[Batch, str]:
    """A batch and its provider's USCC, if the actor's department submitted it."""
    authorize(actor, Permission.RECORDS_WRITE)
    own = _own_department(actor)
    batch = session.get(Batch, batch_id)
    provider = session.get(Provider, batch.provider_id) if batch is not None else None
    if batch is None or provider is None or (own is not None and provider.uscc != own):
        raise NotFound(f"批次 {batch_id} 不存在", code="batch_not_found")
    audit.append(session, actor, "batch.read", details={"batch_id": batch.id,
                                                        "provider": provider.uscc})
    return batch, provider.uscc


def read_late(session: Session, actor: Actor, *, provider_uscc: str | None = None,
              page: int = 1) -> tuple[list[LateRecord], int]:
    """Late records (迟报): every department's for the credit office, its own for a data
    officer (naming another department is refused)."""
    authorize(actor, Permission.QUALITY_READ)
    own = _own_department(actor)
    asked = (provider_uscc or "").strip().upper() or None
    if own is not None and asked is not None and asked != own:
        raise Forbidden("只能查看本单位的迟报记录", code="provider_not_own")
    items, total = list_late(session, provider_uscc=own or asked, page=page)
    audit.append(session, actor, "publication.late.read", details={
        "provider": own or asked, "page": page, "record_ids": [i.id for i in items]})
    return items, total
