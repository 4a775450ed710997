"""Subject registry use cases: resolve the subjects of a chunk of rows in a few queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Row, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from xinyong.core import clock
from xinyong.core.errors import NotFound
from xinyong.screening.tables import (
    PENDING_COLUMNS,
    PENDING_NAME,
    PENDING_SUBJECT,
    ScreeningBlock,
    ScreeningName,
    ScreeningPending,
)
from xinyong.subjects.bulk import BulkWriter, iso_datetime, probe
from xinyong.subjects.search import index_names, index_new_subjects, index_other_names
from xinyong.subjects.search_tables import SubjectSearch
from xinyong.subjects.tables import CodeReview, CodeReviewRecord, Subject, SubjectName
from xinyong.subjects.uscc import UsccError, validate

KIND_BY_CATEGORY = {"法人及非法人组织": "organisation", "个体工商户": "individual_business",
                    "自然人": "person"}
SAME_CODE = "same_code_different_names"
SAME_NAME = "same_name_different_codes"
PERSON = "person"
# Review statuses and the resolution a provider's corrected records bring.
OPEN, AWAITING, RESOLVED = "open", "awaiting_correction", "resolved"
CORRECTED = "corrected"


class SubjectRef(NamedTuple):
    """What a record row says about its subject (a named tuple: one per ingested row, so
    cheap to make)."""

    uscc: str | None
    person_key: str | None
    person_id_masked: str | None
    category: str
    name: str
    legal_representative: str | None

    @property
    def key(self) -> str:
        return self.uscc or f"p:{self.person_key}"


SUBJECT_COLUMNS = ("id", "uscc", "person_key", "person_id_masked", "kind", "derived_kind",
                   "name", "legal_representative", "region_code", "created_at", "updated_at")


def _new_subject_row(sid: int, ref: SubjectRef, stamp: str) -> tuple[object, ...]:
    kind = KIND_BY_CATEGORY.get(ref.category, "organisation")
    derived = region = None
    if ref.uscc:
        info = validate(ref.uscc)
        derived, region = info.derived_kind, info.region_code
        if kind == "organisation" and derived in ("government_body", "public_institution",
                                                  "social_organisation"):
            kind = derived
    return (sid, ref.uscc, ref.person_key, ref.person_id_masked, kind, derived, ref.name,
            ref.legal_representative, region, stamp, stamp)


def resolve_subjects(session: Session, refs: Sequence[SubjectRef], *,
                     batch_id: int | None = None) -> dict[str, int]:
    """Return subject ids by ref.key, creating new subjects and recording name differences."""
    return {k: sid for k, (sid, _kind) in
            resolve_subject_kinds(session, refs, batch_id=batch_id).items()}


def resolve_subject_kinds(session: Session, refs: Sequence[SubjectRef], *,
                          batch_id: int | None = None,
                          writer: BulkWriter | None = None) -> dict[str, tuple[int, str]]:
    """(subject id, kind) by ref.key, creating new subjects and recording name differences.

    Set-based for a chunk of rows: one query for the subjects already held, one insert for the
    new ones (and their search rows), one query and one insert for names not seen before.
    """
    writer = writer or BulkWriter(session)
    now = clock.now()
    by_key: dict[str, SubjectRef] = {}
    for ref in refs:
        by_key.setdefault(ref.key, ref)
    usccs = [r.uscc for r in by_key.values() if r.uscc]
    pkeys = [r.person_key for r in by_key.values() if r.person_key]
    found: dict[str, tuple[int, str, str]] = {}  # key -> id, registry name, kind
    # Core rather than ORM execution for these lookups (thousands of plain rows per chunk);
    # nothing they read is pending in the session.
    conn = session.connection()
    held: list[Row[Any]] = []
    if conn.dialect.name == "postgresql":  # see bulk.probe
        columns = "SELECT id, uscc, person_key, name, kind FROM subject"
        held = [*probe(session, usccs, f"{columns} WHERE uscc = :key"),
                *probe(session, pkeys, f"{columns} WHERE person_key = :key")]
    elif usccs or pkeys:
        conds = []
        if usccs:
            conds.append(Subject.uscc.in_(usccs))
        if pkeys:
            conds.append(Subject.person_key.in_(pkeys))
        held = list(conn.execute(
            select(Subject.id, Subject.uscc, Subject.person_key, Subject.name, Subject.kind)
            .where(or_(*conds))))
    for sid, uscc, pkey, name, kind in held:
        found[uscc or f"p:{pkey}"] = (sid, name, kind)

    new_refs = [r for k, r in by_key.items() if k not in found]
    if new_refs:
        stamp = iso_datetime(now)
        ids = writer.allocate_ids("subject", len(new_refs))
        rows = [_new_subject_row(sid, r, stamp) for sid, r in zip(ids, new_refs, strict=True)]
        writer.insert("subject", SUBJECT_COLUMNS, rows)
        for sid, r, row in zip(ids, new_refs, rows, strict=True):
            found[r.key] = (sid, r.name, str(row[4]))
        _pending(writer, PENDING_SUBJECT, ((sid, row[4] != PERSON)
                                           for sid, row in zip(ids, rows, strict=True)))
        _flag_same_name(session, [r for r in new_refs if r.uscc], found, batch_id, now)
        # Keep the public name search in step (natural persons are never indexed).
        index_new_subjects(session, [(found[r.key][0], r.name, found[r.key][2])
                                     for r in new_refs if r.uscc], writer=writer)

    # Same code, different name: keep every name and ask the credit office to review.
    others: dict[tuple[int, str], str] = {}  # (subject id, other name) -> registry name
    for ref in refs:
        sid, registry_name, _kind = found[ref.key]
        if ref.uscc and ref.name != registry_name:
            others.setdefault((sid, ref.name), registry_name)
    if others:
        _record_other_names(session, others, found, batch_id, now, writer)
    return {k: (v[0], v[2]) for k, v in found.items()}


def _record_other_names(session: Session, others: dict[tuple[int, str], str],
                        found: dict[str, tuple[int, str, str]], batch_id: int | None,
                        now: datetime, writer: BulkWriter) -> None:
    sids = {sid for sid, _name in others}
    for sid, name in session.connection().execute(select(SubjectName.subject_id, SubjectName.name)
                                     .where(SubjectName.subject_id.in_(sids))):
        others.pop((sid, name), None)
    if not others:
        return
    # Ids allocated here (not by the insert) so that the name index can be told about them.
    name_ids = writer.allocate_ids("subject_name", len(others))
    session.execute(insert(SubjectName), [
        {"id": nid, "subject_id": sid, "name": name, "first_seen_at": now,
         "batch_id": batch_id} for nid, (sid, name) in zip(name_ids, others, strict=True)])
    kinds = {sid: kind for sid, _name, kind in found.values()}
    _pending(writer, PENDING_NAME, ((nid, kinds[sid] != PERSON)
                                    for nid, (sid, _name) in zip(name_ids, others, strict=True)))
    session.execute(insert(CodeReview), [
        {"kind": SAME_CODE, "subject_id": sid, "name": registry_name, "other_name": name,
         "status": "open", "batch_id": batch_id, "detected_at": now}
        for (sid, name), registry_name in others.items()])
    kinds = {sid: kind for sid, _name, kind in found.values()}
    # A former/other name is searchable too.
    index_other_names(session, [(sid, name, kinds[sid]) for sid, name in others],
                      writer=writer)


def _runs(ids: Iterable[tuple[int, bool]]) -> list[tuple[int, int]]:
    """Runs of consecutive ids, each from its first to its last wanted id; a run without a
    wanted id is left out. (id, wanted) pairs in any order."""
    out: list[tuple[int, int]] = []
    first = last = prev = -1
    for i, wanted in sorted(ids):
        if i != prev + 1 and first >= 0:
            out.append((first, last))
            first = -1
        if wanted:
            if first < 0:
                first = i
            last = i
        prev = i
    if first >= 0:
        out.append((first, last))
    return out


def _pending(writer: BulkWriter, kind: str, ids: Iterable[tuple[int, bool]]) -> None:
    """Tell the check's name index about new ids (screening.match.refresh_index), in this
    transaction: one row per run of consecutive ids, natural persons (not wanted) only inside
    a run, where the index skips them. The index learns of them when, and only when, they
    are committed, whatever order transactions commit in."""
    rows = [(kind, first, last) for first, last in _runs(ids)]
    if rows:
        writer.insert(ScreeningPending.__tablename__, PENDING_COLUMNS, rows)


def _flag_same_name(session: Session, refs: Sequence[SubjectRef],
                    found: dict[str, tuple[int, str, str]], batch_id: int | None,
                    now: datetime) -> None:
    names = {r.name for r in refs}
    if not names:
        return
    holders: dict[str, set[int]] = {}
    if session.get_bind().dialect.name == "postgresql":  # see bulk.probe
        held = [*probe(session, names, "SELECT id, name FROM subject WHERE name = :key "
                                       "AND uscc IS NOT NULL"),
                *probe(session, names, "SELECT subject_id, name FROM subject_name "
                                       "WHERE name = :key")]
    else:
        conn = session.connection()
        held = [*conn.execute(select(Subject.id, Subject.name)
                              .where(Subject.name.in_(names), Subject.uscc.is_not(None))),
                *conn.execute(select(SubjectName.subject_id, SubjectName.name)
                              .where(SubjectName.name.in_(names)))]
    merged = set(session.scalars(select(Subject.id).where(
        Subject.id.in_({sid for sid, _name in held}), Subject.merged_into_id.is_not(None)))
    ) if held else set()
    for sid, name in held:
        if sid not in merged:  # an alias left by a merge is no longer a subject of its own
            holders.setdefault(name, set()).add(sid)
    reviews = []
    for ref in refs:
        sid = found[ref.key][0]
        for other in sorted(holders.get(ref.name, set()) - {sid}):
            reviews.append({"kind": SAME_NAME, "subject_id": sid, "other_subject_id": other,
                            "name": ref.name, "status": "open", "batch_id": batch_id,
                            "detected_at": now})
    if reviews:
        session.execute(insert(CodeReview), reviews)


def get_subject(session: Session, raw_uscc: str) -> Subject:
    """The subject holding a code; a code merged into another subject (a 重错码 resolved)
    gives that subject."""
    try:
        code = validate(raw_uscc).code
    except UsccError as exc:
        raise NotFound(str(exc), code=exc.rule) from exc
    subject = session.scalar(select(Subject).where(Subject.uscc == code))
    if subject is None:
        raise NotFound(f"未找到统一社会信用代码为 {code} 的信用主体", code="subject_not_found")
    return current_subject(session, subject)


def current_subject(session: Session, subject: Subject) -> Subject:
    """The subject itself, or the one it was merged into (followed through merges)."""
    seen = {subject.id}
    while subject.merged_into_id is not None:
        target = session.get(Subject, subject.merged_into_id)
        if target is None or target.id in seen:
            break
        seen.add(target.id)
        subject = target
    return subject


def names_of(session: Session, subject_id: int) -> list[str]:
    return list(session.scalars(select(SubjectName.name)
                                .where(SubjectName.subject_id == subject_id)
                                .order_by(SubjectName.first_seen_at)))


def list_code_reviews(session: Session, status: str | None = OPEN) -> list[CodeReview]:
    """Reviews with this status (None: all), oldest first."""
    stmt = select(CodeReview).order_by(CodeReview.id)
    if status is not None:
        stmt = stmt.where(CodeReview.status == status)
    return list(session.scalars(stmt))


# -- 重错码 resolutions (the subjects' side; xinyong.codereview does the rest) ---------------

def rename_subject(session: Session, subject: Subject, new_name: str) -> bool:
    """Make `new_name` the registry name and keep the old one as a former name (a rename
    confirmed by the credit office). False when it already is the registry name."""
    old = subject.name
    if new_name == old:
        return False
    now = clock.now()
    subject.name, subject.updated_at = new_name, now
    session.flush()
    held = set(session.scalars(select(SubjectName.name)
                               .where(SubjectName.subject_id == subject.id)))
    if old not in held:
        writer = BulkWriter(session)
        [nid] = writer.allocate_ids("subject_name", 1)
        session.execute(insert(SubjectName), [{"id": nid, "subject_id": subject.id,
                                               "name": old, "first_seen_at": now}])
        _pending(writer, PENDING_NAME, [(nid, subject.kind != PERSON)])
    if subject.kind != PERSON:
        session.execute(update(SubjectSearch).where(SubjectSearch.subject_id == subject.id)
                        .values(current=SubjectSearch.name == new_name))
        index_names(session, [(subject.id, new_name, True), (subject.id, old, False)])
    return True


def drop_other_name(session: Session, subject: Subject, name: str) -> bool:
    """Remove a name that was never the subject's (reported under its code by mistake: a
    wrong code) from its name history, its search rows and the check's name index. The
    subject's registry name is never removed. False when it is not an other name of it."""
    nid = session.scalar(select(SubjectName.id).where(SubjectName.subject_id == subject.id,
                                                      SubjectName.name == name))
    if nid is None or name == subject.name:
        return False
    indexed = list(session.scalars(select(ScreeningName.id).where(
        ScreeningName.subject_id == subject.id, ScreeningName.source_name_id == nid)))
    if indexed:
        session.execute(delete(ScreeningBlock).where(ScreeningBlock.name_id.in_(indexed)))
        session.execute(delete(ScreeningName).where(ScreeningName.id.in_(indexed)))
    session.execute(delete(SubjectSearch).where(SubjectSearch.subject_id == subject.id,
                                                SubjectSearch.name == name))
    session.execute(delete(SubjectName).where(SubjectName.id == nid))
    return True


