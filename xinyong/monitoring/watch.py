"""Watching a subject (关注主体): a department (a query with a declared purpose, audited when
it subscribes and at every change delivered) or an enterprise (its own file, its partners'
public files) subscribes; `scan` turns new public records, listings, removals and approved
repairs of the watched subjects into inbox events (set-based, one SELECT per kind); `deliver`
pushes each to the subscriber's webhook, HMAC-SHA256 signed, retried with exponential backoff,
every attempt logged."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, DeclaredPurpose, Permission, Role, authorize
from xinyong.core import clock
from xinyong.core.errors import Conflict, Forbidden, Invalid, NotFound
from xinyong.ingest.tables import Record
from xinyong.lists.tables import ListEntry
from xinyong.monitoring.tables import DeliveryAttempt, Subscription, WatchEvent
from xinyong.publication.tables import PublicationJudgement
from xinyong.repair.tables import RepairApplication, RepairStep
from xinyong.subjects.tables import Subject

__all__ = ["DeliveryAttempt", "Subscription", "WatchEvent", "allowed_hosts", "deliver",
           "guarded_post", "inbox", "scan", "sign", "subscribe", "subscriptions",
           "unsubscribe", "verify"]
MAX_ATTEMPTS = 6
BACKOFF_SECONDS = 60  # 1, 2, 4, 8, 16 minutes between attempts
TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-Xinyong-Signature"
KIND_LABELS = {"record": "新增公示信息", "listed": "列入名单", "removed": "移出名单",
               "repaired": "信用修复"}
PENDING, DELIVERED, FAILED, INBOX = "pending", "delivered", "failed", "inbox"


def owner_of(actor: Actor) -> tuple[str, str]:
    """(owner kind, owner key): a department by its USCC, an enterprise by its USCC, the
    credit office by account name."""
    if actor.role == Role.SUBJECT:
        if not actor.subject_uscc:
            raise Forbidden("账户未关联信用主体", code="no_subject")
        return "subject", actor.subject_uscc
    if actor.department_uscc:
        return "department", actor.department_uscc
    return "office", actor.name


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    """What a receiver does: recompute the signature over the raw body, compare in constant
    time."""
    return hmac.compare_digest(sign(secret, body), signature or "")


def _check_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Invalid("推送地址应为 http:// 或 https:// 开头的网址", code="webhook_url_invalid")
    return url.strip()


@dataclass(frozen=True)
class NewSubscription:
    subscription: Subscription
    secret: str | None  # shown once, when a webhook is given


def subscribe(session: Session, actor: Actor, uscc: str, *, webhook_url: str | None = None,
              purpose: DeclaredPurpose | None = None) -> NewSubscription:
    authorize(actor, Permission.WATCH_SUBSCRIBE)
    kind, key = owner_of(actor)
    code = (uscc or "").strip().upper()
    subject = session.scalar(select(Subject).where(Subject.uscc == code))
    if subject is None or subject.kind == "person":
        raise NotFound(f"统一社会信用代码为 {code} 的主体不存在", code="subject_not_found")
    if kind == "department" and purpose is None:
        raise Invalid("部门关注主体须声明查询事由（purpose）", code="purpose_required")
    url = _check_url(webhook_url)
    if session.scalar(select(Subscription.id).where(
            Subscription.owner_kind == kind, Subscription.owner_key == key,
            Subscription.subject_id == subject.id, Subscription.active.is_(True))):
        raise Conflict(f"已关注 {code}", code="already_watching")
    secret = secrets.token_urlsafe(32) if url else None
    now = clock.now()
    sub = Subscription(owner_kind=kind, owner_key=key, subject_id=subject.id,
                       subject_uscc=code, subject_name=subject.name, own=(code == key),
                       purpose=purpose.purpose.value if purpose else None,
                       purpose_text=purpose.text if purpose else None, webhook_url=url,
                       secret=secret, active=True, created_by=actor.name, created_at=now,
                       scanned_at=now)
    session.add(sub)
    session.flush()
    audit.append(session, actor, "watch.subscribe", subject_uscc=code, purpose=purpose,
                 details={"subscription_id": sub.id, "owner": key, "webhook": bool(url)})
    return NewSubscription(sub, secret)


def unsubscribe(session: Session, actor: Actor, subscription_id: int) -> None:
    authorize(actor, Permission.WATCH_SUBSCRIBE)
    sub = _own_subscription(session, actor, subscription_id)
    sub.active = False
    audit.append(session, actor, "watch.unsubscribe", subject_uscc=sub.subject_uscc,
                 details={"subscription_id": sub.id})


def _own_subscription(session: Session, actor: Actor, subscription_id: int) -> Subscription:
    kind, key = owner_of(actor)
    sub = session.get(Subscription, subscription_id)
    if sub is None or (sub.owner_kind, sub.owner_key) != (kind, key):
        raise NotFound(f"关注 {subscription_id} 不存在", code="subscription_not_found")
    return sub


def subscriptions(session: Session, actor: Actor) -> list[Subscription]:
    authorize(actor, Permission.WATCH_SUBSCRIBE)
    kind, key = owner_of(actor)
    items = list(session.scalars(select(Subscription).where(
        Subscription.owner_kind == kind, Subscription.owner_key == key,
        Subscription.active.is_(True)).order_by(Subscription.id)))
    audit.append(session, actor, "watch.subscriptions.read", details={
        "owner": key, "subscriptions": len(items)})
    return items


def inbox(session: Session, actor: Actor, *, limit: int = 100) -> list[WatchEvent]:
    """The subscriber's events, newest first (its own reads: audited as such)."""
    authorize(actor, Permission.WATCH_SUBSCRIBE)
    kind, key = owner_of(actor)
    items = list(session.scalars(
        select(WatchEvent).join(Subscription, Subscription.id == WatchEvent.subscription_id)
        .where(Subscription.owner_kind == kind, Subscription.owner_key == key)
        .order_by(WatchEvent.id.desc()).limit(limit)))
    audit.append(session, actor, "watch.inbox.read", details={"owner": key,
                                                               "events": len(items)})
    return items


