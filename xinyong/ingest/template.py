"""Upload templates generated from the catalog: Chinese headers, and in XLSX a note on every
header (what to enter; for 条件必填 fields the condition spelled out), drop-down lists for the
coded fields, the required headers highlighted and a 填报说明 sheet. Written through the
platform's one tabular writer."""

from __future__ import annotations

from pathlib import Path

from xinyong.catalog.model import Condition, FieldSpec, RecordType
from xinyong.documents.tabular import Column, XlsxWriter, write_csv


def requirement(rt: RecordType, f: FieldSpec) -> str:
    """必填 / 选填 / the condition under which the field is required (and must stay empty)."""
    if f.required:
        text = "必填"
    elif f.required_when:
        text = condition_text(rt, f.required_when) + "必填"
    else:
        text = "选填"
    if f.empty_when:
        text += "；" + condition_text(rt, f.empty_when) + "应为空"
    return text


def condition_text(rt: RecordType, cond: Condition) -> str:
    """The catalog's condition in Chinese: 当行政相对人类别为法人及非法人组织或个体工商户时."""
    label = rt.field(cond.field).header
    if cond.present:
        return f"当{label}已填写时"
    values = cond.in_ if cond.in_ is not None else (cond.contains_any or [])
    quote = any("、" in v for v in values)  # a code that itself holds 、 needs marks
    shown = [f"「{v}」" if quote else v for v in values]
    listed = shown[0] if len(shown) == 1 else "、".join(shown[:-1]) + "或" + shown[-1]
    if cond.in_ is not None:
        return f"当{label}为{listed}时"
    return f"当{label}包含{listed}时"


def _guidance(rt: RecordType, f: FieldSpec) -> str:
    parts = [requirement(rt, f)]
    if f.type == "date":
        parts.append("日期，格式 YYYY-MM-DD")
    elif f.type == "decimal":
        parts.append(f"数字，最多{f.scale}位小数" if f.scale else "数字")
    elif f.type == "enum" and f.codes:
        parts.append("从下拉列表选择")
        if f.other_prefix:
            parts.append(f"列表以外的填写「{f.other_prefix}名称」")
    elif f.type == "enum_set" and f.codes:
        parts.append("从下拉列表选择；多个值用分号（；）分隔")
    elif f.type == "uscc":
        parts.append("18位统一社会信用代码")
    elif f.type == "person_id":
        parts.append("证件号码（平台仅存储脱敏形式）")
    if f.max_length:
        parts.append(f"最长{f.max_length}字")
    if f.note:
        parts.append(f.note)
    return "；".join(parts)


def template_columns(rt: RecordType) -> list[Column]:
    return [Column(
        f.header, comment=f"{f.code}：{_guidance(rt, f)}", required=f.required,
        choices=tuple(f.codes or ()) if f.type in ("enum", "enum_set") else (),
        # "其他-…" values and code sets are accepted beyond the list itself. Aliases
        # (「居民身份证」, 「1」) are for files other systems export: a clerk filling the
        # template picks the table's own word, so they do not loosen the drop-down.
        strict=f.type == "enum" and not f.other_prefix,
        width=max(12, min(40, len(f.header) * 2.2 + 2)))
        for f in rt.fields]


def write_template(rt: RecordType, path: Path, fmt: str) -> None:
    if fmt == "csv":
        write_csv(path, [f.header for f in rt.fields], [])
        return
    book = XlsxWriter()
    book.sheet(rt.name, template_columns(rt))
    guide = book.sheet("填报说明", ["字段", "代码", "英文名", "要求"])
    guide.rows([f.header, f.code, f.name, _guidance(rt, f)] for f in rt.fields)
    guide.row([])
    guide.row(["设定依据", "；".join(b.cite() for b in rt.legal_basis)])
    book.save(path)
