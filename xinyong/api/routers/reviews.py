"""重错码 governance for the credit office: list the reviews ingest raises and resolve them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from xinyong.accounts import Actor, Permission
from xinyong.api.deps import DbId, SessionDep, require
from xinyong.api.types import AwareDatetime
from xinyong.codereview import Resolution, ReviewView, read_reviews, resolve

router = APIRouter(prefix="/api/v1/subject-reviews", tags=["subjects"])
Manager = Annotated[Actor, Depends(require(Permission.SUBJECTS_MANAGE))]


class ReviewPublic(BaseModel):
    id: int
    kind: str = Field(description="same_code_different_names | same_name_different_codes")
    kind_label: str
    status: str = Field(description="open | awaiting_correction | resolved")
    status_label: str
    uscc: str | None
    name: str
    other_name: str | None
    other_uscc: str | None
    provider_name: str | None = Field(description="the provider whose row raised it")
    provider_uscc: str | None
    batch_id: int | None
    detected_at: AwareDatetime
    resolution: str | None = Field(description="renamed | wrong_code | corrected | distinct | "
                                   "merged")
    resolution_label: str | None
    resolved_by: str | None
    resolved_at: AwareDatetime | None
    reason: str | None
    awaiting_records: int = Field(description="records still awaiting the provider's "
                                  "correction (wrong code)")
    merged_into: str | None


class ReviewList(BaseModel):
    items: list[ReviewPublic]
    total: int


class ResolutionIn(BaseModel):
    action: Literal["confirm_rename", "wrong_code", "distinct", "merge"] = Field(
        description="same code, different names: confirm_rename (both names are the "
        "subject's) or wrong_code (send the other name's records back to their provider); "
        "same name, different codes: distinct or merge")
    reason: str = Field(min_length=1, max_length=2000)
    merge_into: str | None = Field(None, max_length=18,
                                   description="merge: the USCC that stays")


def _out(v: ReviewView) -> ReviewPublic:
    return ReviewPublic(**v.__dict__)


@router.get("", response_model=ReviewList, summary="重错码核查（信用办）")
def reviews(session: SessionDep, actor: Manager,
            status: Annotated[Literal["open", "awaiting_correction", "resolved", "all"],
                              Query()] = "open") -> ReviewList:
    items = [_out(v) for v in read_reviews(session, actor, status)]
    return ReviewList(items=items, total=len(items))


@router.post("/{review_id}/resolution", response_model=ReviewPublic,
             summary="处理一条重错码核查（确认更名、退回更正、确认不同主体、合并），记入审计日志")
def resolution(review_id: DbId, body: ResolutionIn, session: SessionDep,
               actor: Manager) -> ReviewPublic:
    return _out(resolve(session, review_id, actor,
                        Resolution(body.action, body.reason, body.merge_into)))
