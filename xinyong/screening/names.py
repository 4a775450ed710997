"""An enterprise name parsed into its legal parts (企业名称的组成):

    行政区划 + 字号 + 行业或者经营特点 + 组织形式     兰州市 华盛 商贸 有限公司
    字号 +（行政区划）+ 行业 + 组织形式             方奥 （金华） 建设工程 有限公司
    所从属企业的名称 + 分支机构的字词               华盛商贸有限公司 城关分公司

Divisions come from GB/T 2260 (divisions.py), forms, branch and industry words from
data/name_parts.yaml. The check compares names on these parts: two names are the same name
when their place (`division_key`), their 字号 and 行业 (`body`) and their branch words agree,
whatever the width, script, spacing, order of the division or spelling of the legal form;
a typo is one edit in the body (rules.py). The split of the body into 字号 and 行业 is shown to
people but never compared, so a wrong split costs nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from xinyong.screening.divisions import (
    Chain,
    chain_text,
    division_chains,
    division_key,
    whole_division,
)
from xinyong.screening.name_rules import default_name_parts
from xinyong.screening.normalise import CASE, FULL_WIDTH, SPACING, TRADITIONAL, simplifier

TRADE_MIN = 2  # 字号应当由两个以上汉字组成
_KEEP_BRACKETS = re.compile(r"[^\w()]+|_", re.UNICODE)
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "【": "(", "】": ")", "[": "(", "]": ")",
                           "{": "(", "}": ")", "<": "(", ">": ")"})
_SEGMENT = re.compile(r"\(([^()]*)\)")
GROUP = "集团"


@dataclass(frozen=True)
class ParsedName:
    original: str
    canonical: str  # width, script, case, spacing and punctuation normalised (= normalise())
    steps: tuple[str, ...]  # which of those changed the text
    division: str  # as written (normalised text), e.g. 兰州市城关区; '' when none
    division_key: str  # the place, one way: 兰州/城关
    bracket_at: int  # 0: division in front (or none); k: in brackets after body[:k]
    trade: str  # 字号
    industry: str  # 行业或者经营特点
    group: bool  # 集团 / （集团）
    form: str  # organisation form as written: 有限公司, 股份公司, (有限合伙) ...
    form_class: str  # its legal class: 有限责任公司 for 有限公司 too; '' when none
    branch: str  # a branch's own words after its enterprise's form: 城关分公司
    branch_key: str

    @property
    def body(self) -> str:
        """字号 and 行业 as one text: what a typo is counted in."""
        return self.trade + self.industry

    @property
    def form_key(self) -> str:
        return (GROUP if self.group else "") + self.form_class

    @property
    def core(self) -> str:
        """The identity of the name without its form: place, body and branch."""
        return identity(self.division_key, self.body, self.branch_key)


def identity(division_key: str, body: str, branch_key: str) -> str:
    return f"{division_key}|{body}|{branch_key}"


def split_identity(core: str) -> tuple[str, str, str]:
    division, body, branch = (core.split("|") + ["", ""])[:3]
    return division, body, branch


class _Suffixes:
    """Words looked up at the end of a text, one dict look-up per distinct length (longest
    first): a name is parsed for every indexed name and every applicant."""

    def __init__(self, words: dict[str, str]) -> None:
        self.words = words
        self.lengths = sorted({len(w) for w in words}, reverse=True)

    def ending(self, text: str, keep: int = 0) -> str | None:
        """The longest word `text` ends with that leaves at least `keep` characters."""
        for n in self.lengths:
            if len(text) - n >= keep and text[-n:] in self.words:
                return text[-n:]
        return None


@cache
def _forms() -> _Suffixes:
    return _Suffixes(default_name_parts().form_classes())


@cache
def _branch_words() -> _Suffixes:
    return _Suffixes({w: w for w in default_name_parts().branch.written})


@cache
def _bracketed_forms() -> frozenset[str]:
    """Forms written in brackets, as a whole pair: (有限合伙)."""
    return frozenset(m.group(0) for w in _forms().words for m in _SEGMENT.finditer(w))


@cache
def _industry() -> _Suffixes:
    return _Suffixes({w: w for w in default_name_parts().industry})


def industry_only(text: str) -> bool:
    """The text is made of industry words only (科技, 科技贸易): no 字号 in it."""
    if not text:
        return True
    ind = _industry()
    return any(text[-n:] in ind.words and industry_only(text[:-n])
               for n in ind.lengths if n <= len(text))


def split_body(body: str) -> tuple[str, str]:
    """字号 and 行业: industry words taken from the end while a 字号 of TRADE_MIN remains."""
    trade = body
    while (word := _industry().ending(trade, TRADE_MIN)) is not None:
        trade = trade[: -len(word)]
    return trade, body[len(trade):]


def _prepare(name: str) -> tuple[str, str, tuple[str, ...]]:
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
    canonical = _PUNCT.sub("", lowered)
    if canonical != lowered:
        steps.append(SPACING)
    return _tidy(_KEEP_BRACKETS.sub("", lowered.translate(_BRACKETS))), canonical, tuple(steps)


def _tidy(text: str) -> str:
    """Only bracket pairs that tell a part stay: (集团), (金华), (有限合伙); the words of any
    other pair are read as if written without them."""
    out, last = [], 0
    for m in _SEGMENT.finditer(text):
        out.append(text[last:m.start()].replace("(", "").replace(")", ""))
        inner = m.group(1)
        before = sum(len(part) for part in out)  # a division needs a 字号 before it
        if inner == GROUP or m.group(0) in _bracketed_forms() or (
                before >= TRADE_MIN and inner and whole_division(inner) is not None):
            out.append(m.group(0))
        else:
            out.append(inner)
        last = m.end()
    out.append(text[last:].replace("(", "").replace(")", ""))
    return "".join(out)


def _strip_form(text: str) -> tuple[str, str, str]:
    """(rest, form as written, form class) of the end of a name."""
    forms = _forms()
    written = forms.ending(text, TRADE_MIN)
    if written is None:
        return text, "", ""
    return text[: -len(written)], written, forms.words[written]


def _strip_group(text: str) -> tuple[str, bool]:
    # The text is NFKC-normalised: its brackets are ASCII (a full-width 「（集团）」 is
    # "(集团)" here), so the mark is built from ASCII brackets.
    for mark in ("(" + GROUP + ")", GROUP):
        if text.endswith(mark) and len(text) - len(mark) >= TRADE_MIN:
            return text[: -len(mark)], True
    return text, False


def _split_branch(text: str) -> tuple[str, str]:
    """(enterprise name, branch words) of a branch's name: 华盛商贸有限公司城关分公司. The
    enterprise's name ends where its form last ends before the branch word."""
    word = _branch_words().ending(text)
    if word is None:
        return text, ""
    head = text[: -len(word)]
    # Only forms of two characters or more: 店 in 驻马店 ends no enterprise name.
    end = max((at + len(w) for w in _forms().words
               if len(w) >= 2 and (at := head.rfind(w)) >= TRADE_MIN), default=0)
    return (text[:end], text[end:]) if end else (text, "")


