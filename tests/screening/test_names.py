"""Enterprise names parsed into their legal parts: division (GB/T 2260, every level, with or
without its unit word, former names), 字号 and 行业, legal form, branch; the bracketed-division
order; full width and traditional script. Names as written on registration forms."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.screening.divisions import current_names, division_chains, short_name
from xinyong.screening.names import parse, render
from xinyong.screening.normalise import normalise
from xinyong.screening.rules import SCORE_FORMER_VARIANT, SCORE_TYPO, grade_name, grade_typo


@pytest.mark.parametrize(("name", "division", "key", "trade", "industry", "form"), [
    ("兰州城关区金穗商贸有限公司", "兰州城关区", "兰州/城关", "金穗", "商贸", "有限责任公司"),
    ("宜昌兴发化工股份有限公司", "宜昌", "宜昌", "兴发", "化工", "股份有限公司"),
    ("赣州市章贡区恒达物流有限公司", "赣州市章贡区", "赣州/章贡", "恒达", "物流", "有限责任公司"),
    ("张掖市甘州区富民农民专业合作社", "张掖市甘州区", "张掖/甘州", "富民", "", "农民专业合作社"),
    ("广州市番禺区永兴建材有限公司", "广州市番禺区", "广州/番禺", "永兴", "建材", "有限责任公司"),
    ("辽宁天合建设工程有限公司", "辽宁", "辽宁", "天合", "建设工程", "有限责任公司"),
    ("乌鲁木齐天山建设集团有限公司", "乌鲁木齐", "乌鲁木齐", "天山", "建设", "有限责任公司"),
    ("呼和浩特市蒙源乳业有限公司", "呼和浩特市", "呼和浩特", "蒙源乳业", "", "有限责任公司"),
    ("哈尔滨龙江食品有限公司", "哈尔滨", "哈尔滨", "龙江", "食品", "有限责任公司"),
    ("嘉峪关市雄关矿业有限责任公司", "嘉峪关市", "嘉峪关", "雄关", "矿业", "有限责任公司"),
    ("克拉玛依油城石化有限公司", "克拉玛依", "克拉玛依", "油城", "石化", "有限责任公司"),
    ("内蒙古伊泰煤业股份有限公司", "内蒙古", "内蒙古", "伊泰", "煤业", "股份有限公司"),
    ("黑龙江北大荒农业股份有限公司", "黑龙江", "黑龙江", "北大荒", "农业", "股份有限公司"),
    ("新疆维吾尔自治区天山路桥工程有限公司", "新疆维吾尔自治区", "新疆", "天山", "路桥工程",
     "有限责任公司"),
    ("广西壮族自治区桂林漓江旅游开发有限公司", "广西壮族自治区桂林", "桂林", "漓江", "旅游开发",
     "有限责任公司"),
    ("甘肃省兰州市金穗商贸有限公司", "甘肃省兰州市", "兰州", "金穗", "商贸", "有限责任公司"),
    ("襄樊市汉江机械厂", "襄樊市", "襄阳", "汉江", "机械", "厂"),  # former name of 襄阳
    ("北京鼎晖投资合伙企业(有限合伙)", "北京", "北京", "鼎晖", "投资", "有限合伙"),
    ("城关区老马牛肉面馆", "城关区", "城关", "老马牛肉面", "", "馆"),
])
def test_division_trade_industry_and_form(name, division, key, trade, industry, form):
    p = parse(name)
    assert (p.division, p.division_key, p.trade, p.industry, p.form_class) == \
        (division, key, trade, industry, form)


def test_the_bracketed_division_order_is_the_same_name():
    for bracketed, plain in [("方奥(金华)建设工程有限公司", "金华方奥建设工程有限公司"),
                             ("方奥（金华市）建设工程有限公司", "金华方奥建设工程有限公司"),
                             ("腾讯科技(深圳)有限公司", "深圳腾讯科技有限公司"),
                             ("金穗(兰州)商贸有限公司", "兰州市金穗商贸有限公司")]:
        b, p = parse(bracketed), parse(plain)
        assert b.core == p.core and b.form_key == p.form_key, bracketed
        assert b.bracket_at and not p.bracket_at
    assert parse("方奥(金华)建设工程有限公司").trade == "方奥"


def test_forms_of_the_company_law_and_the_registration_rules():
    same = [("宜昌兴发化工股份有限公司", "宜昌兴发化工股份公司"),
            ("兰州金穗商贸有限公司", "兰州金穗商贸有限责任公司"),
            ("乌鲁木齐天山建设集团有限公司", "乌鲁木齐天山建设（集团）有限公司"),
            ("乌鲁木齐天山建设集团股份有限公司", "乌鲁木齐天山建设(集团)股份公司")]
    for a, b in same:
        assert parse(a).core == parse(b).core and parse(a).form_key == parse(b).form_key, a
    siblings = [("宜昌兴发化工有限公司", "宜昌兴发化工股份有限公司"),
                ("乌鲁木齐天山建设有限公司", "乌鲁木齐天山建设集团有限公司"),
                ("兰州金穗商贸有限公司", "兰州金穗商贸公司")]
    for a, b in siblings:
        assert parse(a).core == parse(b).core and parse(a).form_key != parse(b).form_key, a


def test_a_branch_is_its_enterprise_and_its_own_words():
    p = parse("兰州金穗商贸有限公司城关区分公司")
    assert (p.division_key, p.body, p.form_class, p.branch) == \
        ("兰州", "金穗商贸", "有限责任公司", "城关区分公司")
    assert p.core == parse("兰州金穗商贸有限责任公司城关分公司").core
    assert p.core != parse("兰州金穗商贸有限公司").core  # a branch is not its enterprise
    assert p.core != parse("兰州金穗商贸有限公司七里河分公司").core
    shop = parse("兰州城关区金穗食品经营部")  # 个体工商户: 经营部 is its form
    assert (shop.body, shop.form_class, shop.branch) == ("金穗食品", "经营部", "")


def test_width_script_and_case_are_normalised_before_parsing():
    a = parse("兰州城关区金穗商贸有限公司")
    for other in ("蘭州城關區金穗商貿有限公司", "兰州城关区　金穗商贸（有限公司）",
                  "ＬＡＮ兰州城关区金穗商贸有限公司"):
        p = parse(other)
        assert p.canonical == normalise(other).canonical
    assert parse("蘭州城關區金穗商貿有限公司").core == a.core


def test_a_trade_name_that_is_also_a_place_stays_a_trade_name():
    # 永安 is a city in Fujian, not inside 厦门; alone, 永安科技 has no 字号 left after it.
    assert parse("厦门市永安科技有限公司").body == "永安科技"
    assert parse("永安科技有限公司").division == ""
    assert parse("兰州市场管理有限公司").body == "市场管理"  # 市场, not 兰州市 + 场


def test_the_division_list_covers_every_level_and_long_names():
    provinces, prefectures = current_names(1), current_names(2)
    assert len(provinces) >= 34 and len(prefectures) >= 330
    assert {"新疆维吾尔自治区", "广西壮族自治区", "内蒙古自治区", "黑龙江省"} <= set(provinces)
    assert {"乌鲁木齐市", "呼和浩特市", "哈尔滨市", "嘉峪关市", "克拉玛依市", "兰州市",
            "宜昌市", "赣州市", "张掖市", "广州市"} <= set(prefectures)
    assert {"甘州区", "番禺区", "城关区"} <= set(current_names(3))
    assert short_name("恩施土家族苗族自治州") == "恩施" and short_name("赵县") == ""


def test_typos_are_one_edit_of_the_trade_name_or_industry():
    reg = parse("大连方青矿业有限公司")

    def typo(query: str) -> float | None:
        g = grade_typo(parse(query), reg.original, reg.canonical, reg.core, reg.form_key, True)
        return g[1] if g else None

    assert typo("大连方晴矿业有限公司") == SCORE_TYPO  # replaced, six-character core
    assert typo("大连青方矿业有限公司") == SCORE_TYPO  # swapped
    assert typo("大连方矿业有限公司") == SCORE_TYPO  # missing
    assert typo("大连方青青矿业有限公司") == SCORE_TYPO  # added
    assert typo("大连方青钢业有限公司") == SCORE_TYPO  # in the industry
    assert typo("大连方晴钢业有限公司") is None  # two edits
    assert typo("大连晴方矿业有限公司") is None  # a swap and a replacement
    assert typo("沈阳方晴矿业有限公司") is None  # another place
    assert typo("大连方晴矿业股份有限公司") == round(SCORE_TYPO - 0.03, 3)  # and another form


def test_variants_rank_the_name_above_its_siblings():
    reg = parse("宜昌兴发化工有限公司")
    q = parse("宜昌兴发化工有限责任公司")
    same = grade_name(q.original, q, reg.original, reg.canonical, reg.core, reg.form_key, True)
    sib = parse("宜昌兴发化工股份有限公司")
    other = grade_name(q.original, q, sib.original, sib.canonical, sib.core, sib.form_key, True)
    former = grade_name(q.original, q, reg.original, reg.canonical, reg.core, reg.form_key,
                        False)
    assert same and other and former
    assert same[1] == 0.85 and other[1] == 0.82 and former[1] == SCORE_FORMER_VARIANT
    assert "company_suffix" in same[2] and "company_form" in other[2]
    assert min(0.82, 0.77) > SCORE_TYPO


# ------------------------------------------------------------------ properties

_DIVISIONS = ["", "兰州", "兰州市", "兰州市城关区", "宜昌", "赣州市", "张掖甘州区", "广州番禺",
              "辽宁省", "乌鲁木齐", "新疆维吾尔自治区", "内蒙古", "黑龙江省", "呼和浩特市"]
_TRADE_CHARS = list("金穗恒达兴发方青华盛天合雄关蒙源鼎晖汉江富民永兴鑫泰瑞祥宏")
_INDUSTRY = ["", "商贸", "化工", "矿业", "建设工程", "物流", "食品", "信息技术", "农业发展"]
_FORMS = ["有限公司", "有限责任公司", "股份有限公司", "股份公司", "集团有限公司", "(集团)有限公司",
          "经营部", "农民专业合作社", "合伙企业(有限合伙)", ""]


@st.composite
def names(draw: st.DrawFn) -> tuple[str, str, str, str, str, bool]:
    division = draw(st.sampled_from(_DIVISIONS))
    # A 字号 that starts like a place (江永 is a county) is read as one: not drawn here.
    trade = "".join(draw(st.lists(st.sampled_from(_TRADE_CHARS), min_size=2, max_size=4)
                         .filter(lambda cs: next(division_chains("".join(cs)), None) is None)))
    industry = draw(st.sampled_from(_INDUSTRY))
    form = draw(st.sampled_from(_FORMS))
    bracket = bool(division) and draw(st.booleans())
    return division, trade, industry, form, (f"{trade}({division}){industry}{form}" if bracket
                                             else f"{division}{trade}{industry}{form}"), bracket


@given(names())
def test_a_name_made_of_parts_parses_back_into_them(parts):
    division, trade, industry, form, name, bracket = parts
    p = parse(name)
    assert p.division == division and p.body == trade + industry
    assert bool(p.bracket_at) == bracket
    assert p.form + ("" if not p.group else "") in form.replace("(集团)", "").replace("集团", "")
    assert parse(render(p)).core == p.core


@given(st.text(alphabet=st.sampled_from(
    list("兰州城关区金穗商贸有限责任公司集团股份分()（）蘭貿 　ａＢ-·宜昌化工经营部店合伙")),
    min_size=1, max_size=24))
def test_parsing_is_idempotent(text):
    p = parse(text)
    again = parse(render(p))
    assert (again.core, again.form_key, again.division, again.bracket_at) == \
        (p.core, p.form_key, p.division, p.bracket_at)
    assert parse(p.canonical).canonical == p.canonical
