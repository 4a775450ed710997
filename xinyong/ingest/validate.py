"""Row validation against the catalog: every rule names the row, the field and the rule, with a
zh-CN message a department data officer understands.

Personal identifiers leave this module only as a keyed hash and a masked form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from xinyong.catalog.model import Condition, FieldSpec, RecordType
from xinyong.core.errors import Problem
from xinyong.core.masking import (
    PersonIdError,
    keyed_hash,
    mask_id,
    scrub_text,
    validate_resident_id,
)
from xinyong.core.settings import EARLIEST_DECISION_DATE
from xinyong.subjects.uscc import PLACEHOLDER, UsccError
from xinyong.subjects.uscc import validate as validate_uscc

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d")
_SET_SPLIT = re.compile(r"[;\uff1b,\uff0c|\uff5c]")  # ; , | in half and full width (re escapes)
_PLAIN_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?\Z")
_MEMO = 4096  # entries per field memo: bounded, so memory stays flat on any file
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
RESIDENT_ID = "身份证"
# What clerks write in a cell that does not apply (自然人's 统一社会信用代码, a 证件类型 not
# given). In code, date, number and ID cells it means empty: such a cell was refused
# before (the rules then say whether the field may be empty). Free text keeps it as written.
NOT_APPLICABLE = frozenset({"/", "／", "\\", "-", "－", "--", "—", "——", "无", "空", "暂无",
                            "N/A", "n/a", "null", "NULL"})


@dataclass
class RowResult:
    row: int
    values: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)
    person_keys: dict[str, str] = field(default_factory=dict)
    # Headers of the free-text fields in which an ID number was found and masked.
    masked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _text(raw: Any) -> str | None:
    if raw is None or raw == "":
        return None
    if type(raw) is str and raw.isascii():
        return raw.strip() or None
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    text = text.strip()
    return text or None


_CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\Z")


def _parse_date(text: str) -> date | None:
    if not text.isascii():
        # Decisions are often typed as official documents print dates (2026年3月1日), or
        # with full-width digits.
        text = unicodedata.normalize("NFKC", text).strip()
        if m := _CN_DATE.match(text):
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    text = text.split(" ")[0].split("T")[0]
    if len(text) == 10 and text[4] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _predicate(cond: Condition | None) -> Callable[[Mapping[str, Any]], bool] | None:
    """RowValidator._holds as a closure built once per field (same three tests)."""
    if cond is None:
        return None
    name = cond.field
    if cond.present is not None:
        present = cond.present
        return lambda values: (values.get(name) is not None) == present
    if cond.in_ is not None:
        allowed = cond.in_
        return lambda values: values.get(name) in allowed
    if cond.contains_any is not None:
        wanted = cond.contains_any

        def contains_any(values: Mapping[str, Any]) -> bool:
            value = values.get(name)
            return isinstance(value, list) and any(v in value for v in wanted)
        return contains_any
    return lambda values: False


class _Rejected(Exception):
    """Raised by a field parser: the value breaks a rule (rare, so an exception is cheap)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


Parser = Callable[[int, str], Any]


def _late(row: int, text: str) -> Any:
    """Marks a person id parsed after the loop (its id-type field comes later)."""
    raise AssertionError("never called")


