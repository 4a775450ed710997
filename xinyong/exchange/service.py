"""Queue events and deliver them. Delivery here is the file exchange a front-end processor
(前置机) picks up: one JSON Lines file per export, events marked sent in the same transaction
that wrote the file's name, so a crash between the two re-sends rather than loses an event."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.exchange.tables import ExchangeEvent

# Platforms a repair result must reach (Order 36 Art. 3; 国办发〔2025〕22号: 征信机构 sync).
REPAIR_TARGETS = ("信用中国", "省公共信用信息平台", "国家企业信用信息公示系统", "征信机构")


def queue_event(session: Session, kind: str, payload: dict[str, Any], *,
                subject_uscc: str | None = None, record_id: int | None = None,
                ref: tuple[str, int] | None = None,
                targets: Sequence[str] = REPAIR_TARGETS) -> ExchangeEvent:
    event = ExchangeEvent(kind=kind, subject_uscc=subject_uscc, record_id=record_id,
                          ref_kind=ref[0] if ref else None, ref_id=ref[1] if ref else None,
                          targets=list(targets), payload=payload, created_at=clock.now())
    session.add(event)
    session.flush()
    return event


def insert_event(session: Session, kind: str, payload: dict[str, Any], *,
                 targets: Sequence[str]) -> None:
    """`queue_event` as one Core insert, outside the ORM unit of work: for the audit log,
    which writes in the middle of other work and must not flush the caller's objects."""
    session.connection().execute(insert(ExchangeEvent.__table__), {  # type: ignore[arg-type]
        "kind": kind, "subject_uscc": None, "record_id": None, "ref_kind": None,
        "ref_id": None, "targets": list(targets), "payload": payload,
        "created_at": clock.now(), "sent_at": None, "sent_to": None})


def pending(session: Session, limit: int = 10000) -> list[ExchangeEvent]:
    return list(session.scalars(select(ExchangeEvent).where(ExchangeEvent.sent_at.is_(None))
                                .order_by(ExchangeEvent.id).limit(limit)))


def export_pending(session: Session, out_dir: Path, *,
                   on_sent: Callable[[Session, list[ExchangeEvent]], None] | None = None
                   ) -> tuple[Path | None, int]:
    """Write pending events to `out_dir` as JSON Lines and mark them sent; `on_sent` lets the
    domains that queued them record the delivery (a repair becomes 已同步)."""
    events = pending(session)
    if not events:
        return None, 0
    out_dir.mkdir(parents=True, exist_ok=True)
    now = clock.now()
    path = out_dir / f"exchange-{now:%Y%m%d%H%M%S}-{events[0].id}-{events[-1].id}.jsonl"
    tmp = path.with_suffix(".part")
    with tmp.open("w", encoding="utf-8") as fh:
        for e in events:
            fh.write(json.dumps({"id": e.id, "kind": e.kind, "subject_uscc": e.subject_uscc,
                                 "record_id": e.record_id, "targets": e.targets,
                                 "payload": e.payload,
                                 "created_at": e.created_at.isoformat(timespec="seconds")},
                                ensure_ascii=False, sort_keys=True) + "\n")
    tmp.replace(path)  # the pick-up side never sees half a file
    for e in events:
        e.sent_at, e.sent_to = now, path.name
    session.flush()
    if on_sent:
        on_sent(session, events)
    return path, len(events)
