"""What of the lists is public on day D: one column per published list kind (filters, paging,
export rows) and the section of a subject's credit file, with the entry's document, legal
basis, period and removal date.

An entry is public on D when its kind is published, it was published by D, and D is before
the day it expired or was removed (`as_of` reads the past the same way: an entry removed last
month was public the month before). Natural persons are never shown, except where the legal
basis of their listing makes the list public (court defaulters): then only masked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from xinyong.core.errors import Invalid, NotFound
from xinyong.core.masking import mask_name
from xinyong.lists import rules
from xinyong.lists.model import ListKind, default_list_kinds, get_list_kind
from xinyong.lists.tables import ListEntry
from xinyong.recordstate import disputed_entries
from xinyong.subjects.tables import Subject

EXPORT_CAP = 100_000
REMOVAL_LABELS = {"early": "提前移出", "expired": "期满移出", "objection": "撤销列入"}
EXPORT_HEADERS = ("名单", "主体名称", "统一社会信用代码", "身份证件号码（遮蔽）", "列入依据文书",
                  "文书编号", "文书日期", "作出机关", "设定依据", "认定部门", "列入日期",
                  "公示日期", "移出日期", "异议处理中")


def public_kinds() -> list[ListKind]:
    return [k for k in default_list_kinds().values() if k.publication.public]


def get_public_kind(kind_id: str) -> ListKind:
    kind = default_list_kinds().get(kind_id)
    if kind is None or not kind.publication.public:
        names = "、".join(f"{k.id}={k.name}" for k in public_kinds())
        raise NotFound(f"名单「{kind_id}」不存在或不向社会公示（公示的名单：{names}）",
                       code="list_kind_not_public")
    return kind


@dataclass(frozen=True)
class PublicEntry:
    id: int
    list_kind: str
    list_name: str
    subject_name: str  # masked for a natural person
    subject_uscc: str | None
    subject_id_masked: str | None  # natural persons only
    document_type: str
    document_number: str
    document_date: date
    issuing_body: str
    legal_basis: str
    department: str | None
    listed_on: date  # 列入日期 (the decision)
    published_on: date
    removal_date: date | None  # the day it leaves the list (expiry), or was removed
    removal_reason: str | None
    under_objection: bool = False
    reason: str | None = None  # 列入原因, where the kind lists on declared reasons

    @property
    def href(self) -> str:
        """Where the site shows it: the subject's credit file, else its list column."""
        if self.subject_uscc:
            return f"/subjects/{self.subject_uscc}"
        return f"/lists/{self.list_kind}#entry-{self.id}"


def public_on(day: date) -> list[ColumnElement[bool]]:
    """SQL: published by `day`, not yet expired or removed on it."""
    e = ListEntry
    return [e.state.in_((rules.PUBLISHED, rules.REMOVED)), e.published_on.is_not(None),
            e.published_on <= day, or_(e.listed_until.is_(None), e.listed_until > day),
            or_(e.removed_on.is_(None), e.removed_on > day)]


def _person_kinds(kind: ListKind) -> list[str]:
    """The listing bases under which a natural person's entry of `kind` is shown."""
    return [b.id for b in kind.legal_bases if b.persons_published]


def _visible(kind: ListKind) -> ColumnElement[bool]:
    bases = _person_kinds(kind)
    if not bases:
        return Subject.kind != "person"
    return or_(Subject.kind != "person", ListEntry.legal_basis_id.in_(bases))


