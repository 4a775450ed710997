"""Tamper evidence for list entries: every write seals the entry into the audit chain.

A list entry is changed in place by its procedure (propose, notify, decide, publish, remove,
expire, a recomputed statement period, a merge), each step bumping its `version`. Each write
stores the entry's `content_hash` (over every column a person reads or a rule acts on,
`HASHED`, the notice and decision numbers and the responsible persons the decision names)
and appends one audit entry `list.<action>` carrying (entry id, version, content hash).
`verify_entries` recomputes each entry's hash and compares it with the stored one and with
the latest version the chain recorded, naming the first entry that no longer matches.

The subject's statements （陈述申辩） and early-removal applications are sealed the same way
without a hash column: the audit entry of each write to one (`list.statement`,
`list.statement_considered`, `list.removal_applied`, `list.removal_decided`) carries the hash
of its content and files, and `verify_entries` compares the row with the last one recorded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from xinyong import audit
from xinyong.accounts import Actor
from xinyong.audit.seals import IntegrityReport, Tampered, iter_audit_details
from xinyong.core.attachments import Attachment
from xinyong.lists.tables import (
    ListEntry,
    ListEntryPerson,
    ListRemovalApplication,
    ListStatement,
)
from xinyong.subjects.tables import Subject

HASHED = ("list_kind", "subject_id", "subject_name", "state", "document_type",
          "document_number", "document_date", "issuing_body", "legal_basis_id", "facts",
          "department_name", "department_uscc", "person_name_masked", "person_role",
          "notice_sent_on", "statement_until", "decided_on", "published_on", "listed_until",
          "removed_on", "removal_reason", "version")
# Hashed only when set, so that an entry sealed before these existed keeps its hash.
HASHED_IF_SET = ("notice_number", "decision_number")
PERSON_FIELDS = ("role", "name_masked", "id_masked", "id_key")
ACTIONS = ("propose", "notify", "decide", "publish", "remove", "merge", "recompute", "seal")
AUDIT_ACTIONS = tuple(f"list.{a}" for a in ACTIONS)

# The parts a subject or department adds to a listing, sealed by their audit entries.
STATEMENT_PART, REMOVAL_PART = "list_statement", "list_removal"
PART_FIELDS: dict[str, tuple[str, ...]] = {
    STATEMENT_PART: ("entry_id", "text", "contact", "submitted_by", "submitted_on",
                     "consideration", "considered_by", "considered_on"),
    REMOVAL_PART: ("entry_id", "state", "reasons", "applicant", "submitted_on", "decided_by",
                   "decided_on", "decision_reason")}
PART_LABELS = {STATEMENT_PART: "陈述申辩", REMOVAL_PART: "提前移出申请"}
PART_ACTIONS = ("list.statement", "list.statement_considered", "list.removal_applied",
                "list.removal_decided", "list.part_seal")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _digest(values: Any) -> str:
    blob = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def persons_for(session: Session, entry_ids: Sequence[int] | None = None
                ) -> dict[int, list[ListEntryPerson]]:
    stmt = select(ListEntryPerson).order_by(ListEntryPerson.id)
    if entry_ids is not None:
        stmt = stmt.where(ListEntryPerson.entry_id.in_(list(entry_ids)))
    out: dict[int, list[ListEntryPerson]] = {}
    for person in session.scalars(stmt):
        out.setdefault(person.entry_id, []).append(person)
    return out


def entry_hash(entry: ListEntry, persons: Sequence[ListEntryPerson] | None = None) -> str:
    """The entry's content hash. `persons`: the responsible persons its decision names
    (None: read through the entry's session)."""
    values: dict[str, Any] = {name: _plain(getattr(entry, name)) for name in HASHED}
    for name in HASHED_IF_SET:
        if getattr(entry, name) is not None:
            values[name] = getattr(entry, name)
    if persons is None:
        session = object_session(entry)
        persons = persons_for(session, [entry.id]).get(entry.id, []) if session else []
    if persons:
        values["persons"] = [[getattr(p, f) for f in PERSON_FIELDS] for p in persons]
    return _digest(values)


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


def part_hash(session: Session, kind: str, row: ListStatement | ListRemovalApplication
              ) -> str:
    """A statement's or an early-removal application's content, with its files (name and
    SHA-256 of each)."""
    values: dict[str, Any] = {f: _plain(getattr(row, f)) for f in PART_FIELDS[kind]}
    values["files"] = [[a.file_name, a.sha256] for a in session.scalars(
        select(Attachment).where(Attachment.owner_kind == kind, Attachment.owner_id == row.id)
        .order_by(Attachment.id))]
    return _digest(values)


def seal_part(session: Session, actor: Actor, action: str, kind: str,
              row: ListStatement | ListRemovalApplication, *, subject_uscc: str | None,
              details: dict[str, Any]) -> None:
    """The audit entry of a write to a statement or an application, carrying its hash."""
    session.flush()
    audit.append(session, actor, action, subject_uscc=subject_uscc, details={
        **details, "part": kind, "part_id": row.id, "part_hash": part_hash(session, kind, row)})


Part = ListStatement | ListRemovalApplication


def _parts(session: Session, kind: str) -> list[Part]:
    """The stored statements or applications, in id order."""
    if kind == STATEMENT_PART:
        return list(session.scalars(select(ListStatement).order_by(ListStatement.id)))
    return list(session.scalars(select(ListRemovalApplication)
                                .order_by(ListRemovalApplication.id)))


def audited_parts(session: Session) -> dict[tuple[str, int], str]:
    """(part kind, id) -> the hash its latest audit entry recorded."""
    out: dict[tuple[str, int], str] = {}
    for _seq, _action, d in iter_audit_details(session, PART_ACTIONS):
        kind, pid, digest = d.get("part"), d.get("part_id"), d.get("part_hash")
        if kind in PART_FIELDS and isinstance(pid, int) and isinstance(digest, str):
            out[(str(kind), pid)] = digest  # oldest first: the last one wins
    return out


def _verify_parts(session: Session, report: IntegrityReport) -> None:
    audited = audited_parts(session)
    for kind in PART_FIELDS:
        seen: set[int] = set()
        for row in _parts(session, kind):
            seen.add(row.id)
            entry = session.get(ListEntry, row.entry_id)
            label = (f"名单记录（文书 {entry.document_number if entry else '已删除'}）的"
                     f"{PART_LABELS[kind]}（{row.submitted_on.isoformat()} 提交）")
            expected = audited.get((kind, row.id))
            if expected is None:
                report.report(Tampered(kind, row.id, "part_unsealed",
                                       label + "在审计日志中没有记载（未经名单程序写入）"))
            elif expected != part_hash(session, kind, row):
                report.report(Tampered(kind, row.id, "content_mismatch",
                                       label + "与审计日志记载的内容不符（被直接修改）"))
        for pid in sorted({p for k, p in audited if k == kind} - seen):
            report.report(Tampered(kind, pid, "part_missing",
                                   f"{PART_LABELS[kind]} {pid} 在审计日志中有记载，"
                                   "但已不在数据库中（被删除）"))


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
    persons = persons_for(session)
    seen: set[int] = set()
    for entry in session.scalars(select(ListEntry).order_by(ListEntry.id)
                                 .execution_options(yield_per=1000)):
        report.list_entries += 1
        seen.add(entry.id)
        label = f"名单记录 {entry.id}（文书 {entry.document_number}）"
        if entry.content_hash is None or entry_hash(
                entry, persons.get(entry.id, [])) != entry.content_hash:
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
    _verify_parts(session, report)
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
    audited = audited_parts(session)
    for kind in PART_FIELDS:
        for row in _parts(session, kind):
            if (kind, row.id) not in audited:
                seal_part(session, actor, "list.part_seal", kind, row, subject_uscc=None,
                          details={"list_entry_id": row.entry_id})
    return [e.id for e in entries]
