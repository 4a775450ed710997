"""Append to and verify the audit log.

Audit is not logging: an audited action inserts its entry in the same transaction as the
action, so a rolled-back action leaves no entry and a committed one always has one. Appends
are serialised (an advisory lock on PostgreSQL, the write lock on SQLite) because each entry
carries the hash of the one before it.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from psycopg import Pipeline
from sqlalchemy import Connection, Engine, func, insert, select, text
from sqlalchemy.orm import Session

from xinyong.accounts.policy import Actor, DeclaredPurpose
from xinyong.audit.rules import GENESIS, canonical_details, entry_hash, mask_text
from xinyong.audit.tables import AuditEntry
from xinyong.core import clock
from xinyong.core.errors import Invalid, NotFound

# Key of the PostgreSQL advisory lock that serialises appends ("xyaudit" in ASCII).
_LOCK_KEY = 0x787961756469
# Reads of non-public data about a subject made by someone other than the subject itself:
# what "who looked at me" lists.
READ_SHARED = "records.read_shared"
# A check (逢办必查) looks at the credit information of the applicant and of every subject it
# hits: one entry per subject concerned, listed in that subject's "who looked at me".
CHECK_RUN = "check.run"
# A credit report issued about a subject (any version, to anyone): listed there too.
REPORT_ISSUE = "report.issue"
QUERY_ACTIONS = (READ_SHARED, CHECK_RUN, REPORT_ISSUE)
_PG_LOCK = text("SELECT pg_advisory_xact_lock(:k)")
_SQLITE_LOCK = text("UPDATE audit_entry SET seq = seq WHERE 1 = 0")
_HEAD = select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
_PG_LOCK_SQL = "SELECT pg_advisory_xact_lock(%s)"  # the same two on the driver (_locked_head)
_HEAD_SQL = "SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1"
COPY_FROM = 50  # entries of one append from which PostgreSQL writes them with COPY
_INSERT = insert(AuditEntry.__table__)  # type: ignore[arg-type]

# Engines whose appends write a signed checkpoint every N entries (audit.checkpoint.enable):
# per engine, not global, so that two apps in one process keep their own keys.
CheckpointHook = Callable[[Session, int, str], None]
_CHECKPOINTS: weakref.WeakKeyDictionary[Engine, tuple[int, CheckpointHook]] = \
    weakref.WeakKeyDictionary()


def register_checkpoints(engine: Engine, every: int, hook: CheckpointHook) -> None:
    if every > 0:
        _CHECKPOINTS[engine] = (every, hook)
    else:
        _CHECKPOINTS.pop(engine, None)


def lock_chain(session: Session) -> Connection:
    """Serialise with every other append (the chain's head cannot move until the end of this
    transaction); returns the session's connection."""
    conn = session.connection()
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(_PG_LOCK, {"k": _LOCK_KEY})
    elif dialect == "sqlite":
        # Take SQLite's write lock before reading the chain's head: a write statement starts
        # the write transaction (waiting out busy_timeout), so no other append can read the
        # same head until this transaction ends.
        conn.execute(_SQLITE_LOCK)
    return conn


def head(session: Session) -> tuple[int, str] | None:
    """(seq, hash) of the newest entry, or None for an empty log."""
    last = session.connection().execute(_HEAD).first()
    return (int(last[0]), str(last[1])) if last else None


@dataclass(frozen=True)
class Entry:
    """One entry of `append_many`: what `append` takes besides the actor and action."""

    subject_uscc: str | None = None
    purpose: DeclaredPurpose | None = None
    details: Mapping[str, Any] | None = None


def _head(session: Session) -> tuple[Connection, int, str]:
    """Lock the chain for this transaction and read its head: (connection, seq, hash)."""
    conn = session.connection()
    if conn.dialect.name == "postgresql" and Pipeline.is_supported():
        last = _locked_head(conn)
    else:
        conn = lock_chain(session)
        last = conn.execute(_HEAD).first()
    return (conn, last[0], last[1]) if last else (conn, 0, GENESIS)


def _locked_head(conn: Connection) -> Any:
    """PostgreSQL: take the lock and read the head in one round trip (every check and every
    audited read does this). Pipelined, the two statements still run one after the other:
    the read starts once the lock is granted, with a snapshot taken then (READ COMMITTED),
    so it sees the entry of any append that held the lock before."""
    raw = conn.connection.dbapi_connection
    assert raw is not None
    with raw.pipeline():
        raw.execute(_PG_LOCK_SQL, (_LOCK_KEY,))
        cur = raw.execute(_HEAD_SQL)
    return cur.fetchone()


