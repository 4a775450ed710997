"""Typo matching of the check: a one-character typo in the trade name (字号) is found among
hundreds of names sharing the city and first character, a shared city prefix is not a hit,
fuzzy hits are shown only for subjects with credit information, and a batch answers exactly
as single checks do."""

from __future__ import annotations

from datetime import date
from itertools import product

from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.lists.helpers import CASE_OFFICER, OFFICER, proposal
from xinyong.core.db import unit_of_work
from xinyong.lists import decide, notify, propose
from xinyong.screening.check import CheckRequest, run_check, run_checks
from xinyong.screening.match import array_literal
from xinyong.screening.names import parse
from xinyong.screening.rules import blocks, deletions
from xinyong.subjects import SubjectRef, resolve_subjects
from xinyong.subjects.uscc import make

NAME = "示范市华盛食品有限公司"
TODAY = date(2026, 11, 2)
TRADE = "德泰恒达鑫源宏远兴业富隆嘉禾瑞丰永安博通汇金长城东方新星天成"
INDUSTRY = ("科技", "物流")


def _add(s: Session, names: list[str], start: int) -> dict[str, str]:
    codes = {name: make("91", "350200", f"{start + i:08d}") for i, name in enumerate(names)}
    resolve_subjects(s, [SubjectRef(code, None, None, "法人及非法人组织", name, "王建国")
                         for name, code in codes.items()])
    return codes


def _registry(s: Session) -> dict[str, str]:
    """ACME (示范市华盛食品) listed, one clean name a character away from it (华丰), and 350
    clean names sharing its city and first character (示范市华…): more than the 300 rows the
    old head block compared."""
    crowd = [f"示范市华{a}{b}{ind}有限公司"
             for a, b, ind in product(TRADE, TRADE[:7], INDUSTRY)][:350]
    codes = _add(s, [NAME, "示范市华丰食品有限公司", *crowd], 1)
    e = propose(s, proposal(uscc=codes[NAME]), OFFICER, today=date(2026, 9, 28))
    notify(s, e.id, OFFICER, "告知", today=date(2026, 9, 28))
    decide(s, e.id, OFFICER, "listed", "未申辩", today=date(2026, 10, 20))
    return codes


def _check(s: Session, name: str) -> dict[str, object]:
    return run_check(s, CheckRequest("procurement", name=name), CASE_OFFICER, today=TODAY)


def test_a_typo_in_the_trade_name_is_found_among_a_crowd_of_similar_names(engine):
    with unit_of_work(engine) as s:
        codes = _registry(s)
        for typo in ("示范市华胜食品有限公司",  # one character replaced
                     "示范市华食品有限公司",  # one missing
                     "示範市華盛勝食品有限公司"):  # one extra, and in traditional script
            result = _check(s, typo)
            assert result["status"] == "hit", typo
            hits = result["hits"]
            assert isinstance(hits, list) and len(hits) == 1
            hit = hits[0]
            assert hit["uscc"] == codes[NAME] and hit["method"] == "fuzzy"
            assert 0.6 < hit["score"] < 0.8  # below every code, exact and variant hit
            assert "名称相似" in hit["explanation"] and f"{hit['score']:.2f}" in \
                hit["explanation"]
            assert result["measures"] == []  # a name alone decides nothing (#15)
            assert hit["needs_confirmation"]
        # 华胜 is as close to the clean 华丰食品 as to the listed 华盛食品: only the listed one
        # is shown, and the hit says that similar names are listed only with credit info.
        explanation = _check(s, "示范市华胜食品有限公司")["hits"][0]["explanation"]
        assert "仅列出有失信或守信信息的相似名称" in explanation


def test_a_shared_city_prefix_or_a_clean_neighbour_is_not_a_hit(engine):
    with unit_of_work(engine) as s:
        codes = _registry(s)
        # Only the city and the first character in common with 352 registered names.
        assert _check(s, "示范市华夏旅游开发有限公司")["status"] == "clear"
        assert _check(s, "示范市华为技术有限公司")["status"] == "clear"
        # One character away from a registered name without credit information only: nothing
        # the case officer could act on, so no hit; its exact name still is one.
        crowd_name = "示范市华德德科技有限公司"
        assert crowd_name in codes
        assert _check(s, "示范市华德晶科技有限公司")["status"] == "clear"
        exact = _check(s, crowd_name)
        assert exact["status"] == "hit" and exact["hits"][0]["method"] == "exact"
        assert exact["measures"] == []


def test_a_batch_answers_as_single_checks_do(engine):
    with unit_of_work(engine) as s:
        codes = _registry(s)
        wrong = codes[NAME][:17] + ("0" if codes[NAME][17] != "0" else "1")
        applicants = [
            {"uscc": codes[NAME]}, {"name": NAME}, {"name": "示範市華盛食品有限責任公司"},
            {"name": "示范市华胜食品有限公司"}, {"name": "示范市华食品有限公司"},
            {"name": "示范市华德德科技有限公司"}, {"name": "示范市华德晶科技有限公司"},
            {"name": "示范市华夏旅游开发有限公司"}, {"uscc": wrong, "name": NAME},
            {"name": NAME, "legal_representative": "李四"}, {"name": "华盛"},
            {"name": "·—·"},  # normalises to nothing: matches nothing
        ]
        requests = [CheckRequest("procurement", **a) for a in applicants]

        def seen(r: dict[str, object]) -> tuple[object, ...]:
            hits = r["hits"]
            assert isinstance(hits, list)
            return (r["status"], [(h["subject_id"], h["method"], h["score"], h["explanation"])
                                  for h in hits],
                    [m["measure_id"] for m in r["measures"]])  # type: ignore[attr-defined]

        batch = [seen(r) for r in run_checks(s, requests, CASE_OFFICER, today=TODAY)]
        singles = [seen(run_check(s, q, CASE_OFFICER, today=TODAY)) for q in requests]
        assert batch == singles
        assert [b[0] for b in batch] == ["hit", "hit", "hit", "hit", "hit", "hit", "clear",
                                         "clear", "uscc_invalid", "hit", "clear", "clear"]


def test_blocks_delete_each_character_of_the_trade_name_and_industry():
    core = parse("厦门市华盛食品有限公司").core
    assert core == "厦门|华盛食品|"
    assert deletions(core) == ["厦门|盛食品|", "厦门|华食品|", "厦门|华盛品|", "厦门|华盛食|"]
    # Whatever the length of the place name: the body is what is typed wrong.
    assert deletions(parse("乌鲁木齐天山建设集团有限公司").core)[0] == "乌鲁木齐|山建设|"
    assert len(deletions(parse("新疆维吾尔自治区天山路桥工程有限公司").core)) == 6
    assert deletions(parse("华为有限公司").core) == [] and blocks("|华为|") == frozenset()


@examples(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",),
                                      blacklist_characters="\x00"), max_size=12)),
       st.lists(st.integers(-2**63, 2**63 - 1)))
def test_array_parameters_reach_postgresql_unchanged(engine, texts, numbers):
    """The check binds its lists of names, cores and blocks as the text of one array
    literal: whatever a name contains (quotes, backslashes, braces, commas, spaces, control
    characters, NULL as a word), the server reads back exactly the values sent."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        got = conn.execute(text("SELECT CAST(:t AS text[]), CAST(:n AS bigint[])"),
                           {"t": array_literal(sorted(set(texts))),
                            "n": array_literal(sorted(set(numbers)))}).one()
    assert list(got[0]) == sorted(set(texts))
    assert list(got[1]) == sorted(set(numbers))
