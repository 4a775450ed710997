"""Watching a subject: a department (with a declared purpose) and an enterprise subscribe; new
public records and listings reach the inbox; the webhook gets them signed (HMAC-SHA256),
a failed push is retried with backoff, every attempt is logged."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from sqlalchemy import Engine, select

from tests.accounts.helpers import client_as
from tests.monitoring.dataset import D1, build
from tests.monitoring.helpers import add
from tests.monitoring.test_indicators import ADMIN
from xinyong.accounts import Actor, DeclaredPurpose, Purpose, Role
from xinyong.audit import AuditEntry
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.core.settings import Settings
from xinyong.ingest.tables import Provider, Record
from xinyong.lists.tables import ListEntry
from xinyong.monitoring import watch
from xinyong.monitoring.tables import DeliveryAttempt, WatchEvent
from xinyong.publication.tables import PublicationJudgement

OFFICER = Actor(role=Role.DATA_OFFICER, name="市监局报送员", department_uscc=D1,
                department_class="enforcement", client="testclient")


# The test's receiver listens on the loopback address, which the platform refuses unless
# XINYONG_WEBHOOK_ALLOWED_HOSTS names it.
LOCAL = watch.guarded_post(watch.allowed_hosts("127.0.0.1"))


class Receiver(BaseHTTPRequestHandler):
    """A subscriber's endpoint: refuses the first push (503), accepts the rest."""

    received: list[tuple[bytes, dict[str, str]]] = []
    fail_first = True

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((body, dict(self.headers)))
        status = 503 if type(self).fail_first and len(type(self).received) == 1 else 204
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_watch_inbox_and_signed_webhook_with_retry(engine: Engine, settings: Settings) -> None:
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/hook"
    try:
        with unit_of_work(engine) as session:
            ids = build(session)
            s = ids["subjects"]
            partner = Actor(role=Role.SUBJECT, name="企业2", subject_uscc=s[2].uscc,
                            client="testclient")
            new = watch.subscribe(session, OFFICER, s[1].uscc, webhook_url=url,
                                  purpose=DeclaredPurpose(Purpose.INSPECTION))
            secret = new.secret
            watch.subscribe(session, partner, s[1].uscc)
            watch.subscribe(session, partner, s[2].uscc)  # its own file
        later = clock.now() + timedelta(minutes=1)
        with unit_of_work(engine) as session:
            p1 = session.query(Provider).filter_by(uscc=D1).one()
            b1, _b2 = ids["batches"]
            rec = add(session, Record, record_type="penalty", provider_id=p1.id,
                      natural_key="new", subject_id=s[1].id, subject_name=s[1].name,
                      decision_date=date(2026, 12, 1), received_on=date(2026, 12, 2),
                      content_hash="new", data={}, first_batch_id=b1.id, batch_id=b1.id,
                      created_at=later)
            add(session, PublicationJudgement, record_id=rec.id,
                public_from=date(2026, 12, 2), judged_at=later)
            # Not public (no judgement yet): in S2's own inbox, in nobody else's.
            add(session, Record, record_type="penalty", provider_id=p1.id,
                natural_key="own", subject_id=s[2].id, subject_name=s[2].name,
                decision_date=date(2026, 12, 1), received_on=date(2026, 12, 2),
                content_hash="own", data={}, first_batch_id=b1.id, batch_id=b1.id,
                created_at=later)
            add(session, ListEntry, list_kind="serious_dishonesty", subject_id=s[1].id,
                subject_name=s[1].name, state="published", published_on=date(2026, 12, 3),
                updated_at=later)
            assert watch.scan(session, now=later + timedelta(minutes=1)) == 5
            assert watch.scan(session, now=later + timedelta(minutes=2)) == 0
            t0 = later + timedelta(minutes=3)
            first = watch.deliver(session, ADMIN, now=t0, send=LOCAL)
        assert (first.delivered, first.retrying) == (1, 1)  # the first push got a 503
        with unit_of_work(engine) as session:
            pending = session.scalars(select(WatchEvent).where(
                WatchEvent.state == "pending")).one()
            assert pending.next_attempt_at == t0 + timedelta(seconds=60)
            assert watch.deliver(session, ADMIN, now=t0 + timedelta(seconds=30),
                                 send=LOCAL).delivered == 0
            again = watch.deliver(session, ADMIN, now=t0 + timedelta(seconds=61), send=LOCAL)
        assert again.delivered == 1
        with unit_of_work(engine) as session:
            log = [(a.event_id, a.attempt, a.status_code, a.ok)
                   for a in session.scalars(select(DeliveryAttempt).order_by(DeliveryAttempt.id))]
            assert [row[2:] for row in log] == [(503, False), (204, True), (204, True)]
            delivered = session.scalars(select(AuditEntry).where(
                AuditEntry.action == "watch.delivered")).all()
            assert [e.purpose for e in delivered] == ["inspection", "inspection"]
            assert session.scalars(select(AuditEntry.purpose).where(
                AuditEntry.action == "watch.subscribe")).all() == ["inspection", None, None]
        assert len(Receiver.received) == 3
        for body, headers in Receiver.received:
            assert watch.verify(secret or "", body, headers[watch.SIGNATURE_HEADER])
            assert not watch.verify("wrong", body, headers[watch.SIGNATURE_HEADER])
        kinds = {json.loads(body)["kind"] for body, _h in Receiver.received}
        assert kinds == {"record", "listed"}
        # The enterprise's inbox shows its partner's changes (no webhook: inbox only).
        with client_as(settings, partner) as c:
            inbox = c.get("/api/v1/watch/inbox").json()
            assert sorted(e["kind"] for e in inbox) == ["listed", "record", "record"]
            assert all(e["state"] == "inbox" for e in inbox)
            page = c.get("/watch")
            assert page.status_code == 200 and "列入名单" in page.text
    finally:
        server.shutdown()


def test_a_webhook_to_an_internal_address_is_refused_and_logged() -> None:
    """SSRF: without XINYONG_WEBHOOK_ALLOWED_HOSTS naming it, the platform pushes to no
    loopback, private, link-local (cloud metadata) or reserved address."""
    for url in ("http://127.0.0.1:9/hook", "http://localhost/hook", "http://10.2.3.4/x",
                "http://169.254.169.254/latest/meta-data/", "http://[::1]/hook"):
        with pytest.raises(OSError, match="内网或保留地址"):
            watch.guarded_post()(url, b"{}", {})
    assert watch.allowed_hosts(" Hook.Example.gov.cn ,10.2.3.4") == {"hook.example.gov.cn",
                                                                    "10.2.3.4"}
