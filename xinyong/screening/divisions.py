"""Administrative divisions (行政区划) of GB/T 2260 as the first part of an enterprise name.

Read from data/divisions.tsv (generated once by divisions_build.py; see there for the source).
Every name is known in full (兰州市, 新疆维吾尔自治区, 延边朝鲜族自治州) and short, without its unit
word and the names of the nationalities of an autonomous area (兰州, 新疆, 延边), as enterprise
names write it either way; a former name whose code now carries another (襄樊 -> 襄阳) stands
for the current one. `division_chain` reads up to three units from the start of a text, each
inside the one before it (兰州 + 城关区, not 厦门 + 永安), and `division_key` says which place a
chain names: short names joined, without a province in front of its own city (甘肃兰州 =
兰州), so that every legal way of writing one place gives one key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "divisions.tsv"
CHINA = "中国"  # 冠以"中国"的企业名称: a national prefix, treated as a division of its own
MUNICIPALITIES = ("11", "12", "31", "50")  # 北京 天津 上海 重庆: province and city at once
MAX_UNITS = 3

# Unit words, longest first. 州 is never one on its own (赣州市 -> 赣州).
_UNIT_WORDS = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "特区",
               "新区", "省", "市", "盟", "县", "区", "旗")
# Nationalities in the names of autonomous areas: single characters only with 族.
_NATIONALITIES = (
    "蒙古", "维吾尔", "哈萨克", "柯尔克孜", "锡伯", "布依", "朝鲜", "土家", "哈尼", "傈僳",
    "高山", "拉祜", "东乡", "纳西", "景颇", "达斡尔", "仫佬", "布朗", "撒拉", "毛南", "仡佬",
    "阿昌", "普米", "塔吉克", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "塔塔尔",
    "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "回", "藏", "苗", "彝", "壮", "满", "侗",
    "瑶", "白", "傣", "黎", "佤", "畲", "水", "羌", "怒", "京", "土")
_NATIONALITY_TAIL = re.compile("(?:" + "|".join(
    f"{n}族" if len(n) == 1 else f"{n}族?" for n in _NATIONALITIES) + ")$")
# A unit word followed by these is part of the next word (兰州市场, 西安市政, 区块链, 区域).
_NOT_UNIT = {"市": "场政", "区": "块域"}


def short_name(full: str) -> str:
    """兰州市 -> 兰州, 广西壮族自治区 -> 广西, 恩施土家族苗族自治州 -> 恩施; '' when the rest
    would be a single character (赵县, 城区)."""
    name = full
    for word in _UNIT_WORDS:
        if name.endswith(word) and len(name) > len(word):
            name = name[: -len(word)]
            break
    if full.endswith(("自治区", "自治州", "自治县", "自治旗")):
        while (m := _NATIONALITY_TAIL.search(name)) and m.start() >= 2:
            name = name[: m.start()]
    return name if len(name) >= 2 and name != full else ""


@dataclass(frozen=True)
class Place:
    """One division a written name may stand for."""

    code: str
    level: int  # 0 national (中国), 1 province, 2 prefecture, 3 county

    def contains(self, other: Place) -> bool:
        if self.level not in (1, 2) or other.level <= self.level:
            return False
        return other.code.startswith(self.code[: 2 * self.level])


@dataclass(frozen=True)
class Written:
    """A way to write a division: its places and the short name they are known by."""

    text: str
    key: str
    places: tuple[Place, ...]


@dataclass(frozen=True)
class Table:
    by_text: dict[str, Written]
    lengths: dict[str, tuple[int, ...]]  # first character -> lengths of names, longest first
    names: tuple[tuple[str, int, str, bool], ...]  # (code, level, full name, current)


@cache
def table() -> Table:
    rows: list[tuple[str, int, str, bool]] = []
    for line in DATA_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        code, level, name, _since, until = line.split("\t")
        rows.append((code, int(level), name, not until))
    current: dict[str, set[str]] = {}
    for code, _lv, name, now in rows:
        if now:
            current.setdefault(code, set()).add(short_name(name) or name)
    current_shorts = {s for names in current.values() for s in names}
    # A former short name that no place carries today stands for its code's current one.
    renamed: dict[str, str] = {}
    for code, _lv, name, now in rows:
        old = short_name(name) or name
        if not now and old not in current_shorts and len(current.get(code, ())) == 1:
            renamed[old] = next(iter(current[code]))
    places: dict[str, set[Place]] = {}
    keys: dict[str, str] = {}
    for code, lv, name, _now in rows:
        short = short_name(name)
        for text in (name, short):
            if text:
                places.setdefault(text, set()).add(Place(code, lv))
                keys[text] = renamed.get(short or name, short or name)
    places.setdefault(CHINA, set()).add(Place("000000", 0))
    keys[CHINA] = CHINA
    by_text = {t: Written(t, keys[t], tuple(sorted(p, key=lambda x: (x.level, x.code))))
               for t, p in places.items()}
    lengths: dict[str, set[int]] = {}
    for t in by_text:
        lengths.setdefault(t[0], set()).add(len(t))
    return Table(by_text, {c: tuple(sorted(n, reverse=True)) for c, n in lengths.items()},
                 tuple(rows))


Chain = tuple[Written, ...]


def _units_at(text: str, pos: int, within: tuple[Place, ...] | None
              ) -> Iterator[tuple[Written, tuple[Place, ...]]]:
    """Divisions written at `pos`, longest first, inside one of `within` (None: anywhere)."""
    tab = table()
    for length in tab.lengths.get(text[pos:pos + 1], ()):
        w = tab.by_text.get(text[pos:pos + length]) if pos + length <= len(text) else None
        if w is None:
            continue
        places = w.places if within is None else tuple(
            p for p in w.places if any(q.contains(p) for q in within))
        if not places:
            continue
        after = text[pos + length: pos + length + 1]
        # 市场 and 市政 are words, unless a place inside follows (南平市政和县).
        if after and after in _NOT_UNIT.get(w.text[-1], "") and next(
                _units_at(text, pos + length, places), None) is None:
            continue
        yield w, places


def division_chains(text: str, pos: int = 0, within: tuple[Place, ...] | None = None,
                    depth: int = 0) -> Iterator[Chain]:
    """Chains of divisions written from `pos`, the preferred first: longer units, then more
    of them. The caller takes the first that leaves a valid rest of the name."""
    for w, places in _units_at(text, pos, within):
        if depth + 1 < MAX_UNITS:
            for rest in division_chains(text, pos + len(w.text), places, depth + 1):
                yield (w, *rest)
        yield (w,)


def chain_text(chain: Chain) -> str:
    return "".join(w.text for w in chain)


def division_key(chain: Chain) -> str:
    """The place a chain names, written one way: short names, no province before its city."""
    units = list(chain)
    if len(units) > 1 and any(p.level == 1 and p.code[:2] not in MUNICIPALITIES
                              and any(p.contains(q) for q in units[1].places)
                              for p in units[0].places):
        units = units[1:]
    return "/".join(w.key for w in units)


def whole_division(text: str) -> Chain | None:
    """The chain that is exactly `text` (a bracketed division: 方奥（金华）建设), if any."""
    return next((c for c in division_chains(text) if len(chain_text(c)) == len(text)), None)


def current_names(level: int) -> list[str]:
    """Current full names of one level (for generating realistic names in the bench)."""
    return sorted({name for _c, lv, name, now in table().names if now and lv == level})