def attempts_of(session: Session, event_ids: list[int]) -> dict[int, list[DeliveryAttempt]]:
    out: dict[int, list[DeliveryAttempt]] = {}
    for a in session.scalars(select(DeliveryAttempt).where(
            DeliveryAttempt.event_id.in_(event_ids or [0])).order_by(DeliveryAttempt.id)):
        out.setdefault(a.event_id, []).append(a)
    return out


# -- scan: new public changes of watched subjects -> events ---------------------------------

def scan(session: Session, *, now: datetime | None = None) -> int:
    """Events for every active subscription since its last scan; returns how many."""
    now = now or clock.now()
    today = now.date()
    subs = Subscription.__table__
    active = select(subs.c.id, subs.c.subject_id, subs.c.scanned_at, subs.c.webhook_url,
                    subs.c.own).where(subs.c.active.is_(True)).subquery()
    j = PublicationJudgement
    public_now = and_(j.public_from.is_not(None), j.public_from <= today,
                      or_(j.window_end.is_(None), j.window_end >= today))
    queries = [
        ("record", select(active.c.id, active.c.webhook_url, Record.id, Record.subject_id,
                          Record.record_type, Record.decision_date)
         .join(Record, Record.subject_id == active.c.subject_id)
         .outerjoin(j, j.record_id == Record.id)
         # An enterprise's own file: every record; anyone else's: what is public today.
         .where(Record.created_at > active.c.scanned_at, Record.created_at <= now,
                or_(active.c.own.is_(True), public_now))),
        ("listed", select(active.c.id, active.c.webhook_url, ListEntry.id,
                          ListEntry.subject_id, ListEntry.list_kind, ListEntry.published_on)
         .join(ListEntry, ListEntry.subject_id == active.c.subject_id)
         .where(ListEntry.published_on.is_not(None),
                ListEntry.updated_at > active.c.scanned_at, ListEntry.updated_at <= now,
                ListEntry.removed_on.is_(None))),
        ("removed", select(active.c.id, active.c.webhook_url, ListEntry.id,
                           ListEntry.subject_id, ListEntry.list_kind, ListEntry.removed_on)
         .join(ListEntry, ListEntry.subject_id == active.c.subject_id)
         .where(ListEntry.removed_on.is_not(None), ListEntry.published_on.is_not(None),
                ListEntry.updated_at > active.c.scanned_at, ListEntry.updated_at <= now)),
        ("repaired", select(active.c.id, active.c.webhook_url, RepairApplication.id,
                            RepairApplication.subject_id, RepairApplication.state,
                            RepairApplication.decided_on)
         .join(RepairApplication, RepairApplication.subject_id == active.c.subject_id)
         .join(RepairStep, and_(RepairStep.application_id == RepairApplication.id,
                                RepairStep.action == "approve"))
         .where(RepairStep.at > active.c.scanned_at, RepairStep.at <= now)),
    ]
    rows: list[dict[str, Any]] = []
    for kind, stmt in queries:
        for sub_id, url, ref_id, subject_id, what, on in session.execute(stmt):
            rows.append({"subscription_id": sub_id, "kind": kind, "ref_id": ref_id,
                         "subject_id": subject_id, "what": str(what), "occurred_on": on,
                         "state": PENDING if url else INBOX, "attempts": 0,
                         "next_attempt_at": now if url else None, "created_at": now})
    if rows:
        seen = set(session.execute(select(WatchEvent.subscription_id, WatchEvent.kind,
                                          WatchEvent.ref_id).where(
            WatchEvent.subscription_id.in_({r["subscription_id"] for r in rows}))).tuples())
        rows = [r for r in rows if (r["subscription_id"], r["kind"], r["ref_id"]) not in seen]
    if rows:
        session.execute(insert(WatchEvent), rows)
    session.execute(update(Subscription).where(Subscription.active.is_(True))
                    .values(scanned_at=now))
    return len(rows)


