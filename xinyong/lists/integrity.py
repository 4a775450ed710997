"""Tamper evidence for list entries: every write seals the entry into the audit chain.

A list entry is changed in place by its procedure (propose, notify, decide, publish, remove,
expire), each step bumping its `version`. Each write stores the entry's `content_hash` (over
every column a person reads or a rule acts on, `HASHED`) and appends one audit entry
`list.<action>` carrying (entry id, version, content hash). `verify_entries` recomputes each
entry's hash and compares it with the stored one and with the latest version the chain
recorded, naming the first entry that no longer matches.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor
from xinyong.audit.seals import IntegrityReport, Tampered, iter_audit_details
from xinyong.lists.tables import ListEntry
from xinyong.subjects.tables import Subject

HASHED = ("list_kind", "subject_id", "subject_name", "state", "document_type",
          "document_number", "document_date", "issuing_body", "legal_basis_id", "facts",
          "department_name", "department_uscc", "person_name_masked", "person_role",
          "notice_sent_on", "statement_until", "decided_on", "published_on", "listed_until",
          "removed_on", "removal_reason", "version")
ACTIONS = ("propose", "notify", "decide", "publish", "remove", "merge", "seal")
AUDIT_ACTIONS = tuple(f"list.{a}" for a in ACTIONS)


def entry_hash(entry: ListEntry) -> str:
    values: dict[str, Any] = {}
    for name in HASHED:
        value = getattr(entry, name)
        values[name] = value.isoformat() if isinstance(value, date) else value
    blob = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def seal_write(session: Session, entry: ListEntry, actor: Actor, action: str) -> None:
    """After a write to `entry` (in the caller's transaction): store its content hash and
    append the audit entry that binds it."""
    session.flush()
    entry.content_hash = entry_hash(entry)
    session.flush()
    uscc = session.scalar(select(Subject.uscc).where(Subject.id == entry.subject_id))
    audit.append(session, actor, f"list.{action}", subject_uscc=uscc, details={
        "entry_id": entry.id, "version": entry.version, "content_hash": entry.content_hash,
        "list_kind": entry.list_kind, "state": entry.state})


def audited_versions(session: Session) -> dict[int, tuple[int, str]]:
    """(version, content hash) per entry: the highest version the chain recorded."""
    out: dict[int, tuple[int, str]] = {}
    for _seq, _action, d in iter_audit_details(session, AUDIT_ACTIONS):
        eid, version, digest = d.get("entry_id"), d.get("version"), d.get("content_hash")
        if not (isinstance(eid, int) and isinstance(version, int) and isinstance(digest, str)):
            continue
        if eid not in out or version > out[eid][0]:
            out[eid] = (version, digest)
    return out


def verify_entries(session: Session) -> IntegrityReport:
    report = IntegrityReport()
    audited = audited_versions(session)
    seen: set[int] = set()
    for entry in session.scalars(select(ListEntry).order_by(ListEntry.id)
                                 .execution_options(yield_per=1000)):
        report.list_entries += 1
        seen.add(entry.id)
        label = f"名单记录 {entry.id}（文书 {entry.document_number}）"
        if entry.content_hash is None or entry_hash(entry) != entry.content_hash:
            rule = "entry_unsealed" if entry.content_hash is None else "content_mismatch"
            report.report(Tampered("list_entry", entry.id, rule, label + (
                "没有内容哈希（早于防篡改功能的记录请运行 xinyong audit seal）"
                if entry.content_hash is None else "的内容与其内容哈希不符（被直接修改）"),
                entry.document_number, entry.version))
            continue
        expected = audited.get(entry.id)
        if expected is None:
            report.report(Tampered("list_entry", entry.id, "entry_unsealed",
                                   label + "在审计日志中没有记载（未经名单程序写入）",
                                   entry.document_number, entry.version))
        elif expected != (entry.version, entry.content_hash):
            report.report(Tampered(
                "list_entry", entry.id, "entry_not_as_audited",
                label + f"与审计日志记载的第 {expected[0]} 版不符（内容与哈希被一并修改或回退）",
                entry.document_number, entry.version))
    for eid in sorted(set(audited) - seen):
        report.report(Tampered("list_entry", eid, "entry_missing",
                               f"名单记录 {eid} 在审计日志中有记载，但已不在数据库中（被删除）"))
    return report


def unsealed_entries(session: Session) -> list[ListEntry]:
    audited = audited_versions(session)
    return [e for e in session.scalars(select(ListEntry).order_by(ListEntry.id))
            if e.id not in audited]


def seal_unsealed(session: Session, actor: Actor) -> list[int]:
    """Seal list entries written before list writes were sealed (`list.seal`, trust on first
    use, as `ingest.integrity.seal_unsealed`). Returns the entry ids sealed."""
    entries = unsealed_entries(session)
    for entry in entries:
        seal_write(session, entry, actor, "seal")
    return [e.id for e in entries]
