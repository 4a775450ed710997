"""Report test data: one company with a penalty from two departments, a licence, list
entries, and the three states a record can be in (repaired, expired, objected)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.factories import COMPANY, COMPANY_2, OTHER_PROVIDER, PROVIDER, licence, penalty
from tests.ingest.helpers import push
from tests.lists.helpers import OFFICER, proposal
from xinyong.ingest import Record
from xinyong.lists import decide, notify, propose, publish

ECOLOGY = "示范市生态环境局"
RECEIVED = date(2026, 11, 27)


def rid(s, number: str) -> int:
    value = s.scalar(select(Record.id).where(Record.natural_key == number))
    assert value is not None
    return value


def push_rows(engine, settings, record_type, rows, *, provider=PROVIDER, received_on=RECEIVED):
    _summary, problems = push(engine, settings, record_type, rows, provider=provider,
                              received_on=received_on)
    assert not problems, problems


def ecology_penalty(**over):
    return penalty(document_number="示环罚〔2026〕7号", authority_name=ECOLOGY,
                   authority_uscc=OTHER_PROVIDER, provider_name=ECOLOGY,
                   provider_uscc=OTHER_PROVIDER, violation_type="超标排放大气污染物",
                   **over)


def publish_list(s, kind="serious_dishonesty", basis="samr_order_44", uscc=COMPANY, **over):
    e = propose(s, proposal(uscc=uscc, kind=kind, basis=basis, **over), OFFICER,
                today=date(2026, 9, 28))
    if kind in ("serious_dishonesty", "watch"):  # kinds whose listing is notified first
        notify(s, e.id, OFFICER, "告知", today=date(2026, 9, 28))
    decide(s, e.id, OFFICER, "listed", "列入", today=date(2026, 10, 20))
    publish(s, e.id, OFFICER, "公示", today=date(2026, 10, 21))
    return e


__all__ = ["COMPANY", "COMPANY_2", "ECOLOGY", "OTHER_PROVIDER", "PROVIDER", "ecology_penalty",
           "licence", "penalty", "publish_list", "push_rows", "rid"]
