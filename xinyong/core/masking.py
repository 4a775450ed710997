"""Personal identifiers: a keyed hash to recognise the person, a masked form to show.

The clear value is never stored and never output; callers hash and mask at the boundary.

Resident identity numbers (公民身份号码, GB 11643-1999) are checked by their own rules here,
not by a dependency's place-code table: the address code is the county where the number was
*issued*, which may have been created long after the holder was born (兰州城关区 620102 for
someone born in 1980), and codes of merged or renamed counties stay valid on cards in use.
So any six-digit address code is accepted when its first two digits are a province-level
code and the check digit is right (docs/decisions/0006-provisional-calendar-and-ids.md).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import date

from xinyong.core import clock

# Province-level codes of GB/T 2260 (71 台湾, 81 香港, 82 澳门), and 83: the address code of
# the residence permits of Taiwan residents (830000), which follow GB 11643 too.
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83"})
EARLIEST_BIRTH = date(1900, 1, 1)
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # ISO 7064 MOD 11-2
_CHECK = "10X98765432"
_DIGITS = frozenset("0123456789")

# Rule codes (the ingest's row problems carry them as `person_id_<rule>`).
LENGTH, CHARACTERS, PROVINCE, BIRTH_DATE, CHECK_DIGIT = (
    "length", "characters", "province", "birth_date", "check_digit")


class PersonIdError(ValueError):
    """An invalid resident ID number; `rule` names the check that failed."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


def normalise_id(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip().replace(" ", "").upper()


def check_digit(body: str) -> str:
    """GB 11643 check character of the first 17 digits (ISO 7064 MOD 11-2)."""
    return _CHECK[sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True)) % 11]


def validate_resident_id(raw: str, *, today: date | None = None) -> str:
    """The normalised 18-character number, or PersonIdError naming the rule that failed:
    length, characters, province, birth date (a real date from 1900 up to today), check digit.
    First-generation 15-digit numbers (no longer valid since 2013-01-01) are refused."""
    value = normalise_id(raw)
    if len(value) != 18:
        if len(value) == 15 and set(value) <= _DIGITS:
            raise PersonIdError(LENGTH, "身份证号码为15位的第一代号码（2013年1月1日起停止使用），"
                                "请填写18位号码")
        raise PersonIdError(LENGTH, f"身份证号码长度错误：应为18位，实为{len(value)}位")
    if not set(value[:17]) <= _DIGITS or value[17] not in _DIGITS | {"X"}:
        raise PersonIdError(CHARACTERS, "身份证号码含有非法字符：前17位应为数字，"
                            "第18位应为数字或X")
    if value[:2] not in PROVINCE_CODES:
        raise PersonIdError(PROVINCE, f"身份证号码的前两位「{value[:2]}」不是省级行政区划代码")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise PersonIdError(BIRTH_DATE, "身份证号码的出生日期不是有效日期") from None
    if born < EARLIEST_BIRTH or born > (today or clock.today()):
        raise PersonIdError(BIRTH_DATE, "身份证号码的出生日期不在1900年1月1日至今天之间")
    if check_digit(value[:17]) != value[17]:
        raise PersonIdError(CHECK_DIGIT, "身份证号码校验位错误")
    return value


def is_valid_resident_id(raw: str) -> bool:
    try:
        validate_resident_id(raw)
    except PersonIdError:
        return False
    return True


def keyed_hash(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), normalise_id(value).encode(), hashlib.sha256).hexdigest()


def mask_id(value: str) -> str:
    """Keep the 4-character region prefix and the last four: 6201**********1234."""
    v = normalise_id(value)
    if len(v) <= 8:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else name


