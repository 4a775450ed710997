"""Resident ID numbers (GB 11643): real numbers of the seed cities' districts are accepted,
whatever year their district code was created; each rule names itself when it fails."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from xinyong.core.masking import (
    PROVINCE_CODES,
    PersonIdError,
    check_digit,
    is_valid_resident_id,
    mask_id,
    validate_resident_id,
)

TODAY = date(2026, 11, 27)


def make_id(address: str, born: date, seq: int = 123) -> str:
    body = f"{address}{born:%Y%m%d}{seq:03d}"
    return body + check_digit(body)


# Districts of the seed cities, with years their holders were born before the code existed.
SEED_DISTRICTS = {
    "620102": "兰州 城关区", "620103": "兰州 七里河区", "620104": "兰州 西固区",
    "620105": "兰州 安宁区",
    "420502": "宜昌 西陵区", "420503": "宜昌 伍家岗区", "420504": "宜昌 点军区",
    "420505": "宜昌 猇亭区",
    "360702": "赣州 章贡区", "360703": "赣州 南康区", "360704": "赣州 赣县区",
    "440113": "广州 番禺区",
    "210102": "沈阳 和平区", "210103": "沈阳 沈河区", "210104": "沈阳 大东区",
    "210105": "沈阳 皇姑区", "210106": "沈阳 铁西区",
}


@pytest.mark.parametrize("address", sorted(SEED_DISTRICTS), ids=SEED_DISTRICTS.get)
@pytest.mark.parametrize("year", [1950, 1970, 1980])
def test_seed_city_districts_accept_holders_born_before_the_code(address, year):
    number = make_id(address, date(year, 6, 15))
    assert validate_resident_id(number, today=TODAY) == number


def test_the_issue_s_number_is_one_python_stdnum_refuses():
    # Why the dependency's check was replaced: its dated place table refuses 620102 for
    # someone born in 1980 (兰州城关区 has that code since 1983).
    number = make_id("620102", date(1980, 3, 1))
    assert not ric.is_valid(number)
    assert is_valid_resident_id(number)


def test_gb_11643_example_and_lower_case_x():
    assert validate_resident_id("11010519491231002x", today=TODAY) == "11010519491231002X"
    assert validate_resident_id(" 1101 0519 4912 3100 2X ", today=TODAY) == "11010519491231002X"


@pytest.mark.parametrize(("raw", "rule", "words"), [
    ("1101051949123100", "length", "长度"),
    ("110105491231002", "length", "15位"),
    ("11010519491231002Y", "characters", "非法字符"),
    ("1101051949123X002X", "characters", "非法字符"),
    (make_id("990105", date(1949, 12, 31)), "province", "省级"),
    (make_id("000000", date(1980, 1, 1)), "province", "省级"),
    ("110105194902300021", "birth_date", "出生日期"),
    (make_id("110105", date(1899, 12, 31)), "birth_date", "出生日期"),
    (make_id("110105", TODAY + timedelta(days=1)), "birth_date", "出生日期"),
    ("110105194912310021", "check_digit", "校验位"),
])
def test_each_rule_names_itself(raw, rule, words):
    with pytest.raises(PersonIdError) as exc:
        validate_resident_id(raw, today=TODAY)
    assert exc.value.rule == rule
    assert words in str(exc.value)


def test_mask_keeps_region_prefix_and_last_four():
    assert mask_id("11010519491231002X") == "1101**********002X"


provinces = st.sampled_from(sorted(PROVINCE_CODES))
addresses = st.tuples(provinces, st.integers(0, 9999)).map(lambda t: f"{t[0]}{t[1]:04d}")
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(0, 999)


@given(addresses, births, sequences)
def test_any_province_any_address_any_date_is_accepted(address, born, seq):
    number = make_id(address, born, seq)
    assert validate_resident_id(number, today=TODAY) == number
    # The check digit agrees with an independent implementation of ISO 7064 MOD 11-2.
    assert ric.calc_check_digit(number[:17] + "0") == number[17]


@given(addresses, births, sequences, st.integers(0, 17), st.integers(1, 10))
def test_a_single_character_changed_is_rejected(address, born, seq, position, shift):
    number = make_id(address, born, seq)
    alphabet = "0123456789X"
    old = number[position]
    new = alphabet[(alphabet.index(old) + shift) % 11]
    if position < 17 and new == "X":
        new = alphabet[(alphabet.index(old) + shift + 1) % 11]
    if new == old:
        return
    corrupted = number[:position] + new + number[position + 1:]
    with pytest.raises(PersonIdError):
        validate_resident_id(corrupted, today=TODAY)
