"""The evaluation on the configured database (SQLite and PostgreSQL): a grade explained
indicator by indicator, a past day recomputed, the override, re-evaluation after a repair."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import COMPANY
from tests.grading.helpers import (
    industry,
    listing,
    penalties,
    registered,
    repair,
    subject_id,
)
from tests.ingest.helpers import push
from xinyong.core.db import unit_of_work
from xinyong.core.errors import ConfigError
from xinyong.grading import (
    GradeResult,
    consume_queue,
    default_models,
    load_model_file,
    request_reevaluation,
    run,
)
from xinyong.grading.model import MODELS_DIR
from xinyong.grading.reads import industry_results, latest_grade
from xinyong.ingest import Record


@pytest.fixture
def company(engine, settings) -> int:
    penalties(engine, settings, [
        {"document_number": "示市监处罚〔2026〕1号", "decision_date": "2026-11-20"},
        {"document_number": "示市监处罚〔2026〕2号", "decision_date": "2026-10-01",
         "penalty_valid_until": "2027-10-01"}])
    registered(engine, COMPANY, date(2020, 1, 1))
    return subject_id(engine)


def _grade(engine, as_of: date, **kw) -> GradeResult:
    with unit_of_work(engine) as s:
        r = run(s, as_of=as_of, **kw)
        return s.scalars(select(GradeResult).where(GradeResult.run_id == r.id)).one()


def test_grade_explained_line_by_line_and_past_days(engine, company):
    g = _grade(engine, date(2026, 12, 1))
    lines = {ind: (v, p) for ind, v, p in g.contributions}
    # Two 一般 penalties (severity inferred from 警告;罚款): 85 − 2 × 8 = 69 -> C.
    assert lines["penalty_general"] == (2.0, -16.0)
    assert lines["registration_age"] == (3.0, 0.0)  # registered 2020: 3–10 years band
    assert lines["penalty_serious"] == (0.0, 0.0)
    assert (g.score, g.grade, g.override, g.model_key) == (69.0, "C", None, "enterprise@2026.1")
    assert sum(p for _, _, p in g.contributions) + 85 == g.score
    # The same registry as of past days: one penalty then, none before.
    assert (_grade(engine, date(2026, 10, 15)).score, _grade(engine, date(2026, 10, 15)).grade) \
        == (77.0, "B")
    assert _grade(engine, date(2026, 9, 1)).score == 85.0


def test_serious_dishonesty_listing_is_d_whatever_the_score(engine, company):
    listing(engine, company, "red", date(2026, 1, 5))
    listing(engine, company, "serious_dishonesty", date(2026, 11, 2))
    g = _grade(engine, date(2026, 12, 1))
    assert (g.grade, g.override) == ("D", "serious_dishonesty")
    assert g.score == 69.0 + 5  # the score is still explained (red list +5)
    assert _grade(engine, date(2026, 11, 1)).override is None  # not yet listed then


def test_reevaluation_after_a_repair(engine, company):
    with unit_of_work(engine) as s:
        rid = s.scalar(select(Record.id).where(Record.natural_key == "示市监处罚〔2026〕2号"))
    _grade(engine, date(2026, 12, 1))
    repair(engine, rid, date(2026, 12, 2))
    with unit_of_work(engine) as s:
        request_reevaluation(s, company, "repair_approved", ref=("record", rid))
    with unit_of_work(engine) as s:
        r = consume_queue(s)
        assert r is not None and (r.scope, r.subjects) == ("queue", 1)
        g = s.scalars(select(GradeResult).where(GradeResult.run_id == r.id)).one()
        lines = {ind: (v, p) for ind, v, p in g.contributions}
        assert lines["penalty_general"] == (1.0, -8.0) and lines["repairs"] == (1.0, 2.0)
        assert (g.score, g.grade) == (79.0, "B")
        assert consume_queue(s) is None  # the queue is empty now


def test_models_validated_at_load(tmp_path):
    keys = {m.key: m for m in default_models()}
    assert [g.grade for g in keys["enterprise_five_level@2026.1"].scale.grades] == list("ABCDE")
    bad = tmp_path / "bad.yaml"
    text = (MODELS_DIR / "enterprise-2026.1.yaml").read_text("utf-8")
    text = text.replace("legal_basis:\n  - title: 公共信用综合评价规范", "legal_basis: []\n#", 1)
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.yaml"):
        load_model_file(bad)


def test_industry_results_feed_the_model_and_are_read(engine, settings, company):
    push(engine, settings, "industry_evaluation", [
        industry(), industry(document_number="示交信〔2026〕1号", evaluation_kind="交通运输信用",
                             grade="C", valid_to="2026-06-30")])
    g = _grade(engine, date(2026, 12, 1))
    assert {i: (v, p) for i, v, p in g.contributions}["industry"] == (5.0, 5.0)
    assert (_grade(engine, date(2026, 5, 1)).contributions[7][1:]) == [0.0, 0.0]  # A + C
    with unit_of_work(engine) as s:
        assert [(r.kind, r.grade, r.year) for r in industry_results(s, company)] == [
            ("纳税信用", "A", 2025)]
        view = latest_grade(s, company, date(2026, 12, 1))
        assert (view.grade, view.label, view.score) == ("C", "信用风险较高", 74.0)
        assert view.contributions[1].name == "一般失信行政处罚"
        assert [tuple(c) for c in view.contributions][1] == ("penalty_general", 2.0, -16.0)
        assert "信用修复" in view.advice()[0]


def test_a_new_penalty_or_listing_is_reevaluated_with_the_queue(engine, settings, company):
    _grade(engine, date(2026, 12, 1))
    with unit_of_work(engine) as s:
        assert consume_queue(s) is None  # nothing changed since the run
    penalties(engine, settings, [{"document_number": "示市监处罚〔2026〕3号",
                                  "decision_date": "2026-11-25", "severity": "严重"}])
    with unit_of_work(engine) as s:
        r = consume_queue(s)
        assert r is not None and r.subjects == 1
        g = s.scalars(select(GradeResult).where(GradeResult.run_id == r.id)).one()
        assert (g.subject_id, g.score, g.grade) == (company, 49.0, "D")


def test_a_broken_commitment_counts_against_the_grade(engine, settings, company):
    """违背信用承诺: a commitment determined 全部未履行 in xinyong.commitments is read by the
    evaluation like any other source, from its determination day on."""
    from tests.commitments.helpers import OFFICER, incoming, setup
    from xinyong import commitments
    from xinyong.core.workdays import load_calendar

    with unit_of_work(engine) as s:
        setup(s)
        c = commitments.receive(s, OFFICER, incoming(made_on=date(2026, 11, 2)),
                                calendar=load_calendar(s), today=date(2026, 11, 2))
        commitments.determine(s, OFFICER, c.code, commitments.Determination(
            "not_kept", date(2026, 11, 16), unfulfilled_content="未在期限内补齐材料",
            liability_pursued="撤销受理"), today=date(2026, 11, 16), secret=settings.secret_key)
    lines = {ind: (v, p) for ind, v, p in _grade(engine, date(2026, 12, 1)).contributions}
    assert lines["commitments_broken"] == (1.0, -10.0)
    before = {ind: v for ind, v, _p in _grade(engine, date(2026, 11, 15)).contributions}
    assert before["commitments_broken"] == 0.0


def test_the_stored_broken_state_is_the_commitments_domains():
    """Grading reads the commitment table by its stored state: the value must stay the one
    the commitments domain writes."""
    from xinyong.commitments import rules
    from xinyong.grading.sources import BROKEN_COMMITMENT

    assert rules.BROKEN == BROKEN_COMMITMENT
