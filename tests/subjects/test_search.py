"""Name search on SQLite (FTS5 trigram + bigram table) and PostgreSQL (pg_trgm + bigrams)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import COMPANY, COMPANY_2, penalty, person_penalty
from tests.ingest.helpers import push
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Invalid
from xinyong.subjects.search import highlight, reindex, search_subjects

RECEIVED = date(2026, 11, 27)


@pytest.fixture
def loaded(engine, settings):
    push(engine, settings, "penalty", [
        penalty(),
        penalty(document_number="示市监处罚〔2026〕2号", subject_uscc=COMPANY_2,
                subject_name="深圳市腾讯计算机系统有限公司"),
        # The same code under a new name: the old one stays searchable as a former name.
        penalty(document_number="示市监处罚〔2026〕3号", subject_name="示范市华盛食品集团有限公司"),
        person_penalty(),
    ], received_on=RECEIVED)
    return engine


def _names(engine, q: str) -> list[str]:
    with unit_of_work(engine) as s:
        return [h.matched_name for h in search_subjects(s, q).items]


def test_two_character_trade_name_is_found(loaded):
    assert _names(loaded, "腾讯") == ["深圳市腾讯计算机系统有限公司"]
    assert _names(loaded, "华盛") == ["示范市华盛食品有限公司"]


def test_longer_query_uses_the_trigram_index(loaded):
    assert _names(loaded, "腾讯计算机") == ["深圳市腾讯计算机系统有限公司"]
    assert _names(loaded, "不存在的公司名") == []


def test_width_script_and_company_suffix_variants(loaded):
    assert _names(loaded, "騰訊計算機系統有限責任公司") == ["深圳市腾讯计算机系统有限公司"]
    assert _names(loaded, "深圳市腾讯计算机系统（有限公司）") == ["深圳市腾讯计算机系统有限公司"]
    assert _names(loaded, "ＳＨＥＮ") == []  # full width folded, nothing matches


def test_former_and_other_names_are_searched(loaded):
    with unit_of_work(loaded) as s:
        page = search_subjects(s, "华盛食品集团")
    assert [(h.name, h.matched_name, h.matched_current) for h in page.items] == [
        ("示范市华盛食品有限公司", "示范市华盛食品集团有限公司", False)]


def test_natural_persons_are_not_searchable(loaded):
    assert _names(loaded, "张三") == []


def test_code_lookup_and_wrong_check_digit(loaded):
    with unit_of_work(loaded) as s:
        page = search_subjects(s, COMPANY.lower())
        assert page.by_code and [h.uscc for h in page.items] == [COMPANY]
        wrong = COMPANY[:-1] + ("0" if COMPANY[-1] != "0" else "1")
        with pytest.raises(Invalid) as exc:
            search_subjects(s, wrong)
        assert exc.value.message == "统一社会信用代码校验位错误"
        with pytest.raises(Invalid):
            search_subjects(s, "腾")


def test_reindex_rebuilds_the_same_results(loaded):
    with unit_of_work(loaded) as s:
        assert reindex(s) == 3
    assert _names(loaded, "腾讯") == ["深圳市腾讯计算机系统有限公司"]
    assert _names(loaded, "腾讯计算机") == ["深圳市腾讯计算机系统有限公司"]


def test_highlight_maps_back_through_normalisation():
    assert highlight("深圳市騰訊計算機", "腾讯") == (("深圳市", False), ("騰訊", True),
                                                   ("計算機", False))
    assert highlight("Ａ公司 华盛", "a") == (("Ａ", True), ("公司 华盛", False))
    assert highlight("华盛", "腾讯") == (("华盛", False),)
