"""Publication use cases on top of the pure rules: judge records, and answer "what of this
subject was public on day D" for the web site and the API.

When records are judged: as an ingest batch writes them, in its transaction (`BatchJudge`
for new records, `judge_records(record_ids=...)` for changed ones, which may carry
overrides), and by `xinyong publication judge` for records loaded before this module existed
or written around the ingest path (bulk loads). A record without a judgement is never shown.
The judgement keeps the rule set id it was judged under; an updated record version is
re-judged under the rule set its decision date selects.

`as_of` (time travel): a record counts as public on day D when it had been received by D, its
window contains D and `is_public` says so; overrides (repair, revocation) carry their own
effective dates, so a dispute about what the site showed last March has an answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from xinyong.catalog import Catalog, RecordType, default_catalog
from xinyong.core import clock
from xinyong.core.errors import Invalid, NotFound, XinyongError
from xinyong.core.masking import mask_name
from xinyong.core.workdays import CalendarNotCovered, WorkingCalendar, load_calendar
from xinyong.ingest.tables import Batch, Provider, Record
from xinyong.publication.loader import RuleBook, default_rules
from xinyong.publication.rules import (
    Window,
    is_public,
    judge_penalty,
    licence_window,
    penalty_window,
)
from xinyong.publication.tables import PublicationJudgement, PublicationOverride
from xinyong.subjects.bulk import Job
from xinyong.subjects.search_tables import SubjectSearch
from xinyong.subjects.tables import Subject, SubjectName
from xinyong.subjects.uscc import UsccError
from xinyong.subjects.uscc import validate as validate_uscc

REPAIRED, REVOKED = "repaired", "revoked"
OVERRIDE_REASONS = (REPAIRED, REVOKED)
COUNT_CAP = 10000
KIND_LABELS = {"organisation": "法人及非法人组织", "individual_business": "个体工商户",
               "government_body": "机关", "public_institution": "事业单位",
               "social_organisation": "社会组织", "person": "自然人"}
# Counterpart fields are shown once, in the subject's basic data, or not at all (codes that
# only identify the subject, identity documents).
HIDDEN_FIELDS = frozenset({
    "subject_name", "subject_category", "subject_uscc", "registration_number", "org_code",
    "tax_registration_number", "institution_certificate_number", "social_organisation_number",
    "legal_representative", "legal_representative_id_type", "legal_representative_id_number",
    "subject_id_type", "subject_id_number", "provider_name", "provider_uscc"})


# -- judging ------------------------------------------------------------------------------

def _window_for(rt: RecordType, data: dict[str, Any], decision: date,
                overrides: Sequence[PublicationOverride], rules: RuleBook,
                cal: WorkingCalendar) -> dict[str, Any]:
    live = [o for o in overrides if o.voided_on is None]
    repaired = min((o.effective_on for o in live if o.reason == REPAIRED), default=None)
    revoked = min((o.effective_on for o in live if o.reason == REVOKED), default=None)
    row: dict[str, Any] = {"severity": None, "severity_source": None, "min_end": None,
                           "max_end": None, "never_early": False}
    window: Window | None
    if rt.publication.window == "repair_rules":
        j = judge_penalty(data, decision, rules)
        try:
            window = penalty_window(j, repaired_on=repaired, revoked_on=revoked, calendar=cal)
        except CalendarNotCovered:
            # The legal latest cannot be computed: unpublish on the revocation day itself.
            window = penalty_window(j, repaired_on=min(d for d in (repaired, revoked) if d),
                                    calendar=cal)
        row.update(rule_set_id=j.rule_set_id, severity=j.severity,
                   severity_source=j.severity_source, min_end=j.min_end, max_end=j.max_end,
                   never_early=j.never_early)
    elif rt.publication.window == "while_valid":
        window = licence_window(data, rt.publication)
        row["rule_set_id"] = f"catalog:{rt.id}"
        if window is not None:
            row["max_end"] = window.end
        if window is not None and revoked is not None:
            try:
                end = cal.add_working_days(revoked, rules.for_date(revoked).revocation
                                           .unpublish_working_days)
            except CalendarNotCovered:
                end = revoked
            if window.end is None or end < window.end:
                window = Window(window.start, max(end, window.start), "revoked")
    else:
        window = None
        row["rule_set_id"] = f"catalog:{rt.id}"
    row.update(window_start=window.start if window else None,
               window_end=window.end if window else None,
               ended_by=window.ended_by if window else None)
    return row


def _judged(rt: RecordType, data: dict[str, Any], decision: date,
            overrides: Sequence[PublicationOverride], kind: str, rules: RuleBook,
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
               "min_end": None, "max_end": None, "never_early": False,
               "window_start": None, "window_end": None, "ended_by": why}
    shown = (row["window_start"] is not None and is_public(
        rt, kind, Window(row["window_start"], None, "open"), row["window_start"]
    ).reason != "natural_person")
    return row, shown


JUDGEMENT_COLUMNS = ("record_id", "record_version", "record_type", "judged_at", "public_from",
                     "rule_set_id", "severity", "severity_source", "min_end", "max_end",
                     "never_early", "window_start", "window_end", "ended_by")
_MEMO = 1 << 14  # judgements remembered per batch: bounded (a few MB), so memory stays flat


class BatchJudge:
    """Judges the records an ingest batch creates, as it writes them (same rules and result
    as `judge_records`, which still judges updated records: they may carry overrides).

    A new record has no override, so its judgement depends only on its type, the fields the
    rules read, its decision date and its subject's kind: judgements are remembered under
    that key (bounded), since a batch repeats few combinations. The key must name every
    input of `_window_for` for an override-free record: penalties `judge_penalty`'s fields
    (severity, penalty_categories, sector, violation_type, penalty_basis), licences
    `licence_window`'s (status and the window's start and end fields). A test holds the
    result to `judge_records` on varied data.
    """

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
            def penalty_key(data: dict[str, Any], decision: date, kind: str) -> tuple[Any, ...]:
                kinds = data.get("penalty_categories")
                return (kind, decision, data.get("severity"),
                        tuple(kinds) if isinstance(kinds, list) else kinds, data.get("sector"),
                        data.get("violation_type"), data.get("penalty_basis"))
            return penalty_key
        if window == "while_valid":
            starts, ends = rt.publication.starts, rt.publication.ends or "valid_to"

            def licence_key(data: dict[str, Any], decision: date, kind: str) -> tuple[Any, ...]:
                return (kind, data.get("status"), data.get(starts), data.get("valid_from"),
                        data.get(ends))
            return licence_key
        return lambda data, decision, kind: (kind,)

    def row(self, rt: RecordType, record_id: int, version: int, data: dict[str, Any],
            decision: date, received_iso: str, kind: str, judged_at: str) -> tuple[Any, ...]:
        """One judgement row in JUDGEMENT_COLUMNS order, DB-ready for `BulkWriter` (dates as
        ISO text: `received_iso` the record's receipt day, `judged_at` from iso_datetime)."""
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
        cols, start = hit
        # ISO dates compare as text: the later of window start and receipt.
        public_from = max(start, received_iso) if start is not None else None
        return (record_id, version, rt.id, judged_at, public_from, *cols)

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
        overrides: dict[int, list[PublicationOverride]] = {}
        for o in session.scalars(select(PublicationOverride)
                                 .where(PublicationOverride.record_id.in_(ids))):
            overrides.setdefault(o.record_id, []).append(o)
        values = []
        for r in part:
            rt = catalog.get(r.record_type)
            row, shown = _judged(rt, r.data, r.decision_date, overrides.get(r.id, []),
                                 r.kind, rules, cal)
            public_from = max(row["window_start"], r.received_on) if shown else None
            values.append({"record_id": r.id, "record_version": r.version,
                           "record_type": r.record_type, "judged_at": now,
                           "public_from": public_from, **row})
        session.execute(delete(PublicationJudgement)
                        .where(PublicationJudgement.record_id.in_(ids)))
        session.execute(insert(PublicationJudgement), values)
        done += len(part)
    return done


def add_override(session: Session, record_id: int, reason: str, effective_on: date, *,
                 created_by: str, note: str | None = None) -> PublicationJudgement:
    """Record a repair or revocation and re-judge the record; returns the new judgement."""
    if reason not in OVERRIDE_REASONS:
        raise Invalid(f"未知的终止公示原因 '{reason}'(应为 repaired 或 revoked)",
                      code="override_reason_unknown")
    record = session.get(Record, record_id)
    if record is None:
        raise NotFound(f"记录 {record_id} 不存在", code="record_not_found")
    if effective_on < record.decision_date:
        raise Invalid("终止公示日期不能早于决定日期", code="override_before_decision")
    session.add(PublicationOverride(record_id=record_id, reason=reason,
                                    effective_on=effective_on, note=note,
                                    created_by=created_by, created_at=clock.now()))
    session.flush()
    judge_records(session, record_ids=[record_id], rejudge=True)
    judgement = session.get(PublicationJudgement, record_id)
    assert judgement is not None
    session.refresh(judgement)
    return judgement


def repaired_ids(session: Session, record_ids: Iterable[int], day: date) -> set[int]:
    """Records repaired by `day` (a live repair override in effect): no longer shared or used
    by checks, whatever their window (Order 36 Art. 3: 停止共享和使用)."""
    ids = sorted(set(record_ids))
    out: set[int] = set()
    o = PublicationOverride
    for i in range(0, len(ids), 500):
        out.update(session.scalars(select(o.record_id).where(
            o.record_id.in_(ids[i:i + 500]), o.reason == REPAIRED, o.voided_on.is_(None),
            o.effective_on <= day)))
    return out


# -- what is public -----------------------------------------------------------------------

def public_type_ids(catalog: Catalog) -> list[str]:
    return [rt.id for rt in catalog.record_types.values()
            if rt.disclosure == "public" and rt.publication.window != "not_published"]


def hidden_by_voided_repair(session: Session, day: date,
                            record_ids: Iterable[int] | None = None) -> set[int]:
    """Records that a repair had taken off the site on `day` although the repair was voided
    later (a broken commitment, `repair.service.break_commitment`).

    Voiding re-judges the record to its full window, which is right from the voiding day
    on; but on the days between the repair and its voiding the record was not public, and a
    read `as_of` one of those days (a dispute about what the site showed) must say so. Only
    repairs are ever voided, and a repair hides the record from its effective day (the
    window ended the day before), so the hidden days are exactly [effective_on, voided_on).
    Few records ever have such an override; `record_ids` narrows the look-up to a page
    (indexed by record)."""
    o = PublicationOverride
    stmt = select(o.record_id).where(o.reason == REPAIRED, o.voided_on.is_not(None),
                                     o.effective_on <= day, o.voided_on > day)
    if record_ids is not None:
        ids = list(record_ids)
        if not ids:
            return set()
        stmt = stmt.where(o.record_id.in_(ids))
    return set(session.scalars(stmt))


def public_conditions(day: date, catalog: Catalog,
                      hidden: Iterable[int] = ()) -> list[ColumnElement[bool]]:
    """The SQL form of `is_public` (plus "received by then") for listings and counts; the
    credit file uses `is_public` itself, and a test keeps the two in agreement. `hidden`:
    `hidden_by_voided_repair` for that day."""
    j = PublicationJudgement
    conds = [j.record_type.in_(public_type_ids(catalog)), j.public_from <= day,
             or_(j.window_end.is_(None), j.window_end >= day)]
    if hidden := sorted(hidden):
        conds.append(j.record_id.not_in(hidden))
    return conds


def _public_select(day: date, catalog: Catalog, hidden: Iterable[int], *cols: Any
                   ) -> Select[Any]:
    return (select(*cols)
            .join(PublicationJudgement, PublicationJudgement.record_id == Record.id)
            .join(Subject, Subject.id == Record.subject_id)
            .where(*public_conditions(day, catalog, hidden)))


@dataclass(frozen=True)
class PublicRecord:
    id: int
    record_type: str
    record_type_name: str
    document_number: str
    decision_date: date
    provider_name: str
    provider_uscc: str
    window_end: date | None  # last public day; None: while valid, open-ended
    rule_set_id: str
    severity: str | None
    fields: list[tuple[str, str]]  # (Chinese header, value) of the public fields
    subject_name: str = ""
    subject_uscc: str | None = None
    under_objection: bool = False  # 异议处理中: shown with the record while it is verified


@dataclass(frozen=True)
class Provenance:
    provider_name: str
    provider_uscc: str
    batch_id: int
    first_batch_id: int
    channel: str
    received_on: date
    record_version: int
    legal_basis: list[str]
    rule_set_id: str
    rule_set_title: str | None
    severity: str | None
    severity_source: str | None
    min_end: date | None
    max_end: date | None
    ended_by: str | None
    judged_at: datetime


@dataclass(frozen=True)
class Section:
    record_type: str
    name: str
    legal_basis: list[str]
    items: list[PublicRecord]


@dataclass(frozen=True)
class SubjectPublic:
    uscc: str | None
    name: str
    kind: str
    kind_label: str
    region_code: str | None
    legal_representative: str | None  # masked
    former_names: list[str]


@dataclass(frozen=True)
class CreditFile:
    subject: SubjectPublic
    as_of: date
    sections: list[Section]


def cite_all(rt: RecordType) -> list[str]:
    return [b.cite() + (f":{b.text}" if b.text else "") for b in rt.legal_basis]


def _public_fields(rt: RecordType, data: dict[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for spec in rt.fields:
        value = data.get(spec.name)
        if spec.name in HIDDEN_FIELDS or spec.type == "person_id" or value in (None, "", []):
            continue
        text = "、".join(map(str, value)) if isinstance(value, list) else str(value)
        out.append((spec.header, mask_name(text) if spec.personal else text))
    return out


def _to_public(rt: RecordType, rec: Record, j: PublicationJudgement, prov: Provider,
               subject: Subject | None = None) -> PublicRecord:
    return PublicRecord(
        id=rec.id, record_type=rt.id, record_type_name=rt.name,
        document_number=str(rec.data.get("document_number", "")),
        decision_date=rec.decision_date, provider_name=prov.name, provider_uscc=prov.uscc,
        window_end=j.window_end, rule_set_id=j.rule_set_id, severity=j.severity,
        fields=_public_fields(rt, rec.data),
        subject_name=subject.name if subject else rec.subject_name,
        subject_uscc=subject.uscc if subject else None)


def _window_of(j: PublicationJudgement) -> Window | None:
    if j.window_start is None:
        return None
    return Window(j.window_start, j.window_end, j.ended_by or "open")  # type: ignore[arg-type]


def record_is_public(rt: RecordType, subject_kind: str, rec: Record,
                     j: PublicationJudgement | None, day: date,
                     hidden: Iterable[int] = ()) -> bool:
    """`hidden`: `hidden_by_voided_repair` for that day (for this record or more)."""
    if j is None or rec.received_on > day or rec.id in hidden:
        return False
    return is_public(rt, subject_kind, _window_of(j), day).public


def find_public_subject(session: Session, raw_uscc: str) -> Subject:
    """The subject of a public page: 422 for an invalid code, 404 for an unknown one (or a
    natural person, who is not published)."""
    try:
        code = validate_uscc(raw_uscc).code
    except UsccError as exc:
        raise Invalid(str(exc), code=exc.rule) from exc
    subject = session.scalar(select(Subject).where(Subject.uscc == code))
    if subject is None or subject.kind == "person":
        raise NotFound(f"未找到统一社会信用代码为 {code} 的信用主体", code="subject_not_found")
    return subject


def _check_type(catalog: Catalog, record_type: str | None) -> None:
    if record_type is not None and record_type not in public_type_ids(catalog):
        raise Invalid(f"信息类别 '{record_type}' 不存在或不公示(可选:"
                      f"{'、'.join(public_type_ids(catalog))})", code="record_type_unknown")


def _mark_disputed(session: Session, items: list[PublicRecord], day: date
                   ) -> list[PublicRecord]:
    from xinyong.objections.service import open_for_records

    disputed = open_for_records(session, [r.id for r in items], day)
    return [replace(r, under_objection=True) if r.id in disputed else r for r in items]


def list_public_records(session: Session, subject: Subject, day: date, *,
                        record_type: str | None = None,
                        catalog: Catalog | None = None) -> list[PublicRecord]:
    catalog = catalog or default_catalog()
    _check_type(catalog, record_type)
    stmt = (select(Record, PublicationJudgement, Provider)
            .join(PublicationJudgement, PublicationJudgement.record_id == Record.id)
            .join(Provider, Provider.id == Record.provider_id)
            .where(Record.subject_id == subject.id))
    if record_type:
        stmt = stmt.where(Record.record_type == record_type)
    out = []
    rows = session.execute(stmt.order_by(Record.decision_date.desc(), Record.id.desc())).all()
    hidden = hidden_by_voided_repair(session, day, (rec.id for rec, _j, _p in rows))
    for rec, j, prov in rows:
        rt = catalog.get(rec.record_type)
        if record_is_public(rt, subject.kind, rec, j, day, hidden):
            out.append(_to_public(rt, rec, j, prov))
    return _mark_disputed(session, out, day)


def credit_file(session: Session, raw_uscc: str, day: date, *,
                record_type: str | None = None, catalog: Catalog | None = None) -> CreditFile:
    """信用档案: basic data and one section per public record type (empty sections kept, so
    "no penalties" is visible as such)."""
    catalog = catalog or default_catalog()
    subject = find_public_subject(session, raw_uscc)
    records = list_public_records(session, subject, day, record_type=record_type,
                                  catalog=catalog)
    former = list(session.scalars(select(SubjectName.name)
                                         .where(SubjectName.subject_id == subject.id)
                                         .order_by(SubjectName.first_seen_at)))
    sections = [Section(rt_id, catalog.get(rt_id).name, cite_all(catalog.get(rt_id)),
                        [r for r in records if r.record_type == rt_id])
                for rt_id in public_type_ids(catalog) if record_type in (None, rt_id)]
    lr = subject.legal_representative
    return CreditFile(SubjectPublic(subject.uscc, subject.name, subject.kind,
                                    KIND_LABELS.get(subject.kind, subject.kind),
                                    subject.region_code, mask_name(lr) if lr else None, former),
                      day, sections)


def get_public_record(session: Session, record_id: int, day: date, *,
                      catalog: Catalog | None = None) -> tuple[PublicRecord, Provenance]:
    """One public record with its provenance; a record not public that day is "not found"
    (its existence is not disclosed)."""
    catalog = catalog or default_catalog()
    row = session.execute(
        select(Record, PublicationJudgement, Provider, Subject, Batch)
        .outerjoin(PublicationJudgement, PublicationJudgement.record_id == Record.id)
        .join(Provider, Provider.id == Record.provider_id)
        .join(Subject, Subject.id == Record.subject_id)
        .join(Batch, Batch.id == Record.first_batch_id)
        .where(Record.id == record_id)).first()
    if row is None:
        raise NotFound(f"记录 {record_id} 不存在或未公示", code="record_not_found")
    rec, j, prov, subject, first_batch = row
    rt = catalog.record_types.get(rec.record_type)
    if rt is None or not record_is_public(rt, subject.kind, rec, j, day,
                                          hidden_by_voided_repair(session, day, [rec.id])):
        raise NotFound(f"记录 {record_id} 不存在或未公示", code="record_not_found")
    assert j is not None
    title = None
    if not j.rule_set_id.startswith("catalog:"):
        try:
            title = default_rules().get(j.rule_set_id).title
        except Exception:  # a rule set retired from the files: the id still identifies it
            title = None
    provenance = Provenance(
        provider_name=prov.name, provider_uscc=prov.uscc, batch_id=rec.batch_id,
        first_batch_id=rec.first_batch_id, channel=first_batch.channel,
        received_on=rec.received_on, record_version=rec.version, legal_basis=cite_all(rt),
        rule_set_id=j.rule_set_id, rule_set_title=title, severity=j.severity,
        severity_source=j.severity_source, min_end=j.min_end, max_end=j.max_end,
        ended_by=j.ended_by, judged_at=j.judged_at)
    return _mark_disputed(session, [_to_public(rt, rec, j, prov, subject)], day)[0], provenance


def counts_by_type(session: Session, day: date, *,
                   catalog: Catalog | None = None) -> dict[str, int]:
    catalog = catalog or default_catalog()
    counts = dict.fromkeys(public_type_ids(catalog), 0)
    j = PublicationJudgement  # one narrow table, no join (public_from); two index ranges
    # instead of "window_end IS NULL OR >= day", which no index can serve.
    types = public_type_ids(catalog)
    hidden = sorted(hidden_by_voided_repair(session, day))
    for open_ended in (False, True):
        end = j.window_end.is_(None) if open_ended else j.window_end >= day
        stmt = (select(j.record_type, func.count())
                .where(j.record_type.in_(types), end, j.public_from <= day)
                .group_by(j.record_type))
        if hidden:
            stmt = stmt.where(j.record_id.not_in(hidden))
        for rt_id, n in session.execute(stmt):
            counts[rt_id] += n
    return counts


@dataclass
class ColumnPage:
    record_type: str
    name: str
    as_of: date
    items: list[PublicRecord]
    total: int
    page: int
    per_page: int
    capped: bool
    providers: list[tuple[int, str]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


def list_column(session: Session, record_type: str, day: date, *,
                provider_id: int | None = None, region: str | None = None,
                date_from: date | None = None, date_to: date | None = None, page: int = 1,
                per_page: int = 20, catalog: Catalog | None = None) -> ColumnPage:
    """专栏: public records of one type, newest decision first, filtered by department,
    region (prefix of the subject's 6-digit division code) and decision date."""
    catalog = catalog or default_catalog()
    _check_type(catalog, record_type)
    if region is not None and (not region.isdigit() or not 2 <= len(region) <= 6):
        raise Invalid("行政区划代码应为2至6位数字", code="region_invalid")
    page = max(page, 1)
    conds: list[ColumnElement[bool]] = [Record.record_type == record_type]
    if provider_id is not None:
        conds.append(Record.provider_id == provider_id)
    if region:
        conds.append(Subject.region_code.like(f"{region}%"))
    if date_from:
        conds.append(Record.decision_date >= date_from)
    if date_to:
        conds.append(Record.decision_date <= date_to)
    # Newest first, as the page reads: recent records are the public ones, so the capped
    # count stops early instead of walking years of expired windows.
    hidden = hidden_by_voided_repair(session, day)
    base = (_public_select(day, catalog, hidden, Record.id).where(and_(*conds))
            .order_by(Record.decision_date.desc()))
    total = session.scalar(select(func.count()).select_from(base.limit(COUNT_CAP + 1)
                                                                .subquery())) or 0
    stmt = (_public_select(day, catalog, hidden, Record, PublicationJudgement, Provider,
                           Subject)
            .join(Provider, Provider.id == Record.provider_id).where(and_(*conds))
            .order_by(Record.decision_date.desc(), Record.id.desc())
            .offset((page - 1) * per_page).limit(per_page))
    rt = catalog.get(record_type)
    items = _mark_disputed(session, [_to_public(rt, rec, j, prov, subject)
                                     for rec, j, prov, subject in session.execute(stmt)], day)
    providers = [(pid, name) for pid, name in session.execute(
        select(Provider.id, Provider.name).where(Provider.id.in_(
            select(Batch.provider_id).where(Batch.record_type == record_type)))
        .order_by(Provider.name))]
    return ColumnPage(record_type, rt.name, day, items, min(total, COUNT_CAP), page, per_page,
                      total > COUNT_CAP, providers)


EXPORT_CAP = 100_000


def export_column(session: Session, record_type: str, day: date, *,
                  catalog: Catalog | None = None) -> Iterator[list[str]]:
    """The public records of one column as CSV rows (header first): exactly what the site
    shows that day, so a repaired, revoked or expired record is never in an export."""
    catalog = catalog or default_catalog()
    _check_type(catalog, record_type)
    rt = catalog.get(record_type)
    shown = [f for f in rt.fields if f.name not in HIDDEN_FIELDS and f.type != "person_id"]
    yield ["信息编号", "主体名称", "统一社会信用代码", "数据提供单位", "公示截止日期",
           "异议处理中", *[f.header for f in shown]]
    stmt = (_public_select(day, catalog, hidden_by_voided_repair(session, day), Record,
                           PublicationJudgement, Provider, Subject)
            .join(Provider, Provider.id == Record.provider_id)
            .where(Record.record_type == record_type)
            .order_by(Record.decision_date.desc(), Record.id.desc()).limit(EXPORT_CAP)
            .execution_options(yield_per=2000))
    page: list[PublicRecord] = []

    def rows(items: list[PublicRecord]) -> Iterator[list[str]]:
        for r in _mark_disputed(session, items, day):
            values = dict(r.fields)
            yield [str(r.id), r.subject_name, r.subject_uscc or "", r.provider_name,
                   r.window_end.isoformat() if r.window_end else "长期",
                   "是" if r.under_objection else "",
                   *[values.get(f.header, "") for f in shown]]

    for rec, j, prov, subject in session.execute(stmt):
        page.append(_to_public(rt, rec, j, prov, subject))
        if len(page) >= 2000:
            yield from rows(page)
            page = []
    yield from rows(page)


@dataclass(frozen=True)
class LateRecord:
    id: int
    record_type: str
    document_number: str
    provider_name: str
    provider_uscc: str
    decision_date: date
    deadline: date | None
    received_on: date
    working_days_late: int | None


def list_late(session: Session, *, provider_uscc: str | None = None, page: int = 1,
              per_page: int = 50) -> tuple[list[LateRecord], int]:
    """Records received more than the timeliness limit after the decision (the spine's
    `Record.late`), for the credit office."""
    page = max(page, 1)
    conds: list[ColumnElement[bool]] = [Record.late.is_(True)]
    if provider_uscc:
        conds.append(Provider.uscc == provider_uscc.strip().upper())
    total = session.scalar(select(func.count()).select_from(Record)
                           .join(Provider, Provider.id == Record.provider_id)
                           .where(*conds)) or 0
    cal = load_calendar(session)
    out = []
    for rec, prov in session.execute(
            select(Record, Provider).join(Provider, Provider.id == Record.provider_id)
            .where(*conds).order_by(Record.received_on.desc(), Record.id.desc())
            .offset((page - 1) * per_page).limit(per_page)):
        try:
            late_by = (cal.working_days_between(rec.deadline, rec.received_on)
                       if rec.deadline else None)
        except CalendarNotCovered:
            late_by = None
        out.append(LateRecord(rec.id, rec.record_type, str(rec.data.get("document_number", "")),
                              prov.name, prov.uscc, rec.decision_date, rec.deadline,
                              rec.received_on, late_by))
    return out, total


def subject_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SubjectSearch)
                          .where(SubjectSearch.current.is_(True))) or 0
