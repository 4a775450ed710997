"""How the check shows what it found: hits, list entries, records (JSON kept with the check),
and the content hash a false-match review is keyed on."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from xinyong.core.masking import mask_name
from xinyong.ingest import Record
from xinyong.lists import ListEntry, ListEntryPerson, default_list_kinds
from xinyong.screening.match import Hit
from xinyong.subjects import Subject


def content_hash(entries: Sequence[ListEntry], records: Sequence[Record]) -> str:
    """What a false-match review is keyed on: any change to these raises the hit again."""
    parts = sorted([f"l:{e.id}:{e.version}:{e.state}" for e in entries]
                   + [f"r:{r.id}:{r.version}:{r.content_hash}" for r in records])
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def entry_json(e: ListEntry, persons: Sequence[ListEntryPerson] = ()) -> dict[str, Any]:
    kind = default_list_kinds().get(e.list_kind)
    basis = kind.basis(e.legal_basis_id) if kind else None
    return {"id": e.id, "list_kind": e.list_kind, "list_name": kind.name if kind else e.list_kind,
            "direction": kind.direction if kind else None, "state": e.state,
            "document_type": e.document_type, "document_number": e.document_number,
            "document_date": e.document_date.isoformat(), "issuing_body": e.issuing_body,
            "legal_basis": basis.cite() if basis else e.legal_basis_id,
            "legal_basis_id": e.legal_basis_id,
            "decided_on": e.decided_on.isoformat() if e.decided_on else None,
            "listed_until": e.listed_until.isoformat() if e.listed_until else None,
            "responsible_person": e.person_name_masked, "person_role": e.person_role,
            "persons": [{"role": p.role, "name_masked": p.name_masked,
                         "id_masked": p.id_masked} for p in persons],
            "severity": kind.severity if kind else None, "version": e.version}


def record_json(r: Record) -> dict[str, Any]:
    d = r.data or {}
    return {"id": r.id, "record_type": r.record_type, "document_number": r.natural_key,
            "decision_date": r.decision_date.isoformat(),
            "authority": d.get("authority_name"),
            "categories": d.get("penalty_categories"),
            "licence_revoked": d.get("licence_revoked"),
            "basis": d.get("penalty_basis"),
            "content": d.get("penalty_content") or d.get("licence_content")}


def hit_json(h: Hit) -> dict[str, Any]:
    return {"subject_id": h.subject_id, "uscc": h.uscc, "name": h.name, "kind": h.kind,
            "score": h.score, "method": h.method, "matched_name": h.matched_name,
            "matched_current": h.matched_current, "steps": list(h.steps),
            "explanation": h.explanation}


def person_hit_json(subject: Subject, masked: str | None) -> dict[str, Any]:
    return {"subject_id": subject.id, "uscc": None, "name": mask_name(subject.name),
            "kind": subject.kind, "score": 1.0, "method": "person_id",
            "matched_name": mask_name(subject.name), "matched_current": True, "steps": [],
            "explanation": f"身份证件号码一致（{masked or ''}）；得分 1.00"}
