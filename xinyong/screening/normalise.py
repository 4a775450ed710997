"""Name normalisation shared by name search and the check (逢办必查).

Each step is reported, so that every hit can explain itself: full-width to half-width (NFKC),
traditional to simplified (OpenCC t2s), case, spacing and punctuation, and the company-form
suffix (有限公司 / 有限责任公司 / 股份有限公司 / (集团) ...).

`region_end` finds the administrative-division prefix of a name core (行政区划: 厦门市,
北京市朝阳区, 内蒙古自治区 ...; a name is 行政区划 + 字号 + 行业 + 组织形式), so that the
check's typo blocking can look at the trade name (字号) that follows it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc

FULL_WIDTH = "full_width"
TRADITIONAL = "traditional"
CASE = "case"
SPACING = "spacing_punctuation"
SUFFIX = "company_suffix"

# Longest first: the first match wins. Forms from the company law and registration practice.
COMPANY_SUFFIXES = (
    "集团股份有限公司", "集团有限责任公司", "集团有限公司", "股份有限公司", "有限责任公司",
    "股份合作公司", "有限公司", "分公司", "总公司", "公司", "合伙企业", "个人独资企业",
    "专业合作社",
)
GROUP_MARK = "集团"
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@dataclass(frozen=True)
class NormalisedName:
    original: str
    canonical: str  # same entity name, written differently
    core: str  # the name without its company-form suffix: for variants
    steps: tuple[str, ...]  # which normalisations changed the text


@lru_cache(maxsize=1 << 12)  # small: memory stays flat on million-row ingests
def normalise(name: str) -> NormalisedName:
    steps: list[str] = []
    text = unicodedata.normalize("NFKC", name)
    if text != name:
        steps.append(FULL_WIDTH)
    simplified = _t2s().convert(text)
    if simplified != text:
        steps.append(TRADITIONAL)
    lowered = simplified.lower()
    if lowered != simplified:
        steps.append(CASE)
    compact = _PUNCT.sub("", lowered)
    if compact != lowered:
        steps.append(SPACING)
    core = compact
    # "(集团)" inside the name and the legal form at the end do not tell two companies apart.
    if "(集团)" in lowered or "(集团)" in simplified:
        core = core.replace(GROUP_MARK, "", 1)
    for suffix in COMPANY_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    if core.endswith(GROUP_MARK) and len(core) > len(GROUP_MARK):
        core = core[: -len(GROUP_MARK)]
    return NormalisedName(name, compact, core, tuple(steps))


# One administrative unit: a short place name and its unit word. 市场/市政 and 区块/区域 are
# words of a trade or industry, not a unit (华盛市场管理 has no region prefix).
_REGION = re.compile(
    r"(?:[\u4e00-\u9fff]{1,8}?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|新区|省|"
    r"市(?!场|政)|州|盟|县|区(?!块|域)|旗)){1,3}")
REGION_REST_MIN = 2  # a prefix is a region only if at least this much name follows it


def region_end(core: str) -> int:
    """Length of the administrative-division prefix of a name core (0 when there is none).

    A heuristic: at most three units from the start of the name, each a place name of one to
    eight characters ending in a unit word. A name that merely starts like one (e.g. 城市之光)
    loses only typo recall inside that prefix: both the registry and the query are cut the
    same way."""
    m = _REGION.match(core)
    if m is None or len(core) - m.end() < REGION_REST_MIN:
        return 0
    return m.end()


def search_key(text: str) -> str:
    """What a name search compares: canonical form (width, script, case, punctuation)."""
    return normalise(text).canonical
