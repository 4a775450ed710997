"""Row validation against the catalog: every rule names the row, the field and the rule, with a
zh-CN message a department data officer understands.

Personal identifiers leave this module only as a keyed hash and a masked form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from xinyong.catalog.model import Condition, FieldSpec, RecordType
from xinyong.core.errors import Problem
from xinyong.core.masking import PersonIdError, keyed_hash, mask_id, validate_resident_id
from xinyong.subjects.uscc import PLACEHOLDER, UsccError
from xinyong.subjects.uscc import validate as validate_uscc

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d")
_SET_SPLIT = re.compile(r"[;;,,|]")
RESIDENT_ID = "身份证"


@dataclass
class RowResult:
    row: int
    values: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)
    person_keys: dict[str, str] = field(default_factory=dict)

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


def _parse_date(text: str) -> date | None:
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


class RowValidator:
    """Validates rows of one record type for one batch (provider and receipt date fixed)."""

    def __init__(self, rt: RecordType, *, today: date, received_on: date,
                 provider_uscc: str, secret: str) -> None:
        self.rt = rt
        self.today = today
        self.received_on = received_on
        self.provider_uscc = provider_uscc
        self.secret = secret
        self.fields = rt.fields
        # Only fields with a rule beyond their type need the per-row condition pass.
        self._conditional = [f for f in rt.fields if f.required or f.required_when
                             or f.empty_when or f.placeholder_for]
        self._ordered = [f for f in rt.fields if f.not_before]

    def _p(self, row: int, spec: FieldSpec | None, rule: str, message: str,
           value: Any = None) -> Problem:
        shown = None if spec is not None and spec.type == "person_id" else _text(value)
        return Problem(row=row, field=spec.header if spec else None, rule=rule,
                       message=message, value=shown)

    def validate(self, row: int, raw: Mapping[str, Any]) -> RowResult:
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        texts = {f.name: _text(raw.get(f.name)) for f in self.fields}
        for spec in self.fields:
            text = texts[spec.name]
            if text is None:
                values[spec.name] = None
                continue
            parsed, problem = self._parse(row, spec, text, texts)
            if problem:
                problems.append(problem)
            values[spec.name] = parsed
        for spec in self._conditional:
            problems.extend(self._conditions(row, spec, values, texts))
        problems.extend(self._cross(row, values, texts))
        if problems:
            return RowResult(row, None, problems)
        person_keys = {}
        for spec in self.fields:
            if spec.type == "person_id" and texts[spec.name]:
                person_keys[spec.name] = keyed_hash(self.secret, texts[spec.name] or "")
        return RowResult(row, values, [], person_keys)

    def _parse(self, row: int, spec: FieldSpec, text: str,
               texts: Mapping[str, str | None]) -> tuple[Any, Problem | None]:
        h = spec.header
        if spec.type == "string":
            if spec.max_length and len(text) > spec.max_length:
                return None, self._p(row, spec, "max_length",
                                     f"「{h}」超过最大长度{spec.max_length}个字符", text)
            if spec.pattern and not re.match(spec.pattern, text):
                return None, self._p(row, spec, "pattern", f"「{h}」格式不正确", text)
            return text, None
        if spec.type == "date":
            d = _parse_date(text)
            if d is None:
                return None, self._p(row, spec, "date_format",
                                     f"「{h}」不是有效日期(应为YYYY-MM-DD或YYYY/MM/DD)", text)
            if spec.not_future and d > self.today:
                return None, self._p(row, spec, "date_future", f"「{h}」不能晚于今天", text)
            return d.isoformat(), None
        if spec.type == "decimal":
            try:
                num = Decimal(text.replace(",", ""))
            except InvalidOperation:
                return None, self._p(row, spec, "decimal_format", f"「{h}」不是有效数字", text)
            if not num.is_finite():
                return None, self._p(row, spec, "decimal_format", f"「{h}」不是有效数字", text)
            if spec.min is not None and num < Decimal(str(spec.min)):
                return None, self._p(row, spec, "decimal_min", f"「{h}」不能为负数", text)
            exp = num.as_tuple().exponent
            if spec.scale is not None and isinstance(exp, int) and -exp > spec.scale:
                return None, self._p(row, spec, "decimal_scale",
                                     f"「{h}」最多保留{spec.scale}位小数(单位:万元)", text)
            return format(num.normalize(), "f"), None
        if spec.type == "enum":
            value = (spec.aliases or {}).get(text, text)
            if value in (spec.codes or []):
                return value, None
            if spec.other_prefix and value.startswith(spec.other_prefix) and \
                    len(value) > len(spec.other_prefix):
                return value, None
            allowed = "、".join(spec.codes or [])
            return None, self._p(row, spec, "enum", f"「{h}」的值不在代码表中(可选:{allowed})",
                                 text)
        if spec.type == "enum_set":
            parts = [p.strip() for p in _SET_SPLIT.split(text) if p.strip()]
            bad = [p for p in parts if p not in (spec.codes or [])]
            if bad or not parts:
                return None, self._p(row, spec, "enum", f"「{h}」含有代码表以外的值:"
                                     f"{'、'.join(bad)}", text)
            return sorted(set(parts), key=(spec.codes or []).index), None
        if spec.type == "uscc":
            if text == PLACEHOLDER and spec.placeholder_for:
                return PLACEHOLDER, None
            try:
                return validate_uscc(text).code, None
            except UsccError as exc:
                return None, self._p(row, spec, exc.rule, f"「{h}」{exc}", text)
        if spec.type == "person_id":
            id_type = texts.get(spec.id_type_field or "") or RESIDENT_ID
            if id_type == RESIDENT_ID:
                try:
                    text = validate_resident_id(text)
                except PersonIdError as exc:
                    return None, self._p(row, spec, "person_id", f"「{h}」{exc}")
            return mask_id(text), None
        raise AssertionError(spec.type)  # the loader refuses unknown types

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
                            f"「{h}」必填(因「{other}」为{_shown(values, spec.required_when)})")]
        if present and spec.empty_when and self._holds(spec.empty_when, values):
            other = self.rt.field(spec.empty_when.field).header
            return [self._p(row, spec, "must_be_empty",
                            f"「{h}」应为空(因「{other}」为{_shown(values, spec.empty_when)})",
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
        if decided and decided > self.received_on.isoformat():
            spec = self.rt.field("decision_date")
            problems.append(self._p(row, spec, "decision_after_receipt",
                                    f"「{spec.header}」晚于本批次接收日期", decided))
        provider = values.get("provider_uscc")
        if provider and provider != self.provider_uscc:
            spec = self.rt.field("provider_uscc")
            problems.append(self._p(row, spec, "provider_mismatch",
                                    f"「{spec.header}」与上报单位({self.provider_uscc})不一致,"
                                    "不能代其他单位上报", provider))
        return problems


def _shown(values: Mapping[str, Any], cond: Condition) -> str:
    value = values.get(cond.field)
    if isinstance(value, list):
        hits = [v for v in value if v in (cond.contains_any or [])]
        return "、".join(hits) if hits else "、".join(value)
    return "已填写" if cond.present else str(value)