def merge_subject(session: Session, alias: Subject, target: Subject) -> None:
    """Merge `alias` (a wrong code) into `target`: its names become the target's other
    names, its search and check index rows the target's, and it stays as an alias
    (`merged_into_id`) whose code and pages lead to the target. The caller re-points what
    refers to it (records, list entries, cases)."""
    now = clock.now()
    names = set(session.scalars(select(SubjectName.name)
                                .where(SubjectName.subject_id == target.id))) | {target.name}
    moving = [sid for sid, name in session.execute(
        select(SubjectName.id, SubjectName.name).where(SubjectName.subject_id == alias.id))
        if name not in names]
    if moving:
        session.execute(update(SubjectName).where(SubjectName.id.in_(moving))
                        .values(subject_id=target.id))
    moved_names = set(session.scalars(select(SubjectName.name)
                                      .where(SubjectName.id.in_(moving)))) if moving else set()
    if alias.name not in names | moved_names:
        writer = BulkWriter(session)
        [nid] = writer.allocate_ids("subject_name", 1)
        session.execute(insert(SubjectName), [{"id": nid, "subject_id": target.id,
                                               "name": alias.name, "first_seen_at": now}])
        moved_names.add(alias.name)
    alias.merged_into_id, alias.updated_at = target.id, now
    session.flush()
    # Search: the alias is not found as such any more; its names find the target.
    session.execute(delete(SubjectSearch).where(SubjectSearch.subject_id == alias.id))
    if target.kind != PERSON:
        index_other_names(session, [(target.id, n, target.kind) for n in sorted(moved_names)])
    # The check's name index: the alias's rows now name the target.
    session.execute(update(ScreeningName).where(ScreeningName.subject_id == alias.id)
                    .values(subject_id=target.id))
    session.execute(update(ScreeningBlock).where(ScreeningBlock.subject_id == alias.id)
                    .values(subject_id=target.id))


