"""Notices (通知公告): published ones for everyone; writing, publishing and withdrawing for
the credit office (notices:manage). The twin of /notices and /notices/manage."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from xinyong import notices
from xinyong.accounts import Actor, Permission
from xinyong.api.deps import DbId, SessionDep, require
from xinyong.api.params import refuse_unknown_query
from xinyong.api.types import AwareDatetime
from xinyong.notices.service import BODY_MAX, TITLE_MAX

router = APIRouter(prefix="/api/v1/notices", tags=["notices"])
Reader = Annotated[Actor, Depends(require(Permission.PUBLIC_READ))]
Manager = Annotated[Actor, Depends(require(Permission.NOTICES_MANAGE))]


class NoticePublic(BaseModel):
    id: int
    title: str
    body: str
    published_on: date | None


class NoticeShared(NoticePublic):
    state: Literal["draft", "published", "withdrawn"]
    state_label: str
    withdrawn_on: date | None
    created_by: str
    updated_by: str
    updated_at: AwareDatetime


class NoticeList(BaseModel):
    items: list[NoticePublic]
    total: int


class NoticeIn(BaseModel):
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    body: str = Field(min_length=1, max_length=BODY_MAX)
    publish: bool = False


class NoticeState(BaseModel):
    state: Literal["published", "withdrawn"]


def _shared(n: notices.Notice) -> NoticeShared:
    return NoticeShared(id=n.id, title=n.title, body=n.body, published_on=n.published_on,
                        state=n.state, state_label=notices.STATE_LABELS[n.state],
                        withdrawn_on=n.withdrawn_on, created_by=n.created_by,
                        updated_by=n.updated_by, updated_at=n.updated_at)


@router.get("", response_model=NoticeList, summary="已发布的通知公告（最新在前）",
            dependencies=[Depends(refuse_unknown_query)])
def list_notices(session: SessionDep, _actor: Reader,
                 page: Annotated[int, Query(ge=1, le=10000)] = 1,
                 per_page: Annotated[int, Query(ge=1, le=100)] = 20) -> NoticeList:
    items, total = notices.list_published(session, limit=per_page,
                                          offset=(page - 1) * per_page)
    return NoticeList(items=[NoticePublic(id=n.id, title=n.title, body=n.body,
                                          published_on=n.published_on) for n in items],
                      total=total)


@router.get("/all", response_model=list[NoticeShared], summary="全部公告（含草稿、已撤下），信用办")
def all_notices(session: SessionDep, actor: Manager) -> list[NoticeShared]:
    return [_shared(n) for n in notices.list_all(session, actor)]


@router.get("/{notice_id}", response_model=NoticePublic, summary="一条已发布的通知公告",
            dependencies=[Depends(refuse_unknown_query)])
def get_notice(notice_id: DbId, session: SessionDep, _actor: Reader) -> NoticePublic:
    n = notices.get_published(session, notice_id)
    return NoticePublic(id=n.id, title=n.title, body=n.body, published_on=n.published_on)


@router.post("", response_model=NoticeShared, status_code=201, summary="撰写公告，信用办")
def create_notice(body: NoticeIn, session: SessionDep, actor: Manager) -> NoticeShared:
    return _shared(notices.create(session, actor, notices.NoticeInput(body.title, body.body),
                                  publish=body.publish))


@router.put("/{notice_id}", response_model=NoticeShared, summary="修改公告，信用办")
def update_notice(notice_id: DbId, body: NoticeIn, session: SessionDep,
                  actor: Manager) -> NoticeShared:
    return _shared(notices.update(session, actor, notice_id,
                                  notices.NoticeInput(body.title, body.body)))


@router.post("/{notice_id}/state", response_model=NoticeShared, summary="发布或撤下公告，信用办")
def set_notice_state(notice_id: DbId, body: NoticeState, session: SessionDep,
                     actor: Manager) -> NoticeShared:
    return _shared(notices.set_state(session, actor, notice_id, body.state))
