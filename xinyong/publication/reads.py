"""Public reads: what of a subject, a record type or the whole platform was public on day D,
for the web site, the API and the CSV export. Windows come from the judgements
(judging.py); the record's state (repaired, revoked, disputed) from xinyong.recordstate.

`as_of` (time travel): a record counts as public on day D when it had been received by D, its
window contains D and `is_public` says so; overrides (repair, revocation) carry their own
effective dates, so a dispute about what the site showed last March has an answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from xinyong import recordstate
from xinyong.catalog import Catalog, RecordType, default_catalog
from xinyong.catalog.model import FieldSpec
from xinyong.core.errors import Invalid, NotFound
from xinyong.core.masking import mask_name, scrub_text
from xinyong.ingest.tables import Batch, Provider, Record
from xinyong.publication.loader import default_rules
from xinyong.publication.rules import Window, is_public
from xinyong.publication.tables import PublicationJudgement
from xinyong.recordstate import hidden_by_voided_repair
from xinyong.subjects.search_tables import SubjectSearch
from xinyong.subjects.service import current_subject
from xinyong.subjects.tables import Subject, SubjectName
from xinyong.subjects.uscc import UsccError
from xinyong.subjects.uscc import validate as validate_uscc

COUNT_CAP = 10000
KIND_LABELS = {"organisation": "法人及非法人组织", "individual_business": "个体工商户",
               "government_body": "机关", "public_institution": "事业单位",
               "social_organisation": "社会组织", "person": "自然人"}
# Counterpart fields are shown once, in the subject's basic data, or not at all (codes that
# only identify the subject, identity documents).
HIDDEN_FIELDS = frozenset({
    "subject_name", "subject_category", "subject_uscc", "registration_number", "org_code",
    "tax_registration_number", "institution_certificate_number", "social_organisation_number",
    "legal_representative", "legal_representative_id_type", "legal_representative_id_number",
    "subject_id_type", "subject_id_number", "provider_name", "provider_uscc"})


def public_type_ids(catalog: Catalog, day: date | None = None) -> list[str]:
    """The record types the public site shows (on `day`: those in force that day; a retired
    type leaves the site from the day after its `effective_to`)."""
    return [rt.id for rt in catalog.record_types.values()
            if rt.disclosure == "public" and rt.publication.window != "not_published"
            and (day is None or rt.in_force(day))]


def public_conditions(day: date, catalog: Catalog,
                      hidden: Iterable[int] = ()) -> list[ColumnElement[bool]]:
    """The SQL form of `is_public` (plus "received by then") for listings and counts; the
    credit file uses `is_public` itself, and a test keeps the two in agreement. `hidden`:
    `hidden_by_voided_repair` for that day."""
    j = PublicationJudgement
    conds = [j.record_type.in_(public_type_ids(catalog, day)), j.public_from <= day,
             or_(j.window_end.is_(None), j.window_end >= day)]
    if hidden := sorted(hidden):
        conds.append(j.record_id.not_in(hidden))
    return conds


def retired_note(rt: RecordType, day: date) -> str | None:
    """Why a public record type shows nothing on `day` (outside its effective dates)."""
    if rt.effective_to is not None and day > rt.effective_to:
        return f"「{rt.name}」信息类别已于 {rt.effective_to.isoformat()} 停止适用，此后不再公示"
    if rt.effective_from is not None and day < rt.effective_from:
        return f"「{rt.name}」信息类别自 {rt.effective_from.isoformat()} 起适用"
    return None


def _public_select(day: date, catalog: Catalog, hidden: Iterable[int], *cols: Any
                   ) -> Select[Any]:
    return (select(*cols)
            .join(PublicationJudgement, PublicationJudgement.record_id == Record.id)
            .join(Subject, Subject.id == Record.subject_id)
            .where(*public_conditions(day, catalog, hidden)))


@dataclass(frozen=True)
class PublicRecord:
    id: int
    record_type: str
    record_type_name: str
    document_number: str
    decision_date: date
    provider_name: str
    provider_uscc: str
    # 公示截止日期: the LAST day the record is shown (inclusive), the one end date of a record
    # on every public page, the API (`publish_until`) and the CSV. None: open-ended.
    window_end: date | None
    rule_set_id: str
    severity: str | None
    fields: list[tuple[str, str]]  # (Chinese header, value) of the public fields
    subject_name: str = ""
    subject_uscc: str | None = None
    under_objection: bool = False  # 异议处理中: shown with the record while it is verified


@dataclass(frozen=True)
class Provenance:
    provider_name: str
    provider_uscc: str
    batch_id: int
    first_batch_id: int
    channel: str
    received_on: date
    record_version: int
    legal_basis: list[str]
    rule_set_id: str
    rule_set_title: str | None
    severity: str | None
    severity_source: str | None
    min_end: date | None
    max_end: date | None
    ended_by: str | None
    judged_at: datetime


@dataclass(frozen=True)
class Section:
    record_type: str
    name: str
    legal_basis: list[str]
    items: list[PublicRecord]


@dataclass(frozen=True)
class SubjectPublic:
    uscc: str | None
    name: str
    kind: str
    kind_label: str
    region_code: str | None
    legal_representative: str | None  # masked
    former_names: list[str]


@dataclass(frozen=True)
class CreditFile:
    subject: SubjectPublic
    as_of: date
    sections: list[Section]


def cite_all(rt: RecordType) -> list[str]:
    return [b.cite() + (f"：{b.text}" if b.text else "") for b in rt.legal_basis]


def shown_fields(rt: RecordType) -> list[FieldSpec]:
    """The fields a public record shows besides its basic data: not the counterpart's codes
    and identity documents, and not the provider's own end date (公示截止期), which the one
    computed 公示截止日期 replaces (it is used there when within the rule)."""
    end_field = rt.publication.ends if rt.publication.window == "repair_rules" else None
    return [f for f in rt.fields if f.name not in HIDDEN_FIELDS and f.type != "person_id"
            and f.name != end_field]


def _public_fields(rt: RecordType, data: dict[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for spec in shown_fields(rt):
        value = data.get(spec.name)
        if value in (None, "", []):
            continue
        text = "、".join(map(str, value)) if isinstance(value, list) else str(value)
        # Stored masked since issue 14; masked again for records stored before.
        out.append((spec.header, mask_name(text) if spec.personal else scrub_text(text)))
    return out


def _to_public(rt: RecordType, rec: Record, j: PublicationJudgement, prov: Provider,
               subject: Subject | None = None) -> PublicRecord:
    return PublicRecord(
        id=rec.id, record_type=rt.id, record_type_name=rt.name,
        document_number=str(rec.data.get("document_number", "")),
        decision_date=rec.decision_date, provider_name=prov.name, provider_uscc=prov.uscc,
        window_end=j.window_end, rule_set_id=j.rule_set_id, severity=j.severity,
        fields=_public_fields(rt, rec.data),
        subject_name=subject.name if subject else rec.subject_name,
        subject_uscc=subject.uscc if subject else None)


def _window_of(j: PublicationJudgement) -> Window | None:
    if j.window_start is None:
        return None
    return Window(j.window_start, j.window_end, j.ended_by or "open")  # type: ignore[arg-type]


def record_is_public(rt: RecordType, subject_kind: str, rec: Record,
                     j: PublicationJudgement | None, day: date,
                     hidden: Iterable[int] = ()) -> bool:
    """`hidden`: `hidden_by_voided_repair` for that day (for this record or more)."""
    if j is None or rec.received_on > day or rec.id in hidden:
        return False
    return is_public(rt, subject_kind, _window_of(j), day).public


def find_public_subject(session: Session, raw_uscc: str) -> Subject:
    """The subject of a public page: 422 for an invalid code, 404 for an unknown one (or a
    natural person, who is not published)."""
    try:
        code = validate_uscc(raw_uscc).code
    except UsccError as exc:
        raise Invalid(str(exc), code=exc.rule) from exc
    subject = session.scalar(select(Subject).where(Subject.uscc == code))
    if subject is None or subject.kind == "person":
        raise NotFound(f"未找到统一社会信用代码为 {code} 的信用主体", code="subject_not_found")
    # A code merged into another subject (重错码 resolved) shows that subject's file; the
    # pages redirect to its code.
    return current_subject(session, subject)


def _check_type(catalog: Catalog, record_type: str | None) -> None:
    if record_type is not None and record_type not in public_type_ids(catalog):
        raise Invalid(f"信息类别 '{record_type}' 不存在或不公示（可选："
                      f"{'、'.join(public_type_ids(catalog))})", code="record_type_unknown")


def _mark_disputed(session: Session, items: list[PublicRecord], day: date
                   ) -> list[PublicRecord]:
    disputed = recordstate.disputed_records(session, [r.id for r in items], day)
    return [replace(r, under_objection=True) if r.id in disputed else r for r in items]


def list_public_records(session: Session, subject: Subject, day: date, *,
                        record_type: str | None = None,
                        catalog: Catalog | None = None) -> list[PublicRecord]:
    catalog = catalog or default_catalog()
    _check_type(catalog, record_type)
    stmt = (select(Record, PublicationJudgement, Provider)
            .join(PublicationJudgement, PublicationJudgement.record_id == Record.id)
            .join(Provider, Provider.id == Record.provider_id)
            .where(Record.subject_id == subject.id))
    if record_type:
        stmt = stmt.where(Record.record_type == record_type)
    out = []
    rows = session.execute(stmt.order_by(Record.decision_date.desc(), Record.id.desc())).all()
    hidden = hidden_by_voided_repair(session, day, (rec.id for rec, _j, _p in rows))
    for rec, j, prov in rows:
        rt = catalog.find(rec.record_type)  # a type gone from the catalog is not public
        if rt is not None and record_is_public(rt, subject.kind, rec, j, day, hidden):
            # The name as the record states it (a former name stays), the file's code.
            out.append(replace(_to_public(rt, rec, j, prov), subject_uscc=subject.uscc))
    return _mark_disputed(session, out, day)


def credit_file(session: Session, raw_uscc: str, day: date, *,
                record_type: str | None = None, catalog: Catalog | None = None) -> CreditFile:
    """信用档案: basic data and one section per public record type (empty sections kept, so
    "no penalties" is visible as such)."""
    catalog = catalog or default_catalog()
    subject = find_public_subject(session, raw_uscc)
    records = list_public_records(session, subject, day, record_type=record_type,
                                  catalog=catalog)
    former = [n for n in session.scalars(select(SubjectName.name)
                                         .where(SubjectName.subject_id == subject.id)
                                         .order_by(SubjectName.first_seen_at))
              if n != subject.name]  # after a confirmed rename the new name is current
    sections = [Section(rt_id, catalog.get(rt_id).name, cite_all(catalog.get(rt_id)),
                        [r for r in records if r.record_type == rt_id])
                for rt_id in public_type_ids(catalog, day) if record_type in (None, rt_id)]
    lr = subject.legal_representative
    return CreditFile(SubjectPublic(subject.uscc, subject.name, subject.kind,
                                    KIND_LABELS.get(subject.kind, subject.kind),
                                    subject.region_code, mask_name(lr) if lr else None, former),
                      day, sections)


def get_public_record(session: Session, record_id: int, day: date, *,
                      catalog: Catalog | None = None) -> tuple[PublicRecord, Provenance]:
    """One public record with its provenance; a record not public that day is "not found"
    (its existence is not disclosed)."""
    catalog = catalog or default_catalog()
    row = session.execute(
        select(Record, PublicationJudgement, Provider, Subject, Batch)
        .outerjoin(PublicationJudgement, PublicationJudgement.record_id == Record.id)
        .join(Provider, Provider.id == Record.provider_id)
        .join(Subject, Subject.id == Record.subject_id)
        .join(Batch, Batch.id == Record.first_batch_id)
        .where(Record.id == record_id)).first()
    if row is None:
        raise NotFound(f"记录 {record_id} 不存在或未公示", code="record_not_found")
    rec, j, prov, subject, first_batch = row
    rt = catalog.record_types.get(rec.record_type)
    if rt is None or not record_is_public(rt, subject.kind, rec, j, day,
                                          hidden_by_voided_repair(session, day, [rec.id])):
        raise NotFound(f"记录 {record_id} 不存在或未公示", code="record_not_found")
    assert j is not None
    title = None
    if not j.rule_set_id.startswith("catalog:"):
        try:
            title = default_rules().get(j.rule_set_id).title
        except Exception:  # a rule set retired from the files: the id still identifies it
            title = None
    provenance = Provenance(
        provider_name=prov.name, provider_uscc=prov.uscc, batch_id=rec.batch_id,
        first_batch_id=rec.first_batch_id, channel=first_batch.channel,
        received_on=rec.received_on, record_version=rec.version, legal_basis=cite_all(rt),
        rule_set_id=j.rule_set_id, rule_set_title=title, severity=j.severity,
        severity_source=j.severity_source, min_end=j.min_end, max_end=j.max_end,
        ended_by=j.ended_by, judged_at=j.judged_at)
    return _mark_disputed(session, [_to_public(rt, rec, j, prov, subject)], day)[0], provenance


def counts_by_type(session: Session, day: date, *,
                   catalog: Catalog | None = None) -> dict[str, int]:
    catalog = catalog or default_catalog()
    types = public_type_ids(catalog, day)
    counts = dict.fromkeys(types, 0)
    j = PublicationJudgement  # one narrow table, no join (public_from); two index ranges
    # instead of "window_end IS NULL OR >= day", which no index can serve.
    hidden = sorted(hidden_by_voided_repair(session, day))
    for open_ended in (False, True):
        end = j.window_end.is_(None) if open_ended else j.window_end >= day
        stmt = (select(j.record_type, func.count())
                .where(j.record_type.in_(types), end, j.public_from <= day)
                .group_by(j.record_type))
        if hidden:
            stmt = stmt.where(j.record_id.not_in(hidden))
        for rt_id, n in session.execute(stmt):
            counts[rt_id] += n
    return counts


@dataclass
class ColumnPage:
    record_type: str
    name: str
    as_of: date
    items: list[PublicRecord]
    total: int
    page: int
    per_page: int
    capped: bool
    providers: list[tuple[str, str]] = field(default_factory=list)  # (USCC, name)
    note: str | None = None  # why a column shows nothing that day (a retired type)

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


def list_column(session: Session, record_type: str, day: date, *,
                provider_uscc: str | None = None, region: str | None = None,
                date_from: date | None = None, date_to: date | None = None, page: int = 1,
                per_page: int = 20, catalog: Catalog | None = None) -> ColumnPage:
    """专栏: public records of one type, newest decision first, filtered by department
    (its USCC), region (prefix of the subject's 6-digit division code) and decision date.
    A page past the last is the last."""
    catalog = catalog or default_catalog()
    _check_type(catalog, record_type)
    if region is not None and (not region.isdigit() or not 2 <= len(region) <= 6):
        raise Invalid("行政区划代码应为2至6位数字", code="region_invalid")
    page = max(page, 1)
    conds: list[ColumnElement[bool]] = [Record.record_type == record_type]
    if provider_uscc:
        try:
            code = validate_uscc(provider_uscc).code
        except UsccError as exc:
            raise Invalid(f"数据提供单位的统一社会信用代码有误：{exc}",
                          code="provider_invalid") from exc
        conds.append(Record.provider_id.in_(select(Provider.id).where(Provider.uscc == code)))
    if region:
        conds.append(Subject.region_code.like(f"{region}%"))
    if date_from:
        conds.append(Record.decision_date >= date_from)
    if date_to:
        conds.append(Record.decision_date <= date_to)
    # Newest first, as the page reads: recent records are the public ones, so the capped
    # count stops early instead of walking years of expired windows.
    hidden = hidden_by_voided_repair(session, day)
    base = (_public_select(day, catalog, hidden, Record.id).where(and_(*conds))
            .order_by(Record.decision_date.desc()))
    total = session.scalar(select(func.count()).select_from(base.limit(COUNT_CAP + 1)
                                                                .subquery())) or 0
    page = min(page, max((min(total, COUNT_CAP) + per_page - 1) // per_page, 1))
    stmt = (_public_select(day, catalog, hidden, Record, PublicationJudgement, Provider,
                           Subject)
            .join(Provider, Provider.id == Record.provider_id).where(and_(*conds))
            .order_by(Record.decision_date.desc(), Record.id.desc())
            .offset((page - 1) * per_page).limit(per_page))
    rt = catalog.get(record_type)
    items = _mark_disputed(session, [_to_public(rt, rec, j, prov, subject)
                                     for rec, j, prov, subject in session.execute(stmt)], day)
    providers = [(uscc, name) for uscc, name in session.execute(
        select(Provider.uscc, Provider.name).where(Provider.id.in_(
            select(Batch.provider_id).where(Batch.record_type == record_type)))
        .order_by(Provider.name))]
    return ColumnPage(record_type, rt.name, day, items, min(total, COUNT_CAP), page, per_page,
                      total > COUNT_CAP, providers, retired_note(rt, day))


EXPORT_CAP = 100_000


def export_column(session: Session, record_type: str, day: date, *,
                  catalog: Catalog | None = None) -> Iterator[list[str]]:
    """The public records of one column as CSV rows (header first): exactly what the site
    shows that day, so a repaired, revoked or expired record is never in an export."""
    catalog = catalog or default_catalog()
    _check_type(catalog, record_type)
    rt = catalog.get(record_type)
    shown = shown_fields(rt)
    yield ["信息编号", "主体名称", "统一社会信用代码", "数据提供单位", "公示截止日期",
           "异议处理中", *[f.header for f in shown]]
    stmt = (_public_select(day, catalog, hidden_by_voided_repair(session, day), Record,
                           PublicationJudgement, Provider, Subject)
            .join(Provider, Provider.id == Record.provider_id)
            .where(Record.record_type == record_type)
            .order_by(Record.decision_date.desc(), Record.id.desc()).limit(EXPORT_CAP)
            .execution_options(yield_per=2000))
    page: list[PublicRecord] = []

    def rows(items: list[PublicRecord]) -> Iterator[list[str]]:
        for r in _mark_disputed(session, items, day):
            values = dict(r.fields)
            yield [str(r.id), r.subject_name, r.subject_uscc or "", r.provider_name,
                   r.window_end.isoformat() if r.window_end else "长期",
                   "是" if r.under_objection else "",
                   *[values.get(f.header, "") for f in shown]]

    for rec, j, prov, subject in session.execute(stmt):
        page.append(_to_public(rt, rec, j, prov, subject))
        if len(page) >= 2000:
            yield from rows(page)
            page = []
    yield from rows(page)


def public_counts_for(session: Session, subject_ids: Iterable[int], day: date, *,
                      catalog: Catalog | None = None) -> dict[int, dict[str, int]]:
    """Per subject, how many of its records of each type were public on `day`: the status
    mark of a search result (有行政处罚信息) from the same conditions as the columns."""
    ids = sorted(set(subject_ids))
    if not ids:
        return {}
    catalog = catalog or default_catalog()
    hidden = hidden_by_voided_repair(session, day)
    stmt = (_public_select(day, catalog, hidden, Record.subject_id, Record.record_type,
                           func.count())
            .where(Record.subject_id.in_(ids))
            .group_by(Record.subject_id, Record.record_type))
    out: dict[int, dict[str, int]] = {}
    for sid, rt_id, n in session.execute(stmt):
        out.setdefault(sid, {})[rt_id] = int(n)
    return out


def subject_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SubjectSearch)
                          .where(SubjectSearch.current.is_(True))) or 0