def _constant(actor: Actor, action: str) -> dict[str, Any]:
    """The fields of an entry that depend only on who acts and what they do."""
    return {"action": action, "actor_name": mask_text(actor.name)[:100],
            "role": actor.role.value, "account_id": actor.account_id,
            "department_uscc": actor.department_uscc,
            "department_name": actor.department_name,
            "client": (actor.client or "")[:64] or None}


def _row(seq: int, prev: str, constant: dict[str, Any], entry: Entry, at: Any,
         purpose_text: str | None) -> dict[str, Any]:
    purpose = entry.purpose
    fields: dict[str, Any] = {
        **constant, "seq": seq, "at": at, "subject_uscc": entry.subject_uscc,
        "purpose": purpose.purpose.value if purpose else None, "purpose_text": purpose_text,
        "details": canonical_details(entry.details), "prev_hash": prev,
    }
    return {**fields, "hash": entry_hash(fields)}


def _purpose_text(purpose: DeclaredPurpose | None) -> str | None:
    return mask_text(purpose.text)[:200] if purpose and purpose.text else None


def _checkpoint(session: Session, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Anchor every multiple of the engine's checkpoint interval these rows reached."""
    if not _CHECKPOINTS:
        return
    every, hook = _CHECKPOINTS.get(conn.engine, (0, None))
    if not every or hook is None:
        return
    for row in rows:
        if row["seq"] % every == 0:
            hook(session, row["seq"], row["hash"])


def append(session: Session, actor: Actor, action: str, *, subject_uscc: str | None = None,
           purpose: DeclaredPurpose | None = None,
           details: Mapping[str, Any] | None = None) -> tuple[int, str]:
    """Add one entry at the end of the chain (executed, not committed); returns its sequence
    number and hash. A Core insert, not an ORM object: this runs on every audited read, and
    the unit of work's bookkeeping cost more than the insert itself."""
    conn, last, prev = _head(session)
    row = _row(last + 1, prev, _constant(actor, action), Entry(subject_uscc, purpose, details),
               clock.now(), _purpose_text(purpose))
    conn.execute(_INSERT, row)
    _checkpoint(session, conn, (row,))
    return row["seq"], row["hash"]


def append_many(session: Session, actor: Actor, action: str, entries: Sequence[Entry]) -> int:
    """Add one entry per item of `entries` (same actor and action), chained in order, in one
    lock and one insert: a batch check audits each of its thousands of applicants. Returns
    the number of entries written."""
    if not entries:
        return 0
    conn, last, prev = _head(session)
    now, constant = clock.now(), _constant(actor, action)
    texts: dict[DeclaredPurpose | None, str | None] = {}
    rows = []
    for i, entry in enumerate(entries, start=1):
        if entry.purpose not in texts:
            texts[entry.purpose] = _purpose_text(entry.purpose)
        row = _row(last + i, prev, constant, entry, now, texts[entry.purpose])
        rows.append(row)
        prev = row["hash"]
    if conn.dialect.name == "postgresql" and len(rows) >= COPY_FROM:
        _copy(conn, rows)
    else:
        conn.execute(_INSERT, rows)
    _checkpoint(session, conn, rows)
    return len(rows)


def _copy(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """PostgreSQL: write the entries of a batch with COPY in the transaction (ten thousand
    from a batch check). The time is written as text to the microsecond, as hashed."""
    raw: Any = conn.connection.dbapi_connection
    columns = list(rows[0])
    at = columns.index("at")
    with raw.cursor() as cur, cur.copy(
            f"COPY audit_entry ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            values = list(row.values())
            values[at] = values[at].isoformat(sep=" ", timespec="microseconds")
            copy.write_row(values)


def _fields(e: AuditEntry) -> dict[str, Any]:
    return {c: getattr(e, c) for c in ("seq", "at", "action", "actor_name", "role",
                                       "account_id", "department_uscc", "department_name",
                                       "subject_uscc", "purpose", "purpose_text", "client",
                                       "details", "prev_hash")}


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    # hash_mismatch | prev_mismatch | seq_gap | head_missing | checkpoint_mismatch |
    # checkpoint_ahead | checkpoint_signature | checkpoint_missing
    rule: str
    message: str


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    head_hash: str
    broken: BrokenLink | None
    anchored_seq: int | None = None  # the newest signed checkpoint the chain was held to

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify(session: Session, *, expect_head: str | None = None,
           anchors: Mapping[int, str] | None = None) -> VerifyResult:
    """Walk the chain in order and report the first broken link.

    An edited entry no longer matches its own hash; a deleted or moved entry breaks the
    next entry's link to its predecessor (and leaves a gap in `seq`). Two attacks keep the
    chain itself valid: removing entries from the very end, and rewriting the whole chain
    with recomputed hashes. `anchors` (seq -> hash from signed checkpoints, see
    audit.checkpoint.verify_anchored) catch both: a rewritten chain no longer matches a
    signed head, and a chain shorter than a checkpoint's seq was cut. `expect_head`, a head
    hash noted by hand, still works as before.
    """
    anchors = anchors or {}
    prev, expected_seq, checked, seen_head = GENESIS, 1, 0, expect_head is None
    newest = max(anchors, default=None)
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)
                           .execution_options(yield_per=1000)).scalars()
    for e in rows:
        if e.seq != expected_seq:
            return VerifyResult(checked, prev, BrokenLink(
                e.seq, "seq_gap", f"第{e.seq}条之前缺少第{expected_seq}条（记录被删除或重排）"),
                newest)
        if e.prev_hash != prev:
            return VerifyResult(checked, prev, BrokenLink(
                e.seq, "prev_mismatch",
                f"第{e.seq}条记载的前一条哈希与第{e.seq - 1}条不符（记录被删除、插入或重排）"),
                newest)
        if entry_hash(_fields(e)) != e.hash:
            return VerifyResult(checked, prev, BrokenLink(
                e.seq, "hash_mismatch", f"第{e.seq}条的内容与其哈希不符（记录被修改）"), newest)
        if e.seq in anchors and anchors[e.seq] != e.hash:
            return VerifyResult(checked, prev, BrokenLink(
                e.seq, "checkpoint_mismatch",
                f"第{e.seq}条的哈希与签名检查点记载的不符（日志被整体改写）"), newest)
        prev, expected_seq, checked = e.hash, expected_seq + 1, checked + 1
        if expect_head is not None and e.hash == expect_head:
            seen_head = True
    if newest is not None and newest >= expected_seq:
        return VerifyResult(checked, prev, BrokenLink(
            expected_seq, "checkpoint_ahead",
            f"签名检查点记载日志已有{newest}条，现只有{checked}条（末尾记录被删除）"), newest)
    if not seen_head:
        return VerifyResult(checked, prev, BrokenLink(
            expected_seq, "head_missing", "先前记下的链头哈希已不在日志中（末尾记录被删除）"),
            newest)
    return VerifyResult(checked, prev, None, newest)


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def list_entries(session: Session, *, limit: int = 100, offset: int = 0,
                 action: str | None = None) -> list[AuditEntry]:
    q = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit).offset(offset)
    if action:
        q = q.where(AuditEntry.action == action)
    return list(session.scalars(q))


def list_queries_about(session: Session, subject_uscc: str) -> list[AuditEntry]:
    """Every non-public query about a subject, newest first ('who looked at me')."""
    return list(session.scalars(
        select(AuditEntry).where(AuditEntry.subject_uscc == subject_uscc,
                                 AuditEntry.action.in_(QUERY_ACTIONS))
        .order_by(AuditEntry.seq.desc())))


_ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def grant_append_only(session: Session, role: str) -> list[str]:
    """PostgreSQL: the application role may only INSERT and SELECT audit entries."""
    if session.get_bind().dialect.name != "postgresql":
        raise Invalid("只有 PostgreSQL 支持按角色授权；SQLite 上由 `xinyong audit verify` 检查",
                      code="not_postgresql")
    if not _ROLE_NAME.match(role):
        raise Invalid(f"角色名「{role[:70]}」不合法", code="role_name_invalid")
    if session.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}) is None:
        raise NotFound(f"数据库角色「{role}」不存在", code="role_not_found")
    table = AuditEntry.__tablename__
    statements = [f'REVOKE ALL ON {table} FROM "{role}"',
                  f'GRANT SELECT, INSERT ON {table} TO "{role}"']
    for stmt in statements:
        session.execute(text(stmt))
    return statements
