"""Public subject API: search by name or code, the credit file, its records (`as_of`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from xinyong.accounts import Actor, Permission
from xinyong.api.deps import SessionDep, require, run_and_commit
from xinyong.api.params import refuse_unknown_query
from xinyong.api.types import PUBLIC_RECORD_TYPES, IsoDate
from xinyong.core import clock
from xinyong.lists.public import PublicEntry, entries_for_uscc
from xinyong.publication.reads import (
    CreditFile,
    PublicRecord,
    credit_file,
    public_counts_for,
)
from xinyong.subjects.search import SearchPage, search_subjects

router = APIRouter(prefix="/api/v1/subjects", tags=["subjects"],
                   dependencies=[Depends(refuse_unknown_query)])
PublicReader = Annotated[Actor, Depends(require(Permission.PUBLIC_READ))]
AsOf = Annotated[IsoDate | None, Query(description="YYYY-MM-DD: what was public that day "
                                    "(default today)")]


class Segment(BaseModel):
    text: str
    match: bool


class SubjectHitPublic(BaseModel):
    uscc: str | None
    name: str
    kind: str
    region_code: str | None
    matched_name: str
    matched_current: bool
    highlight: list[Segment]
    public_records: dict[str, int] = Field(
        default_factory=dict, description="status mark: records of each type public that day "
        "（e.g. penalty: 2 = 有行政处罚信息）")


class SearchPublic(BaseModel):
    query: str
    items: list[SubjectHitPublic]
    total: int
    capped: bool
    page: int
    per_page: int
    pages: int
    by_code: bool


class FieldPublic(BaseModel):
    header: str
    value: str


class RecordPublic(BaseModel):
    id: int
    record_type: str
    record_type_name: str
    document_number: str
    decision_date: date
    provider_name: str
    provider_uscc: str
    publish_until: date | None = Field(description="公示截止日期： the LAST day the record is "
                                       "shown (inclusive), the one end date of a record on the "
                                       "pages, the API and the CSV; null: open-ended (while "
                                       "valid)")
    rule_set_id: str
    severity: str | None
    subject_name: str
    subject_uscc: str | None
    under_objection: bool = Field(False, description="异议处理中：信息正在核查")
    fields: list[FieldPublic]


class SectionPublic(BaseModel):
    record_type: str
    name: str
    legal_basis: list[str]
    total: int
    items: list[RecordPublic]


class SubjectPublicOut(BaseModel):
    uscc: str | None
    name: str
    kind: str
    kind_label: str
    region_code: str | None
    legal_representative: str | None
    former_names: list[str]


class ListEntryOnFile(BaseModel):
    """A public list entry on the subject's credit file."""

    id: int
    list_kind: str
    list_name: str
    document_type: str
    document_number: str
    document_date: date
    issuing_body: str
    legal_basis: str
    department: str | None
    listed_on: date
    published_on: date
    removal_date: date | None
    under_objection: bool


class CreditFilePublic(BaseModel):
    as_of: date
    subject: SubjectPublicOut
    lists: list[ListEntryOnFile] = Field(default_factory=list,
                                         description="公示中的名单（红名单、严重失信主体名单等）")
    sections: list[SectionPublic]


class RecordList(BaseModel):
    as_of: date
    items: list[RecordPublic]
    total: int


# The outputs are built as plain dicts and validated once, as a whole, by the model: the
# same validation as constructing each nested model in Python, at a fifth of the cost (one
# call into pydantic-core instead of one per record, field and segment).

def search_out(page: SearchPage, marks: dict[int, dict[str, int]] | None = None
               ) -> SearchPublic:
    marks = marks or {}
    return SearchPublic.model_validate({
        "query": page.query, "total": page.total, "capped": page.capped, "page": page.page,
        "per_page": page.per_page, "pages": page.pages, "by_code": page.by_code,
        "items": [{"uscc": h.uscc, "name": h.name, "kind": h.kind,
                   "region_code": h.region_code, "matched_name": h.matched_name,
                   "matched_current": h.matched_current,
                   "highlight": [{"text": t, "match": m} for t, m in h.segments],
                   "public_records": marks.get(h.subject_id, {})}
                  for h in page.items]})


