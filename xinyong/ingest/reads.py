"""Reads of a department's own collection, scoped and audited: its batches, its late
records, its quality figures and its end-date warnings. The credit office sees every
department's; a data officer only its own department's (another department's batch is "not
found", as one that does not exist; naming another department's code is refused)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, Permission, Role, authorize
from xinyong.core.errors import Forbidden, NotFound
from xinyong.ingest.quality import (
    EndDateWarning,
    LateRecord,
    ProviderQuality,
    list_end_date_warnings,
    list_late,
    provider_quality,
)
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


def _provider_asked(actor: Actor, provider_uscc: str | None, what: str) -> str | None:
    """The department a quality read covers: the one asked for (None: every one) by the
    credit office, always its own for a data officer (naming another is refused)."""
    authorize(actor, Permission.QUALITY_READ)
    own = _own_department(actor)
    asked = (provider_uscc or "").strip().upper() or None
    if own is not None and asked is not None and asked != own:
        raise Forbidden(f"只能查看本单位的{what}", code="provider_not_own")
    return own or asked


def read_late(session: Session, actor: Actor, *, provider_uscc: str | None = None,
              page: int = 1) -> tuple[list[LateRecord], int]:
    """Late records (迟报): every department's for the credit office, its own for a data
    officer (naming another department is refused)."""
    provider = _provider_asked(actor, provider_uscc, "迟报记录")
    items, total = list_late(session, provider_uscc=provider, page=page)
    audit.append(session, actor, "publication.late.read", details={
        "provider": provider, "page": page, "record_ids": [i.id for i in items]})
    return items, total


def read_quality(session: Session, actor: Actor) -> list[ProviderQuality]:
    """Quality figures per department: every one for the credit office, its own for a data
    officer."""
    provider = _provider_asked(actor, None, "数据质量")
    rows = [q for q in provider_quality(session)
            if provider is None or q.provider_uscc == provider]
    audit.append(session, actor, "quality.read", details={
        "provider": provider, "providers": len(rows)})
    return rows


def read_end_date_warnings(session: Session, actor: Actor, *, provider_uscc: str | None = None,
                           page: int = 1, per_page: int = 50
                           ) -> tuple[list[EndDateWarning], int]:
    """Records whose own 公示截止期 the rule overrode, scoped like the late records."""
    provider = _provider_asked(actor, provider_uscc, "公示截止期警告")
    items, total = list_end_date_warnings(session, provider_uscc=provider, page=page,
                                          per_page=per_page)
    audit.append(session, actor, "quality.end_dates.read", details={
        "provider": provider, "page": page, "record_ids": [w.id for w in items]})
    return items, total
