"""Deterministic test rows and files. Valid unless a test overrides a field."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from xinyong.catalog import default_catalog
from xinyong.subjects.uscc import make

PROVIDER = make("11", "350200", "MB160001")  # 示范市市场监督管理局
OTHER_PROVIDER = make("11", "350200", "MB160002")
COMPANY = make("91", "350203", "MA2XKL01")
COMPANY_2 = make("91", "350206", "MA2XKL02")
PERSON_ID = "11010519491231002X"  # the GB 11643 example number


def penalty(**overrides: Any) -> dict[str, Any]:
    """A valid penalty row keyed by English field names."""
    row: dict[str, Any] = {
        "subject_name": "示范市华盛食品有限公司",
        "subject_category": "法人及非法人组织",
        "subject_uscc": COMPANY,
        "legal_representative": "王建国",
        "document_number": "示市监处罚〔2026〕1号",
        "violation_type": "经营标签不符合规定的食品",
        "violation_facts": "当事人经营的预包装食品标签未标注生产日期",
        "penalty_basis": "《中华人民共和国食品安全法》第一百二十五条",
        "penalty_categories": "警告;罚款",
        "penalty_content": "警告,并处罚款2000元",
        "fine_amount": "0.2",
        "decision_date": "2026-11-20",
        "penalty_valid_until": "2027-11-20",
        "authority_name": "示范市市场监督管理局",
        "authority_uscc": PROVIDER,
        "provider_name": "示范市市场监督管理局",
        "provider_uscc": PROVIDER,
    }
    row.update(overrides)
    return row


def person_penalty(**overrides: Any) -> dict[str, Any]:
    base = penalty(subject_name="张三", subject_category="自然人", subject_uscc=None,
                   legal_representative=None, subject_id_type="身份证",
                   subject_id_number=PERSON_ID, document_number="示市监处罚〔2026〕9号")
    base.update(overrides)
    return base


def licence(**overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "subject_name": "示范市华盛食品有限公司",
        "subject_category": "法人及非法人组织",
        "subject_uscc": COMPANY,
        "legal_representative": "王建国",
        "document_title": "食品经营许可决定书",
        "document_number": "示市监许〔2026〕1号",
        "licence_category": "普通",
        "licence_content": "食品经营许可:预包装食品销售",
        "decision_date": "2026-11-20",
        "valid_from": "2026-11-20",
        "valid_to": "2031-11-19",
        "authority_name": "示范市市场监督管理局",
        "authority_uscc": PROVIDER,
        "status": "有效",
        "provider_name": "示范市市场监督管理局",
        "provider_uscc": PROVIDER,
    }
    row.update(overrides)
    return row


def chinese_rows(record_type: str, rows: Sequence[dict[str, Any]]) -> tuple[list[str],
                                                                             list[list[Any]]]:
    rt = default_catalog().get(record_type)
    headers = [f.header for f in rt.fields]
    body = [[r.get(f.name) for f in rt.fields] for r in rows]
    return headers, body


def write_csv(path: Path, record_type: str, rows: Sequence[dict[str, Any]],
              encoding: str = "utf-8-sig") -> Path:
    headers, body = chinese_rows(record_type, rows)
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        for line in body:
            w.writerow(["" if v is None else v for v in line])
    return path


def write_xlsx(path: Path, record_type: str, rows: Sequence[dict[str, Any]]) -> Path:
    from openpyxl import Workbook

    headers, body = chinese_rows(record_type, rows)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers)
    for line in body:
        ws.append([date.fromisoformat(v) if isinstance(v, str) and len(v) == 10
                   and v[4] == "-" else v for v in line])
    wb.save(path)
    return path


def write_json(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(list(rows), ensure_ascii=False), encoding="utf-8")
    return path
