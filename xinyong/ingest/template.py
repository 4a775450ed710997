"""Upload templates generated from the catalog: Chinese headers, one example row of guidance."""

from __future__ import annotations

import csv
from pathlib import Path

from xinyong.catalog.model import FieldSpec, RecordType


def _guidance(f: FieldSpec) -> str:
    parts = ["必填" if f.required else ("条件必填" if f.required_when else "选填")]
    if f.type == "date":
        parts.append("日期 YYYY-MM-DD")
    elif f.type == "decimal":
        parts.append(f"数字,最多{f.scale}位小数" if f.scale else "数字")
    elif f.type in ("enum", "enum_set") and f.codes:
        sep = "多个值用分号分隔:" if f.type == "enum_set" else "取值:"
        parts.append(sep + "/".join(f.codes))
    elif f.type == "uscc":
        parts.append("18位统一社会信用代码")
    elif f.type == "person_id":
        parts.append("证件号码(仅存储脱敏形式)")
    if f.max_length:
        parts.append(f"最长{f.max_length}字")
    return ";".join(parts)


def write_template(rt: RecordType, path: Path, fmt: str) -> None:
    headers = [f.header for f in rt.fields]
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerow(headers)
        return
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = rt.name
    ws.append(headers)
    for cell, f in zip(ws[1], rt.fields, strict=True):
        cell.font = Font(bold=True)
        if f.required:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
        cell.comment = Comment(f"{f.code}: {_guidance(f)}", "xinyong")
        ws.column_dimensions[cell.column_letter].width = max(12, len(f.header) * 2)
    ws.freeze_panes = "A2"
    guide = wb.create_sheet("填报说明")
    guide.append(["字段", "代码", "英文名", "要求"])
    for f in rt.fields:
        guide.append([f.header, f.code, f.name, _guidance(f)])
    guide.append([])
    guide.append(["设定依据", "; ".join(b.cite() for b in rt.legal_basis)])
    wb.save(path)