# -- deliver: pending events -> webhooks ----------------------------------------------------

Sender = Callable[[str, bytes, dict[str, str]], int]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A receiver answering with a redirect is answered as its status: following it would let
    # a public address send the platform's push to an internal one.
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def http_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST and return the status; a network failure raises OSError."""
    req = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with _OPENER.open(req, timeout=TIMEOUT_SECONDS) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def allowed_hosts(setting: str) -> frozenset[str]:
    """XINYONG_WEBHOOK_ALLOWED_HOSTS as a set of lower-case host names or addresses."""
    return frozenset(h.strip().lower() for h in setting.split(",") if h.strip())


def internal_address(host: str) -> str | None:
    """The first address `host` resolves to that is not a global one (private, loopback,
    link-local such as 169.254.169.254, reserved, multicast), or None."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise OSError(f"推送地址的主机名无法解析：{host}") from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            return str(address)
    return None


def guarded_post(allowed: frozenset[str] = frozenset()) -> Sender:
    """`http_post` that refuses (OSError, logged as a failed attempt) a webhook whose host
    resolves to an internal address, unless the host is named in `allowed`: a subscriber
    must not make the platform reach into its own network (SSRF)."""
    def send(url: str, body: bytes, headers: dict[str, str]) -> int:
        host = (urlsplit(url).hostname or "").lower()
        if host not in allowed:
            internal = internal_address(host)
            if internal is not None:
                raise OSError(f"推送地址 {host} 解析为内网或保留地址 {internal}，未列入"
                              "XINYONG_WEBHOOK_ALLOWED_HOSTS，不推送")
        return http_post(url, body, headers)
    return send


def payload(event: WatchEvent, sub: Subscription) -> dict[str, Any]:
    return {"event_id": event.id, "kind": event.kind, "kind_label": KIND_LABELS[event.kind],
            "subject": {"uscc": sub.subject_uscc, "name": sub.subject_name},
            "ref_id": event.ref_id, "what": event.what,
            "occurred_on": event.occurred_on.isoformat() if event.occurred_on else None,
            "detail_url": f"/subjects/{sub.subject_uscc}"}


@dataclass(frozen=True)
class DeliverResult:
    delivered: int
    retrying: int
    failed: int


def deliver(session: Session, actor: Actor, *, now: datetime | None = None,
            send: Sender | None = None, limit: int = 500) -> DeliverResult:
    """Push the events due now; a failure is retried after 1, 2, 4, 8, 16 minutes, then the
    event is marked failed (it stays in the inbox). Every attempt is logged. The default
    sender reaches no internal address (`guarded_post`)."""
    now = now or clock.now()
    send = send or guarded_post()
    due = session.execute(
        select(WatchEvent, Subscription).join(Subscription,
                                              Subscription.id == WatchEvent.subscription_id)
        .where(WatchEvent.state == PENDING, WatchEvent.next_attempt_at <= now,
               Subscription.active.is_(True), Subscription.webhook_url.is_not(None))
        .order_by(WatchEvent.id).limit(limit)).tuples().all()
    delivered = retrying = failed = 0
    for event, sub in due:
        body = json.dumps(payload(event, sub), ensure_ascii=False, sort_keys=True).encode()
        headers = {"Content-Type": "application/json; charset=utf-8",
                   SIGNATURE_HEADER: sign(sub.secret or "", body),
                   "X-Xinyong-Event": str(event.id),
                   "X-Xinyong-Delivery": str(event.attempts + 1)}
        status, error = None, None
        try:
            status = send(sub.webhook_url or "", body, headers)
        except OSError as exc:
            error = str(exc)[:500]
        event.attempts += 1
        ok = status is not None and 200 <= status < 300
        session.add(DeliveryAttempt(event_id=event.id, attempt=event.attempts, at=now,
                                    status_code=status, error=error, ok=ok))
        if ok:
            event.state, event.delivered_at, event.next_attempt_at = DELIVERED, now, None
            delivered += 1
            if sub.owner_kind == "department":  # a query by the department: audited
                audit.append(session, actor, "watch.delivered", subject_uscc=sub.subject_uscc,
                             purpose=_purpose(sub), details={
                                 "event_id": event.id, "department": sub.owner_key,
                                 "kind": event.kind})
        elif event.attempts >= MAX_ATTEMPTS:
            event.state, event.next_attempt_at = FAILED, None
            failed += 1
        else:
            event.next_attempt_at = now + timedelta(
                seconds=BACKOFF_SECONDS * 2 ** (event.attempts - 1))
            retrying += 1
    return DeliverResult(delivered, retrying, failed)


def _purpose(sub: Subscription) -> DeclaredPurpose | None:
    from xinyong.accounts import Purpose

    return DeclaredPurpose(Purpose(sub.purpose), sub.purpose_text) if sub.purpose else None