def note_corrections(session: Session, moved: dict[int, int], batch_id: int) -> list[int]:
    """Records re-sent by their provider (record id -> its subject now): those awaiting the
    correction of a code marked wrong are corrected when they left that subject, and a
    review with nothing left awaiting closes (resolution `corrected`). Returns the reviews
    closed. Called by ingest for the records a batch changed."""
    if not moved:
        return []
    now = clock.now()
    waiting = session.execute(
        select(CodeReviewRecord.id, CodeReviewRecord.record_id, CodeReviewRecord.review_id,
               CodeReview.subject_id)
        .join(CodeReview, CodeReview.id == CodeReviewRecord.review_id)
        .where(CodeReviewRecord.record_id.in_(list(moved)),
               CodeReviewRecord.corrected_at.is_(None))).all()
    done = [row_id for row_id, rid, _rev, wrong in waiting if moved[rid] != wrong]
    if not done:
        return []
    session.execute(update(CodeReviewRecord).where(CodeReviewRecord.id.in_(done))
                    .values(corrected_at=now, corrected_batch_id=batch_id))
    touched = {rev for _row, _rid, rev, _wrong in waiting}
    still = set(session.scalars(select(CodeReviewRecord.review_id).where(
        CodeReviewRecord.review_id.in_(touched), CodeReviewRecord.corrected_at.is_(None))))
    closed = sorted(touched - still)
    if closed:
        session.execute(update(CodeReview).where(CodeReview.id.in_(closed),
                                                 CodeReview.status == AWAITING)
                        .values(status=RESOLVED, resolution=CORRECTED, resolved_at=now))
    return closed