def _to_public(e: ListEntry, s: Subject, day: date) -> PublicEntry:
    kind = get_list_kind(e.list_kind)
    basis = kind.basis(e.legal_basis_id)
    person = s.kind == "person"
    removed = e.removed_on if e.removed_on is not None and e.removed_on <= day else None
    assert e.decided_on is not None and e.published_on is not None
    return PublicEntry(
        id=e.id, list_kind=kind.id, list_name=kind.name,
        subject_name=mask_name(s.name) if person else s.name,
        subject_uscc=None if person else s.uscc,
        subject_id_masked=s.person_id_masked if person else None,
        document_type=e.document_type, document_number=e.document_number,
        document_date=e.document_date, issuing_body=e.issuing_body,
        legal_basis=basis.cite() if basis else e.legal_basis_id,
        department=e.department_name, listed_on=e.decided_on, published_on=e.published_on,
        removal_date=removed or e.listed_until,
        removal_reason=REMOVAL_LABELS.get(e.removal_reason or "") if removed else None,
        reason=basis.reason if basis else None)


def _mark_disputed(session: Session, items: list[PublicEntry], day: date
                   ) -> list[PublicEntry]:
    """Entries under objection that day (a dispute in recordstate) carry the mark."""
    disputed = disputed_entries(session, [p.id for p in items], day)
    return [replace(p, under_objection=True) if p.id in disputed else p for p in items]


@dataclass
class ListColumn:
    kind: ListKind
    as_of: date
    items: list[PublicEntry]
    total: int
    page: int
    per_page: int
    departments: list[tuple[str, str]]

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


@dataclass(frozen=True)
class ColumnFilter:
    department: str | None = None  # the listing department's USCC
    region: str | None = None  # prefix of the subject's 6-digit division code
    date_from: date | None = None  # listed on or after
    date_to: date | None = None  # listed on or before


def _conditions(kind: ListKind, day: date, f: ColumnFilter) -> list[ColumnElement[bool]]:
    if f.region is not None and (not f.region.isdigit() or not 2 <= len(f.region) <= 6):
        raise Invalid("行政区划代码应为2至6位数字", code="region_invalid")
    conds = [ListEntry.list_kind == kind.id, *public_on(day), _visible(kind)]
    if f.department:
        conds.append(ListEntry.department_uscc == f.department.strip().upper())
    if f.region:
        conds.append(Subject.region_code.like(f"{f.region}%"))
    if f.date_from:
        conds.append(ListEntry.decided_on >= f.date_from)
    if f.date_to:
        conds.append(ListEntry.decided_on <= f.date_to)
    return conds


def list_column(session: Session, kind_id: str, day: date, *,
                filters: ColumnFilter = ColumnFilter(), page: int = 1, per_page: int = 20
                ) -> ListColumn:
    """名单专栏： the entries of one published kind public on `day`, newest listing first."""
    kind = get_public_kind(kind_id)
    page = max(page, 1)
    conds = _conditions(kind, day, filters)
    base = select(ListEntry, Subject).join(Subject, Subject.id == ListEntry.subject_id)
    total = session.scalar(select(func.count()).select_from(ListEntry)
                           .join(Subject, Subject.id == ListEntry.subject_id)
                           .where(and_(*conds))) or 0
    rows = session.execute(base.where(and_(*conds))
                           .order_by(ListEntry.decided_on.desc(), ListEntry.id.desc())
                           .offset((page - 1) * per_page).limit(per_page)).tuples()
    items = _mark_disputed(session, [_to_public(e, s, day) for e, s in rows], day)
    departments = [(u, n or u) for u, n in session.execute(
        select(ListEntry.department_uscc, func.max(ListEntry.department_name))
        .where(ListEntry.list_kind == kind.id, ListEntry.department_uscc.is_not(None),
               ListEntry.published_on.is_not(None))
        .group_by(ListEntry.department_uscc).order_by(ListEntry.department_uscc)).tuples()
        if u]
    return ListColumn(kind, day, items, total, page, per_page, departments)