def _record_dict(r: PublicRecord) -> dict[str, Any]:
    return {"id": r.id, "record_type": r.record_type, "record_type_name": r.record_type_name,
            "document_number": r.document_number, "decision_date": r.decision_date,
            "provider_name": r.provider_name, "provider_uscc": r.provider_uscc,
            "publish_until": r.window_end, "rule_set_id": r.rule_set_id,
            "severity": r.severity, "subject_name": r.subject_name,
            "subject_uscc": r.subject_uscc, "under_objection": r.under_objection,
            "fields": [{"header": h, "value": v} for h, v in r.fields]}


def record_out(r: PublicRecord) -> RecordPublic:
    return RecordPublic.model_validate(_record_dict(r))


def credit_file_out(f: CreditFile, lists: list[PublicEntry] | None = None
                    ) -> CreditFilePublic:
    s = f.subject
    return CreditFilePublic.model_validate({
        "as_of": f.as_of,
        "lists": [{k: getattr(p, k) for k in ListEntryOnFile.model_fields} for p in lists or []],
        "subject": {"uscc": s.uscc, "name": s.name, "kind": s.kind, "kind_label": s.kind_label,
                    "region_code": s.region_code,
                    "legal_representative": s.legal_representative,
                    "former_names": s.former_names},
        "sections": [{"record_type": sec.record_type, "name": sec.name,
                      "legal_basis": sec.legal_basis, "total": len(sec.items),
                      "items": [_record_dict(r) for r in sec.items]}
                     for sec in f.sections]})


# The routes are async and hand their database work to the thread pool once, committing
# there (run_and_commit): a sync route would cost a hop for the route, one for validating its
# result and one for the commit.

@router.get("", response_model=SearchPublic, summary="按名称、曾用名或统一社会信用代码查询")
async def search(session: SessionDep, _actor: PublicReader,
                 q: Annotated[str, Query(min_length=1, max_length=100,
                                         description="名称（至少2个字）、曾用名或18位代码")],
                 page: Annotated[int, Query(ge=1, le=1000,
                                            description="页码；超过末页时返回末页")] = 1,
                 per_page: Annotated[int, Query(ge=1, le=50)] = 20) -> SearchPublic:
    def work() -> SearchPublic:
        found = search_subjects(session, q, page=page, per_page=per_page)
        return search_out(found, public_counts_for(
            session, [h.subject_id for h in found.items], clock.today()))

    return await run_and_commit(session, work)


def _moved(uscc: str, f: CreditFile, path: str, **params: object) -> Response | None:
    """A code merged into another subject (重错码 resolved) redirects to that subject's."""
    if f.subject.uscc is None or f.subject.uscc == uscc.strip().upper():
        return None
    query = urlencode({k: str(v) for k, v in params.items() if v is not None})
    return RedirectResponse(path.format(f.subject.uscc) + (f"?{query}" if query else ""),
                            status_code=301)


@router.get("/{uscc}", response_model=CreditFilePublic, summary="信用档案")
async def get_credit_file(uscc: str, session: SessionDep, _actor: PublicReader,
                          as_of: AsOf = None) -> CreditFilePublic | Response:
    day = as_of or clock.today()

    def work() -> CreditFilePublic | Response:
        f = credit_file(session, uscc, day)
        return _moved(uscc, f, "/api/v1/subjects/{}", as_of=as_of) or credit_file_out(
            f, entries_for_uscc(session, f.subject.uscc, day))

    return await run_and_commit(session, work)


@router.get("/{uscc}/records", response_model=RecordList, summary="信用主体的公示记录")
async def list_records(uscc: str, session: SessionDep, _actor: PublicReader,
                       type: Annotated[str | None, Query(description="信息类别，如 penalty",
                                                         json_schema_extra=PUBLIC_RECORD_TYPES)]
                       = None, as_of: AsOf = None) -> RecordList | Response:
    day = as_of or clock.today()

    def work() -> RecordList | Response:
        f = credit_file(session, uscc, day, record_type=type)
        moved = _moved(uscc, f, "/api/v1/subjects/{}/records", type=type, as_of=as_of)
        if moved is not None:
            return moved
        items = [_record_dict(r) for sec in f.sections for r in sec.items]
        return RecordList.model_validate({"as_of": day, "items": items, "total": len(items)})

    return await run_and_commit(session, work)
