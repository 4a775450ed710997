"""Notices (通知公告): the credit office writes, publishes and withdraws them; the public site
shows the published ones, newest first. Every change is an audited write."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, Permission, authorize
from xinyong.core import clock
from xinyong.core.errors import Conflict, Invalid, NotFound, Problem
from xinyong.notices.tables import Notice

DRAFT, PUBLISHED, WITHDRAWN = "draft", "published", "withdrawn"
STATE_LABELS = {DRAFT: "草稿", PUBLISHED: "已发布", WITHDRAWN: "已撤下"}
TITLE_MAX = 200
BODY_MAX = 20000


@dataclass(frozen=True)
class NoticeInput:
    title: str
    body: str


def _clean(inp: NoticeInput) -> NoticeInput:
    title = " ".join((inp.title or "").split())
    body = (inp.body or "").replace("\r\n", "\n").strip()
    problems = []
    if not title:
        problems.append(Problem(None, "title", "required", "标题必须填写"))
    elif len(title) > TITLE_MAX:
        problems.append(Problem(None, "title", "too_long", f"标题不能超过{TITLE_MAX}个字"))
    if not body:
        problems.append(Problem(None, "body", "required", "正文必须填写"))
    elif len(body) > BODY_MAX:
        problems.append(Problem(None, "body", "too_long", f"正文不能超过{BODY_MAX}个字"))
    if any(ord(c) < 32 and c not in "\n\t" or ord(c) == 127 for c in title + body):
        problems.append(Problem(None, "body", "control_chars", "标题或正文含有控制字符"))
    if problems:
        raise Invalid("公告内容不完整：" + "；".join(p.message for p in problems),
                      code="notice_invalid", errors=problems)
    return NoticeInput(title, body)


def get_notice(session: Session, notice_id: int) -> Notice:
    n = session.get(Notice, notice_id)
    if n is None:
        raise NotFound(f"公告 {notice_id} 不存在", code="notice_not_found")
    return n


def _audit(session: Session, actor: Actor, action: str, n: Notice) -> None:
    audit.append(session, actor, f"notice.{action}",
                 details={"notice_id": n.id, "title": n.title, "state": n.state})


def create(session: Session, actor: Actor, inp: NoticeInput, *, publish: bool = False
           ) -> Notice:
    authorize(actor, Permission.NOTICES_MANAGE)
    clean = _clean(inp)
    now = clock.now()
    n = Notice(title=clean.title, body=clean.body, state=DRAFT, created_by=actor.name,
               created_at=now, updated_by=actor.name, updated_at=now)
    session.add(n)
    session.flush()
    _audit(session, actor, "create", n)
    if publish:
        set_state(session, actor, n.id, PUBLISHED)
    return n


def update(session: Session, actor: Actor, notice_id: int, inp: NoticeInput) -> Notice:
    authorize(actor, Permission.NOTICES_MANAGE)
    n = get_notice(session, notice_id)
    clean = _clean(inp)
    n.title, n.body = clean.title, clean.body
    n.updated_by, n.updated_at = actor.name, clock.now()
    session.flush()
    _audit(session, actor, "update", n)
    return n


def set_state(session: Session, actor: Actor, notice_id: int, state: str) -> Notice:
    """Publish (shown from today) or withdraw (taken down today) a notice."""
    authorize(actor, Permission.NOTICES_MANAGE)
    if state not in (PUBLISHED, WITHDRAWN):
        raise Invalid("公告只能发布或撤下", code="notice_state_invalid")
    n = get_notice(session, notice_id)
    if n.state == state:
        raise Conflict(f"该公告已是“{STATE_LABELS[state]}”状态", code="notice_state_unchanged")
    today = clock.today()
    n.state = state
    if state == PUBLISHED:
        n.published_on, n.withdrawn_on = today, None
    else:
        n.withdrawn_on = today
    n.updated_by, n.updated_at = actor.name, clock.now()
    session.flush()
    _audit(session, actor, "publish" if state == PUBLISHED else "withdraw", n)
    return n


def list_published(session: Session, *, limit: int = 20, offset: int = 0
                   ) -> tuple[list[Notice], int]:
    where = Notice.state == PUBLISHED
    total = session.scalar(select(func.count()).select_from(Notice).where(where)) or 0
    items = list(session.scalars(select(Notice).where(where)
                                 .order_by(Notice.published_on.desc(), Notice.id.desc())
                                 .offset(offset).limit(limit)))
    return items, total


def get_published(session: Session, notice_id: int) -> Notice:
    n = session.get(Notice, notice_id)
    if n is None or n.state != PUBLISHED:
        raise NotFound(f"公告 {notice_id} 不存在或已撤下", code="notice_not_found")
    return n


def list_all(session: Session, actor: Actor) -> list[Notice]:
    """Every notice, drafts and withdrawn ones too, for the credit office: a non-public read
    (drafts), audited."""
    authorize(actor, Permission.NOTICES_MANAGE)
    items = list(session.scalars(select(Notice).order_by(Notice.id.desc())))
    audit.append(session, actor, "notice.list", details={"notice_ids": [n.id for n in items]})
    return items
