"""The one Spark test: the same expression on Spark local[1] gives the grades the database
gives over the same data (SQLite; Spark's start-up is paid once, here)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import COMPANY, COMPANY_2
from tests.grading.helpers import listing, penalties, registered, subject_id
from xinyong.core.db import unit_of_work
from xinyong.grading import GradeResult, run, spark_session


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_spark_and_the_database_give_identical_grades(engine, settings):
    penalties(engine, settings, [
        {"document_number": "示市监处罚〔2026〕1号", "decision_date": "2026-11-20"},
        {"document_number": "示市监处罚〔2026〕2号", "decision_date": "2026-10-01",
         "severity": "严重", "penalty_valid_until": "2027-10-01"},
        {"document_number": "示市监处罚〔2026〕3号", "decision_date": "2026-11-02",
         "subject_uscc": COMPANY_2, "subject_name": "示范市明达贸易有限公司"}])
    registered(engine, COMPANY, date(2012, 5, 1))
    registered(engine, COMPANY_2, date(2025, 3, 1))
    listing(engine, subject_id(engine, COMPANY_2), "serious_dishonesty", date(2026, 11, 10))
    spark = spark_session("local[1]", partitions=1)
    out = {}
    for eng in ("default", "spark"):
        with unit_of_work(engine) as s:
            r = run(s, as_of=date(2026, 12, 1), engine=eng, spark=spark)
            out[eng] = sorted((g.subject_id, g.score, g.grade, g.override, g.contributions)
                              for g in s.scalars(select(GradeResult)
                                                 .where(GradeResult.run_id == r.id)))
    assert len(out["default"]) == 2
    assert out["spark"] == out["default"]
    # 85 − 20 (严重) − 8 (一般) + 3 (over ten years) = 60 -> C; the other, 85 − 8 − 3, listed -> D.
    assert [(g[1], g[2], g[3]) for g in out["default"]] == [(60.0, "C", None),
                                                           (74.0, "D", "serious_dishonesty")]
