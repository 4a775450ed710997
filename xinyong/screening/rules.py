"""How a name hit is graded (pure rules, shared by the check and its benchmark).

    code 1.0 > exact registry name 0.95 > exact former name 0.90
      > variant of the registry name 0.85, of a former name 0.80: the same name written
        differently (width, script, case, spacing/punctuation, the division with or without
        its unit word or province or under its former name, the division in brackets after
        the 字号, the legal form spelt another way: 有限公司 = 有限责任公司,
        股份公司 = 股份有限公司)
      - 0.03 when the legal form differs (有限公司 / 股份有限公司 / 集团有限公司 / 厂 / none): a
        sibling, so the name itself always ranks above it (0.82, former 0.77)
      > typo 0.75, in a former name 0.70, less 0.03 when the legal form differs too: exactly
        one character replaced, missing, added, or two neighbours swapped in the 字号 and 行业
        (the body) of a name with the same division and branch words, wherever it falls;
        the shorter body has at least 3 characters and the longer at least 4.

A typo is looked for only when a name has no exact or variant hit. Candidates come from a
deletion neighbourhood: every indexed name with a body of TYPO_MIN_BODY characters or more
has one block per character of its body, the core with that character deleted. A query one
edit away meets it in one look-up: a replaced or swapped character (a deletion of each agrees),
a missing one (the query's core is a block), an added one (a deletion of the query is the
registry core). Candidates are then kept only at an edit distance of exactly one (optimal
string alignment: a swap of neighbours is one edit), so two edits never hit.
"""

from __future__ import annotations

import hashlib

from rapidfuzz.distance import OSA

from xinyong.screening.names import ParsedName, identity, parse, readings, split_identity
from xinyong.screening.normalise import CASE, FULL_WIDTH, SPACING, TRADITIONAL

SCORE_CODE = 1.0
SCORE_NAME = 0.95
SCORE_FORMER = 0.90
SCORE_VARIANT = 0.85
SCORE_FORMER_VARIANT = 0.80
FORM_DIFFERS = 0.03
SCORE_TYPO = 0.75
SCORE_FORMER_TYPO = 0.70
FUZZY_MAX = SCORE_TYPO
LEGAL_REP_MISMATCH = 0.05
TYPO_MIN_BODY = 4  # the longer body of a typo pair, and the bodies that have blocks
TYPO_MIN_SHORT = 3  # the shorter body of a typo pair

SUFFIX = "company_suffix"  # the same legal form spelt another way
FORM = "company_form"  # another legal form
DIVISION = "division"  # the division written another way (unit word, province, former name)
DIVISION_ORDER = "division_order"  # the division in brackets after the 字号, or not
STEP_LABELS = {FULL_WIDTH: "全角转半角", TRADITIONAL: "繁体转简体", CASE: "大小写",
               SPACING: "空格和标点", SUFFIX: "组织形式写法", FORM: "组织形式不同",
               DIVISION: "行政区划写法", DIVISION_ORDER: "行政区划位置"}
METHOD_LABELS = {"code": "统一社会信用代码一致", "exact": "名称完全一致",
                 "variant": "名称规范化后一致", "fuzzy": "名称相似（字号或行业一字之差）"}

Graded = tuple[str, float, tuple[str, ...]]  # method, score, steps


def typo_pair(a: int, b: int) -> bool:
    """Bodies of these lengths may be compared for a typo."""
    return min(a, b) >= TYPO_MIN_SHORT and max(a, b) >= TYPO_MIN_BODY


def block_hash(text: str) -> int:
    """A stable signed 64-bit hash (BIGINT on both databases). A collision only adds a
    candidate, which the comparison then rejects."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big",
                          signed=True)


def deletions(core: str) -> list[str]:
    """The core with one character of its body deleted, one per position; empty for bodies
    shorter than TYPO_MIN_BODY."""
    division, body, branch = split_identity(core)
    if len(body) < TYPO_MIN_BODY:
        return []
    return [identity(division, body[:j] + body[j + 1:], branch) for j in range(len(body))]


def blocks(core: str) -> frozenset[int]:
    """The typo blocks stored for an indexed name core."""
    return frozenset(block_hash(d) for d in deletions(core))


def probes(q: ParsedName) -> tuple[tuple[str, ...], frozenset[int]]:
    """What a query looks up for typos, under every reading of its division (names.readings):
    cores one deletion away (an added character; compared with registry cores) and block
    hashes (its own core: a missing character; its deletions: a replaced or swapped one)."""
    dels: list[str] = []
    hashes: set[int] = set()
    for division, body in readings(q):
        if len(body) < TYPO_MIN_SHORT:
            continue
        core = identity(division, body, q.branch_key)
        mine = deletions(core)
        dels.extend(mine)
        hashes.update(block_hash(x) for x in (core, *mine))
    return tuple(dict.fromkeys(dels)), frozenset(hashes)


def _merge(*steps: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s for part in steps for s in part))


def _parts_steps(q: ParsedName, r: ParsedName) -> tuple[str, ...]:
    steps = []
    if q.division != r.division:
        steps.append(DIVISION)
    if bool(q.bracket_at) != bool(r.bracket_at):
        steps.append(DIVISION_ORDER)
    if q.form_key != r.form_key:
        steps.append(FORM)
    elif q.form != r.form:
        steps.append(SUFFIX)
    return tuple(steps)


def grade_name(query: str, q: ParsedName, name: str, key: str, core: str, form: str,
               current: bool) -> Graded | None:
    """An exact or variant hit of an indexed name (its registry text, canonical key, core and
    form key), or None."""
    if query.strip() == name.strip():
        return "exact", SCORE_NAME if current else SCORE_FORMER, ()
    score = SCORE_VARIANT if current else SCORE_FORMER_VARIANT
    if q.canonical == key:
        return "variant", score, _merge(q.steps, _row_steps(name, key))
    if q.core != core:
        return None
    r = parse(name)
    if q.form_key != form:
        score = round(score - FORM_DIFFERS, 3)
    return "variant", score, _merge(q.steps, r.steps, _parts_steps(q, r))


def grade_typo(q: ParsedName, name: str, key: str, core: str, form: str,
               current: bool) -> Graded | None:
    """A typo hit (one edit in the body, same division and branch, under some reading of
    the query's division), or None."""
    division, body, branch = split_identity(core)
    if branch != q.branch_key or not any(
            d == division and typo_pair(len(b), len(body))
            and OSA.distance(b, body, score_cutoff=1) == 1 for d, b in readings(q)):
        return None
    score = SCORE_TYPO if current else SCORE_FORMER_TYPO
    steps = _merge(q.steps, _row_steps(name, key))
    if q.form_key != form:
        score = round(score - FORM_DIFFERS, 3)
        steps = _merge(steps, (FORM,))
    return "fuzzy", score, steps


def _row_steps(name: str, key: str) -> tuple[str, ...]:
    # Most registry names are already canonical: no need to parse them again.
    return () if name == key else parse(name).steps
