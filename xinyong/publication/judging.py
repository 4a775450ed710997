"""Judging (公示判定): the publication window of each record version, computed from the
catalog and the versioned rule sets (Order 58, Order 36) together with the record's state
(repaired, revoked: xinyong.recordstate).

When records are judged: as an ingest batch writes them, in its transaction (`BatchJudge`
for new records, `judge_records(record_ids=...)` for changed ones, which may carry
overrides), and by `xinyong publication judge` for records loaded before this module existed
or written around the ingest path (bulk loads). A record without a judgement is never shown.
The judgement keeps the rule set id it was judged under; an updated record version is
re-judged under the rule set its decision date selects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from xinyong import audit, recordstate
from xinyong.accounts import Actor
from xinyong.catalog import Catalog, RecordType, default_catalog
from xinyong.core import clock
from xinyong.core.errors import XinyongError
from xinyong.core.workdays import CalendarNotCovered, WorkingCalendar, load_calendar
from xinyong.ingest.tables import Record
from xinyong.publication.loader import RuleBook, default_rules
from xinyong.publication.rules import (
    Window,
    fixed_window,
    is_public,
    judge_penalty,
    licence_window,
    penalty_window,
    provider_last_day,
)
from xinyong.publication.tables import PublicationJudgement
from xinyong.recordstate import REPAIRED, REVOKED, RecordOverride
from xinyong.subjects.bulk import Job
from xinyong.subjects.tables import Subject


def _revocation_end(window: Window | None, revoked: date | None, rules: RuleBook,
                    cal: WorkingCalendar) -> Window | None:
    """A revoked licence or fixed-period record: unpublished within the working days of the
    rule set in force on the revocation day (the day itself when the calendar lacks it)."""
    if window is None or revoked is None:
        return window
    try:
        end = cal.add_working_days(revoked, rules.for_date(revoked).revocation
                                   .unpublish_working_days)
    except CalendarNotCovered:
        end = revoked
    if window.end is None or end < window.end:
        return Window(window.start, max(end, window.start), "revoked")
    return window


def _window_for(rt: RecordType, data: dict[str, Any], decision: date,
                overrides: Sequence[RecordOverride], rules: RuleBook,
                cal: WorkingCalendar) -> dict[str, Any]:
    live = [o for o in overrides if o.voided_on is None]
    repaired = min((o.effective_on for o in live if o.reason == REPAIRED), default=None)
    revoked = min((o.effective_on for o in live if o.reason == REVOKED), default=None)
    row: dict[str, Any] = {"severity": None, "severity_source": None, "min_end": None,
                           "max_end": None, "never_early": False, "provider_end": None}
    window: Window | None
    pub = rt.publication
    if pub.window == "repair_rules":
        j = judge_penalty(data, decision, rules)
        given = provider_last_day(data.get(pub.ends), decision) if pub.ends else None
        try:
            window = penalty_window(j, repaired_on=repaired, revoked_on=revoked, calendar=cal,
                                    provider_end=given)
        except CalendarNotCovered:
            # The legal latest cannot be computed: unpublish on the revocation day itself.
            window = penalty_window(j, repaired_on=min(d for d in (repaired, revoked) if d),
                                    calendar=cal, provider_end=given)
        row.update(rule_set_id=j.rule_set_id, severity=j.severity,
                   severity_source=j.severity_source, min_end=j.min_end, max_end=j.max_end,
                   never_early=j.never_early, provider_end=given)
    elif pub.window in ("while_valid", "fixed_days"):
        window = (licence_window(data, pub) if pub.window == "while_valid"
                  else fixed_window(data, pub))
        row["rule_set_id"] = f"catalog:{rt.id}"
        if window is not None:
            row["max_end"] = window.end
        window = _revocation_end(window, revoked, rules, cal)
    else:
        window = None
        row["rule_set_id"] = f"catalog:{rt.id}"
    row.update(window_start=window.start if window else None,
               window_end=window.end if window else None,
               ended_by=window.ended_by if window else None)
    return row


def _judged(rt: RecordType, data: dict[str, Any], decision: date,
            overrides: Sequence[RecordOverride], kind: str, rules: RuleBook,
            cal: WorkingCalendar) -> tuple[dict[str, Any], bool]:
    """The judgement columns of one record version, and whether it is ever shown."""
    try:
        row = _window_for(rt, data, decision, overrides, rules, cal)
    except (XinyongError, ValueError) as exc:
        # No rule set in force on the decision date, bad dates: never public, and
        # the judgement says why.
        why = ("no_rule_set" if getattr(exc, "code", "") == "publication_rules_missing"
               else "invalid")
        row = {"rule_set_id": "none", "severity": None, "severity_source": None,
               "min_end": None, "max_end": None, "never_early": False, "provider_end": None,
               "window_start": None, "window_end": None, "ended_by": why}
    shown = (row["window_start"] is not None and is_public(
        rt, kind, Window(row["window_start"], None, "open"), row["window_start"]
    ).reason != "natural_person")
    return row, shown


JUDGEMENT_COLUMNS = ("record_id", "record_version", "record_type", "judged_at", "public_from",
                     "rule_set_id", "severity", "severity_source", "min_end", "max_end",
                     "never_early", "window_start", "window_end", "ended_by", "provider_end")
_MEMO = 1 << 14  # judgements remembered per batch: bounded (a few MB), so memory stays flat
_MIN, _MAX, _GIVEN = (JUDGEMENT_COLUMNS.index(c) - 5 for c in ("min_end", "max_end",
                                                                "provider_end"))


def outside_rule(cols: tuple[Any, ...]) -> tuple[str, str, str] | None:
    """(given, min end, max end) when the provider's date in judgement columns (from
    rule_set_id on, ISO text) lies outside [min_end, max_end]."""
    given, low, high = cols[_GIVEN], cols[_MIN], cols[_MAX]
    if given is None or low is None or high is None or low <= given <= high:
        return None
    return given, low, high


class BatchJudge:
    """Judges the records an ingest batch creates, as it writes them (same rules and result
    as `judge_records`, which still judges updated records: they may carry overrides).

    A new record has no override, so its judgement depends only on its type, the fields the
    rules read, its decision date and its subject's kind: judgements are remembered under
    that key (bounded), since a batch repeats few combinations. The key must name every
    input of `_window_for` for an override-free record: penalties `judge_penalty`'s fields
    (severity, penalty_categories, sector, violation_type, penalty_basis) and the provider's
    end field, licences `licence_window`'s (status and the window's start and end fields),
    fixed-period types their start field. A test holds the result to `judge_records` on
    varied data.
    """

    WINDOW_END = JUDGEMENT_COLUMNS.index("window_end")  # in a row made by `row`

    def __init__(self, session: Session, *, catalog: Catalog | None = None,
                 rules: RuleBook | None = None) -> None:
        self.catalog = catalog or default_catalog()
        self.rules = rules or default_rules()
        self.cal = load_calendar(session)
        self._memo: dict[tuple[Any, ...], tuple[tuple[Any, ...], str | None]] = {}
        self._keyers: dict[str, Callable[[dict[str, Any], date, str], tuple[Any, ...]]] = {}

    def _keyer(self, rt: RecordType) -> Callable[[dict[str, Any], date, str], tuple[Any, ...]]:
        window = rt.publication.window
        if window == "repair_rules":
            given = rt.publication.ends or ""

            def penalty_key(data: dict[str, Any], decision: date, kind: str) -> tuple[Any, ...]:
                kinds = data.get("penalty_categories")
                return (kind, decision, data.get("severity"),
                        tuple(kinds) if isinstance(kinds, list) else kinds, data.get("sector"),
                        data.get("violation_type"), data.get("penalty_basis"),
                        data.get(given))
            return penalty_key
        if window == "while_valid":
            starts, ends = rt.publication.starts, rt.publication.ends or "valid_to"

            def licence_key(data: dict[str, Any], decision: date, kind: str) -> tuple[Any, ...]:
                return (kind, data.get("status"), data.get(starts), data.get("valid_from"),
                        data.get(ends))
            return licence_key
        if window == "fixed_days":
            first = rt.publication.starts
            return lambda data, decision, kind: (kind, data.get(first))
        return lambda data, decision, kind: (kind,)

    def _judge(self, rt: RecordType, data: dict[str, Any], decision: date, kind: str
               ) -> tuple[tuple[Any, ...], str | None]:
        """(judgement columns from rule_set_id on, ISO first shown day or None), memoised."""
        keyer = self._keyers.get(rt.id)
        if keyer is None:
            keyer = self._keyers[rt.id] = self._keyer(rt)
        key = (rt.id, *keyer(data, decision, kind))
        hit = self._memo.get(key)
        if hit is None:
            judged, shown = _judged(rt, data, decision, (), kind, self.rules, self.cal)
            hit = (tuple(v.isoformat() if isinstance(v, date) else v
                         for v in (judged[c] for c in JUDGEMENT_COLUMNS[5:])),
                   judged["window_start"].isoformat() if shown else None)
            if len(self._memo) < _MEMO:
                self._memo[key] = hit
        return hit

    def row(self, rt: RecordType, record_id: int, version: int, data: dict[str, Any],
            decision: date, received_iso: str, kind: str, judged_at: str) -> tuple[Any, ...]:
        """One judgement row in JUDGEMENT_COLUMNS order, DB-ready for `BulkWriter` (dates as
        ISO text: `received_iso` the record's receipt day, `judged_at` from iso_datetime)."""
        cols, start = self._judge(rt, data, decision, kind)
        # ISO dates compare as text: the later of window start and receipt.
        public_from = max(start, received_iso) if start is not None else None
        return (record_id, version, rt.id, judged_at, public_from, *cols)

    def end_outside_rule(self, rt: RecordType, data: dict[str, Any], decision: date,
                         kind: str) -> tuple[str, str, str] | None:
        """(provider's last day, min end, max end) as ISO text when the provider's own end
        date lies outside the rule's minimum and maximum (the rule wins), else None."""
        if rt.publication.window != "repair_rules" or not data.get(rt.publication.ends or ""):
            return None
        return outside_rule(self._judge(rt, data, decision, kind)[0])

    @staticmethod
    def outside_rule_of(row: tuple[Any, ...]) -> tuple[str, str, str] | None:
        """`end_outside_rule` for a row made by `row` (no second look-up)."""
        return outside_rule(row[5:])

    @staticmethod
    def job(rows: list[tuple[Any, ...]]) -> Job:
        """The rows as a BulkWriter job (table, columns, rows)."""
        return ("publication_judgement", JUDGEMENT_COLUMNS, rows)


def judge_records(session: Session, *, record_ids: Iterable[int] | None = None,
                  batch_id: int | None = None, rejudge: bool = False,
                  catalog: Catalog | None = None, rules: RuleBook | None = None,
                  chunk: int = 2000) -> int:
    """Judge records that have no judgement for their current version (or all selected ones
    with `rejudge`, e.g. after an override). Returns how many were judged."""
    catalog = catalog or default_catalog()
    rules = rules or default_rules()
    cal = load_calendar(session)
    stmt = (select(Record.id, Record.version, Record.record_type, Record.data,
                   Record.decision_date, Record.received_on, Subject.kind)
            .join(Subject, Subject.id == Record.subject_id)
            .outerjoin(PublicationJudgement, PublicationJudgement.record_id == Record.id))
    if not rejudge:
        stmt = stmt.where(or_(PublicationJudgement.record_id.is_(None),
                              PublicationJudgement.record_version != Record.version))
    if batch_id is not None:
        stmt = stmt.where(Record.batch_id == batch_id)  # indexed
    if record_ids is not None:
        stmt = stmt.where(Record.id.in_(list(record_ids)))
    now = clock.now()
    done, last = 0, 0
    while True:
        # Keyset pages: memory stays flat however large the batch (ingest's promise).
        if batch_id is not None:
            # Page the batch's ids through the batch_id index first: inside the batch's own
            # transaction PostgreSQL has no statistics and would otherwise scan the join for
            # every page (quadratic on a large batch).
            page_ids = list(session.scalars(
                select(Record.id).where(Record.batch_id == batch_id, Record.id > last)
                .order_by(Record.id).limit(chunk)))
            if not page_ids:
                break
            part = session.execute(stmt.where(Record.id.in_(page_ids))
                                   .order_by(Record.id)).all()
            if not part:
                last = page_ids[-1]
                continue
        else:
            part = session.execute(stmt.where(Record.id > last).order_by(Record.id)
                                   .limit(chunk)).all()
        if not part:
            break
        last = page_ids[-1] if batch_id is not None else part[-1].id
        ids = [r.id for r in part]
        overrides = recordstate.overrides_by_record(session, ids)
        values = []
        for r in part:
            rt = catalog.find(r.record_type)
            if rt is None:
                # A type no longer in the catalog files: its judgement is kept as it was.
                ids.remove(r.id)
                continue
            row, shown = _judged(rt, r.data, r.decision_date, overrides.get(r.id, []),
                                 r.kind, rules, cal)
            public_from = max(row["window_start"], r.received_on) if shown else None
            values.append({"record_id": r.id, "record_version": r.version,
                           "record_type": r.record_type, "judged_at": now,
                           "public_from": public_from, **row})
        if not values:
            continue
        session.execute(delete(PublicationJudgement)
                        .where(PublicationJudgement.record_id.in_(ids)))
        session.execute(insert(PublicationJudgement), values)
        done += len(values)
    return done


def end_publication(session: Session, record_id: int, reason: str, effective_on: date, *,
                    created_by: str, note: str | None = None) -> PublicationJudgement:
    """Record a repair or revocation (xinyong.recordstate) and re-judge the record's window;
    returns the new judgement."""
    recordstate.add_override(session, record_id, reason, effective_on,
                             created_by=created_by, note=note)
    return rejudge(session, record_id)


def rejudge(session: Session, record_id: int) -> PublicationJudgement:
    """Judge one record again (after its state changed) and return its judgement."""
    judge_records(session, record_ids=[record_id], rejudge=True)
    judgement = session.get(PublicationJudgement, record_id)
    assert judgement is not None
    session.refresh(judgement)
    return judgement


def end_early(session: Session, actor: Actor, record_id: int, reason: str, effective_on: date,
              *, note: str | None = None) -> PublicationJudgement:
    """`xinyong publication end`: an operator ends a record's publication (a repair or a
    revocation decided outside the platform), audited in the same transaction."""
    judgement = end_publication(session, record_id, reason, effective_on,
                                created_by=actor.name, note=note)
    audit.append(session, actor, "publication.end", details={
        "record_id": record_id, "reason": reason, "effective_on": effective_on.isoformat(),
        "window_end": judgement.window_end.isoformat() if judgement.window_end else None})
    return judgement
