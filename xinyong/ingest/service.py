"""Ingest use case: validate rows, resolve subjects, insert/update/skip records, in chunks.

The whole batch runs inside the caller's transaction: a failure or a kill mid-batch leaves
nothing, and re-running the file completes it. Memory stays flat: rows stream from the reader
and duplicates within the file are found through the rows already written in this transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from xinyong.catalog.model import RecordType
from xinyong.core.errors import Invalid, Problem
from xinyong.core.workdays import CalendarNotCovered, WorkingCalendar
from xinyong.ingest.tables import Batch, Provider, Record, RecordVersion
from xinyong.ingest.validate import RowResult, RowValidator
from xinyong.subjects import SubjectRef, resolve_subjects
from xinyong.subjects.uscc import UsccError
from xinyong.subjects.uscc import validate as validate_uscc

ProblemSink = Callable[[Problem], None]


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
    warnings: list[str] = field(default_factory=list)

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


def content_hash(values: dict[str, Any]) -> str:
    blob = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def get_or_create_provider(session: Session, raw_uscc: str, name: str | None) -> Provider:
    try:
        code = validate_uscc(raw_uscc).code
    except UsccError as exc:
        raise Invalid(f"上报单位统一社会信用代码无效:{exc}", code=exc.rule) from exc
    provider = session.scalar(select(Provider).where(Provider.uscc == code))
    if provider is None:
        provider = Provider(uscc=code, name=name or code, created_at=datetime.now())
        session.add(provider)
        session.flush()
    elif name and provider.name == provider.uscc:
        provider.name = name
    return provider


class _Timeliness:
    """Deadline per decision date, cached: a batch has few distinct decision dates.

    Late means received more than `days` working days after the decision. A year missing from
    the calendar gives (None, None): reported as undetermined, never guessed.
    """

    def __init__(self, cal: WorkingCalendar, days: int, received_on: date) -> None:
        self.cal, self.days, self.received_on = cal, days, received_on
        self.cache: dict[str, tuple[date | None, bool | None]] = {}

    def judge(self, decided: str) -> tuple[date | None, bool | None]:
        if decided not in self.cache:
            try:
                deadline = self.cal.add_working_days(date.fromisoformat(decided), self.days)
                self.cache[decided] = (deadline, self.received_on > deadline)
            except CalendarNotCovered:
                self.cache[decided] = (None, None)
        return self.cache[decided]


def ingest(session: Session, batch_in: BatchInput, rows: Iterable[tuple[int, Any]], *,
           calendar: WorkingCalendar, secret: str, today: date, chunk_rows: int = 2000,
           on_problem: ProblemSink | None = None,
           on_progress: Callable[[int], None] | None = None) -> BatchSummary:
    rt = batch_in.record_type
    provider = get_or_create_provider(session, batch_in.provider_uscc, batch_in.provider_name)
    now = datetime.now()
    batch = Batch(record_type=rt.id, provider_id=provider.id, operator=batch_in.operator,
                  channel=batch_in.channel, file_name=batch_in.file_name,
                  file_sha256=batch_in.file_sha256, received_on=batch_in.received_on,
                  started_at=now)
    session.add(batch)
    session.flush()
    summary = BatchSummary(batch_id=batch.id, record_type=rt.id, provider=provider.uscc)
    validator = RowValidator(rt, today=today, received_on=batch_in.received_on,
                             provider_uscc=provider.uscc, secret=secret)
    timeliness = _Timeliness(calendar, rt.timeliness_working_days, batch_in.received_on)
    collected: list[Problem] = []

    def sink(problem: Problem) -> None:
        # An atomic refusal carries its problems; otherwise they stream to the caller's sink.
        if batch_in.atomic or on_problem is None:
            collected.append(problem)
        if on_problem is not None:
            on_problem(problem)
    for chunk in _chunks(rows, chunk_rows):
        results = [_validate(validator, n, raw) for n, raw in chunk]
        _write_chunk(session, rt, provider, batch.id, results, summary, timeliness, sink)
        if on_progress:
            on_progress(len(chunk))
    if provider.name == provider.uscc:
        provider.name = _first_provider_name(session, batch.id) or provider.name
    for name in ("total", "accepted", "updated", "duplicates", "rejected", "late",
                 "timeliness_unknown"):
        setattr(batch, name, getattr(summary, name))
    batch.finished_at = datetime.now()
    if summary.timeliness_unknown:
        summary.warnings.append(
            f"{summary.timeliness_unknown}条记录的及时性无法判定:所涉年份的节假日安排尚未配置")
    if batch_in.atomic and summary.rejected:
        raise Invalid(f"本批次有{summary.rejected}行未通过校验,整批未导入", code="batch_rejected",
                      errors=collected)
    # Judge publication windows in the same transaction (imported here: publication reads
    # the ingest tables, so a module-level import would be circular).
    from xinyong.publication.service import judge_records
    from xinyong.repair.notices import issue_notices

    judge_records(session, batch_id=batch.id)
    # 两书同达: a repair notice for every penalty version of the batch, in the same transaction.
    issue_notices(session, batch_id=batch.id, today=batch_in.received_on)
    session.flush()
    return summary


def _validate(validator: RowValidator, n: int, raw: Any) -> RowResult:
    if not isinstance(raw, dict):
        return RowResult(n, None, [Problem(row=n, field=None, rule="row_not_object",
                                           message="该行不是一个对象(JSON数组的元素应为对象)")])
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


def _write_chunk(session: Session, rt: RecordType, provider: Provider, batch_id: int,
                 results: list[RowResult], summary: BatchSummary, timeliness: _Timeliness,
                 sink: ProblemSink) -> None:
    summary.total += len(results)
    good = []
    for r in results:
        if r.ok:
            good.append(r)
        else:
            summary.rejected += 1
            for p in r.problems:
                sink(p)
    if not good:
        return
    refs = [_subject_ref(r) for r in good]
    subject_ids = resolve_subjects(session, refs, batch_id=batch_id)
    keyed = [("|".join(str(r.values[k]) for k in rt.natural_key), r, ref)  # type: ignore[index]
             for r, ref in zip(good, refs, strict=True)]
    existing: dict[str, tuple[int, str, int, dict[str, Any], int]] = {}
    keys = list({k for k, _r, _ref in keyed})
    for rid, key, digest, version, data, old_batch in session.execute(
            select(Record.id, Record.natural_key, Record.content_hash, Record.version,
                   Record.data, Record.batch_id)
            .where(Record.record_type == rt.id, Record.provider_id == provider.id,
                   Record.natural_key.in_(keys))):
        existing[key] = (rid, digest, version, data, old_batch)
    now = datetime.now()
    new_rows: dict[str, dict[str, Any]] = {}
    for key, r, ref in keyed:
        values = r.values or {}
        digest = content_hash(values)
        common = {"subject_id": subject_ids[ref.key], "subject_name": values["subject_name"],
                  "decision_date": date.fromisoformat(values["decision_date"]),
                  "content_hash": digest, "data": values, "batch_id": batch_id,
                  "updated_at": now}
        if key in new_rows:  # an earlier row of this chunk
            if new_rows[key]["content_hash"] == digest:
                summary.duplicates += 1
                continue
            # A changed row for a key first seen in this chunk: write the pending rows so
            # that the earlier version goes to history like any other update.
            _flush_new(session, rt, provider, new_rows, existing)
        if key in existing:
            rid, old_digest, version, old_data, old_batch = existing[key]
            if old_digest == digest:
                summary.duplicates += 1
                continue
            session.execute(insert(RecordVersion).values(
                record_id=rid, version=version, batch_id=old_batch,
                content_hash=old_digest, data=old_data, superseded_at=now,
                superseded_by_batch_id=batch_id))
            session.execute(update(Record).where(Record.id == rid)
                            .values(version=version + 1, **common))
            existing[key] = (rid, digest, version + 1, values, batch_id)
            summary.updated += 1
            continue
        deadline, late = timeliness.judge(values["decision_date"])
        new_rows[key] = {**common, "record_type": rt.id, "provider_id": provider.id,
                         "natural_key": key, "received_on": timeliness.received_on,
                         "deadline": deadline, "late": late, "version": 1,
                         "first_batch_id": batch_id, "created_at": now}
        summary.accepted += 1
        if late:
            summary.late += 1
        elif late is None:
            summary.timeliness_unknown += 1
    _flush_new(session, rt, provider, new_rows, existing, need_ids=False)


def _flush_new(session: Session, rt: RecordType, provider: Provider,
               new_rows: dict[str, dict[str, Any]],
               existing: dict[str, tuple[int, str, int, dict[str, Any], int]], *,
               need_ids: bool = True) -> None:
    if not new_rows:
        return
    if not need_ids:
        # End of chunk: a plain executemany through Core (no RETURNING, no ORM bookkeeping);
        # later chunks find these rows through their own lookup.
        session.execute(insert(Record.__table__), list(new_rows.values()))  # type: ignore[arg-type]
        new_rows.clear()
        return
    result = session.execute(insert(Record).returning(Record.id, Record.natural_key),
                             list(new_rows.values()))
    for rid, key in result:
        row = new_rows[key]
        existing[key] = (rid, row["content_hash"], 1, row["data"], row["batch_id"])
    new_rows.clear()
