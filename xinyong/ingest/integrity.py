"""Tamper evidence for stored records: content hashes bound into the audit chain.

Every record version carries `content_hash`, the SHA-256 of its values serialised once at
ingest (`serialise`: the stored JSON and the hash come from the same text). Each batch adds
to its audit entry (`batch.ingest`, see `ingest.runner.audit_batch`) how many versions it
wrote and a digest over their (record id, version, content hash): a `SetDigest`, computed
incrementally as the chunks are written, in any order, with no second pass over the data.

`verify_records` (called by `xinyong audit verify` and `GET /api/v1/audit/verify` beside the
chain walk) streams the record and record_version tables in keyset pages and checks:

* content: the stored values hash to the stored `content_hash` (a direct edit of a field);
* columns copied from the values (decision date, subject name, natural key) agree with them;
* the record's subject is the one its values name (its code, or an alias merged into it);
* per batch: the versions held now give the digest the audit chain recorded when the batch
  was committed (a version deleted, inserted, or edited together with its hash).

The first three name the record; the last can only name the batch (the digest is over the
set). An attacker who can also rewrite the audit chain consistently is the chain's matter
(its head hash noted elsewhere, signed checkpoints), not this module's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor
from xinyong.audit.seals import IntegrityReport, SetDigest, Tampered, iter_audit_details
from xinyong.catalog import Catalog, default_catalog
from xinyong.ingest.tables import Batch, Record, RecordVersion
from xinyong.lists.integrity import verify_entries
from xinyong.subjects.tables import Subject

# One encoder each (json.dumps with options builds a new one per call).
_SORTED = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
_AS_IS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

# Audit actions whose details carry a batch's records digest: the batch itself, and the
# one-off seal of batches written before digests existed (`seal_unsealed`).
SEAL_ACTIONS = ("batch.ingest", "records.seal")


def serialise(values: dict[str, Any], *, keys_sorted: bool = False) -> tuple[str, str]:
    """The stored JSON text of a record's values and its content hash: serialised once and
    used for both (the hash decides duplicate / update on re-upload, and is what the audit
    chain binds). Keys are sorted; `keys_sorted` says they already are."""
    blob = (_AS_IS if keys_sorted else _SORTED).encode(values)
    return blob, hashlib.sha256(blob.encode()).hexdigest()


def content_hash(values: dict[str, Any]) -> str:
    return serialise(values)[1]


def batch_seals(session: Session) -> dict[int, tuple[int, str]]:
    """(versions written, digest) per batch as the audit chain first recorded them. The
    first seal of a batch counts: an entry appended later cannot re-seal it."""
    seals: dict[int, tuple[int, str]] = {}
    for _seq, _action, details in iter_audit_details(session, SEAL_ACTIONS):
        bid, digest = details.get("batch_id"), details.get("records_digest")
        if isinstance(bid, int) and isinstance(digest, str) and bid not in seals:
            seals[bid] = (int(details.get("versions") or 0), digest)
    return seals


def _alias_targets(session: Session) -> dict[str, int]:
    """USCC of every subject merged into another -> the id of the subject it now is."""
    merged: dict[int, int] = {sid: int(target) for sid, target in session.execute(
        select(Subject.id, Subject.merged_into_id)
        .where(Subject.merged_into_id.is_not(None))).tuples() if target is not None}
    codes = dict(session.execute(select(Subject.id, Subject.uscc)
                                 .where(Subject.id.in_(list(merged)))).tuples().all())
    out: dict[str, int] = {}
    for sid, target in merged.items():
        seen = {sid}
        while target in merged and target not in seen:  # a merge of a merged subject
            seen.add(target)
            target = merged[target]
        if codes.get(sid):
            out[str(codes[sid])] = target
    return out


def _doc(data: Any) -> str | None:
    return str(data.get("document_number")) if isinstance(data, dict) else None


def _record_problems(r: Any, catalog: Catalog, aliases: dict[str, int]
                     ) -> Iterator[tuple[str, str]]:
    """(rule, what) for one record row (id, version, batch_id, record_type, content_hash,
    data, decision_date, subject_name, natural_key, subject_id, uscc, person_key,
    person_id_masked)."""
    data = r.data
    if not isinstance(data, dict) or serialise(data)[1] != r.content_hash:
        yield "content_mismatch", "内容与其内容哈希不符（记录内容被直接修改）"
        return
    if str(data.get("decision_date")) != r.decision_date.isoformat():
        yield "column_mismatch", "决定日期与记录内容不符"
    if data.get("subject_name") != r.subject_name:
        yield "column_mismatch", "主体名称与记录内容不符"
    rt = catalog.find(r.record_type)
    if rt is not None and "|".join(str(data.get(k)) for k in rt.natural_key) != r.natural_key:
        yield "column_mismatch", "记录标识（文号）与记录内容不符"
    code = data.get("subject_uscc")
    if code and str(code).startswith("00000000000000000"):
        bound = r.person_key == f"reg:{data.get('registration_number')}"
    elif code:
        bound = code == r.uscc or aliases.get(str(code)) == r.subject_id
    else:
        bound = r.uscc is None and r.person_id_masked == data.get("subject_id_number")
    if not bound:
        yield "subject_mismatch", "所属信用主体与记录内容中的主体不符（记录被改挂到其他主体）"


def _pages(session: Session, stmt: Any, key: Any, page: int) -> Iterator[Sequence[Any]]:
    last = 0
    while True:
        rows = session.execute(stmt.where(key > last).order_by(key).limit(page)).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def verify_records(session: Session, *, batch_ids: Iterable[int] | None = None,
                   catalog: Catalog | None = None, page: int = 5000) -> IntegrityReport:
    """Check every stored record version against its content hash and every batch against
    the digest the audit chain holds for it (or only the versions of `batch_ids`). Streams
    in keyset pages of `page` rows: memory is flat but for one digest per batch."""
    catalog = catalog or default_catalog()
    wanted = sorted(set(batch_ids)) if batch_ids is not None else None
    report = IntegrityReport(scope="all" if wanted is None else
                             "batches " + ",".join(map(str, wanted)))
    aliases = _alias_targets(session)
    digests: dict[int, SetDigest] = {}
    rec = (select(Record.id, Record.version, Record.batch_id, Record.record_type,
                  Record.content_hash, Record.data, Record.decision_date, Record.subject_name,
                  Record.natural_key, Record.subject_id, Subject.uscc, Subject.person_key,
                  Subject.person_id_masked)
           .join(Subject, Subject.id == Record.subject_id))
    ver = select(RecordVersion.id, RecordVersion.record_id, RecordVersion.version,
                 RecordVersion.batch_id, RecordVersion.content_hash, RecordVersion.data)
    if wanted is not None:
        rec = rec.where(Record.batch_id.in_(wanted))
        ver = ver.where(RecordVersion.batch_id.in_(wanted))
    for rows in _pages(session, rec, Record.id, page):
        for r in rows:
            report.records += 1
            digests.setdefault(r.batch_id, SetDigest()).add(r.id, r.version, r.content_hash)
            for rule, what in _record_problems(r, catalog, aliases):
                report.report(Tampered("record", r.id, rule, f"记录 {r.id}（文号 {_doc(r.data)}）"
                                       f"的{what}", _doc(r.data), r.version, r.batch_id))
    for rows in _pages(session, ver, RecordVersion.id, page):
        for v in rows:
            report.versions += 1
            digests.setdefault(v.batch_id, SetDigest()).add(v.record_id, v.version,
                                                            v.content_hash)
            if not isinstance(v.data, dict) or serialise(v.data)[1] != v.content_hash:
                report.report(Tampered(
                    "record_version", v.record_id, "content_mismatch",
                    f"记录 {v.record_id} 的第 {v.version} 版（文号 {_doc(v.data)}）内容与其内容"
                    "哈希不符（历史版本被直接修改）", _doc(v.data), v.version, v.batch_id))
    _check_batches(session, report, digests, wanted)
    return report


def _check_batches(session: Session, report: IntegrityReport, digests: dict[int, SetDigest],
                   wanted: list[int] | None) -> None:
    seals = batch_seals(session)
    known = set(session.scalars(select(Batch.id)) if wanted is None
                else session.scalars(select(Batch.id).where(Batch.id.in_(wanted))))
    ids = sorted(set(digests) | known | ({b for b in seals if b in wanted} if wanted
                                         else set(seals)))
    for bid in ids:
        found = digests.get(bid, SetDigest())
        report.batches += 1
        seal = seals.get(bid)
        if seal is None:
            if found.count:
                report.report(Tampered(
                    "batch", bid, "batch_unsealed",
                    f"批次 {bid} 的 {found.count} 个记录版本在审计日志中没有摘要（早于防篡改功能的"
                    "批次请运行 xinyong audit seal；否则是未经归集写入的记录）", batch_id=bid))
            continue
        count, digest = seal
        if found.count != count or found.hexdigest() != digest:
            report.report(Tampered(
                "batch", bid, "batch_digest_mismatch",
                f"批次 {bid} 现存的记录版本与审计日志记载的摘要不符（记载 {count} 个版本，现存 "
                f"{found.count} 个）：有记录被删除、插入，或内容与哈希一并被改", batch_id=bid))


def verify_stored(session: Session, batch_ids: Iterable[int] | None = None) -> IntegrityReport:
    """What `xinyong audit verify` and `GET /api/v1/audit/verify` check besides the chain:
    every record version and batch (or the versions of `batch_ids`), then every list entry
    (when all)."""
    report = verify_records(session, batch_ids=batch_ids)
    return report if batch_ids is not None else report.merge(verify_entries(session))


def unsealed_batches(session: Session) -> list[int]:
    """Batches that wrote versions but have no digest in the audit chain (written before
    digests existed): what `xinyong audit seal` seals."""
    seals = batch_seals(session)
    held = set(session.scalars(select(Record.batch_id).distinct()))
    held |= set(session.scalars(select(RecordVersion.batch_id).distinct()))
    return sorted(held - set(seals))


def batch_digest(session: Session, batch_id: int) -> SetDigest:
    """The digest of the versions a batch holds now (for sealing an old batch)."""
    digest = SetDigest()
    for rid, version, h in session.execute(
            select(Record.id, Record.version, Record.content_hash)
            .where(Record.batch_id == batch_id)):
        digest.add(rid, version, h)
    for rid, version, h in session.execute(
            select(RecordVersion.record_id, RecordVersion.version, RecordVersion.content_hash)
            .where(RecordVersion.batch_id == batch_id)):
        digest.add(rid, version, h)
    return digest


def seal_unsealed(session: Session, actor: Actor) -> list[int]:
    """Seal batches written before their audit entries carried a records digest: one
    `records.seal` entry per batch with the digest of what it holds now (trust on first use:
    run once after upgrading, before anyone could have edited the records). Returns the
    batch ids sealed."""
    sealed = unsealed_batches(session)
    for bid in sealed:
        digest = batch_digest(session, bid)
        audit.append(session, actor, "records.seal", details={
            "batch_id": bid, "versions": digest.count, "records_digest": digest.hexdigest()})
    return sealed
