"""Personal identifiers: a keyed hash to recognise the person, a masked form to show.

The clear value is never stored and never output; callers hash and mask at the boundary.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

from stdnum.cn import ric


class PersonIdError(ValueError):
    pass


def normalise_id(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip().replace(" ", "").upper()


def validate_resident_id(raw: str) -> str:
    """Validate a mainland resident identity card number (GB 11643) with python-stdnum."""
    value = normalise_id(raw)
    try:
        return str(ric.validate(value))
    except Exception as exc:  # stdnum raises several ValidationError subclasses
        raise PersonIdError("身份证号码无效(长度、出生日期或校验位错误)") from exc


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
_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]


def resident_check_digit(first17: str) -> str:
    """The GB 11643 check character (ISO 7064 MOD 11-2) of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return "0123456789X"[(12 - total % 11) % 11]


def resident_id_in(candidate: str) -> str | None:
    """The normalised ID number if `candidate` (digits only, any width) is a valid 18-digit
    number or a valid 15-digit pre-1999 number; None otherwise."""
    value = normalise_id(candidate)
    if len(value) == 15 and value.isdigit():
        first17 = value[:6] + "19" + value[6:]
        try:
            validate_resident_id(first17 + resident_check_digit(first17))
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
