"""Watching subjects (关注主体): subscriptions, the inbox and its deliveries. The twin of /watch.
A department's subscription is a query: it declares its purpose (as every non-public read)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from xinyong.accounts import Actor, Permission, declare_purpose
from xinyong.api.deps import DbId, SessionDep, require
from xinyong.monitoring import watch

router = APIRouter(prefix="/api/v1/watch", tags=["watch"])
Watcher = Annotated[Actor, Depends(require(Permission.WATCH_SUBSCRIBE))]


class SubscriptionIn(BaseModel):
    uscc: str = Field(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$",
                      description="关注主体的统一社会信用代码")
    webhook_url: str | None = Field(None, max_length=500, pattern=r"^https?://\S+$",
                                    description="推送地址（可选）；不填则只进收件箱")
    purpose: Literal["licensing", "procurement", "bidding", "subsidy", "inspection",
                     "other"] | None = Field(None, description="部门关注须声明查询事由")
    purpose_text: str | None = Field(None, max_length=200)


class SubscriptionOut(BaseModel):
    id: int
    subject_uscc: str
    subject_name: str
    own: bool
    purpose: str | None
    webhook_url: str | None
    created_at: datetime


class SubscriptionCreated(SubscriptionOut):
    secret: str | None = Field(description="推送签名密钥（HMAC-SHA256），只显示这一次")


class AttemptOut(BaseModel):
    attempt: int
    at: datetime
    status_code: int | None
    ok: bool


class EventOut(BaseModel):
    id: int
    subscription_id: int
    kind: Literal["record", "listed", "removed", "repaired"]
    kind_label: str
    what: str
    occurred_on: date | None
    state: Literal["inbox", "pending", "delivered", "failed"]
    attempts: list[AttemptOut]


def _out(s: watch.Subscription) -> SubscriptionOut:
    return SubscriptionOut(id=s.id, subject_uscc=s.subject_uscc, subject_name=s.subject_name,
                           own=s.own, purpose=s.purpose, webhook_url=s.webhook_url,
                           created_at=s.created_at)


@router.get("/subscriptions", response_model=list[SubscriptionOut], summary="我关注的主体")
def list_subscriptions(session: SessionDep, actor: Watcher) -> list[SubscriptionOut]:
    return [_out(s) for s in watch.subscriptions(session, actor)]


@router.post("/subscriptions", response_model=SubscriptionCreated, status_code=201,
             summary="关注一个主体（企业：本企业或合作伙伴的公开信息；部门：须声明事由）")
def create_subscription(body: SubscriptionIn, session: SessionDep,
                        actor: Watcher) -> SubscriptionCreated:
    purpose = declare_purpose(body.purpose, body.purpose_text) if body.purpose else None
    new = watch.subscribe(session, actor, body.uscc, webhook_url=body.webhook_url,
                          purpose=purpose)
    return SubscriptionCreated(**_out(new.subscription).model_dump(), secret=new.secret)


@router.delete("/subscriptions/{subscription_id}", status_code=204, summary="取消关注")
def delete_subscription(subscription_id: DbId, session: SessionDep, actor: Watcher) -> None:
    watch.unsubscribe(session, actor, subscription_id)


@router.get("/inbox", response_model=list[EventOut], summary="关注主体的变动（收件箱和推送记录）")
def inbox(session: SessionDep, actor: Watcher) -> list[EventOut]:
    events = watch.inbox(session, actor)
    attempts = watch.attempts_of(session, [e.id for e in events])
    return [EventOut(id=e.id, subscription_id=e.subscription_id, kind=e.kind,
                     kind_label=watch.KIND_LABELS[e.kind], what=e.what,
                     occurred_on=e.occurred_on, state=e.state,
                     attempts=[AttemptOut(attempt=a.attempt, at=a.at, status_code=a.status_code,
                                          ok=a.ok) for a in attempts.get(e.id, [])])
            for e in events]
