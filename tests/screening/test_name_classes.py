"""The check finds a listed subject under every name form the registration rules allow and
under one-character slips (issue 20), and nothing two slips away: one registry of names as
registration forms write them, several of them listed, checked class by class."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from tests.lists.helpers import CASE_OFFICER, OFFICER, doc, proposal
from xinyong.core.db import unit_of_work
from xinyong.lists import decide, notify, propose
from xinyong.screening.check import CheckRequest, run_check, run_checks
from xinyong.subjects import SubjectRef, resolve_subjects
from xinyong.subjects.uscc import make

TODAY = date(2026, 11, 2)
LISTED = ["兰州城关区金穗商贸有限公司", "宜昌兴发化工股份有限公司", "乌鲁木齐天山建设集团有限公司",
          "金华方奥建设工程有限公司", "大连方青矿业有限公司", "赣州市章贡区恒达物流有限公司",
          "张掖市甘州区富民农民专业合作社", "广州市番禺区永兴建材有限公司",
          "辽宁天合建设工程有限公司", "呼和浩特市蒙源乳业有限公司",
          "新疆维吾尔自治区天山路桥工程有限公司", "兰州金穗商贸有限公司七里河分公司"]
CLEAN = ["宜昌兴发化工有限公司",  # a sibling of the listed 股份有限公司, not listed
         "兰州城关区金穗物流有限公司", "大连方圆矿业有限公司", "沈阳方青矿业有限公司",
         "兰州金穗商贸有限公司"]  # the enterprise of the listed branch


# Listed under Art. 17 of the enterprise-disclosure regulation, which its Art. 18 restricts
# in procurement (decision 0010: a listing under SAMR Order 44 bars no procurement).
ART17 = {"basis": "enterprise_disclosure_art17",
         "document": doc(type="列入严重违法企业名单决定书", number="闽市监严列〔2026〕3号",
                         issuing_body="福建省市场监督管理局"),
         "facts": "被列入经营异常名录满3年仍未履行公示义务"}


def _registry(s: Session) -> dict[str, str]:
    names = LISTED + CLEAN
    codes = {n: make("91", "620102", f"{i + 1:08d}") for i, n in enumerate(names)}
    resolve_subjects(s, [SubjectRef(c, None, None, "法人及非法人组织", n, "王建国")
                         for n, c in codes.items()])
    for n in LISTED:
        e = propose(s, proposal(uscc=codes[n], **ART17), OFFICER,
                    today=date(2026, 9, 28))
        notify(s, e.id, OFFICER, "告知", today=date(2026, 9, 28))
        decide(s, e.id, OFFICER, "listed", "未申辩", today=date(2026, 10, 20))
    return codes


# (query, listed name it must find first, method, score)
FOUND = [
    # the bracketed division order: 字号（行政区划）行业组织形式
    ("方奥(金华)建设工程有限公司", "金华方奥建设工程有限公司", "variant", 0.85),
    ("方奥（金华市）建设工程有限责任公司", "金华方奥建设工程有限公司", "variant", 0.85),
    ("天山建设(乌鲁木齐)集团有限公司", "乌鲁木齐天山建设集团有限公司", "variant", 0.85),
    # 股份公司 and 集团 forms
    ("宜昌兴发化工股份公司", "宜昌兴发化工股份有限公司", "variant", 0.85),
    ("乌鲁木齐天山建设（集团）有限公司", "乌鲁木齐天山建设集团有限公司", "variant", 0.85),
    ("乌鲁木齐市天山建设集团有限责任公司", "乌鲁木齐天山建设集团有限公司", "variant", 0.85),
    # divisions written another way: unit word, province in front, traditional script
    ("甘肃省兰州市城关区金穗商贸有限公司", "兰州城关区金穗商贸有限公司", "variant", 0.85),
    ("新疆天山路桥工程有限公司", "新疆维吾尔自治区天山路桥工程有限公司", "variant", 0.85),
    ("贛州章貢區恆達物流有限公司", "赣州市章贡区恒达物流有限公司", "variant", 0.85),
    ("张掖甘州区富民专业合作社", "张掖市甘州区富民农民专业合作社", "variant", 0.85),
    # a branch by its own name
    ("兰州金穗商贸有限责任公司七里河区分公司", "兰州金穗商贸有限公司七里河分公司", "variant", 0.85),
    # one typo in a six-character core, replaced, swapped, missing, added, in the industry
    ("大连方晴矿业有限公司", "大连方青矿业有限公司", "fuzzy", 0.75),
    ("大连青方矿业有限公司", "大连方青矿业有限公司", "fuzzy", 0.75),
    ("兰州城关区金商贸有限公司", "兰州城关区金穗商贸有限公司", "fuzzy", 0.75),
    ("宜昌兴发发化工股份有限公司", "宜昌兴发化工股份有限公司", "fuzzy", 0.75),
    ("广州番禺永兴建林有限公司", "广州市番禺区永兴建材有限公司", "fuzzy", 0.75),
    # long place names, the typo in the 字号 after them
    ("乌鲁木齐天仙建设集团有限公司", "乌鲁木齐天山建设集团有限公司", "fuzzy", 0.75),
    ("呼和浩特蒙原乳业有限公司", "呼和浩特市蒙源乳业有限公司", "fuzzy", 0.75),
    ("新疆维吾尔自治区天山桥路工程有限公司", "新疆维吾尔自治区天山路桥工程有限公司", "fuzzy",
     0.75),
    ("辽宁天和建设工程有限公司", "辽宁天合建设工程有限公司", "fuzzy", 0.75),
    # a typo and another legal form: below a typo alone
    ("大连方晴矿业股份有限公司", "大连方青矿业有限公司", "fuzzy", 0.72),
]


def test_listed_subject_found_first_in_every_class(engine):
    with unit_of_work(engine) as s:
        codes = _registry(s)
        for query, truth, method, score in FOUND:
            result = run_check(s, CheckRequest("procurement", name=query), CASE_OFFICER,
                               today=TODAY)
            assert result["status"] == "hit", query
            best = result["hits"][0]
            assert (best["uscc"], best["method"], best["score"]) == \
                (codes[truth], method, score), query
            # A variant or fuzzy name decides nothing alone (decision 0010): the hit asks for
            # confirmation and names the measures a confirmation would prompt; none yet.
            assert best["needs_confirmation"] and best["pending_measures"], query
            assert result["measures"] == [], query


def test_the_name_ranks_above_a_sibling_of_another_form_and_two_slips_find_nothing(engine):
    with unit_of_work(engine) as s:
        codes = _registry(s)

        def hits(q: str) -> list[tuple[str, str, float]]:
            r = run_check(s, CheckRequest("procurement", name=q), CASE_OFFICER, today=TODAY)
            return [(h["uscc"], h["method"], h["score"]) for h in r["hits"]]

        # The clean sibling 宜昌兴发化工有限公司 differs from the query only by its spelling of
        # the form; the listed 股份有限公司 by the form itself: the name itself comes first.
        assert hits("宜昌兴发化工有限责任公司") == [
            (codes["宜昌兴发化工有限公司"], "variant", 0.85),
            (codes["宜昌兴发化工股份有限公司"], "variant", 0.82)]
        assert hits("宜昌兴发化工股份有限公司")[0] == (codes["宜昌兴发化工股份有限公司"], "exact",
                                                   0.95)
        # The enterprise is not its branch, nor the branch its enterprise.
        assert [h[0] for h in hits("兰州金穗商贸有限公司")] == [codes["兰州金穗商贸有限公司"]]
        for two_slips in ("大连方晴钢业有限公司",  # two replaced
                          "大连晴方矿业有限公司",  # swapped and replaced
                          "兰州城关区金商有限公司",  # two missing
                          "乌鲁木齐天仙建筑集团有限公司",  # one in the 字号, one in the industry
                          "沈阳方晴矿业有限公司"):  # one slip, but another city
            assert hits(two_slips) == [], two_slips
        # One slip from a clean name only (矿业 -> 钢业), two from the listed 方青矿业: nothing
        # to act on.
        assert hits("大连方圆钢业有限公司") == []


def test_a_batch_answers_as_single_checks_do(engine):
    with unit_of_work(engine) as s:
        _registry(s)
        queries = [q for q, *_ in FOUND] + ["大连方晴钢业有限公司", "宜昌兴发化工有限责任公司"]
        requests = [CheckRequest("bidding", name=q) for q in queries]
        batch = [[(h["subject_id"], h["score"]) for h in r["hits"]]
                 for r in run_checks(s, requests, CASE_OFFICER, today=TODAY)]
        singles = [[(h["subject_id"], h["score"]) for h in
                    run_check(s, q, CASE_OFFICER, today=TODAY)["hits"]] for q in requests]
        assert batch == singles
