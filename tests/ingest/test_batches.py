"""Batches: file formats, idempotency, history, all-or-nothing, masking, timeliness."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from sqlalchemy import func, select, text

from tests.factories import (
    COMPANY,
    PERSON_ID,
    PROVIDER,
    chinese_rows,
    penalty,
    person_penalty,
    write_csv,
    write_json,
    write_xlsx,
)
from tests.ingest.helpers import push
from xinyong.catalog import default_catalog
from xinyong.core.db import load_all_tables, unit_of_work
from xinyong.core.errors import Invalid
from xinyong.ingest import Batch, Record, RecordVersion
from xinyong.ingest.runner import FileBatch, run_file_batch
from xinyong.subjects import CodeReview, Subject, SubjectName


def _count(engine, table) -> int:
    with unit_of_work(engine) as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def _run(engine, settings, path, **kw):
    job = FileBatch(path=path, record_type=kw.pop("record_type", "penalty"),
                    provider_uscc=PROVIDER, operator="tester",
                    received_on=kw.pop("received_on", date(2026, 11, 27)), **kw)
    return run_file_batch(engine, default_catalog(), settings, job)


ROWS = [penalty(document_number=f"示市监处罚〔2026〕{i}号") for i in range(1, 6)]


@pytest.mark.parametrize("kind", ["csv-utf8", "csv-gb18030", "xlsx", "json"])
def test_each_file_format_ingests_the_same_records(engine, settings, tmp_path, kind):
    path = {
        "csv-utf8": lambda: write_csv(tmp_path / "p.csv", "penalty", ROWS),
        "csv-gb18030": lambda: write_csv(tmp_path / "p.csv", "penalty", ROWS, "gb18030"),
        "xlsx": lambda: write_xlsx(tmp_path / "p.xlsx", "penalty", ROWS),
        "json": lambda: write_json(tmp_path / "p.json", ROWS),
    }[kind]()
    if kind == "csv-gb18030":
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")
    summary, errors = _run(engine, settings, path)
    assert (summary.accepted, summary.rejected, errors) == (5, 0, None)
    with unit_of_work(engine) as s:
        names = set(s.scalars(select(Record.subject_name)))
        fines = set(s.scalars(select(Record.data)).all()[0]["penalty_categories"])
    assert names == {"示范市华盛食品有限公司"}
    assert fines == {"警告", "罚款"}


def test_reupload_is_idempotent(engine, settings, tmp_path):
    path = write_csv(tmp_path / "p.csv", "penalty", ROWS)
    first, _ = _run(engine, settings, path)
    again, _ = _run(engine, settings, path)
    assert first.accepted == 5
    assert (again.accepted, again.duplicates, again.updated) == (0, 5, 0)
    assert _count(engine, Record) == 5
    assert _count(engine, Batch) == 2  # both uploads are on record, with their file hash
    with unit_of_work(engine) as s:
        hashes = set(s.scalars(select(Batch.file_sha256)))
    assert len(hashes) == 1


def test_changed_row_updates_and_keeps_history(engine, settings):
    push(engine, settings, "penalty", ROWS)
    changed = [*ROWS[:4], {**ROWS[4], "penalty_content": "警告,并处罚款3000元",
                           "fine_amount": "0.3"}]
    summary, _ = push(engine, settings, "penalty", changed)
    assert (summary.updated, summary.duplicates, summary.accepted) == (1, 4, 0)
    with unit_of_work(engine) as s:
        rec = s.scalar(select(Record).where(Record.natural_key == ROWS[4]["document_number"]))
        old = s.scalar(select(RecordVersion).where(RecordVersion.record_id == rec.id))
    assert rec.version == 2 and rec.data["fine_amount"] == "0.3"
    assert old.version == 1 and old.data["fine_amount"] == "0.2"


def test_duplicates_and_changes_within_one_file(engine, settings):
    row = ROWS[0]
    summary, _ = push(engine, settings, "penalty",
                      [row, dict(row), {**row, "fine_amount": "0.5"}])
    assert (summary.accepted, summary.duplicates, summary.updated) == (1, 1, 1)
    assert _count(engine, Record) == 1
    assert _count(engine, RecordVersion) == 1


def test_failure_mid_batch_leaves_nothing_and_rerun_completes(engine, settings, tmp_path,
                                                              monkeypatch):
    import xinyong.ingest.service as service

    path = write_csv(tmp_path / "p.csv", "penalty", ROWS)
    real = service._write_chunk
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full (injected)")
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "_write_chunk", failing)
    settings.ingest_chunk_rows = 2
    with pytest.raises(OSError):
        _run(engine, settings, path)
    assert calls["n"] == 3  # two chunks had been written inside the transaction
    assert (_count(engine, Record), _count(engine, Batch), _count(engine, Subject)) == (0, 0, 0)
    monkeypatch.setattr(service, "_write_chunk", real)
    summary, _ = _run(engine, settings, path)
    assert summary.accepted == 5 and _count(engine, Record) == 5


def test_atomic_batch_refuses_everything_on_one_bad_row(engine, settings):
    with pytest.raises(Invalid) as exc:
        push(engine, settings, "penalty", [ROWS[0], penalty(decision_date="bad")], atomic=True)
    assert [e.row for e in exc.value.errors] == [2]
    assert _count(engine, Record) == 0 and _count(engine, Batch) == 0


def test_unknown_column_refuses_the_file(engine, settings, tmp_path):
    path = tmp_path / "p.csv"
    write_csv(path, "penalty", ROWS)
    text_ = path.read_text(encoding="utf-8-sig").replace("备注", "内部意见", 1)
    path.write_text(text_, encoding="utf-8-sig")
    with pytest.raises(Invalid) as exc:
        _run(engine, settings, path)
    assert exc.value.code == "bad_header"
    assert any(p.rule == "unknown_column" and p.field == "内部意见" for p in exc.value.errors)
    assert _count(engine, Batch) == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_title_above_the_header_is_skipped_and_rows_keep_their_numbers(
        engine, settings, tmp_path, fmt):
    """Department exports put 「XX局2026年11月行政处罚信息」 (merged cells) and a blank line
    above the header; the rows are still found, and an error names the row the clerk sees."""
    from openpyxl import Workbook

    headers, body = chinese_rows("penalty", [ROWS[0], penalty(document_number="X2",
                                                              fine_amount="-1")])
    lines = [["示范市市场监督管理局2026年11月行政处罚信息"], [], headers,
             *[["" if v is None else v for v in line] for line in body]]
    path = tmp_path / f"处罚.{fmt}"
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(lines)
    else:
        wb = Workbook()
        for line in lines:
            wb.active.append(line)  # type: ignore[union-attr]
        wb.save(path)
    summary, errors = _run(engine, settings, path)
    assert (summary.accepted, summary.rejected) == (1, 1) and errors is not None
    rows = list(csv.reader(errors.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][:3] == ["5", "罚款金额(万元)", "decimal_min"]  # title, blank, header, row 4


def test_a_header_under_too_many_title_rows_is_refused_naming_its_row(engine, settings,
                                                                       tmp_path):
    headers, body = chinese_rows("penalty", [ROWS[0]])
    path = tmp_path / "p.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([["标题"]] * 6 + [headers, *body])
    with pytest.raises(Invalid) as exc:
        _run(engine, settings, path)
    assert exc.value.code == "bad_header"
    assert {p.row for p in exc.value.errors} == {6}
    assert _count(engine, Batch) == 0


def test_error_file_is_excel_friendly_and_names_row_field_rule(engine, settings, tmp_path):
    path = write_csv(tmp_path / "处罚数据.csv", "penalty",
                     [ROWS[0], penalty(document_number="X2", fine_amount="-1")])
    summary, errors = _run(engine, settings, path)
    assert summary.rejected == 1 and errors is not None
    raw = errors.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert lines[0] == ["行号", "字段", "规则", "说明", "原值", "级别"]
    assert lines[1][:3] == ["3", "罚款金额(万元)", "decimal_min"]


def test_person_id_is_stored_only_hashed_and_masked(engine, settings, database_url):
    summary, _ = push(engine, settings, "penalty", [person_penalty()])
    assert summary.accepted == 1
    with unit_of_work(engine) as s:
        subject = s.scalar(select(Subject).where(Subject.kind == "person"))
        assert subject.person_id_masked == "1101**********002X"
        assert subject.person_key and PERSON_ID not in subject.person_key
        dump = []
        for table in load_all_tables().sorted_tables:
            for row in s.execute(select(table)):
                dump.append(repr(tuple(row)))
    assert not any(PERSON_ID in line for line in dump)
    assert any("1101**********002X" in line for line in dump)


def test_same_person_twice_is_one_subject(engine, settings):
    push(engine, settings, "penalty",
         [person_penalty(), person_penalty(document_number="示市监处罚〔2026〕10号")])
    assert _count(engine, Subject) == 1


def test_name_differences_are_kept_and_flagged(engine, settings):
    push(engine, settings, "penalty", [ROWS[0]])
    push(engine, settings, "penalty", [penalty(document_number="N2",
                                               subject_name="示范市华盛食品有限责任公司")])
    with unit_of_work(engine) as s:
        subject = s.scalar(select(Subject).where(Subject.uscc == COMPANY))
        others = list(s.scalars(select(SubjectName.name)))
        reviews = list(s.scalars(select(CodeReview.kind)))
    assert subject.name == "示范市华盛食品有限公司"
    assert others == ["示范市华盛食品有限责任公司"]
    assert reviews == ["same_code_different_names"]


def test_same_name_under_another_code_is_flagged(engine, settings):
    from tests.factories import COMPANY_2

    push(engine, settings, "penalty", [ROWS[0]])
    push(engine, settings, "penalty", [penalty(document_number="N3", subject_uscc=COMPANY_2)])
    with unit_of_work(engine) as s:
        kinds = list(s.scalars(select(CodeReview.kind)))
    assert kinds == ["same_name_different_codes"]


@pytest.mark.parametrize(("decided", "received", "late"), [
    # Spring Festival 2026: holidays 02-15..02-23, make-up workdays Sat 02-14 and Sat 02-28.
    # From Wed 02-11: 12, 13, 14 (Sat, make-up), 24, 25, 26, 27 -> deadline Fri 02-27.
    ("2026-02-11", "2026-02-25", False),  # Mon-Fri counting would call this late
    ("2026-02-11", "2026-02-27", False),
    ("2026-02-11", "2026-02-28", True),  # the make-up Saturday is the 8th working day
    ("2025-09-26", "2025-10-13", False),  # the 7th working day, counting 09-28 and 10-11
    ("2025-09-26", "2025-10-14", True),
])
def test_lateness_follows_the_official_calendar(engine, settings, decided, received, late):
    summary, problems = push(engine, settings, "penalty",
                             [penalty(decision_date=decided, penalty_valid_until="2027-12-31")],
                             received_on=date.fromisoformat(received))
    assert not problems
    assert summary.late == (1 if late else 0)
    with unit_of_work(engine) as s:
        assert s.scalar(select(Record.late)) is late


def test_a_deadline_in_a_provisional_year_is_computed_and_said_so(engine, settings):
    summary, _ = push(engine, settings, "penalty",
                      [penalty(decision_date="2026-12-28", penalty_valid_until="2027-12-31")],
                      received_on=date(2026, 12, 31), today=date(2026, 12, 31))
    assert (summary.accepted, summary.late, summary.timeliness_unknown) == (1, 0, 0)
    assert "暂定工作日历" in summary.warnings[0]
    with unit_of_work(engine) as s:
        # 29, 30, 31 December, 1 January off, 4-7 January: the 7th working day.
        assert s.scalar(select(Record.deadline)) == date(2027, 1, 7)


def test_a_year_before_the_calendar_is_reported_not_guessed(engine, settings):
    summary, _ = push(engine, settings, "penalty",
                      [penalty(decision_date="2003-12-26", penalty_valid_until="2027-12-31")],
                      received_on=date(2026, 11, 27))
    assert (summary.accepted, summary.late, summary.timeliness_unknown) == (1, 0, 1)
    assert "节假日安排尚未配置" in summary.warnings[0]


def test_postgres_and_sqlite_store_the_same_json(engine, settings):
    push(engine, settings, "penalty", [ROWS[0]])
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM record")).scalar()
    assert n == 1


def test_small_tables_are_read_in_excels_chinese_csv_encoding_too(tmp_path):
    """Applicant lists and received list decisions: a CSV saved by Excel on Chinese Windows
    (GB18030) reads as the UTF-8 one does; an empty file is refused by name."""
    from xinyong.ingest.readers import table_rows

    rows = [["统一社会信用代码", "名称"], [COMPANY, "示范市华盛食品有限公司"]]
    for enc in ("utf-8-sig", "gb18030"):
        path = tmp_path / f"投标人_{enc}.csv"
        with path.open("w", encoding=enc, newline="") as fh:
            csv.writer(fh).writerows(rows)
        assert table_rows(path) == rows
    (tmp_path / "空.csv").write_bytes(b"")
    with pytest.raises(Invalid) as exc:
        table_rows(tmp_path / "空.csv")
    assert exc.value.code == "file_empty" and "空.csv" in str(exc.value)
