"""Binding stored content into the audit chain: the digest of a set of content hashes, the
report of what no longer matches, and reading the audit entries that carry seals.

Used by the domains that verify their own tables against the chain (`ingest.integrity` for
records, `lists.integrity` for list entries); the chain walk itself is `audit.service`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.audit.tables import AuditEntry

# AdHash (Bellare-Micciancio 1997): the sum of 2048-bit hashes modulo 2^2048. A modulus of
# this size keeps Wagner's generalised-birthday attack (2002) on sums out of reach, which a
# 256-bit sum or an XOR of hashes would not.
_BITS = 2048
_BYTES = _BITS // 8
_MASK = (1 << _BITS) - 1
MAX_REPORTED = 50


class SetDigest:
    """An order-independent digest of a set of (id, version, content hash): each element
    is expanded to 2048 bits (SHAKE-256) and added; the digest is SHA-256 of the sum modulo
    2^2048. Elements can be added chunk by chunk and in any order, so the writer (chunks in
    write order) and the verifier (id order) agree."""

    __slots__ = ("count", "total")

    def __init__(self) -> None:
        self.total = 0
        self.count = 0

    def add(self, item_id: int, version: int, digest: str) -> None:
        self.add_many(((item_id, version, digest),))

    def add_many(self, items: Iterable[tuple[int, int, str]]) -> None:
        """Add elements in bulk (one call per chunk: the per-row cost is the expansion)."""
        shake, to_int, n = hashlib.shake_256, int.from_bytes, 0
        total = 0
        for item_id, version, digest in items:
            total += to_int(shake(f"{item_id}:{version}:{digest}".encode()).digest(_BYTES))
            n += 1
        self.total += total
        self.count += n

    def hexdigest(self) -> str:
        return hashlib.sha256((self.total & _MASK).to_bytes(_BYTES, "big")).hexdigest()


@dataclass(frozen=True)
class Tampered:
    """One stored thing that no longer matches: `kind` record | record_version | batch |
    list_entry, `id` its id (for a version: the record's id)."""

    kind: str
    id: int
    rule: str
    message: str
    document_number: str | None = None
    version: int | None = None
    batch_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "rule": self.rule, "message": self.message,
                "document_number": self.document_number, "version": self.version,
                "batch_id": self.batch_id}


@dataclass
class IntegrityReport:
    """What `verify_records` (and `lists.verify_entries`) found: counts checked and the
    first MAX_REPORTED problems, in id order (records before batches)."""

    records: int = 0
    versions: int = 0
    batches: int = 0
    list_entries: int = 0
    problems: list[Tampered] = field(default_factory=list)
    total_problems: int = 0
    scope: str = "all"

    @property
    def ok(self) -> bool:
        return self.total_problems == 0

    @property
    def first(self) -> Tampered | None:
        return self.problems[0] if self.problems else None

    def report(self, problem: Tampered) -> None:
        self.total_problems += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(problem)

    def merge(self, other: IntegrityReport) -> IntegrityReport:
        self.list_entries += other.list_entries
        self.total_problems += other.total_problems
        self.problems.extend(other.problems[:max(MAX_REPORTED - len(self.problems), 0)])
        return self

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "scope": self.scope, "records": self.records,
                "versions": self.versions, "batches": self.batches,
                "list_entries": self.list_entries, "total_problems": self.total_problems,
                "problems": [p.as_dict() for p in self.problems]}


def iter_audit_details(session: Session, actions: Sequence[str]
                       ) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """(seq, action, details) of the audit entries with these actions, oldest first."""
    rows = session.execute(select(AuditEntry.seq, AuditEntry.action, AuditEntry.details)
                           .where(AuditEntry.action.in_(list(actions)))
                           .order_by(AuditEntry.seq).execution_options(yield_per=2000))
    for seq, action, details in rows:
        try:
            parsed = json.loads(details)
        except ValueError:
            continue  # an edited entry: the chain walk reports it
        if isinstance(parsed, dict):
            yield seq, action, parsed
