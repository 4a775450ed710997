"""Data quality per provider (credit office and data officers): the twin of `xinyong quality`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from xinyong.accounts import Actor, Permission
from xinyong.api.deps import SessionDep, require
from xinyong.ingest.reads import read_end_date_warnings, read_quality

router = APIRouter(prefix="/api/v1/quality", tags=["quality"])
# The credit office sees every department; a data officer its own (as on /quality).
Reader = Annotated[Actor, Depends(require(Permission.QUALITY_READ))]


class ProviderQualityPublic(BaseModel):
    provider_uscc: str
    provider_name: str
    batches: int
    submitted: int
    valid: int
    records: int
    on_time: int
    late: int
    timeliness_unknown: int
    end_dates_overridden: int = Field(description="records whose own 公示截止期 lies outside "
                                      "the rule's minimum and maximum (the rule wins)")
    code_reviews: int = Field(description="重错码 reviews raised by the provider's rows")
    code_errors: int = Field(description="of those, found to be a wrong code (marked wrong "
                             "or merged)")
    compliance_rate: float | None
    timeliness_rate: float | None
    code_review_rate: float | None = Field(description="重错码率 = code_reviews / records")


class QualityList(BaseModel):
    items: list[ProviderQualityPublic]
    total: int


class EndDateWarningPublic(BaseModel):
    id: int
    record_type: str
    document_number: str
    provider_name: str
    provider_uscc: str
    decision_date: date
    given: str = Field(description="公示截止期 as the provider sent it")
    min_end: date
    max_end: date
    publish_until: date | None = Field(description="公示截止日期： the last day the record "
                                       "is shown, by the rule")


class EndDateWarningList(BaseModel):
    items: list[EndDateWarningPublic]
    total: int
    page: int


@router.get("", response_model=QualityList,
            summary="数据质量：合规率、及时率、公示截止期警告、重错码率（按数据提供单位；"
            "数据提供单位看本单位的）")
def quality(session: SessionDep, actor: Reader) -> QualityList:
    items = [ProviderQualityPublic(**q.__dict__, compliance_rate=q.compliance_rate,
                                   timeliness_rate=q.timeliness_rate,
                                   code_review_rate=q.code_review_rate)
             for q in read_quality(session, actor)]
    return QualityList(items=items, total=len(items))


@router.get("/end-dates", response_model=EndDateWarningList,
            summary="公示截止期超出公示规则的记录（警告：已按规则公示）")
def end_dates(session: SessionDep, actor: Reader,
              provider: Annotated[str | None, Query(max_length=18,
                                                    description="数据提供单位统一社会信用代码")]
              = None,
              page: Annotated[int, Query(ge=1, le=100000)] = 1) -> EndDateWarningList:
    items, total = read_end_date_warnings(session, actor, provider_uscc=provider, page=page)
    return EndDateWarningList(items=[EndDateWarningPublic(**w.__dict__) for w in items],
                              total=total, page=page)