# -- personal ID numbers inside free text ----------------------------------------------------
#
# A data officer may type an ID number into 违法事实, 处罚内容 or 备注 ("当事人身份证号
# 350203198001011234"). Such text is scanned for runs of digits (ASCII or full-width), in
# groups separated by at most one space or hyphen ("3502 0319 8001 0112 34",
# "350203-19800101-1234"), that stand alone (no digit right before or after; a letter may
# be: "ID110105..." is still a number, and a code that merely contains 18 digits with a valid
# region, birth date and check digit is rare enough to be masked rather than risked). Inside
# a run, consecutive groups that make 18 characters with a valid check digit, or 15 digits
# with a valid birth date (the pre-1999 number), are a resident ID number (validated by
# `validate_resident_id`) and are replaced by their masked form. Anything else is left as it
# is: amounts, dates, document numbers, all-digit codes with a wrong check digit.

_DIGIT = "0-9\uff10-\uff19"
_SEP = " \u3000\\-\uff0d\u2010\u2011\u2013\u2014"
# Cheap first test: fourteen digits with at most one separator between any two.
_ANY_LONG_RUN = re.compile(f"[{_DIGIT}](?:[{_SEP}]?[{_DIGIT}]){{13}}")
_RUN = re.compile(f"(?<![{_DIGIT}])[{_DIGIT}](?:[{_SEP}]?[{_DIGIT}])*"
                  f"(?:[{_SEP}]?[Xx\uff38\uff58])?(?![{_DIGIT}])")
_GROUP = re.compile(f"[{_DIGIT}Xx\uff38\uff58]+")


def resident_id_in(candidate: str) -> str | None:
    """The normalised ID number if `candidate` (digits only, any width) is a valid 18-digit
    number or a valid 15-digit pre-1999 number (read as its 18-digit form: century 19 and
    the check digit added); None otherwise. Both go through `validate_resident_id`, so any
    address code of a province-level region is a number, as on the ingest."""
    value = normalise_id(candidate)
    if len(value) == 15 and value.isdigit():
        first17 = value[:6] + "19" + value[6:]
        try:
            validate_resident_id(first17 + check_digit(first17))
        except PersonIdError:
            return None
        return value
    if len(value) != 18 or not value[:17].isdigit():
        return None
    try:
        validate_resident_id(value)
    except PersonIdError:
        return None
    return value


_X = frozenset("Xx\uff38\uff58")


def _number_at(run: str, groups: list[tuple[int, int]], i: int) -> tuple[int, str] | None:
    """The ID number made of groups i..j of a run, preferring 18 characters to 15: (j, it)."""
    length, found = 0, None
    for j in range(i, len(groups)):
        start, end = groups[j]
        chunk = run[start:end]
        if _X.intersection(chunk[:-1]):
            break  # an X may only end a number
        length += end - start
        if length > 18:
            break
        if length in (15, 18):
            value = resident_id_in("".join(run[a:b] for a, b in groups[i:j + 1]))
            if value is not None:
                found = (j, value)
                if length == 18:
                    break
        if chunk[-1] in _X:
            break
    return found


def _mask_run(m: re.Match[str]) -> str:
    run = m.group(0)
    masked = _mask_groups(run)
    if masked == run and run[-1] in _X:  # "...1238X光片": the X is the text's, not the number's
        inner = _mask_groups(run[:-1])
        if inner != run[:-1]:
            return inner + run[-1]
    return masked


def _mask_groups(run: str) -> str:
    groups = [(g.start(), g.end()) for g in _GROUP.finditer(run)]
    out: list[str] = []
    pos = i = 0
    while i < len(groups):
        found = _number_at(run, groups, i)
        if found is None:
            i += 1
            continue
        j, value = found
        out += [run[pos:groups[i][0]], mask_id(value)]
        pos = groups[j][1]
        i = j + 1
    return "".join([*out, run[pos:]]) if out else run


def scrub_text(text: str) -> str:
    """`text` with every resident ID number in it masked (see above); unchanged if none."""
    if not _ANY_LONG_RUN.search(text):
        return text
    return _RUN.sub(_mask_run, text)
