"""Name normalisation shared by name search and the check (逢办必查).

Each step is reported, so that every hit can explain itself: full-width to half-width (NFKC),
traditional to simplified (OpenCC t2s), case, spacing and punctuation, and the company-form
suffix (有限公司 / 有限责任公司 / 股份有限公司 / (集团) ...). This is what name search
compares; the check parses a name into its legal parts on top of the same steps (names.py).
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
def simplifier() -> opencc.OpenCC:
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
    simplified = simplifier().convert(text)
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


def search_key(text: str) -> str:
    """What a name search compares: canonical form (width, script, case, punctuation)."""
    return normalise(text).canonical
