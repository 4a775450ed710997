"""Ingest use case: validate rows, resolve subjects, insert/update/skip records, in chunks.

The whole batch runs inside the caller's transaction: a failure or a kill mid-batch leaves
nothing, and re-running the file completes it. Memory stays flat: rows stream from the reader
and duplicates within the file are found through the rows already written in this transaction.

Per chunk of rows (the work is set-based, a few statements per chunk, never per row):

1. Validate every row against the catalog, serialise its values once (the stored JSON and its
   content hash come from the same text), derive its subject and natural key.
2. Resolve the chunk's subjects: one lookup, one insert of the new ones with their search
   rows, name history and 重错码 flags (`xinyong.subjects.service`).
3. Look up the chunk's natural keys; classify each row as new, duplicate or update (a changed
   row; the held version goes to record_version).
4. Insert the new records and their publication judgements in bulk (`BulkWriter`: ids
   allocated first, COPY on PostgreSQL, in a background thread there so that the server's
   work overlaps with validating the next chunk). Updated records are re-judged through
   `judge_records`, which honours their overrides.

New penalty versions get their repair notices (两书同达) in the same bulk insert; changed
records get theirs after re-judging. At the end: counts, audit (caller).
Nothing is deferred past the commit: search index, judgements and notices are consistent when
the batch becomes visible.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import delete, insert, select, tuple_, update
from sqlalchemy.orm import Session

from xinyong.catalog.model import RecordType
from xinyong.core import clock
from xinyong.core.errors import Invalid, Problem, RuleViolation
from xinyong.core.settings import EARLIEST_DECISION_DATE
from xinyong.core.workdays import CalendarNotCovered, WorkingCalendar
from xinyong.ingest.integrity import SetDigest, serialise
from xinyong.ingest.integrity import content_hash as content_hash  # re-exported
from xinyong.ingest.tables import Batch, Provider, Record, RecordVersion
from xinyong.ingest.validate import RowResult, RowValidator
from xinyong.subjects import SubjectRef
from xinyong.subjects.bulk import BulkWriter, iso_datetime, probe
from xinyong.subjects.service import note_corrections, resolve_subject_kinds
from xinyong.subjects.uscc import UsccError
from xinyong.subjects.uscc import validate as validate_uscc

if TYPE_CHECKING:
    from xinyong.publication.judging import BatchJudge
    from xinyong.repair.notices import NoticeRows

ProblemSink = Callable[[Problem], None]
# SQLite page cache while a batch is written (see BulkWriter): bounded, whatever the file.
SQLITE_CACHE_MIB = 64


@dataclass
class BatchSummary:
    batch_id: int | None
    record_type: str
    provider: str
    total: int = 0
    accepted: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0
    late: int = 0
    timeliness_unknown: int = 0
    # Rows stored whose own 公示截止期 lies outside the rule's minimum and maximum (the rule
    # wins): warning rows in the error file, reported again by `xinyong quality`.
    end_dates_overridden: int = 0
    masked: int = 0  # rows stored with an ID number masked in a free-text field
    warnings: list[str] = field(default_factory=list)
    # Tamper evidence: how many record versions the batch wrote and the digest of their
    # (record id, version, content hash), for the batch's audit entry (ingest.integrity).
    versions_written: int = 0
    records_digest: str = ""
    # 重错码 reviews closed because this batch brought the corrected records (wrong code).
    code_reviews_closed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class BatchInput:
    record_type: RecordType
    provider_uscc: str
    operator: str
    channel: str  # file | api
    received_on: date
    file_name: str | None = None
    file_sha256: str | None = None
    provider_name: str | None = None
    atomic: bool = False
    earliest_date: date = EARLIEST_DECISION_DATE  # Settings.earliest_decision_date


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def get_or_create_provider(session: Session, raw_uscc: str, name: str | None) -> Provider:
    try:
        code = validate_uscc(raw_uscc).code
    except UsccError as exc:
        raise Invalid(f"上报单位统一社会信用代码无效：{exc}", code=exc.rule) from exc
    provider = session.scalar(select(Provider).where(Provider.uscc == code))
    if provider is None:
        provider = Provider(uscc=code, name=name or code, created_at=clock.now())
        session.add(provider)
        session.flush()
    elif name and provider.name == provider.uscc:
        provider.name = name
    return provider


class _Timeliness:
    """Deadline per decision date, cached: a batch has few distinct decision dates.

    Late means received more than `days` working days after the decision. A year missing from
    the calendar gives (None, None): reported as undetermined, never guessed. A deadline
    counted over a provisional year is counted in `provisional` (the batch says so; `xinyong
    calendar add` recomputes it: xinyong.ingest.timeliness).
    """

    def __init__(self, cal: WorkingCalendar, days: int, received_on: date) -> None:
        self.cal, self.days, self.received_on = cal, days, received_on
        self.cache: dict[str, tuple[date | None, bool | None]] = {}
        self.provisional_dates: set[str] = set()
        self.provisional = 0

    def judge(self, decided: str) -> tuple[date | None, bool | None]:
        if decided not in self.cache:
            try:
                due = self.cal.due(date.fromisoformat(decided), self.days)
                self.cache[decided] = (due.day, self.received_on > due.day)
                if due.provisional:
                    self.provisional_dates.add(decided)
            except CalendarNotCovered:
                self.cache[decided] = (None, None)
        if decided in self.provisional_dates:
            self.provisional += 1
        return self.cache[decided]


@contextmanager
def _chunked_collections(young: int = 50_000) -> Iterator[Callable[[], None]]:
    """Run the cyclic garbage collector once per chunk instead of every 700 allocations.

    Every row makes dozens of short-lived dicts, lists and tuples; with the default threshold
    the collector runs thousands of times per 100k rows (~12 % of the ingest's time). Rarer
    automatic runs alone would let the few reference cycles each chunk leaves (the database
    layer's execution contexts) age into the oldest generation and pile up, so memory grew
    with the file; collecting the young generations after each chunk (the yielded callable)
    keeps it flat. The threshold is process-wide and restored afterwards: another thread's
    work meanwhile is only collected less often, never wrongly.
    """
    def collect_young() -> None:
        gc.collect(1)

    old = gc.get_threshold()
    gc.set_threshold(max(old[0], young), *old[1:])
    try:
        yield collect_young
    finally:
        gc.set_threshold(*old)


def ingest(session: Session, batch_in: BatchInput, rows: Iterable[tuple[int, Any]], *,
           calendar: WorkingCalendar, secret: str, today: date, chunk_rows: int = 2000,
           on_problem: ProblemSink | None = None,
           on_progress: Callable[[int], None] | None = None) -> BatchSummary:
    # Imported here: publication and repair read the ingest tables, so a module-level import
    # would be circular.
    from xinyong.publication.judging import JUDGEMENT_COLUMNS, BatchJudge
    from xinyong.repair.notices import NoticeRows

    rt = batch_in.record_type
    if batch_in.channel != "objection" and not rt.in_force(batch_in.received_on):
        # A retired (or not yet effective) record type takes no new batch; a correction
        # decided on an objection still updates its records.
        span = (f"{rt.effective_from.isoformat() if rt.effective_from else '…'} 至 "
                f"{rt.effective_to.isoformat() if rt.effective_to else '…'}")
        raise RuleViolation(f"「{rt.name}」信息类别的适用期为 {span},"
                            f"{batch_in.received_on.isoformat()} 不在其中，不接收该类信息",
                            code="record_type_not_in_force")
    provider = get_or_create_provider(session, batch_in.provider_uscc, batch_in.provider_name)
    now = clock.now()
    batch = Batch(record_type=rt.id, provider_id=provider.id, operator=batch_in.operator,
                  channel=batch_in.channel, file_name=batch_in.file_name,
                  file_sha256=batch_in.file_sha256, received_on=batch_in.received_on,
                  started_at=now)
    session.add(batch)
    session.flush()
    summary = BatchSummary(batch_id=batch.id, record_type=rt.id, provider=provider.uscc)
    validator = RowValidator(rt, today=today, received_on=batch_in.received_on,
                             provider_uscc=provider.uscc, secret=secret,
                             earliest=batch_in.earliest_date)
    collected: list[Problem] = []

    def sink(problem: Problem) -> None:
        # An atomic refusal carries its problems; otherwise they stream to the caller's sink.
        if batch_in.atomic or on_problem is None:
            collected.append(problem)
        if on_problem is not None:
            on_problem(problem)
    with BulkWriter(session, cache_mib=SQLITE_CACHE_MIB) as writer:
        ctx = _Chunk(session=session, rt=rt, provider_id=provider.id, batch_id=batch.id,
                     summary=summary, sink=sink, writer=writer, judge=BatchJudge(session),
                     notices=NoticeRows(JUDGEMENT_COLUMNS, batch_in.received_on),
                     timeliness=_Timeliness(calendar, rt.timeliness_working_days,
                                            batch_in.received_on),
                     digest=SetDigest())
        # Validating chunk N+1 overlaps with the server's work on chunk N's records
        # (PostgreSQL, BulkWriter.insert_soon); _write_chunk waits for it before its queries.
        masked: list[tuple[int, list[str]]] = []
        with _chunked_collections() as collect:
            for prepared in _prepared_chunks(rows, validator, rt, chunk_rows, masked):
                _write_chunk(ctx, prepared)
                collect()
                if on_progress:
                    on_progress(prepared.size)
        writer.wait()
        if provider.name == provider.uscc:
            provider.name = _first_provider_name(session, batch.id) or provider.name
        for name in ("total", "accepted", "updated", "duplicates", "rejected", "late",
                     "timeliness_unknown"):
            setattr(batch, name, getattr(summary, name))
        batch.finished_at = clock.now()
        if summary.timeliness_unknown:
            summary.warnings.append(f"{summary.timeliness_unknown}条记录的及时性无法判定："
                                    "所涉年份的节假日安排尚未配置")
        if ctx.timeliness.provisional:
            summary.warnings.append(f"{ctx.timeliness.provisional}条记录的报送时限按暂定工作日历"
                                    "计算（所涉年份的国务院节假日安排尚未添加），添加后将重新计算")
        if summary.end_dates_overridden:
            summary.warnings.append(
                f"{summary.end_dates_overridden}条记录的公示截止期超出公示规则的最短或最长"
                "公示期，已按规则公示（见错误文件中的警告行）")
        summary.versions_written = ctx.digest.count
        summary.records_digest = ctx.digest.hexdigest()
        if masked:
            summary.masked = len(masked)
            summary.warnings.append(masked_warning(masked))
        if batch_in.atomic and summary.rejected:
            raise Invalid(f"本批次有{summary.rejected}行未通过校验，整批未导入",
                          code="batch_rejected", errors=collected)
        # Every record of the batch was judged, and every penalty version it leaves has its
        # repair notice (两书同达), as it was written (_write_chunk), in this transaction.
        session.flush()
    _take_over(session, rt, batch.id, batch_in, calendar)
    return summary


# Record types a domain takes over once the batch is written: each accepted or changed row
# becomes that domain's own object, in the batch's transaction ("module:function", imported
# when needed: the domain reads the ingest tables).
TAKEN_OVER = {"commitment": "xinyong.commitments.intake:from_batch"}


def _take_over(session: Session, rt: RecordType, batch_id: int, batch_in: BatchInput,
               calendar: WorkingCalendar) -> None:
    target = TAKEN_OVER.get(rt.id)
    if target is None:
        return
    from importlib import import_module

    module, name = target.split(":")
    getattr(import_module(module), name)(session, batch_id, operator=batch_in.operator,
                                         calendar=calendar, today=batch_in.received_on)


class _Row(NamedTuple):
    """An accepted row, ready to write: values, subject, natural key, JSON and hash, and its
    row number in the file (for warnings)."""

    values: dict[str, Any]
    ref: SubjectRef
    key: str
    blob: str
    digest: str
    n: int


class _Prepared(NamedTuple):
    size: int
    rejected: list[RowResult]
    rows: list[_Row]


MASKED_ROWS_LISTED = 20


def masked_warning(masked: list[tuple[int, list[str]]]) -> str:
    """The warning for rows whose free text held an ID number (stored masked, not refused)."""
    listed = "、".join(f"第{row}行「{'」「'.join(fields)}」"
                      for row, fields in masked[:MASKED_ROWS_LISTED])
    more = f"等{len(masked)}行" if len(masked) > MASKED_ROWS_LISTED else ""
    return (f"{len(masked)}行的文字字段中含有身份证号码，已遮蔽后保存（{listed}{more}）；"
            "身份证号码请只填写在证件号码列")


def _prepared_chunks(rows: Iterable[tuple[int, Any]], validator: RowValidator, rt: RecordType,
                     chunk_rows: int, masked: list[tuple[int, list[str]]]
                     ) -> Iterator[_Prepared]:
    """Everything about a chunk that needs no database: validation, subject, natural key,
    JSON and hash. Rows stored with an ID number masked are noted in `masked`."""
    nk = rt.natural_key
    for chunk in _chunks(rows, chunk_rows):
        rejected, good = [], []
        for n, raw in chunk:
            r = _validate(validator, n, raw)
            if not r.ok or r.values is None:
                rejected.append(r)
                continue
            if r.masked:
                masked.append((n, r.masked))
            values = r.values
            blob, digest = serialise(values, keys_sorted=True)
            good.append(_Row(values, _subject_ref(r), "|".join(str(values[k]) for k in nk),
                             blob, digest, n))
        yield _Prepared(len(chunk), rejected, good)


def _validate(validator: RowValidator, n: int, raw: Any) -> RowResult:
    if not isinstance(raw, dict):
        return RowResult(n, None, [Problem(row=n, field=None, rule="row_not_object",
                                           message="该行不是一个对象（JSON数组的元素应为对象）")])
    return validator.validate(n, raw)


def _first_provider_name(session: Session, batch_id: int) -> str | None:
    data = session.scalar(select(Record.data).where(Record.batch_id == batch_id).limit(1))
    return data.get("provider_name") if data else None


def _subject_ref(r: RowResult) -> SubjectRef:
    v = r.values or {}
    person_key = r.person_keys.get("subject_id_number") if not v.get("subject_uscc") else None
    uscc = v.get("subject_uscc")
    if uscc and uscc.startswith("00000000000000000"):
        # An individual business reported with the placeholder: key it by registration number
        # so that it still gets one credit file.
        uscc, person_key = None, "reg:" + str(v.get("registration_number"))
    return SubjectRef(uscc=uscc, person_key=person_key,
                      person_id_masked=v.get("subject_id_number"),
                      category=v["subject_category"], name=v["subject_name"],
                      legal_representative=v.get("legal_representative"))


RECORD_COLUMNS = ("id", "record_type", "provider_id", "natural_key", "subject_id",
                  "subject_name", "decision_date", "received_on", "deadline", "late", "version",
                  "content_hash", "data", "first_batch_id", "batch_id", "created_at",
                  "updated_at")


@dataclass
class _Chunk:
    """What every chunk of one batch writes with."""

    session: Session
    rt: RecordType
    provider_id: int
    batch_id: int
    summary: BatchSummary
    sink: ProblemSink
    writer: BulkWriter
    judge: BatchJudge
    notices: NoticeRows
    timeliness: _Timeliness
    digest: SetDigest

    def warn_end(self, n: int, values: dict[str, Any],
                 outside: tuple[str, str, str] | None, shown_until: str | None) -> None:
        """A stored row whose own 公示截止期 the rule overrides: a warning row."""
        if outside is None:
            return
        self.summary.end_dates_overridden += 1
        ends = self.rt.publication.ends or ""
        _given, low, high = outside
        until = f"公示至 {shown_until}" if shown_until else f"最长公示至 {high}"
        self.sink(Problem(
            row=n, field=self.rt.field(ends).header, rule="publish_until_outside_rule",
            message=f"公示截止期超出公示规则允许的范围（最短公示期至 {low}，最长至 {high}），"
                    f"已按规则{until}",
            value=str(values.get(ends) or ""), level="warning"))


@dataclass(slots=True)
class _Version:
    """The current state of one natural key while a chunk is classified."""

    record_id: int | None  # None: new in this chunk, id allocated when the chunk is written
    version: int
    batch_id: int
    digest: str
    values: dict[str, Any] | None  # None: held in the database, read only if it changes
    blob: str | None = None  # the serialised values, when known
    subject_id: int = 0
    kind: str = ""
    late: bool | None = None
    deadline: date | None = None
    new: bool = False
    key: str = ""
    row: int = 0


def _write_chunk(ctx: _Chunk, chunk: _Prepared) -> None:
    summary, rt, session = ctx.summary, ctx.rt, ctx.session
    ctx.writer.wait()  # the previous chunk's records are written: its keys are seen below
    summary.total += chunk.size
    for r in chunk.rejected:
        summary.rejected += 1
        for p in r.problems:
            ctx.sink(p)
    good = chunk.rows
    if not good:
        return
    subjects = resolve_subject_kinds(session, [g.ref for g in good], batch_id=ctx.batch_id,
                                     writer=ctx.writer)
    state: dict[str, _Version] = {}
    keys = list({g.key for g in good})
    if ctx.writer.postgres:  # see bulk.probe: one index probe per key, whatever the plan
        found = probe(session, keys, "SELECT id, natural_key, content_hash, version, batch_id "
                     "FROM record WHERE natural_key = :key AND provider_id = :provider "
                     "AND record_type = :rt", provider=ctx.provider_id, rt=rt.id)
    else:
        found = session.connection().execute(
            select(Record.id, Record.natural_key, Record.content_hash, Record.version,
                   Record.batch_id)
            .where(Record.record_type == rt.id, Record.provider_id == ctx.provider_id,
                   Record.natural_key.in_(keys))).all()
    for rid, key, digest, version, old_batch in found:
        state[key] = _Version(rid, version, old_batch, digest, None)
    history: list[tuple[_Version, _Version]] = []  # (superseded version, record it belongs to)
    changed: dict[int, _Version] = {}  # records held before this chunk, changed in it
    fresh: list[_Version] = []
    timeliness = ctx.timeliness
    for g in good:
        held = state.get(g.key)
        if held is not None and held.digest == g.digest:
            summary.duplicates += 1
            continue
        sid, kind = subjects[g.ref.key]
        if held is not None:
            # A changed row: the held version goes to history, the record takes the new one
            # (deadline and lateness stay those of the first version, as received).
            history.append((_Version(held.record_id, held.version, held.batch_id, held.digest,
                                     held.values, held.blob), held))
            held.version += 1
            held.batch_id, held.digest, held.values, held.blob = (
                ctx.batch_id, g.digest, g.values, g.blob)
            held.subject_id, held.kind, held.row = sid, kind, g.n
            if not held.new:
                changed[held.record_id or 0] = held
                ctx.warn_end(g.n, g.values, ctx.judge.end_outside_rule(
                    rt, g.values, date.fromisoformat(g.values["decision_date"]), kind), None)
            summary.updated += 1
            continue
        deadline, late = timeliness.judge(g.values["decision_date"])
        v = _Version(None, 1, ctx.batch_id, g.digest, g.values, g.blob, sid, kind, late,
                     deadline, new=True, key=g.key, row=g.n)
        state[g.key] = v
        fresh.append(v)
        summary.accepted += 1
        if late:
            summary.late += 1
        elif late is None:
            summary.timeliness_unknown += 1
    now = clock.now()
    stamp = iso_datetime(now)
    _insert_new(ctx, fresh, stamp)
    if history:
        ctx.writer.wait()  # versions refer to this chunk's records
        _write_history(ctx, history, changed, now)


def _insert_new(ctx: _Chunk, fresh: list[_Version], stamp: str) -> None:
    """New records and their judgements: ids allocated here, one bulk insert each."""
    if not fresh:
        return
    rt, batch_id = ctx.rt, ctx.batch_id
    received = ctx.timeliness.received_on.isoformat()
    rows, judgements = [], []
    ids = ctx.writer.allocate_ids("record", len(fresh))
    judge_row, outside_of = ctx.judge.row, ctx.judge.outside_rule_of
    for rid, v in zip(ids, fresh, strict=True):
        v.record_id = rid
        values = v.values or {}
        decided = values["decision_date"]
        rows.append((rid, rt.id, ctx.provider_id, v.key, v.subject_id, values["subject_name"],
                     decided, received, v.deadline.isoformat() if v.deadline else None, v.late,
                     v.version, v.digest, v.blob, batch_id, batch_id, stamp, stamp))
        judgement = judge_row(rt, rid, v.version, values, date.fromisoformat(decided),
                              received, v.kind, stamp)
        judgements.append(judgement)
        if (outside := outside_of(judgement)) is not None:
            ctx.warn_end(v.row, values, outside, judgement[ctx.judge.WINDOW_END])
    ctx.digest.add_many((v.record_id or 0, v.version, v.digest) for v in fresh)
    jobs = [("record", RECORD_COLUMNS, rows), ctx.judge.job(judgements)]
    # 两书同达: the repair notices of the new penalty versions go out with them.
    notices = ctx.notices.rows(rt.id, judgements)
    if notices:
        jobs.append(ctx.notices.job(notices))
    ctx.writer.insert_soon(jobs)


def _write_history(ctx: _Chunk, history: list[tuple[_Version, _Version]],
                   changed: dict[int, _Version], now: datetime) -> None:
    """Superseded versions to record_version, changed held records updated and re-judged.
    The rare path (re-uploads with changes): plain Core statements."""
    session = ctx.session
    unread = [old.record_id for old, _rec in history if old.values is None]
    stored: dict[int, dict[str, Any]] = {}
    if unread:
        stored = dict(session.execute(select(Record.id, Record.data)
                                      .where(Record.id.in_(unread))).tuples().all())
    session.execute(insert(RecordVersion), [
        {"record_id": rec.record_id, "version": old.version, "batch_id": old.batch_id,
         "content_hash": old.digest,
         "data": old.values if old.values is not None else stored[old.record_id or 0],
         "superseded_at": now, "superseded_by_batch_id": ctx.batch_id}
        for old, rec in history])
    for old, rec in history:
        # A version this batch wrote and superseded within the same chunk never was a
        # record row: it enters the batch's digest here (held versions already did, when
        # their batch wrote them).
        if old.values is not None and old.batch_id == ctx.batch_id:
            ctx.digest.add(rec.record_id or 0, old.version, old.digest)
    if not changed:
        return
    ctx.digest.add_many((rid, v.version, v.digest) for rid, v in changed.items())
    for rid, v in changed.items():
        values = v.values or {}
        session.execute(update(Record).where(Record.id == rid).values(
            version=v.version, subject_id=v.subject_id, subject_name=values["subject_name"],
            decision_date=date.fromisoformat(values["decision_date"]), content_hash=v.digest,
            data=values, batch_id=ctx.batch_id, updated_at=now))
    # Re-judged through the general path: a held record may carry overrides (repair,
    # revocation) that its new version's window must honour.
    from xinyong.publication.judging import judge_records
    from xinyong.repair.notices import issue_notices
    from xinyong.repair.tables import RepairNotice

    judge_records(session, record_ids=list(changed))
    # A record re-sent under another code closes the wrong-code review that awaited it.
    ctx.summary.code_reviews_closed.extend(note_corrections(
        session, {rid: v.subject_id for rid, v in changed.items()}, ctx.batch_id))
    # A version written earlier in this batch and changed now was never visible: its notice,
    # issued with it, goes (one notice per record for the version the batch leaves). A held
    # version from an earlier batch keeps its notice: the subject received it.
    superseded = [(rec.record_id, old.version) for old, rec in history
                  if old.batch_id == ctx.batch_id and rec.record_id in changed]
    if superseded:
        session.execute(delete(RepairNotice).where(
            tuple_(RepairNotice.record_id, RepairNotice.record_version).in_(superseded)))
    issue_notices(session, record_ids=list(changed), today=ctx.timeliness.received_on)
