"""The check answers, for the 告知承诺/容缺受理 matter, whether the applicant may use
commitment-based processing: entitled; barred by a broken commitment (with its legal basis);
barred by the serious-dishonesty list (the catalog measure commitment_processing_bar)."""

from __future__ import annotations

from datetime import timedelta

from tests.accounts.helpers import ACTORS
from tests.commitments.helpers import ADMIN, COMPANY, OFFICER, incoming, setup
from tests.factories import COMPANY_2
from tests.lists.helpers import proposal
from xinyong import commitments
from xinyong.accounts import Role
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.core.workdays import load_calendar
from xinyong.lists import decide, notify, propose
from xinyong.screening.check import CheckRequest, run_check
from xinyong.subjects import SubjectRef, resolve_subjects

CASE = ACTORS[Role.CASE_OFFICER]


def _check(s, uscc: str) -> dict:
    return run_check(s, CheckRequest("commitment", uscc=uscc), CASE)["commitment_eligibility"]


def test_entitled_then_barred_by_a_broken_commitment(engine):
    today = clock.today()
    with unit_of_work(engine) as s:
        setup(s)
        assert _check(s, COMPANY) == {"allowed": True, "label": "可以适用信用承诺办理",
                                      "reasons": []}
        c = commitments.receive(s, OFFICER, incoming(made_on=today - timedelta(days=30)),
                                calendar=load_calendar(s))
        commitments.determine(s, OFFICER, c.code, commitments.Determination(
            "partly", unfulfilled_content="部分材料未补", liability_pursued="撤销受理"),
            secret="test-secret-key")
        answer = _check(s, COMPANY)
        assert answer["allowed"] is False and c.code in answer["reasons"][0]["reason"]
        assert "国办发〔2020〕42号" in answer["reasons"][0]["legal_basis"]


def test_barred_by_the_serious_dishonesty_list(engine):
    today = clock.today()
    with unit_of_work(engine) as s:
        setup(s)
        resolve_subjects(s, [SubjectRef(COMPANY_2, None, None, "法人及非法人组织",
                                        "示范市某某食品有限公司", None)])
        entry = propose(s, proposal(uscc=COMPANY_2), ADMIN, today=today - timedelta(days=60))
        notify(s, entry.id, ADMIN, "告知", today=today - timedelta(days=60))
        decide(s, entry.id, ADMIN, "listed", "未申辩", today=today - timedelta(days=30))
        answer = _check(s, COMPANY_2)
        assert answer["allowed"] is False
        assert answer["reasons"][0]["reason"].startswith("不适用告知承诺制")
        assert "国办发〔2020〕42号" in answer["reasons"][0]["legal_basis"]