def export_rows(session: Session, kind_id: str, day: date, *,
                filters: ColumnFilter = ColumnFilter()) -> Iterator[list[str]]:
    """The column as rows (header first): exactly what the site shows that day."""
    kind = get_public_kind(kind_id)
    yield list(EXPORT_HEADERS)
    stmt = (select(ListEntry, Subject).join(Subject, Subject.id == ListEntry.subject_id)
            .where(and_(*_conditions(kind, day, filters)))
            .order_by(ListEntry.decided_on.desc(), ListEntry.id.desc()).limit(EXPORT_CAP))
    batch: list[PublicEntry] = []

    def rows(items: list[PublicEntry]) -> Iterator[list[str]]:
        for p in _mark_disputed(session, items, day):
            yield [p.list_name, p.subject_name, p.subject_uscc or "",
                   p.subject_id_masked or "", p.document_type, p.document_number,
                   p.document_date.isoformat(), p.issuing_body, p.legal_basis,
                   p.department or "", p.listed_on.isoformat(), p.published_on.isoformat(),
                   p.removal_date.isoformat() if p.removal_date else "",
                   "是" if p.under_objection else ""]

    for e, s in session.execute(stmt).tuples():
        batch.append(_to_public(e, s, day))
        if len(batch) >= 1000:
            yield from rows(batch)
            batch = []
    yield from rows(batch)


def entries_for_uscc(session: Session, uscc: str | None, day: date) -> list[PublicEntry]:
    """The public list entries on the credit file of the subject with this code."""
    subject = session.scalar(select(Subject).where(Subject.uscc == uscc)) if uscc else None
    return entries_of_subject(session, subject, day) if subject is not None else []


def entries_of_subject(session: Session, subject: Subject, day: date) -> list[PublicEntry]:
    """The public list entries of one subject (organisations only: a natural person has no
    public credit file), for its credit file."""
    if subject.kind == "person":
        return []
    kinds = [k.id for k in public_kinds()]
    rows = session.execute(
        select(ListEntry, Subject).join(Subject, Subject.id == ListEntry.subject_id)
        .where(ListEntry.subject_id == subject.id, ListEntry.list_kind.in_(kinds),
               *public_on(day))
        .order_by(ListEntry.decided_on.desc(), ListEntry.id.desc())).tuples()
    return _mark_disputed(session, [_to_public(e, s, day) for e, s in rows], day)


def latest_published(session: Session, day: date, limit: int = 5) -> list[PublicEntry]:
    """The entries of every published kind most recently published and public on `day`
    (the home page)."""
    out: list[PublicEntry] = []
    for kind in public_kinds():
        rows = session.execute(
            select(ListEntry, Subject).join(Subject, Subject.id == ListEntry.subject_id)
            .where(ListEntry.list_kind == kind.id, *public_on(day), _visible(kind))
            .order_by(ListEntry.published_on.desc(), ListEntry.id.desc()).limit(limit))
        out += [_to_public(e, s, day) for e, s in rows.tuples()]
    out.sort(key=lambda p: (p.published_on, p.id), reverse=True)
    return _mark_disputed(session, out[:limit], day)


def list_names_for(session: Session, subject_ids: list[int], day: date
                   ) -> dict[int, list[str]]:
    """Subject id -> the names of the published lists it is on that day (the search
    results' mark)."""
    found: dict[int, list[str]] = {}
    if not subject_ids:
        return found
    kinds = {k.id: k for k in public_kinds()}
    rows = session.execute(
        select(ListEntry.subject_id, ListEntry.list_kind, ListEntry.legal_basis_id,
               Subject.kind)
        .join(Subject, Subject.id == ListEntry.subject_id)
        .where(ListEntry.subject_id.in_(subject_ids), ListEntry.list_kind.in_(list(kinds)),
               *public_on(day))
        .order_by(ListEntry.subject_id, ListEntry.list_kind)).tuples()
    for sid, kind_id, basis, subject_kind in rows:
        if subject_kind == "person" and basis not in _person_kinds(kinds[kind_id]):
            continue
        names = found.setdefault(sid, [])
        if kinds[kind_id].name not in names:
            names.append(kinds[kind_id].name)
    return found
