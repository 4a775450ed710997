"""The demo data set: deterministic, realistic, and wrong only where the manifest says so."""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from xinyong.catalog import default_catalog
from xinyong.core.masking import is_valid_resident_id
from xinyong.core.workdays import WorkingCalendar
from xinyong.demo import DemoFile, generate_demo
from xinyong.subjects import uscc

TODAY = date(2026, 11, 20)
SUBJECTS = 300

Row = dict[str, str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[DemoFile], dict[str, Any]]:
    out = tmp_path_factory.mktemp("demo")
    files = generate_demo(out, subjects=SUBJECTS, seed=7, today=TODAY)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return out, files, manifest


def read_rows(path: Path, record_type: str, encoding: str | None) -> list[Row]:
    """Rows keyed by English field name, every value a string ("" when empty)."""
    rt = default_catalog().get(record_type)
    by_header = {f.header: f.name for f in rt.fields}
    if path.suffix == ".json":
        return [{k: "" if v is None else str(v) for k, v in r.items()}
                for r in json.loads(path.read_text(encoding="utf-8"))]
    if path.suffix == ".csv":
        assert encoding
        reader = csv.DictReader(io.StringIO(path.read_bytes().decode(encoding)))
        return [{by_header[k]: v for k, v in r.items()} for r in reader]
    sheet = load_workbook(path, read_only=True).worksheets[0]
    header, *body = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [{by_header[h]: "" if v is None else str(v) for h, v in zip(header, r, strict=True)}
            for r in body]


def parse_date(text: str) -> date:
    return datetime.strptime(text.replace("/", "-"), "%Y-%m-%d").date()


@pytest.fixture(scope="module")
def rows(demo: tuple[Path, list[DemoFile], dict[str, Any]]) -> list[tuple[dict, Row, str]]:
    """(manifest entry, row, error kind or "") for every row of every file."""
    out_dir, _, manifest = demo
    result = []
    for entry in manifest["files"]:
        errors = {e["row"]: e["kind"] for e in entry["errors"]}
        found = read_rows(out_dir / entry["path"], entry["record_type"], entry["encoding"])
        assert len(found) == entry["rows"]
        result += [(entry, row, errors.get(i, "")) for i, row in enumerate(found, 1)]
    return result


def test_same_seed_gives_same_bytes(demo, tmp_path: Path) -> None:
    out_dir, files, _ = demo
    again = generate_demo(tmp_path, subjects=SUBJECTS, seed=7, today=TODAY)
    assert [f.path.name for f in again] == [f.path.name for f in files]
    for f in [*files, DemoFile(out_dir / "manifest.json", "", "", "", TODAY, "json", None)]:
        if f.format == "xlsx":
            # The zip container stamps entries with the wall clock: compare the cells.
            assert read_rows(tmp_path / f.path.name, f.record_type, None) == \
                read_rows(f.path, f.record_type, None), f.path.name
            continue
        assert (tmp_path / f.path.name).read_bytes() == f.path.read_bytes(), f.path.name


def test_other_seed_gives_other_data(demo, tmp_path: Path) -> None:
    files = demo[1]
    small = generate_demo(tmp_path / "a", subjects=40, seed=7, today=TODAY)
    other = generate_demo(tmp_path / "b", subjects=40, seed=8, today=TODAY)
    assert [f.path.name for f in other] != [f.path.name for f in small]
    assert len(small) < len(files)


def test_manifest_matches_the_returned_files(demo) -> None:
    out_dir, files, manifest = demo
    assert (manifest["seed"], manifest["subjects"], manifest["today"]) == (7, SUBJECTS,
                                                                            "2026-11-20")
    assert [e["path"] for e in manifest["files"]] == [f.path.name for f in files]
    assert [f.received_on for f in files] == sorted(f.received_on for f in files)
    for f, e in zip(files, manifest["files"], strict=True):
        assert f.path.parent == out_dir and f.path.exists()
        assert (e["record_type"], e["provider_uscc"], e["provider_name"], e["format"],
                e["encoding"]) == (f.record_type, f.provider_uscc, f.provider_name, f.format,
                                   f.encoding)
        assert e["received_on"] == f.received_on.isoformat()
        assert f.path.name.startswith(f"{f.record_type}_") and f.path.suffix == f".{f.format}"


