"""The commitment domain on both backends: 承诺编码, both ways in, determination, breach,
each 公开类型 for each audience, the reads contract."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.commitments.helpers import (
    ADMIN,
    COMPANY,
    OFFICER,
    OTHER_PROVIDER,
    PROVIDER,
    SECRET,
    SUBJECT,
    incoming,
    setup,
)
from xinyong import audit, commitments
from xinyong.commitments import Determination, Signing, reads
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Conflict, Forbidden, Invalid
from xinyong.core.workdays import load_calendar
from xinyong.departments.service import NewDepartment, add_department
from xinyong.exchange.tables import ExchangeEvent
from xinyong.grading.tables import GradeReevaluation
from xinyong.subjects import get_subject
from xinyong.subjects.uscc import make

DAY = date(2026, 11, 2)  # a Monday


def test_codes_are_unique_under_concurrent_creation(engine):
    with unit_of_work(engine) as s:
        setup(s)

    def work(_: int) -> list[str]:
        out = []
        for _ in range(5):
            with unit_of_work(engine) as s:
                out.append(commitments.allocate_code(s, "350200", DAY))
        return out

    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = [c for chunk in pool.map(work, range(4)) for c in chunk]
    assert len(set(codes)) == 20
    assert sorted(codes) == [f"35020020261102{n:06d}" for n in range(1, 21)]


def test_concurrent_receipts_get_distinct_codes(engine):
    with unit_of_work(engine) as s:
        setup(s)

    def work(_: int) -> str:
        with unit_of_work(engine) as s:
            return commitments.receive(s, OFFICER, incoming(), calendar=load_calendar(s),
                                       today=DAY).code

    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = list(pool.map(work, range(8)))
    assert len(set(codes)) == 8 and all(c.startswith("35020020261102") for c in codes)


def test_sign_from_template_records_signer_and_hash(engine):
    with unit_of_work(engine) as s:
        setup(s)
        c = commitments.sign(s, SUBJECT, Signing("deficiency_materials", PROVIDER,
                                                 matter_detail="食品经营许可证"),
                             calendar=load_calendar(s), today=DAY)
        assert c.code == "35020020261102000001"
        assert c.kind == "deficiency" and c.state == "verifying" and c.source == "online"
        assert c.reason.endswith("（食品经营许可证）")
        assert c.verify_due == date(2026, 11, 9)  # the template's 5 working days
        sig = commitments.signature_of(s, c)
        assert sig is not None and sig.signer_name == "company"
        assert sig.content_hash == commitments.content_hash(c) and len(sig.content_hash) == 64
        assert audit.count(s) >= 1


def test_sign_refusals(engine):
    with unit_of_work(engine) as s:
        setup(s)
        cal = load_calendar(s)
        with pytest.raises(Forbidden):
            commitments.sign(s, OFFICER, Signing("deficiency_materials", PROVIDER),
                             calendar=cal)
        with pytest.raises(commitments.service.NotFound):
            commitments.sign(s, SUBJECT, Signing("no_such", PROVIDER), calendar=cal)
        with pytest.raises(Invalid):
            commitments.sign(s, SUBJECT, Signing("deficiency_materials", PROVIDER,
                                                 disclosure="secret"), calendar=cal)


def test_determination_needs_details_unless_kept_and_only_once(engine):
    with unit_of_work(engine) as s:
        setup(s)
        c = commitments.receive(s, OFFICER, incoming(), calendar=load_calendar(s), today=DAY)
        with pytest.raises(Invalid) as exc:
            commitments.determine(s, OFFICER, c.code, Determination("partly", on=DAY),
                                  secret=SECRET)
        assert {p.field for p in exc.value.errors} == {"unfulfilled_content",
                                                       "liability_pursued"}
        other = OFFICER.__class__(**{**OFFICER.__dict__, "department_uscc": OTHER_PROVIDER})
        with pytest.raises(Forbidden):
            commitments.determine(s, other, c.code, Determination("kept", on=DAY), secret=SECRET)
        kept = commitments.determine(s, OFFICER, c.code, Determination("kept", on=DAY),
                                  secret=SECRET)
        assert kept.state == "kept" and kept.fulfilment == "kept" and not kept.verified_late
        assert kept.determined_by_uscc == PROVIDER
        with pytest.raises(Conflict):
            commitments.determine(s, OFFICER, c.code, Determination("kept", on=DAY),
                                  secret=SECRET)


def test_late_breach_records_consequence_window_and_reevaluation(engine):
    with unit_of_work(engine) as s:
        setup(s)
        c = commitments.receive(s, OFFICER, incoming(), calendar=load_calendar(s), today=DAY)
        assert c.verify_due == date(2026, 11, 16)  # 容缺受理型: 10 working days
        late = date(2026, 11, 20)
        assert reads.queue(s, OFFICER, overdue_only=True, today=late)[0].code == c.code
        broken = commitments.determine(s, OFFICER, c.code, Determination(
            "not_kept", on=late, unfulfilled_content="未补齐材料",
            liability_pursued="撤销受理决定"), secret=SECRET, today=late)
        assert broken.state == "broken" and broken.verified_late is True
        assert broken.consequence == "cancel_acceptance"
        assert broken.breach_published_until == date(2029, 11, 20)
        assert s.scalar(select(func.count()).select_from(GradeReevaluation)) == 1
        [event] = s.scalars(select(ExchangeEvent)).all()
        assert event.kind == "commitment.breached" and event.targets[0] == "示范市市场监督管理局"
        assert event.payload["consequence"] == "cancel_acceptance"
        subject = get_subject(s, COMPANY)
        [b] = reads.broken_within(s, subject.id, date(2026, 1, 1), late)
        assert b.code == c.code and b.consequence_label.startswith("撤销")
        assert reads.broken_within(s, subject.id, late + timedelta(days=1),
                                   late + timedelta(days=9)) == []


def test_each_disclosure_for_each_audience(engine):
    with unit_of_work(engine) as s:
        setup(s)
        cal = load_calendar(s)
        for d in ("public", "scoped", "none"):
            commitments.receive(s, OFFICER, incoming("voluntary", d), calendar=cal, today=DAY)
        sid = get_subject(s, COMPANY).id

        def seen(audience: str) -> set[str]:
            return {v.disclosure for v in reads.for_subject(s, sid, as_of=DAY,
                                                             audience=audience)}

        assert seen("public") == {"public"}
        assert seen("own") == {"public", "scoped", "none"}
        assert seen(PROVIDER) == {"public", "scoped", "none"}  # the accepting department
        assert seen(OTHER_PROVIDER) == {"public"}  # procurement: not shared
        licensing = make("11", "350200", "MB160009")
        add_department(s, ADMIN, NewDepartment(licensing, "示范市行政审批局", "licensing"))
        assert seen(licensing) == {"public", "scoped"}  # shared_to: licensing
        items, total = reads.public_column(s)
        assert total == 1 and items[0].disclosure == "public"
        assert reads.for_subject(s, sid, as_of=DAY - timedelta(days=1)) == []


def test_coverage_by_region_and_department(engine):
    with unit_of_work(engine) as s:
        setup(s)
        c = commitments.receive(s, ADMIN, incoming("voluntary"), calendar=load_calendar(s),
                                today=DAY, accepting_uscc=PROVIDER)
        commitments.determine(s, ADMIN, c.code, Determination("kept", on=DAY), secret=SECRET,
                              today=DAY)
        by_region = {r.key: r for r in reads.coverage(s, DAY, "region")}
        assert by_region["350200"].commitments == 1
        assert by_region["350200"].fulfilment_records == 1
        [dept] = reads.coverage(s, DAY, "department")
        assert dept.key == PROVIDER and dept.commitments == 1
