"""Personal identifiers: a keyed hash to recognise the person, a masked form to show.

The clear value is never stored and never output; callers hash and mask at the boundary.
"""

from __future__ import annotations

import hashlib
import hmac
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
        raise PersonIdError("身份证号码无效（长度、出生日期或校验位错误）") from exc


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