def test_formats_encodings_and_record_types_are_mixed(demo) -> None:
    _, files, _ = demo
    kinds = {(f.format, f.encoding) for f in files}
    assert kinds == {("csv", "utf-8-sig"), ("csv", "gb18030"), ("xlsx", None), ("json", None)}
    assert {f.record_type for f in files} == {"licence", "penalty"}
    assert len({f.provider_uscc for f in files}) >= 10


def test_csv_encodings_are_real(demo) -> None:
    _, files, _ = demo
    for f in files:
        raw = f.path.read_bytes()
        if f.encoding == "gb18030":
            assert not raw.startswith(codecs.BOM_UTF8)
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
            assert raw.decode("gb18030").startswith("行政相对人名称,")
        elif f.encoding == "utf-8-sig":
            assert raw.startswith(codecs.BOM_UTF8)


def test_headers_follow_the_catalog(demo) -> None:
    _, files, _ = demo
    catalog = default_catalog()
    one_each = {(f.format, f.encoding, f.record_type): f for f in files}
    for f in one_each.values():
        rt = catalog.get(f.record_type)
        if f.format == "json":
            assert all(list(r) == rt.field_names for r in json.loads(f.path.read_text("utf-8")))
        elif f.format == "csv":
            first = f.path.read_bytes().decode(f.encoding or "").splitlines()[0]
            assert first.split(",") == [fld.header for fld in rt.fields]
        else:
            sheet = load_workbook(f.path, read_only=True).worksheets[0]
            assert list(next(sheet.iter_rows(values_only=True))) == [x.header for x in rt.fields]


def test_codes_and_ids_are_valid_except_in_error_rows(rows) -> None:
    for entry, row, error in rows:
        assert row["provider_uscc"] == row["authority_uscc"] == entry["provider_uscc"]
        assert row["provider_name"] == entry["provider_name"]
        assert uscc.is_valid(entry["provider_uscc"])
        assert entry["provider_uscc"].startswith("11")
        if error:
            continue
        if row["subject_category"] == "自然人":
            assert row["subject_uscc"] == "" and row["subject_id_type"] == "身份证"
            assert is_valid_resident_id(row["subject_id_number"])
        else:
            assert uscc.is_valid(row["subject_uscc"]), row
            assert row["subject_id_number"] == "" and row["legal_representative"]
        if row["legal_representative_id_number"]:
            assert is_valid_resident_id(row["legal_representative_id_number"])
    categories = Counter(row["subject_category"] for _, row, _ in rows)
    assert set(categories) == {"法人及非法人组织", "个体工商户", "自然人"}
    prefixes = Counter(row["subject_uscc"][:2] for _, row, _ in rows)
    assert {"91", "92"} <= set(prefixes) and {"51", "52"} & set(prefixes)


def test_dates_respect_receipt_and_today(rows) -> None:
    calendar = WorkingCalendar()  # official calendar incl. 调休 make-up Sundays
    lags = []
    for entry, row, error in rows:
        received = date.fromisoformat(entry["received_on"])
        decided = parse_date(row["decision_date"])
        assert decided <= received <= TODAY
        assert calendar.is_workday(decided) and calendar.is_workday(received)
        lags.append(calendar.working_days_between(decided, received))
        if not error and entry["record_type"] == "licence":
            assert parse_date(row["valid_to"]) >= parse_date(row["valid_from"])
        if not error and row.get("publish_until"):
            assert parse_date(row["publish_until"]) >= decided
    decided_all = [parse_date(r["decision_date"]) for _, r, _ in rows]
    assert min(decided_all) >= TODAY - timedelta(days=3 * 366 + 45)
    assert min(decided_all) < date(2026, 4, 1) < max(decided_all)
    on_time = sum(lag <= 7 for lag in lags) / len(lags)
    assert 0.85 <= on_time <= 0.97 and max(lags) >= 10
    assert any("/" in r["decision_date"] for _, r, _ in rows)


