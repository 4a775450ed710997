"""USCC normalisation and validation: python-stdnum's vectors and GB 32100 itself."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from xinyong.subjects import uscc

ALPHABET = uscc.ALPHABET
# Verified examples from standards.md §6 (computed with the standard's algorithm).
STANDARD_VALID = ["91350200776049653A", "91440101MA5CJQ4N59", "913502000728319549",
                  "123502001549897397", "11230500001755309F"]
# python-stdnum's own doctest vector.
STDNUM_VALID = ["91110000600037341L"]


@pytest.mark.parametrize("code", STANDARD_VALID + STDNUM_VALID)
def test_known_valid_codes(code):
    assert uscc.validate(code).code == code
    assert stdnum_uscc.is_valid(code)


def test_known_bad_checksum():
    with pytest.raises(uscc.UsccError) as exc:
        uscc.validate("91350203M0001QAY9B")
    assert exc.value.rule == "uscc_checksum"
    assert str(exc.value) == "统一社会信用代码校验位错误"


@pytest.mark.parametrize("prefix", ["N2", "N3", "Y1", "A1"])
def test_letter_registration_departments_are_valid_though_stdnum_rejects_them(prefix):
    code = uscc.make(prefix, "350200", "MA2XKL03")
    assert uscc.validate(code).code == code
    assert not stdnum_uscc.is_valid(code)  # python-stdnum 2.2 demands digits in 1-8


def test_full_width_lower_case_and_spaces_are_normalised():
    assert uscc.validate(" ９１３５０２００７７６０４９６５３ａ ").code == "91350200776049653A"
    assert uscc.validate("9135-0200-7760-4965-3a").code == "91350200776049653A"


@pytest.mark.parametrize(("raw", "rule"), [("9135020077604965", "uscc_length"),
                                           ("91350200776O49653A", "uscc_format"),
                                           ("9135020077604965IA", "uscc_format"),
                                           ("B1350200776049653A", "uscc_format")])
def test_format_errors_are_named(raw, rule):
    with pytest.raises(uscc.UsccError) as exc:
        uscc.validate(raw)
    assert exc.value.rule == rule


def test_region_and_kind_come_from_the_code():
    code = uscc.make("92", "350203", "MA2XKL04")
    info = uscc.validate(code)
    assert info.region_code == "350203"
    assert info.derived_kind == "individual_business"
    assert uscc.validate(uscc.make("11", "350200", "MB160001")).derived_kind == "government_body"


org8 = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8)
prefix = st.sampled_from(["11", "12", "51", "52", "91", "92", "93", "N2", "Y1"])
region = st.from_regex(r"\A[1-6][0-9]{5}\Z")


@given(prefix, region, org8)
def test_generated_codes_validate_and_match_stdnum_checksum(p, r, o):
    code = uscc.make(p, r, o)
    assert uscc.validate(code).code == code
    assert stdnum_uscc.calc_check_digit(code[:17]) == code[17]


@given(prefix, region, org8)
def test_normalisation_is_idempotent_and_case_insensitive(p, r, o):
    code = uscc.make(p, r, o)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    assert uscc.normalise(full_width) == code
    assert uscc.normalise(uscc.normalise(full_width)) == code


@given(prefix, region, org8, st.integers(0, 17), st.integers(1, 30))
def test_any_single_character_substitution_is_detected(p, r, o, pos, shift):
    code = uscc.make(p, r, o)
    replacement = ALPHABET[(ALPHABET.index(code[pos]) + shift) % 31]
    bad = code[:pos] + replacement + code[pos + 1:]
    # 31 is prime and every weight is non-zero mod 31: one wrong symbol always shows.
    assert not uscc.is_valid(bad)


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_check_digit_is_python_stdnum_s(body):
    # The table-driven check digit used on every ingested row agrees with python-stdnum.
    assert uscc.check_digit(body) == stdnum_uscc.calc_check_digit(body)


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=8, max_size=8))
def test_org_check_digit_follows_gb_11714(first8):
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(first8, weights, strict=True))
    assert uscc.org_check_digit(first8) == {10: "X", 11: "0"}.get(11 - total % 11,
                                                                 str(11 - total % 11))
