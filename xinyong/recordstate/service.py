"""Reading and writing the state of records and list entries (see tables.py).

Writers: the repair workflow (repaired, voided), objections (revoked, disputes), the credit
office (`xinyong publication end`). Readers: publication (windows, the site's marks), shared
reads and the subject's own file, the check. Re-judging a record's publication window after
an override is publication's job (`publication.judging.end_publication`), not this module's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, or_, select
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.errors import Invalid, NotFound
from xinyong.ingest.tables import Record
from xinyong.recordstate.tables import Dispute, RecordOverride

REPAIRED, REVOKED = "repaired", "revoked"
OVERRIDE_REASONS = (REPAIRED, REVOKED)
RECORD, LIST_ENTRY = "record", "list_entry"
_CHUNK = 500


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), _CHUNK):
        yield ordered[i:i + _CHUNK]


# -- overrides (repaired, revoked) ----------------------------------------------------------

def add_override(session: Session, record_id: int, reason: str, effective_on: date, *,
                 created_by: str, note: str | None = None) -> RecordOverride:
    """Record a repair or revocation of a record (the caller re-judges its window)."""
    if reason not in OVERRIDE_REASONS:
        raise Invalid(f"未知的终止公示原因“{reason}”（应为 repaired 或 revoked）",
                      code="override_reason_unknown")
    record = session.get(Record, record_id)
    if record is None:
        raise NotFound(f"记录 {record_id} 不存在", code="record_not_found")
    if effective_on < record.decision_date:
        raise Invalid("终止公示日期不能早于决定日期", code="override_before_decision")
    override = RecordOverride(record_id=record_id, reason=reason, effective_on=effective_on,
                              note=note, created_by=created_by, created_at=clock.now())
    session.add(override)
    session.flush()
    return override


def live_overrides(session: Session, record_id: int) -> list[RecordOverride]:
    """The overrides of one record that are not voided."""
    return list(session.scalars(select(RecordOverride).where(
        RecordOverride.record_id == record_id, RecordOverride.voided_on.is_(None))))


def overrides_by_record(session: Session, record_ids: Iterable[int]
                        ) -> dict[int, list[RecordOverride]]:
    """Every override (voided ones too: judging skips them) of these records."""
    out: dict[int, list[RecordOverride]] = {}
    for part in _chunks(record_ids):
        for o in session.scalars(select(RecordOverride)
                                 .where(RecordOverride.record_id.in_(part))):
            out.setdefault(o.record_id, []).append(o)
    return out


def void_repairs(session: Session, record_id: int, on: date, reason: str) -> int:
    """Void the live repairs of a record (a broken repair commitment); returns how many."""
    n = 0
    for o in live_overrides(session, record_id):
        if o.reason == REPAIRED:
            o.voided_on, o.voided_reason = on, reason[:500]
            n += 1
    session.flush()
    return n


def repaired_ids(session: Session, record_ids: Iterable[int], day: date) -> set[int]:
    """Records repaired by `day` (a live repair override in effect): no longer shared or used
    by checks, whatever their window (Order 36 Art. 3: 停止共享和使用)."""
    out: set[int] = set()
    for part in _chunks(record_ids):
        out.update(session.scalars(_repaired_stmt(), {"ids": part, "day": day}))
    return out


# Built once, as _disputed_stmt below: every check runs them, and building one cost more than
# running it.
@cache
def _repaired_stmt() -> Select[tuple[int]]:
    o = RecordOverride
    return select(o.record_id).where(o.record_id.in_(bindparam("ids", expanding=True)),
                                     o.reason == REPAIRED, o.voided_on.is_(None),
                                     o.effective_on <= bindparam("day"))


def hidden_by_voided_repair(session: Session, day: date,
                            record_ids: Iterable[int] | None = None) -> set[int]:
    """Records that a repair had taken off the site on `day` although the repair was voided
    later (a broken commitment).

    Voiding re-judges the record to its full window, which is right from the voiding day
    on; but on the days between the repair and its voiding the record was not public, and a
    read `as_of` one of those days (a dispute about what the site showed) must say so. Only
    repairs are ever voided, and a repair hides the record from its effective day (the
    window ended the day before), so the hidden days are exactly [effective_on, voided_on).
    Few records ever have such an override; `record_ids` narrows the look-up to a page
    (indexed by record)."""
    o = RecordOverride
    stmt = select(o.record_id).where(o.reason == REPAIRED, o.voided_on.is_not(None),
                                     o.effective_on <= day, o.voided_on > day)
    if record_ids is not None:
        ids = list(record_ids)
        if not ids:
            return set()
        stmt = stmt.where(o.record_id.in_(ids))
    return set(session.scalars(stmt))


# -- disputes (异议处理中) ---------------------------------------------------------------------

def open_dispute(session: Session, *, target: str, target_id: int, case_kind: str,
                 case_id: int, on: date) -> Dispute:
    if target not in (RECORD, LIST_ENTRY):
        raise Invalid(f"未知的异议对象“{target}”", code="dispute_target_unknown")
    dispute = Dispute(target=target, record_id=target_id if target == RECORD else None,
                      list_entry_id=target_id if target == LIST_ENTRY else None,
                      case_kind=case_kind, case_id=case_id, opened_on=on)
    session.add(dispute)
    session.flush()
    return dispute


def close_dispute(session: Session, *, case_kind: str, case_id: int, on: date) -> None:
    for d in session.scalars(select(Dispute).where(
            Dispute.case_kind == case_kind, Dispute.case_id == case_id,
            Dispute.closed_on.is_(None))):
        d.closed_on = on
    session.flush()


def _open_on(day: date | BindParameter[date]) -> ColumnElement[bool]:
    return (Dispute.opened_on <= day) & or_(Dispute.closed_on.is_(None),
                                            Dispute.closed_on > day)


def disputed_records(session: Session, record_ids: Iterable[int],
                     day: date | None = None) -> set[int]:
    """Records under objection on `day` (default today)."""
    day = day or clock.today()
    out: set[int] = set()
    for part in _chunks(record_ids):
        out.update(i for i in session.scalars(_disputed_stmt("record"),
                                              {"ids": part, "day": day}) if i is not None)
    return out


def disputed_entries(session: Session, entry_ids: Iterable[int],
                     day: date | None = None) -> set[int]:
    """List entries under objection on `day` (default today)."""
    day = day or clock.today()
    out: set[int] = set()
    for part in _chunks(entry_ids):
        out.update(i for i in session.scalars(_disputed_stmt("list_entry"),
                                              {"ids": part, "day": day}) if i is not None)
    return out


@cache
def _disputed_stmt(of: str) -> Select[tuple[int | None]]:
    col = Dispute.record_id if of == "record" else Dispute.list_entry_id
    return select(col).where(col.in_(bindparam("ids", expanding=True)),
                             _open_on(bindparam("day")))
