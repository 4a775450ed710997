"""Each shipped indicator on the hand-made month, values computed by hand (see dataset.py);
a stored month does not move when later data arrives, until recomputed on purpose."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.monitoring.dataset import D1, D2, D3, build
from tests.monitoring.helpers import add
from xinyong import monitoring
from xinyong.accounts import Actor, Role
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Conflict
from xinyong.lists.tables import ListEntry
from xinyong.monitoring.tables import IndicatorValue

ADMIN = Actor(role=Role.ADMIN, name="信用办", client="test")


def _values(session: Session, period: str = "2026-11") -> dict[tuple[str, str, str], tuple]:
    return {(f.indicator_id, f.dimension, f.key): (f.numerator, f.denominator, f.value, f.met)
            for f in monitoring.figures(session, period)}


# (indicator, dimension, key) -> (numerator, denominator, value, met)
EXPECTED = {
    ("serious_dishonesty_share", "total", ""): (1, 5, 0.2, None),
    ("serious_dishonesty_share", "county", "350203"): (1, 3, 1 / 3, None),
    ("serious_dishonesty_share", "county", "350206"): (0, 2, 0.0, None),
    ("frequent_dishonesty_share", "total", ""): (1, 5, 0.2, None),
    ("a_grade_taxpayer_share", "total", ""): (1, 5, 0.2, None),
    ("commitments_per_enterprise", "total", ""): (3, 5, 0.6, False),
    ("commitments_per_enterprise", "county", "350203"): (3, 3, 1.0, True),
    ("commitments_per_enterprise", "county", "350206"): (0, 2, 0.0, False),
    ("double_publicity_compliance", "total", ""): (16, 19, 16 / 19, False),
    ("double_publicity_compliance", "department", D1): (13, 15, 13 / 15, False),
    ("double_publicity_compliance", "department", D2): (3, 4, 0.75, False),
    ("double_publicity_compliance", "department", D3): (0, 0, None, None),
    ("double_publicity_timeliness", "total", ""): (1, 3, 1 / 3, False),
    ("double_publicity_timeliness", "department", D1): (1, 2, 0.5, False),
    ("double_publicity_timeliness", "department", D2): (0, 1, 0.0, False),
    ("double_publicity_timeliness", "county", "350203"): (1, 3, 1 / 3, False),
    ("double_publicity_timeliness", "county", "350206"): (0, 0, None, None),
    ("double_publicity_timeliness", "industry", "enforcement"): (1, 2, 0.5, False),
    ("double_publicity_timeliness", "industry", "licensing"): (0, 1, 0.0, False),
    ("case_submissions_department", "department", D1): (1, None, 1.0, True),
    ("case_submissions_department", "department", D2): (0, None, 0.0, False),
    ("case_submissions_department", "department", D3): (0, None, 0.0, False),
    ("case_submissions_county", "county", "350203"): (1, None, 1.0, False),
    ("case_submissions_county", "county", "350206"): (0, None, 0.0, False),
    ("effective_objection_ratio", "total", ""): (1, 4, 0.25, False),
    ("effective_objection_ratio", "department", D1): (1, 3, 1 / 3, False),
    ("effective_objection_ratio", "department", D2): (0, 1, 0.0, True),
    ("objections_on_time", "total", ""): (1, 3, 1 / 3, False),
    ("objections_on_time", "department", D1): (1, 2, 0.5, False),
    ("objections_on_time", "department", D2): (0, 1, 0.0, False),
    ("repairs_on_time", "total", ""): (1, 2, 0.5, False),
    ("repairs_on_time", "department", D1): (1, 1, 1.0, True),
    ("repairs_on_time", "department", D2): (0, 1, 0.0, False),
}


def test_each_indicator_by_hand(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        build(session)
        result = monitoring.compute(session, ADMIN, "2026-11")
    assert result.indicators == len(monitoring.load_indicators())
    with unit_of_work(engine) as session:
        got = _values(session)
        # Every source is wired: commitments, and A-grade taxpayers from the red list here.
        assert not any(f.no_data for f in monitoring.figures(session, "2026-11"))
    for key, (n, d, v, met) in EXPECTED.items():
        gn, gd, gv, gmet = got[key]
        assert (gn, gd, gmet) == (n, d, met), key
        assert gv == pytest.approx(v) if v is not None else gv is None, key
    assert {i.id for i in monitoring.load_indicators().values()} == {k[0] for k in got}


def test_month_stable_after_later_data(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        ids = build(session)
        monitoring.compute(session, ADMIN, "2026-11")
    with unit_of_work(engine) as session:
        before = _values(session)
        s = ids["subjects"]
        # Data arriving later about November: a late record received that month is loaded
        # afterwards, a listing published in November is entered afterwards.
        b1, _b2 = ids["batches"]
        from xinyong.ingest.tables import Provider, Record
        p1 = session.query(Provider).filter_by(uscc=D1).one()
        add(session, Record, record_type="penalty", provider_id=p1.id, natural_key="later",
            subject_id=s[5].id, subject_name=s[5].name, decision_date=date(2026, 11, 1),
            received_on=date(2026, 11, 30), late=True, content_hash="later", data={},
            first_batch_id=b1.id, batch_id=b1.id)
        add(session, ListEntry, list_kind="serious_dishonesty", subject_id=s[5].id,
            subject_name=s[5].name, state="published", published_on=date(2026, 11, 20))
    with unit_of_work(engine) as session:
        assert _values(session) == before
        with pytest.raises(Conflict):
            monitoring.compute(session, ADMIN, "2026-11")
    with unit_of_work(engine) as session:
        assert monitoring.compute(session, ADMIN, "2026-11", recompute=True).recomputed
    with unit_of_work(engine) as session:
        after = _values(session)
        assert session.query(IndicatorValue).filter_by(period="2026-11").count() == len(after)
    assert after[("serious_dishonesty_share", "total", "")][:2] == (2, 5)
    assert after[("double_publicity_timeliness", "department", D1)][:2] == (1, 3)


def test_a_grade_taxpayers_from_the_tax_departments_industry_results(engine: Engine) -> None:
    """A 纳税信用 A result valid at the month's end (行业信用评价, reported by the tax
    department) counts like an A-grade red-list entry; a B, or an A expired, does not."""
    with unit_of_work(engine) as session:
        ids = build(session)
        s = ids["subjects"]
        b1, _b2 = ids["batches"]
        from xinyong.ingest.tables import Provider, Record

        p1 = session.query(Provider).filter_by(uscc=D1).one()
        for n, (sub, grade, valid_to) in enumerate(((s[4], "A", "2027-03-31"),
                                                    (s[1], "B", "2027-03-31"),
                                                    (s[5], "A", "2026-10-31"))):
            add(session, Record, record_type="industry_evaluation", provider_id=p1.id,
                natural_key=f"tax-{n}", subject_id=sub.id, subject_name=sub.name,
                decision_date=date(2026, 4, 1), received_on=date(2026, 4, 2),
                content_hash=f"tax-{n}", first_batch_id=b1.id, batch_id=b1.id,
                data={"evaluation_kind": "纳税信用", "grade": grade,
                      "valid_from": "2026-04-01", "valid_to": valid_to})
        monitoring.compute(session, ADMIN, "2026-11")
    with unit_of_work(engine) as session:
        assert _values(session)[("a_grade_taxpayer_share", "total", "")][:2] == (2, 5)
