"""Subject registry use cases: resolve the subjects of a chunk of rows in a few queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from xinyong.core.errors import NotFound
from xinyong.subjects.search import index_new_subjects, index_other_name
from xinyong.subjects.tables import CodeReview, Subject, SubjectName
from xinyong.subjects.uscc import UsccError, validate

KIND_BY_CATEGORY = {"法人及非法人组织": "organisation", "个体工商户": "individual_business",
                    "自然人": "person"}
SAME_CODE = "same_code_different_names"
SAME_NAME = "same_name_different_codes"


@dataclass(frozen=True)
class SubjectRef:
    """What a record row says about its subject."""

    uscc: str | None
    person_key: str | None
    person_id_masked: str | None
    category: str
    name: str
    legal_representative: str | None

    @property
    def key(self) -> str:
        return self.uscc or f"p:{self.person_key}"


def _new_subject_row(ref: SubjectRef, now: datetime) -> dict[str, object]:
    kind = KIND_BY_CATEGORY.get(ref.category, "organisation")
    derived = region = None
    if ref.uscc:
        info = validate(ref.uscc)
        derived, region = info.derived_kind, info.region_code
        if kind == "organisation" and derived in ("government_body", "public_institution",
                                                  "social_organisation"):
            kind = derived
    return {"uscc": ref.uscc, "person_key": ref.person_key,
            "person_id_masked": ref.person_id_masked, "kind": kind, "derived_kind": derived,
            "name": ref.name, "legal_representative": ref.legal_representative,
            "region_code": region, "created_at": now, "updated_at": now}


def resolve_subjects(session: Session, refs: Sequence[SubjectRef], *,
                     batch_id: int | None = None) -> dict[str, int]:
    """Return subject ids by ref.key, creating new subjects and recording name differences."""
    now = datetime.now()
    by_key: dict[str, SubjectRef] = {}
    for ref in refs:
        by_key.setdefault(ref.key, ref)
    usccs = [r.uscc for r in by_key.values() if r.uscc]
    pkeys = [r.person_key for r in by_key.values() if r.person_key]
    found: dict[str, tuple[int, str]] = {}
    if usccs or pkeys:
        conds = []
        if usccs:
            conds.append(Subject.uscc.in_(usccs))
        if pkeys:
            conds.append(Subject.person_key.in_(pkeys))
        for sid, uscc, pkey, name in session.execute(
                select(Subject.id, Subject.uscc, Subject.person_key, Subject.name)
                .where(or_(*conds))):
            found[uscc or f"p:{pkey}"] = (sid, name)

    new_refs = [r for k, r in by_key.items() if k not in found]
    if new_refs:
        rows = [_new_subject_row(r, now) for r in new_refs]
        result = session.execute(insert(Subject).returning(Subject.id, Subject.uscc,
                                                           Subject.person_key), rows)
        for sid, uscc, pkey in result:
            key = uscc or f"p:{pkey}"
            found[key] = (sid, by_key[key].name)
        _flag_same_name(session, [r for r in new_refs if r.uscc], found, batch_id, now)
        # Keep the public name search in step (natural persons are never indexed).
        index_new_subjects(session, [(found[r.key][0], r.name, str(row["kind"]))
                                     for r, row in zip(new_refs, rows, strict=True) if r.uscc])

    # Same code, different name: keep every name and ask the credit office to review.
    for ref in refs:
        sid, registry_name = found[ref.key]
        if ref.uscc and ref.name != registry_name:
            _record_other_name(session, sid, registry_name, ref.name, batch_id, now)
    return {k: v[0] for k, v in found.items()}


def _record_other_name(session: Session, sid: int, registry_name: str, name: str,
                       batch_id: int | None, now: datetime) -> None:
    exists = session.scalar(select(SubjectName.id).where(SubjectName.subject_id == sid,
                                                         SubjectName.name == name))
    if exists:
        return
    session.add(SubjectName(subject_id=sid, name=name, first_seen_at=now, batch_id=batch_id))
    session.add(CodeReview(kind=SAME_CODE, subject_id=sid, name=registry_name, other_name=name,
                           status="open", batch_id=batch_id, detected_at=now))
    session.flush()
    index_other_name(session, sid, name)  # a former/other name is searchable too


def _flag_same_name(session: Session, refs: Sequence[SubjectRef],
                    found: dict[str, tuple[int, str]], batch_id: int | None,
                    now: datetime) -> None:
    names = {r.name for r in refs}
    if not names:
        return
    holders: dict[str, set[int]] = {}
    for sid, name in session.execute(select(Subject.id, Subject.name)
                                     .where(Subject.name.in_(names), Subject.uscc.is_not(None))):
        holders.setdefault(name, set()).add(sid)
    for sid, name in session.execute(select(SubjectName.subject_id, SubjectName.name)
                                     .where(SubjectName.name.in_(names))):
        holders.setdefault(name, set()).add(sid)
    for ref in refs:
        sid = found[ref.key][0]
        for other in sorted(holders.get(ref.name, set()) - {sid}):
            session.add(CodeReview(kind=SAME_NAME, subject_id=sid, other_subject_id=other,
                                   name=ref.name, status="open", batch_id=batch_id,
                                   detected_at=now))


def get_subject(session: Session, raw_uscc: str) -> Subject:
    try:
        code = validate(raw_uscc).code
    except UsccError as exc:
        raise NotFound(str(exc), code=exc.rule) from exc
    subject = session.scalar(select(Subject).where(Subject.uscc == code))
    if subject is None:
        raise NotFound(f"未找到统一社会信用代码为 {code} 的信用主体", code="subject_not_found")
    return subject


def names_of(session: Session, subject_id: int) -> list[str]:
    return list(session.scalars(select(SubjectName.name)
                                .where(SubjectName.subject_id == subject_id)
                                .order_by(SubjectName.first_seen_at)))


def list_code_reviews(session: Session, status: str = "open") -> list[CodeReview]:
    return list(session.scalars(select(CodeReview).where(CodeReview.status == status)
                                .order_by(CodeReview.id)))