class RowValidator:
    """Validates rows of one record type for one batch (provider and receipt date fixed).

    Each field's parser is built once here, from its catalog spec (type, length, pattern, code
    list, ...), so that a row costs one call per filled field and nothing is looked up twice.
    """

    def __init__(self, rt: RecordType, *, today: date, received_on: date,
                 provider_uscc: str, secret: str,
                 earliest: date = EARLIEST_DECISION_DATE) -> None:
        self.rt = rt
        self.today = today
        self.earliest = earliest
        self.received_on = received_on
        self.received_iso = received_on.isoformat()
        self.provider_uscc = provider_uscc
        self.secret = secret
        self.fields = rt.fields
        self._coded = frozenset(f.name for f in rt.fields if f.type != "string" or f.identifier)
        # Only fields with a rule beyond their type need the per-row condition pass.
        self._conditional = [f for f in rt.fields if f.required or f.required_when
                             or f.empty_when or f.placeholder_for]
        self._ordered = [f for f in rt.fields if f.not_before]
        self._checks = [(f.name, f, f.required, _predicate(f.required_when),
                         _predicate(f.empty_when), f.placeholder_for is not None)
                        for f in self._conditional]
        # A person id is parsed with its id-type field's text: in field order when that field
        # comes first (as in the catalog), else after the other fields.
        self._plan: list[tuple[str, Parser | None, FieldSpec]] = []
        self._person = [f for f in rt.fields if f.type == "person_id"]
        self._person_late: list[FieldSpec] = []
        seen: set[str] = set()
        for f in rt.fields:
            if f.type != "person_id":
                self._plan.append((f.name, self._compile(f), f))
            elif not f.id_type_field or f.id_type_field in seen:
                self._plan.append((f.name, None, f))
            else:
                self._plan.append((f.name, _late, f))
                self._person_late.append(f)
            seen.add(f.name)
        self._blank: dict[str, Any] = dict.fromkeys(sorted(f.name for f in rt.fields))
        # Text fields in which an ID number typed by hand is masked before storage: every
        # string field but those the catalog marks as codes (registration numbers...).
        self._free_text = [f for f in rt.fields if f.type == "string" and not f.identifier]

    def _p(self, row: int, spec: FieldSpec | None, rule: str, message: str,
           value: Any = None) -> Problem:
        # The error file shows the value as sent, except an ID number, wherever it is.
        shown = None if spec is not None and spec.type == "person_id" else _text(value)
        return Problem(row=row, field=spec.header if spec else None, rule=rule,
                       message=scrub_text(message),
                       value=scrub_text(shown) if shown else shown)

    def validate(self, row: int, raw: Mapping[str, Any]) -> RowResult:
        """Validate one row. `values` of an accepted row holds every catalog field by English
        name (None when empty), keys in sorted order: the stored JSON needs no sort."""
        values = self._blank.copy()
        texts: dict[str, str | None] = self._blank.copy()
        problems: list[Problem] = []
        get = raw.get
        for name, parse, spec in self._plan:
            v = get(name)
            # _text, inlined for the common case of a cell read as text.
            if v is None or v == "":
                continue
            if type(v) is str:
                text = (v if v.isascii() else unicodedata.normalize("NFC", v)).strip()
                if not text:
                    continue
            else:
                converted = _text(v)
                if converted is None:
                    continue
                text = converted
            if text in NOT_APPLICABLE and name in self._coded:
                continue  # 「/」「无」 in a code, date or number cell: left empty, not a value
            texts[name] = text
            if parse is None:
                values[name], problem = self._person_id(row, spec, text, texts)
                if problem:
                    problems.append(problem)
            elif parse is not _late:
                try:
                    values[name] = parse(row, text)
                except _Rejected as exc:
                    problems.append(exc.problem)
        for spec in self._person_late:
            late = texts[spec.name]
            if late is not None:
                values[spec.name], problem = self._person_id(row, spec, late, texts)
                if problem:
                    problems.append(problem)
        for name, spec, required, required_when, empty_when, placeholder in self._checks:
            # The predicates only find a problem; _conditions words it (the rare path).
            if texts[name] is None:
                if not (required or (required_when is not None and required_when(values))):
                    continue
            elif not ((empty_when is not None and empty_when(values))
                      or (placeholder and values[name] == PLACEHOLDER)):
                continue
            problems.extend(self._conditions(row, spec, values, texts))
        problems.extend(self._cross(row, values, texts))
        if problems:
            return RowResult(row, None, problems)
        person_keys = {}
        for spec in self._person:
            if texts[spec.name]:
                person_keys[spec.name] = keyed_hash(self.secret, texts[spec.name] or "")
        masked = []
        for spec in self._free_text:
            text = values[spec.name]
            if text is not None and (clean := scrub_text(text)) != text:
                values[spec.name] = clean
                masked.append(spec.header)
        return RowResult(row, values, [], person_keys, masked)

    def _compile(self, spec: FieldSpec) -> Parser:
        """The parser of one field: text in, stored value out, or _Rejected."""
        h = spec.header
        p = self._p
        if spec.type == "string":
            limit = spec.max_length
            pattern = re.compile(spec.pattern) if spec.pattern else None

            def parse_string(row: int, text: str) -> Any:
                # NUL and the other C0 controls but tab and line breaks: no text holds them
                # (PostgreSQL cannot store NUL at all). isprintable() first: the common case.
                if not text.isprintable() and _CONTROL.search(text):
                    raise _Rejected(p(row, spec, "control_character",
                                      f"「{h}」含有控制字符", text.encode("unicode_escape")
                                      .decode("ascii")))
                if limit and len(text) > limit:
                    raise _Rejected(p(row, spec, "max_length",
                                      f"「{h}」超过最大长度{limit}个字符", text))
                if pattern is not None and not pattern.match(text):
                    raise _Rejected(p(row, spec, "pattern", f"「{h}」格式不正确", text))
                return text
            return parse_string
        if spec.type == "date":
            not_future, today, earliest = spec.not_future, self.today, self.earliest
            too_early = f"「{h}」早于{earliest.isoformat()}，不是有效日期（请检查是否录入错误）"
            # A batch has few distinct dates: remember the valid ones (bounded).
            dates: dict[str, str] = {}

            aliases = spec.aliases or {}

            def parse_date(row: int, text: str) -> Any:
                hit = dates.get(text)
                if hit is not None:
                    return hit
                d = _parse_date(aliases.get(text, text))
                if d is None:
                    raise _Rejected(p(row, spec, "date_format", f"「{h}」不是有效日期（应为"
                                      "YYYY-MM-DD、YYYY/MM/DD或YYYY年M月D日）", text))
                if not_future and d > today:
                    raise _Rejected(p(row, spec, "date_future", f"「{h}」不能晚于今天", text))
                if d < earliest:
                    raise _Rejected(p(row, spec, "date_too_early", too_early, text))
                if len(dates) < _MEMO:
                    dates[text] = d.isoformat()
                return d.isoformat()
            return parse_date
        if spec.type == "decimal":
            low = Decimal(str(spec.min)) if spec.min is not None else None
            scale = spec.scale
            # Plain non-negative numbers within the scale are normalised as text (what
            # Decimal.normalize() then format "f" gives); anything else takes Decimal's path.
            plain = low is None or low <= 0

            def parse_decimal(row: int, text: str) -> Any:
                text = text.replace(",", "").replace("，", "")
                if text.endswith(("万元", "万")):  # the column's own unit, written out
                    text = text.removesuffix("元").removesuffix("万").strip()
                elif text.endswith("元"):
                    # Yuan in a 万元 column: converting would guess what the clerk meant;
                    # say what the number would be in 万元 instead.
                    yuan = text.removesuffix("元").removeprefix("人民币").strip()
                    try:
                        wan = format((Decimal(yuan) / 10000).normalize(), "f")
                    except InvalidOperation:
                        wan = None  # 「两千元」: not a number at all, said below
                    if wan is not None:
                        raise _Rejected(p(row, spec, "decimal_unit",
                                          f"「{h}」以万元为单位，请将「{text}」换算为万元（{wan}）",
                                          text))
                # (28 digits at most: beyond, normalize() rounds to the context precision.)
                if plain and len(text) <= 28 and _PLAIN_DECIMAL.match(text):
                    whole, _dot, frac = text.partition(".")
                    if scale is None or len(frac) <= scale:
                        frac = frac.rstrip("0")
                        whole = whole.lstrip("0") or "0"
                        return f"{whole}.{frac}" if frac else whole
                try:
                    num = Decimal(text)
                except InvalidOperation:
                    num = None
                if num is None or not num.is_finite():
                    raise _Rejected(p(row, spec, "decimal_format", f"「{h}」不是有效数字", text))
                if low is not None and num < low:
                    raise _Rejected(p(row, spec, "decimal_min", f"「{h}」不能为负数", text))
                exp = num.as_tuple().exponent
                if scale is not None and isinstance(exp, int) and -exp > scale:
                    raise _Rejected(p(row, spec, "decimal_scale",
                                      f"「{h}」最多保留{scale}位小数（单位：万元）", text))
                return format(num.normalize(), "f")
            return parse_decimal
        if spec.type == "enum":
            codes = frozenset(spec.codes or [])
            aliases = spec.aliases or {}
            prefix = spec.other_prefix
            allowed = "、".join(spec.codes or [])

            def parse_enum(row: int, text: str) -> Any:
                value = aliases.get(text, text)
                if value in codes:
                    return value
                if prefix and value.startswith(prefix) and len(value) > len(prefix):
                    return value
                raise _Rejected(p(row, spec, "enum",
                                  f"「{h}」的值不在代码表中（可选：{allowed}）", text))
            return parse_enum
        if spec.type == "enum_set":
            order = {c: i for i, c in enumerate(spec.codes or [])}

            sets: dict[str, list[str]] = {}  # few distinct combinations: remembered
            aliases = spec.aliases or {}

            def parse_enum_set(row: int, text: str) -> Any:
                hit = sets.get(text)
                if hit is not None:
                    return list(hit)  # a fresh list: the row's values are its own
                parts = []
                for q in (q.strip() for q in _SET_SPLIT.split(text)):
                    q = aliases.get(q, q)
                    # 「警告、罚款」: 、 separates codes too, unless the whole is one code of
                    # the 2019 table (「没收违法所得、没收非法财物」).
                    if q not in order and "、" in q:
                        pieces = [aliases.get(x.strip(), x.strip()) for x in q.split("、")]
                        if all(x in order for x in pieces):
                            parts.extend(pieces)
                            continue
                    if q:
                        parts.append(q)
                bad = [q for q in parts if q not in order]
                if bad or not parts:
                    raise _Rejected(p(row, spec, "enum", f"「{h}」含有代码表以外的值："
                                      f"{'、'.join(bad)}", text))
                value = sorted(set(parts), key=order.__getitem__)
                if len(sets) < _MEMO:
                    sets[text] = list(value)
                return value
            return parse_enum_set
        if spec.type == "uscc":
            placeholder_ok = spec.placeholder_for is not None

            def parse_uscc(row: int, text: str) -> Any:
                if text == PLACEHOLDER and placeholder_ok:
                    return PLACEHOLDER
                try:
                    return validate_uscc(text).code
                except UsccError as exc:
                    raise _Rejected(p(row, spec, exc.rule, f"「{h}」{exc}", text)) from None
            return parse_uscc
        raise AssertionError(spec.type)  # the loader refuses unknown types

    def _person_id(self, row: int, spec: FieldSpec, text: str,
                   texts: Mapping[str, str | None]) -> tuple[Any, Problem | None]:
        id_type = texts.get(spec.id_type_field or "") or RESIDENT_ID
        if spec.id_type_field:  # 「居民身份证」, 「111」: the type table's own word
            id_type = (self.rt.field(spec.id_type_field).aliases or {}).get(id_type, id_type)
        if id_type == RESIDENT_ID:
            try:
                text = validate_resident_id(text, today=self.today)
            except PersonIdError as exc:
                return None, self._p(row, spec, f"person_id_{exc.rule}",
                                     f"「{spec.header}」{exc}")
        return mask_id(text), None

    @staticmethod
    def _holds(cond: Condition, values: Mapping[str, Any]) -> bool:
        value = values.get(cond.field)
        if cond.present is not None:
            return (value is not None) == cond.present
        if cond.in_ is not None:
            return value in cond.in_
        if cond.contains_any is not None and isinstance(value, list):
            return any(v in value for v in cond.contains_any)
        return False

    def _conditions(self, row: int, spec: FieldSpec, values: Mapping[str, Any],
                    texts: Mapping[str, str | None]) -> list[Problem]:
        present = texts[spec.name] is not None
        h = spec.header
        if not present and spec.required:
            return [self._p(row, spec, "required", f"「{h}」为必填项")]
        if not present and spec.required_when and self._holds(spec.required_when, values):
            other = self.rt.field(spec.required_when.field).header
            return [self._p(row, spec, "required_when",
                            f"「{h}」必填（因「{other}」为{_shown(values, spec.required_when)}）")]
        if present and spec.empty_when and self._holds(spec.empty_when, values):
            other = self.rt.field(spec.empty_when.field).header
            return [self._p(row, spec, "must_be_empty",
                            f"「{h}」应为空（因「{other}」为{_shown(values, spec.empty_when)}）",
                            texts[spec.name])]
        ph = spec.placeholder_for
        if ph and values.get(spec.name) == PLACEHOLDER:
            if values.get("subject_category") != ph.category:
                return [self._p(row, spec, "uscc_placeholder",
                                f"「{h}」只有{ph.category}可以填写{PLACEHOLDER}", PLACEHOLDER)]
            if values.get(ph.requires) is None:
                other = self.rt.field(ph.requires).header
                return [self._p(row, spec, "uscc_placeholder",
                                f"「{h}」填写{PLACEHOLDER}时必须填写「{other}」")]
        return []

    def _cross(self, row: int, values: Mapping[str, Any],
               texts: Mapping[str, str | None]) -> list[Problem]:
        problems = []
        for spec in self._ordered:
            if spec.not_before and values.get(spec.name) and values.get(spec.not_before):
                if values[spec.name] < values[spec.not_before]:
                    other = self.rt.field(spec.not_before).header
                    problems.append(self._p(row, spec, "date_order",
                                            f"「{spec.header}」不能早于「{other}」",
                                            texts[spec.name]))
        decided = values.get("decision_date")
        if decided and decided > self.received_iso:
            spec = self.rt.field("decision_date")
            problems.append(self._p(row, spec, "decision_after_receipt",
                                    f"「{spec.header}」晚于本批次接收日期", decided))
        provider = values.get("provider_uscc")
        if provider and provider != self.provider_uscc:
            spec = self.rt.field("provider_uscc")
            problems.append(self._p(row, spec, "provider_mismatch",
                                    f"「{spec.header}」与上报单位（{self.provider_uscc}）不一致，"
                                    "不能代其他单位上报", provider))
        return problems


def _shown(values: Mapping[str, Any], cond: Condition) -> str:
    value = values.get(cond.field)
    if isinstance(value, list):
        hits = [v for v in value if v in (cond.contains_any or [])]
        return "、".join(hits) if hits else "、".join(value)
    return "已填写" if cond.present else str(value)
