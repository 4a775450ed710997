"""Realistic enterprise names for the check benchmark, the query classes of issue 20, and the
exhaustive scorer that gives each class its ceiling.

Names are 行政区划 + 字号 + 行业 + 组织形式 as registration forms write them: divisions from the
GB/T 2260 list the check itself uses (prefecture cities, districts and counties inside them,
provinces; short or full; a share in the long place names 乌鲁木齐, 呼和浩特, 新疆维吾尔自治区 ...),
字号 of two to four characters from common trade-name characters, industry words and legal
forms from xinyong/screening/data/name_parts.yaml, some written 字号（行政区划）行业组织形式,
some branches (某某有限公司XX分公司), some siblings that differ only by the legal form.

The exhaustive scorer parses every registry name (current and former) in this process,
independently of the database index, and scores every name that the rule can score: exact
and variant by equality of key or core (dictionaries over all names), typos by comparing the
query's body with the body of every name of the same division and branch (rapidfuzz, one
edit of optimal string alignment), fuzzy only for listed subjects (the check's scope), typos
only for queries without an exact or variant hit, ranked as the check ranks (score, then the
registry name). Its recall@1 is the ceiling of the rule; `best` is the optimistic bound (the
truth's rank counting only names scored strictly higher).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import opencc
from rapidfuzz import process
from rapidfuzz.distance import OSA

from xinyong.screening.divisions import table
from xinyong.screening.name_rules import default_name_parts
from xinyong.screening.names import ParsedName, identity, parse, readings, split_identity
from xinyong.screening.rules import grade_name, grade_typo, typo_pair

TRADE_CHARS = (
    "华盛德泰恒达鑫源宏远兴业富隆嘉禾瑞丰永安博通汇金长城东方新星天成佳美康宁锦程鹏飞凯越"
    "海纳百川卓越明辉金鼎银河安信宝丰诚信和谐福瑞祥云中科创智联星光天下大地蓝海红日绿洲"
    "白鹭青松翠竹紫荆黄河长江泰山昆仑珠江湘江闽江方奥青晴穗雄关蒙源鼎晖汉江富民合力同心"
    "众志远航腾飞宏图伟业君诚正道立信聚贤万通千禧百益一品九州四海八方三和五福六顺七星"
    "顺达通利广源广汇广厦广信新华新世纪新时代新希望华夏华美华兴华通华丰华泰华润华宇华联"
    "金桥金城金海金龙金马金盾金穗金阳金辉银都银座银泰银海明珠明星明远明德明辉恒通恒信"
    "恒利恒泰恒源恒丰德润德信德隆德兴德昌瑞达瑞祥瑞通瑞鑫瑞丰利民利达利群利通利源嘉和"
    "嘉诚嘉信嘉盛嘉园鸿运鸿达鸿福鸿泰鸿源浩然浩宇浩博盈科盈通盈泰志诚志远志恒晨光晨曦"
    "朝阳旭日旭升东升东盛东泰东旭西域南方北方中天中兴中联中盛中泰中鼎大成大鹏大通大华")
TRADE_CHARS = "".join(dict.fromkeys(TRADE_CHARS))
LONG_PLACES = ("乌鲁木齐", "呼和浩特", "哈尔滨", "嘉峪关", "克拉玛依", "内蒙古", "黑龙江",
               "新疆维吾尔自治区", "广西壮族自治区", "石家庄", "齐齐哈尔", "牡丹江", "连云港",
               "张家口", "秦皇岛", "平顶山", "驻马店", "景德镇", "六盘水", "日喀则")
FORMS = [("有限公司", 50), ("有限责任公司", 15), ("股份有限公司", 7), ("股份公司", 1),
         ("集团有限公司", 3), ("(集团)有限公司", 1), ("集团股份有限公司", 1), ("经营部", 4),
         ("商行", 2), ("店", 2), ("农民专业合作社", 4), ("合伙企业(有限合伙)", 2), ("厂", 3),
         ("公司", 3), ("个人独资企业", 2)]
SAME_FORM = {"有限公司": "有限责任公司", "有限责任公司": "有限公司", "股份有限公司": "股份公司",
             "股份公司": "股份有限公司", "集团有限公司": "(集团)有限公司",
             "(集团)有限公司": "集团有限公司", "集团股份有限公司": "(集团)股份公司"}
OTHER_FORM = {"有限公司": "股份有限公司", "有限责任公司": "集团有限公司",
              "股份有限公司": "有限公司",
              "股份公司": "有限公司", "集团有限公司": "有限公司", "(集团)有限公司": "有限公司",
              "集团股份有限公司": "股份有限公司", "经营部": "商行", "商行": "店", "店": "经营部",
              "农民专业合作社": "有限公司", "合伙企业(有限合伙)": "有限公司", "厂": "有限公司",
              "公司": "有限公司", "个人独资企业": "有限公司"}


@dataclass(frozen=True)
class Gen:
    """One generated name in its parts."""

    division: str  # as written
    short: str  # the division's short name when written in brackets
    trade: str
    industry: str
    form: str
    bracket: bool = False
    branch: str = ""

    @property
    def name(self) -> str:
        if self.bracket:
            return f"{self.trade}({self.short}){self.industry}{self.form}{self.branch}"
        return f"{self.division}{self.trade}{self.industry}{self.form}{self.branch}"

    @property
    def ident(self) -> tuple[str, str, str, str]:
        return (self.short, self.trade + self.industry, self.branch, self.form)


def _divisions() -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str]]]:
    """(written, short) of provinces, prefecture cities and city + county, current names."""
    rows = [r for r in table().names if r[3]]
    short = {n: w.key for n, w in table().by_text.items()}
    provinces = [(n, short[n]) for _c, lv, n, _ in rows if lv == 1]
    prefectures = {c: n for c, lv, n, _ in rows if lv == 2}
    cities = [(n, short.get(n, n)) for n in prefectures.values()]
    # A district is written with its city (企业名称登记管理规定): in brackets too.
    counties = [(prefectures[c[:4] + "00"] + n,
                 short.get(prefectures[c[:4] + "00"], "") + short.get(n, n))
                for c, lv, n, _ in rows
                if lv == 3 and c[:4] + "00" in prefectures and len(short.get(n, n)) >= 2]
    return provinces, cities, counties


class Generator:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.provinces, self.cities, self.counties = _divisions()
        by_short = {s: w for w, s in self.cities + self.provinces}
        self.long = [(by_short.get(p, p), p if p in by_short else p) for p in LONG_PLACES]
        self.industry = list(default_name_parts().industry)
        self.forms = [f for f, _w in FORMS]
        self.weights = [w for _f, w in FORMS]
        self.seen: set[tuple[str, str, str, str]] = set()

    def _division(self) -> tuple[str, str]:
        r = self.rng.random()
        if r < 0.05:
            written, short = self.rng.choice(self.long)
            return (short if self.rng.random() < .5 else written), short
        if r < 0.12:
            written, short = self.rng.choice(self.provinces)
            return (short if self.rng.random() < .7 else written), short
        if r < 0.45:
            written, short = self.rng.choice(self.counties)
            return written, short
        written, short = self.rng.choice(self.cities)
        return (short if self.rng.random() < .5 else written), short

    def one(self) -> Gen:
        while True:
            division, short = self._division()
            n = self.rng.choices((2, 3, 4), (70, 25, 5))[0]
            trade = "".join(self.rng.choice(TRADE_CHARS) for _ in range(n))
            industry = self.rng.choice(self.industry)
            form = self.rng.choices(self.forms, self.weights)[0]
            bracket = self.rng.random() < 0.03
            g = Gen(division, short, trade, industry, form, bracket)
            if self.rng.random() < 0.02 and "公司" in form:
                g = Gen(division, short, trade, industry, form, bracket,
                        self.rng.choice(self.counties)[1] + "分公司")
            key = (short, trade + industry, g.branch, form)
            if key in self.seen or any((short, trade + industry, g.branch, f) in self.seen
                                       for f in (SAME_FORM.get(form, ""),)):
                continue
            self.seen.add(key)
            return g

    def sibling(self, g: Gen) -> Gen | None:
        other = Gen(g.division, g.short, g.trade, g.industry, OTHER_FORM[g.form], g.bracket,
                    g.branch)
        key = other.ident
        if key in self.seen:
            return None
        self.seen.add(key)
        return other


# ------------------------------------------------------------------ queries


def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def typo(body: str, kind: str, rng: random.Random) -> str:
    if kind == "swap":
        pairs = [i for i in range(len(body) - 1) if body[i] != body[i + 1]]
        if pairs:  # a 字号 like 华华 has nothing to swap: replace a character instead
            i = rng.choice(pairs)
            return body[:i] + body[i + 1] + body[i] + body[i + 2:]
        kind = "replaced"
    i = rng.randrange(len(body))
    if kind == "missing":
        return body[:i] + body[i + 1:]
    other = rng.choice([c for c in TRADE_CHARS if c != body[i]])
    if kind == "extra":
        return body[:i] + other + body[i:]
    return body[:i] + other + body[i + 1:]


def with_body(g: Gen, body: str) -> str:
    """The name of `g` with its 字号 + 行业 replaced by `body`."""
    return g.name.replace(g.trade + g.industry, body, 1) if not g.bracket else (
        f"{body[:len(g.trade)]}({g.short}){body[len(g.trade):]}{g.form}{g.branch}")


Query = tuple[str, int | None, str]  # name or code, truth subject id (None: absent), class


def queries(gens: list[Gen], listed: list[int], former: dict[int, Gen],
            siblings: dict[int, int], absent: Iterator[Gen], per_class: int,
            rng: random.Random, code_of: dict[int, str]) -> list[Query]:
    s2t = _s2t()
    out: list[Query] = []

    def pick(cond: object = None, tries: int = 200) -> int | None:
        for _ in range(tries):
            sid = rng.choice(listed)
            if cond is None or cond(gens[sid - 1]):  # type: ignore[operator]
                return sid
        return None

    def add(cls: str, make: object, cond: object = None) -> None:
        for _ in range(per_class):
            sid = pick(cond)
            if sid is None:
                return
            out.append((make(gens[sid - 1], sid), sid, cls))  # type: ignore[operator]

    add("exact", lambda g, _s: g.name)
    add("code", lambda _g, s: code_of[s])
    add("traditional", lambda g, _s: s2t.convert(g.name))
    add("full width and spacing", lambda g, _s: (
        g.name[:len(g.division)] + "\u3000" + g.name[len(g.division):]).translate(
        str.maketrans("()", "（）")) + " ")
    add("form spelt another way", lambda g, _s: g.name.replace(g.form, SAME_FORM[g.form], 1),
        lambda g: g.form in SAME_FORM and not g.bracket)
    add("股份公司 / 集团 forms", lambda g, _s: g.name.replace(g.form, SAME_FORM[g.form], 1),
        lambda g: ("股份" in g.form or "集团" in g.form) and not g.bracket)
    add("division written another way", lambda g, _s: other_division(g) + g.name[
        len(g.division):], lambda g: not g.bracket and bool(other_division(g)))
    add("bracket order", lambda g, _s: (
        f"{g.division}{g.trade}{g.industry}{g.form}{g.branch}" if g.bracket else
        f"{g.trade}({g.division}){g.industry}{g.form}{g.branch}"), lambda g: not g.branch)
    sib_ids = list(siblings)
    for _ in range(per_class if sib_ids else 0):
        sid = rng.choice(sib_ids)
        out.append((gens[sid - 1].name, sid, "sibling of another form listed"))
    former_ids = list(former)
    for _ in range(per_class if former_ids else 0):
        sid = rng.choice(former_ids)
        out.append((former[sid].name, sid, "former name"))
    for kind in ("replaced", "swap", "missing", "extra"):
        add(f"typo: {kind}", lambda g, _s, k=kind: with_body(g, typo(g.trade + g.industry, k,
                                                                    rng)))
    add("six-character core, replaced", lambda g, _s: with_body(g, typo(
        g.trade + g.industry, "replaced", rng)),
        lambda g: len(g.division) == 2 and len(g.trade) == 2 and len(g.industry) == 2
        and not g.bracket)
    add("long place name, typo in 字号", lambda g, _s: with_body(g, g.trade[:0] + typo(
        g.trade, rng.choice(("replaced", "swap", "missing", "extra")), rng) + g.industry),
        lambda g: g.short in LONG_PLACES and len(g.trade) >= 2)
    add("branch", lambda g, _s: g.name.replace(g.form, SAME_FORM.get(g.form, g.form), 1),
        lambda g: bool(g.branch))
    for _ in range(per_class):
        g = next(absent)
        out.append((g.name, None, "absent"))
    for _ in range(per_class):
        sid = pick()
        assert sid is not None
        g = gens[sid - 1]
        body = g.trade + g.industry
        i, j = rng.sample(range(len(body)), 2)
        two = list(body)
        two[i] = rng.choice([c for c in TRADE_CHARS if c != body[i]])
        two[j] = rng.choice([c for c in TRADE_CHARS if c != body[j]])
        out.append((with_body(g, "".join(two)), None, "absent, two edits from a listed name"))
    rng.shuffle(out)
    return out


_CITY_FULL: dict[str, str] = {}  # 兰州市 -> 兰州
_CITY_SHORT: dict[str, str] = {}  # 兰州 -> 兰州市


def init_city_full() -> None:
    for _c, lv, n, now in table().names:
        if now and lv == 2 and n.endswith("市"):
            _CITY_FULL[n] = table().by_text[n].key
            _CITY_SHORT.setdefault(_CITY_FULL[n], n)


def other_division(g: Gen) -> str:
    """The division of `g` written another legal way ('' when this generator has none):
    兰州市 <-> 兰州, 兰州市城关区 -> 兰州城关区."""
    if g.division in _CITY_FULL:
        return _CITY_FULL[g.division]
    if g.division in _CITY_SHORT:
        return _CITY_SHORT[g.division]
    for full, short in _CITY_FULL.items():
        if g.division.startswith(full) and len(g.division) > len(full):
            return short + g.division[len(full):]
    return ""


# ------------------------------------------------------------------ exhaustive scorer


@dataclass
class Registry:
    """Every registry name parsed here, independently of the database index."""

    names: list[tuple[int, str, bool, ParsedName]] = field(default_factory=list)
    by_key: dict[str, list[int]] = field(default_factory=dict)
    by_core: dict[str, list[int]] = field(default_factory=dict)
    groups: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # listed only
    bodies: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    subject_name: dict[int, str] = field(default_factory=dict)

    def add(self, sid: int, name: str, current: bool, listed: bool) -> None:
        p = parse(name)
        i = len(self.names)
        self.names.append((sid, name, current, p))
        if current:
            self.subject_name[sid] = name
        self.by_key.setdefault(p.canonical, []).append(i)
        self.by_core.setdefault(p.core, []).append(i)
        if listed:
            key = (p.division_key, p.branch_key)
            self.groups.setdefault(key, []).append(i)
            self.bodies.setdefault(key, []).append(p.body)

    def rank(self, query: str) -> list[tuple[int, float]]:
        """(subject, score) best first, as the check ranks them."""
        q = parse(query.strip())
        if not q.canonical:
            return []
        best: dict[int, float] = {}
        for i in {*self.by_key.get(q.canonical, ()), *self.by_core.get(q.core, ())}:
            sid, name, current, p = self.names[i]
            g = grade_name(query.strip(), q, name, p.canonical, p.core, p.form_key, current)
            if g is not None and g[1] > best.get(sid, -1):
                best[sid] = g[1]
        if not best and len(q.body) >= 3:
            for division, body in readings(q):
                key = (division, q.branch_key)
                choices = self.bodies.get(key, [])
                for _b, _d, j in process.extract_iter(body, choices, scorer=OSA.distance,
                                                      score_cutoff=1):
                    i = self.groups[key][j]
                    sid, name, current, p = self.names[i]
                    if not typo_pair(len(body), len(p.body)):
                        continue
                    g = grade_typo(q, name, p.canonical, p.core, p.form_key, current)
                    if g is not None and g[1] > best.get(sid, -1):
                        best[sid] = g[1]
        return sorted(best.items(), key=lambda x: (-x[1], self.subject_name.get(x[0], "")))


def split(core: str) -> tuple[str, str, str]:
    return split_identity(core)


__all__ = ["Gen", "Generator", "Registry", "identity", "queries", "split"]
