"""Pure rules for departments: the region code and the text of names."""

from __future__ import annotations

import re

from xinyong.core.errors import Invalid

# GB/T 2260 administrative division: six digits, provinces 11-82.
_REGION = re.compile(r"^[1-8][0-9]{5}$")
NAME_MAX = 200


def region_of(uscc: str) -> str:
    """The registering authority's division code inside a USCC (characters 3-8)."""
    return uscc[2:8]


def validate_region(raw: str) -> str:
    value = raw.strip()
    if not _REGION.match(value):
        raise Invalid(f"行政区划代码「{raw[:20]}」应为6位数字（GB/T 2260，如 350200）",
                      code="region_invalid")
    return value


def clean_name(raw: str) -> str:
    value = raw.strip()
    if not value or len(value) > NAME_MAX or any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise Invalid(f"单位名称不能为空、不能含控制字符、不超过{NAME_MAX}个字符",
                      code="department_name_invalid")
    return value