def test_error_rows_are_rare_varied_and_really_wrong(rows) -> None:
    errors = [(entry, row, kind) for entry, row, kind in rows if kind]
    assert 0.01 <= len(errors) / len(rows) <= 0.04
    assert len({kind for _, _, kind in errors}) >= 4
    codes = {f.name: set(f.codes or []) for rt in ("licence", "penalty")
             for f in default_catalog().get(rt).fields if f.codes}
    for entry, row, kind in errors:
        if kind == "uscc_checksum":
            assert not uscc.is_valid(row["subject_uscc"])
        elif kind == "person_id_checksum":
            assert not is_valid_resident_id(row["subject_id_number"])
        elif kind == "person_with_uscc":
            assert row["subject_category"] == "自然人" and row["subject_uscc"]
        elif kind in ("missing_required", "fine_missing"):
            field = "penalty_basis" if entry["record_type"] == "penalty" else "licence_content"
            assert row["fine_amount" if kind == "fine_missing" else field] == ""
        elif kind == "unknown_code":
            field = "penalty_categories" if entry["record_type"] == "penalty" else (
                "licence_category")
            assert not set(row[field].split(";")) <= codes[field]
        elif kind == "negative_fine":
            assert float(row["fine_amount"]) < 0
        elif kind == "publish_before_decision":
            assert parse_date(row["publish_until"]) < parse_date(row["decision_date"])
        else:
            assert kind == "valid_to_before_from"
            assert parse_date(row["valid_to"]) < parse_date(row["valid_from"])


def test_penalty_rows_are_internally_consistent(rows) -> None:
    cats_seen: Counter[str] = Counter()
    for entry, row, error in rows:
        if entry["record_type"] != "penalty" or error:
            continue
        cats = row["penalty_categories"].split(";")
        cats_seen.update(cats)
        assert bool(row["fine_amount"]) == ("罚款" in cats)
        assert bool(row["confiscation_amount"]) == ("没收违法所得" in cats)
        assert bool(row["licence_revoked"]) == ("吊销许可证件" in cats)
        if row["fine_amount"]:
            assert float(row["fine_amount"]) > 0 and len(row["fine_amount"].partition(".")[2]) <= 6
        heavy = {"吊销许可证件", "责令停产停业", "降低资质等级"} & set(cats)
        if row["severity"]:
            assert row["severity"] == "严重" or not heavy
            assert (row["severity"] == "轻微") == (row["procedure"] == "简易程序")
        assert row["penalty_basis"].startswith("《")
    assert {"警告", "罚款", "没收违法所得"} <= set(cats_seen)
    assert cats_seen["警告"] + cats_seen["罚款"] > 0.8 * sum(cats_seen.values())


def test_documents_unique_per_provider_and_names_per_code(rows) -> None:
    docs = Counter((row["provider_uscc"], row["document_number"]) for _, row, _ in rows)
    assert docs.most_common(1)[0][1] == 1
    names: dict[str, set[str]] = defaultdict(set)
    codes: dict[str, set[str]] = defaultdict(set)
    for _, row, error in rows:
        if not error and row["subject_uscc"]:
            names[row["subject_uscc"]].add(row["subject_name"])
            codes[row["subject_name"]].add(row["subject_uscc"])
    assert all(len(c) == 1 for c in codes.values())
    renamed = [code for code, n in names.items() if len(n) > 1]
    assert 1 <= len(renamed) <= 0.05 * len(names)


def test_volume_is_about_two_licences_and_one_penalty_per_subject(demo) -> None:
    _, _, manifest = demo
    per_type = Counter()
    for e in manifest["files"]:
        per_type[e["record_type"]] += e["rows"]
    assert per_type == {"licence": 2 * SUBJECTS, "penalty": SUBJECTS}