def _valid_rest(rest: str) -> bool:
    plain = _SEGMENT.sub(lambda m: m.group(1), rest).replace("(", "").replace(")", "")
    return len(plain) >= TRADE_MIN and not industry_only(plain)


def _front_division(text: str) -> tuple[Chain, str] | None:
    for chain in division_chains(text):
        rest = text[len(chain_text(chain)):]
        if not rest.startswith("(") and _valid_rest(rest):
            return chain, rest
    return None


def _bracket_division(text: str) -> tuple[Chain, int, str] | None:
    """A division in brackets after the 字号: (chain, position in the body, rest)."""
    for m in _SEGMENT.finditer(text):
        chain = whole_division(m.group(1)) if m.start() >= TRADE_MIN else None
        if chain is None:
            continue
        rest = text[: m.start()] + text[m.end():]
        if _valid_rest(rest):
            before = _SEGMENT.sub(lambda s: s.group(1), text[: m.start()])
            return chain, len(before.replace("(", "").replace(")", "")), rest
    return None


@lru_cache(maxsize=1 << 14)
def parse(name: str) -> ParsedName:
    text, canonical, steps = _prepare(name)
    parent, branch = _split_branch(text)
    rest, form, form_class = _strip_form(parent)
    rest, group = _strip_group(rest)
    chain: Chain = ()
    bracket_at = 0
    # A division in brackets says where the name's place is: what precedes it is the 字号
    # even when it reads like a place (天山建设(乌鲁木齐): 天山 is also a district).
    inside = _bracket_division(rest)
    if inside is not None:
        chain, bracket_at, rest = inside
    elif (front := _front_division(rest)) is not None:
        chain, rest = front
    body = _SEGMENT.sub(lambda m: m.group(1), rest).replace("(", "").replace(")", "")
    if not body:  # nothing but a form or a division: the name is its own body
        return ParsedName(name, canonical, steps, "", "", 0, canonical, "", False, "", "",
                          "", "")
    trade, industry = split_body(body)
    branch = branch.replace("(", "").replace(")", "")
    return ParsedName(name, canonical, steps, chain_text(chain), division_key(chain),
                      bracket_at, trade, industry, group, form, form_class, branch,
                      _branch_key(branch))


def _branch_key(branch: str) -> str:
    """Branch words with their division written one way (城关区分公司 = 城关分公司)."""
    for chain in division_chains(branch):
        rest = branch[len(chain_text(chain)):]
        if rest:
            return division_key(chain) + rest
    return branch


@lru_cache(maxsize=1 << 12)
def readings(p: ParsedName) -> tuple[tuple[str, str], ...]:
    """(division key, body) of every way to read where the division in front ends, the
    parse's own first. A slip can move that end: 新疆天山路桥工程 is 新疆 + 天山路桥工程 (路桥工程
    alone has no 字号), but 新疆天山桥路工程 reads as 新疆天山 + 桥路工程; typos are looked for
    under every reading, so that such a slip is still one slip."""
    own = (p.division_key, p.body)
    if p.bracket_at or not p.body:
        return (own,)
    text = p.division + p.body
    found = {p.division_key: p.body}
    for c in division_chains(text):  # longest way of writing each place first
        if len(text) - len(chain_text(c)) >= TRADE_MIN:
            found.setdefault(division_key(c), text[len(chain_text(c)):])
    found.setdefault("", text)
    return tuple(found.items())


def render(p: ParsedName) -> str:
    """The name written from its parts (normalised text; brackets as ASCII)."""
    body = p.body
    if p.bracket_at:
        named = body[: p.bracket_at] + f"({p.division})" + body[p.bracket_at:]
    else:
        named = p.division + body
    return named + (GROUP if p.group else "") + p.form + p.branch
