"""Measure prompting for the check: which catalog measures the facts found for an applicant
trigger for its matter, and whom they bind.

A name decides nothing alone: measures are prompted on a code match, on the exact registered
(current) name, or on a name match a case officer has confirmed; a variant or fuzzy hit is
shown as "possible match, confirm" with the measures a confirmation would prompt, and none is
prompted. Person-targeted measures （法定代表人、负责人 bars） are prompted only through a
person: the applicant itself, or its legal representative, identified by the keyed hash of an
ID number that a listing decision names (or that is the listed natural person's own); the
listed company is never barred by them. Each prompt carries the last day its period allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from xinyong.core.masking import mask_name
from xinyong.ingest import Record
from xinyong.lists import (
    ListEntry,
    ListEntryPerson,
    default_list_kinds,
    in_force_for,
    naming_person,
)
from xinyong.measures import PERSON, SUBJECT, Fact, Measure, MeasureCatalog, triggered_measures
from xinyong.screening.match import Hit
from xinyong.screening.rules import SCORE_NAME
from xinyong.subjects import Subject

CHUNK = 400
SELF = "本人"  # the role of a natural person who is the listed subject
AS_LABELS = {"applicant": "申请人本人", "legal_representative": "申请人的法定代表人"}


def decisive(h: Hit) -> bool:
    """A hit that identifies the applicant by itself: the code, or the exact current
    registered name (with no differing legal representative given)."""
    return h.method == "code" or (h.method == "exact" and h.matched_current
                                  and h.score >= SCORE_NAME)


def entry_fact(e: ListEntry, role: str | None = None) -> Fact:
    kind = default_list_kinds().get(e.list_kind)
    label = f"{kind.name if kind else e.list_kind}（文书 {e.document_number}）"
    return Fact("list", e.id, e.list_kind, label, decided_on=e.decided_on,
                basis=e.legal_basis_id, document_date=e.document_date,
                listed_until=e.listed_until, role=role)


def record_fact(rec: Record, role: str | None = None) -> Fact:
    return Fact("record", rec.id, rec.record_type,
                f"{rec.record_type} {rec.natural_key}({rec.decision_date})", data=rec.data,
                decided_on=rec.decision_date, role=role)


@dataclass
class PersonMatch:
    """A person the request names (the applicant, or its legal representative) whom a
    listing in force names or who is a listed natural person."""

    role_in_request: str  # applicant | legal_representative
    id_masked: str | None
    facts: list[Fact] = field(default_factory=list)
    found: list[dict[str, Any]] = field(default_factory=list)  # what the officer is shown
    listed: dict[int, tuple[int, str]] = field(default_factory=dict)  # entry -> listed subject
    own: tuple[int, str] | None = None  # the person's own credit file, if a listed subject


def persons_for(session: Session, keys: dict[str, tuple[str, str | None]],
                types: Sequence[str], today: date, repaired: Any) -> dict[str, PersonMatch]:
    """Person matches by key. `keys`: key -> (role in the request, masked ID). `repaired`:
    callable(ids, day) -> set of record ids no longer used (repaired)."""
    out: dict[str, PersonMatch] = {}
    if not keys:
        return out
    named = naming_person(session, sorted(keys), today)
    own = {s.person_key: s for s in session.scalars(
        select(Subject).where(Subject.person_key.in_(sorted(keys)), Subject.kind == "person"))
        if s.person_key}
    own_entries = in_force_for(session, [s.id for s in own.values()], today)
    # The record a listing rests on (its document is a record of the listed subject): a
    # measure triggered by that record reaches the persons the listing names.
    wanted = {(e.subject_id, e.document_number) for pairs in named.values() for e, _p in pairs}
    by_doc: dict[tuple[int, str], list[Record]] = {}
    subject_ids = sorted({sid for sid, _d in wanted} | {s.id for s in own.values()})
    if subject_ids and types:
        for i in range(0, len(subject_ids), CHUNK):
            for rec in session.scalars(select(Record).where(
                    Record.subject_id.in_(subject_ids[i:i + CHUNK]),
                    Record.record_type.in_(list(types)))):
                by_doc.setdefault((rec.subject_id, rec.natural_key), []).append(rec)
    all_records = [r for rs in by_doc.values() for r in rs]
    gone = repaired([r.id for r in all_records], today)
    for key, (role_in_request, masked) in keys.items():
        pm = PersonMatch(role_in_request, masked)
        for e, person in named.get(key, []):
            pm.facts.append(entry_fact(e, person.role))
            pm.listed[e.id] = (e.subject_id, e.subject_name)
            recs = [r for r in by_doc.get((e.subject_id, e.document_number), [])
                    if r.id not in gone]
            pm.facts.extend(record_fact(r, person.role) for r in recs)
            pm.found.append({"entry_id": e.id, "list_kind": e.list_kind,
                             "listed_subject": e.subject_name, "role": person.role,
                             "name_masked": person.name_masked,
                             "document_number": e.document_number,
                             "record_ids": [r.id for r in recs]})
        subject = own.get(key)
        if subject is not None:
            pm.own = (subject.id, mask_name(subject.name))
            for e in own_entries.get(subject.id, []):
                pm.facts.append(entry_fact(e, SELF))
                pm.listed[e.id] = (subject.id, mask_name(subject.name))
                pm.found.append({"entry_id": e.id, "list_kind": e.list_kind,
                                 "listed_subject": "（本人）", "role": SELF,
                                 "name_masked": None, "document_number": e.document_number,
                                 "record_ids": []})
            for (sid, _doc), recs in by_doc.items():
                if sid == subject.id:
                    pm.facts.extend(record_fact(r, SELF) for r in recs if r.id not in gone)
        if pm.facts:
            out[key] = pm
    return out


@cache
def _persons_stmt() -> Select[tuple[ListEntryPerson]]:
    """Built once: every check with a listed hit runs it."""
    return (select(ListEntryPerson)
            .where(ListEntryPerson.entry_id.in_(bindparam("ids", expanding=True)))
            .order_by(ListEntryPerson.id))


def entry_persons(session: Session, entry_ids: Iterable[int]) -> dict[int, list[ListEntryPerson]]:
    ids = sorted(set(entry_ids))
    found: dict[int, list[ListEntryPerson]] = {}
    for i in range(0, len(ids), CHUNK):
        for p in session.scalars(_persons_stmt(), {"ids": ids[i:i + CHUNK]}):
            found.setdefault(p.entry_id, []).append(p)
    return found


Disputed = set[tuple[str, int]]  # ("record" | "list", id) under an open objection


@dataclass
class Prompting:
    """The measures of one check, merged by measure, as the result shows them and as they
    are stored (one prompt per measure)."""

    catalog: MeasureCatalog
    disputed: Disputed
    measures: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, measure: Measure, because: Sequence[Fact], period_end: date | None, *,
            target: str, subject: tuple[int, str, str | None] | None = None,
            person: dict[str, Any] | None = None) -> None:
        mj = self.measures.get(measure.id)
        if mj is None:
            mj = self.measures[measure.id] = {
                "measure_id": measure.id, "name": measure.name, "kind": measure.kind,
                "category": measure.category, "advisory": measure.advisory,
                "tier": measure.tier, "departments": measure.departments,
                "legal_basis": [b.cite() for b in measure.legal_basis],
                "period": measure.period.text, "period_end": None, "_open": False,
                "targets": [], "subjects": [], "persons": [], "because": [], "_live": False,
                "suspended_because": []}
        if target not in mj["targets"]:
            mj["targets"].append(target)
        if subject is not None:
            mj["subjects"].append({"subject_id": subject[0], "name": subject[1],
                                   "uscc": subject[2]})
        if person is not None:
            mj["persons"].append(person)
        if period_end is None:
            mj["_open"] = True
        elif mj["period_end"] is None or period_end.isoformat() > mj["period_end"]:
            mj["period_end"] = period_end.isoformat()
        mj["because"].extend(f.label for f in because)
        for f in because:
            # Suspended while every fact behind it is under objection (seed 002 五(四)).
            if (f.kind, f.ref_id) in self.disputed:
                mj["suspended_because"].append(f.label)
            else:
                mj["_live"] = True

    def result(self) -> list[dict[str, Any]]:
        out = []
        for mj in self.measures.values():
            mj["suspended"] = not mj.pop("_live")
            if mj.pop("_open"):
                mj["period_end"] = None
            if not mj["suspended"]:
                mj["suspended_because"] = []
            mj["because"] = list(dict.fromkeys(mj["because"]))
            out.append(mj)
        return sorted(out, key=lambda x: (x["kind"] != "punishment", x["category"],
                                          x["measure_id"]))

    def prompts(self) -> list[dict[str, Any]]:
        rows = []
        for mj in self.measures.values():
            first = mj["subjects"][0] if mj["subjects"] else None
            person = mj["persons"][0] if mj["persons"] else None
            subject_id = first["subject_id"] if first else person["subject_id"] if person \
                else None
            rows.append({
                "measure_id": mj["measure_id"], "measure_name": mj["name"],
                "measure_kind": mj["kind"], "category": mj["category"],
                "subject_id": subject_id,
                "subject_name": first["name"] if first else (person or {}).get("listed_subject",
                                                                                ""),
                "uscc": first["uscc"] if first else None,
                "basis": ";".join(mj["because"]), "legal_basis": ";".join(mj["legal_basis"]),
                "suspended": mj["suspended"], "target": ",".join(sorted(mj["targets"])),
                "person_masked": person["id_masked"] if person else None,
                "period_end": date.fromisoformat(mj["period_end"]) if mj["period_end"]
                else None})
        return rows


def prompt_for_subject(p: Prompting, measures: Sequence[Measure], facts: Sequence[Fact],
                       today: date, subject: tuple[int, str, str | None]) -> None:
    for t in triggered_measures(measures, facts, today, target=SUBJECT, catalog=p.catalog):
        p.add(t.measure, t.because, t.period_end, target="subject", subject=subject)


def prompt_for_person(p: Prompting, measures: Sequence[Measure], pm: PersonMatch,
                      today: date) -> None:
    for t in triggered_measures(measures, pm.facts, today, target=PERSON, catalog=p.catalog):
        roles = sorted({f.role for f in t.because if f.role})
        via = next((pm.listed[f.ref_id] for f in t.because if f.kind == "list"
                    and f.ref_id in pm.listed), None)
        if via is None:  # a record behind a listing: the listing names the person
            via = next(iter(pm.listed.values()), pm.own)
        p.add(t.measure, t.because, t.period_end, target="person",
              person={"as": pm.role_in_request, "as_label": AS_LABELS[pm.role_in_request],
                      "id_masked": pm.id_masked, "roles": roles,
                      "subject_id": via[0] if via else None,
                      "listed_subject": via[1] if via else ""})


def pending_for(measures: Sequence[Measure], facts: Sequence[Fact], today: date,
                catalog: MeasureCatalog) -> list[dict[str, Any]]:
    """What confirming an unconfirmed name hit would prompt (never prompted before)."""
    return [{"measure_id": t.measure.id, "name": t.measure.name}
            for t in triggered_measures(measures, facts, today, target=SUBJECT,
                                        catalog=catalog)]


def outside_licence(measures: Sequence[Measure], facts: Sequence[Fact], today: date,
                    catalog: MeasureCatalog, licence_kind: str | None) -> list[dict[str, Any]]:
    """Measures the facts trigger that the licence applied for is outside of: said, so that
    the officer sees why (e.g. the food-licence bar on a road-transport licence)."""
    out = []
    for t in triggered_measures(measures, facts, today, target=SUBJECT, catalog=catalog):
        kinds = t.measure.licence_kinds
        names = "、".join(catalog.licence_kinds[k].name for k in kinds) \
            if isinstance(kinds, list) else ""
        applied = catalog.licence_kinds[licence_kind].name if licence_kind else "未填写"
        out.append({"measure_id": t.measure.id, "name": t.measure.name,
                    "reason": f"仅适用于{names}申请（本次申请的许可：{applied}）"})
    return out
