"""Issue 14, finding 4: ID numbers typed into free text (违法事实, 处罚内容, 备注) are masked
before storage, the row is accepted with a warning, and the clear number is never stored,
shown (record page, credit file, their JSON twins), written to the error file or the audit
log, nor kept in an objection's or a repair application's text."""

from __future__ import annotations

import csv
import unicodedata
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.accounts.helpers import ACTORS, client_as
from tests.factories import COMPANY, PROVIDER, penalty, write_csv
from tests.ingest.helpers import push
from xinyong.accounts import Role
from xinyong.api.app import create_app
from xinyong.catalog import default_catalog
from xinyong.core import clock
from xinyong.core.attachments import Upload
from xinyong.core.db import load_all_tables, unit_of_work
from xinyong.core.workdays import load_calendar
from xinyong.ingest import Record
from xinyong.ingest.runner import FileBatch, run_file_batch
from xinyong.objections import service as objections
from xinyong.objections.clocks import load_clocks

# 兰州城关区 620102 for someone born in 1980: a real number a dated place-code table refuses.
ID18 = "620102198001011239"  # valid check digit
MASKED18 = "6201**********1239"
ID_X = "11010519491231002X"  # the GB 11643 example
OLD15 = "110105800101123"  # a pre-1999 number
FULL_WIDTH = unicodedata.normalize("NFKC", ID_X).translate(
    {ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})
CLEAR = (ID18, ID_X[:17], OLD15)  # digit strings that must appear nowhere
TODAY = clock.today()


def _row(**over: str) -> dict:
    return penalty(
        violation_facts=f"当事人身份证号{ID18}在事实中出现,经营标签不符合规定的食品",
        penalty_content=f"警告;当事人（身份证号 {FULL_WIDTH}）并处罚款2000元",
        remarks=f"联系人身份证 1101 0519 4912 3100 2X;旧证{OLD15}", **over)


def _digits_only(value: object) -> str:
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(c for c in text if c.isdigit())


def _nowhere_in_the_database(engine) -> None:
    with engine.connect() as conn:
        for table in load_all_tables().sorted_tables:
            for row in conn.execute(table.select()):
                for value in row:
                    if value is None or isinstance(value, bytes):
                        continue
                    # Spaces, hyphens and full-width forms do not hide a number either.
                    for clear in CLEAR:
                        assert clear not in _digits_only(value), (table.name, value)


def test_ids_in_free_text_are_masked_before_storage_and_shown_masked(engine, settings):
    summary, problems = push(engine, settings, "penalty", [_row()], received_on=TODAY,
                             today=TODAY)
    assert not problems and summary.accepted == 1 and summary.rejected == 0
    assert summary.masked == 1
    [warning] = [w for w in summary.warnings if "身份证号码" in w]
    assert "第1行" in warning and "违法事实" in warning and "备注" in warning
    assert ID18 not in warning
    with unit_of_work(engine) as s:
        record = s.scalar(select(Record))
        assert record is not None
        rid, data = record.id, dict(record.data)
    assert MASKED18 in data["violation_facts"] and ID18 not in data["violation_facts"]
    assert "1101**********002X" in data["penalty_content"]
    assert data["remarks"].startswith("联系人身份证 1101**********002X;旧证1101*******1123")

    client = TestClient(create_app(settings))
    subject = client_as(settings, ACTORS[Role.SUBJECT])
    shared = client_as(settings, ACTORS[Role.INSPECTOR])
    pages = [client.get(f"/records/{rid}"), client.get(f"/subjects/{COMPANY}"),
             client.get(f"/api/v1/records/{rid}"), client.get(f"/api/v1/subjects/{COMPANY}"),
             client.get(f"/api/v1/subjects/{COMPANY}/records"),
             client.get("/api/v1/columns/penalty"),
             client.get("/api/v1/columns/penalty/export.csv"),
             subject.get("/api/v1/me/file"), subject.get("/me"),
             shared.get(f"/api/v1/shared/subjects/{COMPANY}/records?purpose=inspection")]
    for r in pages:
        assert r.status_code == 200, (r.url, r.text[:200])
        text = r.content.decode("utf-8-sig")
        if r.url.path != "/me":  # the subject's page lists its records without their facts
            assert MASKED18 in text, r.url
        for clear in CLEAR:
            assert clear not in _digits_only(text.replace(MASKED18, "")), r.url
    _nowhere_in_the_database(engine)


def test_a_rejected_row_shows_no_clear_number_in_the_error_file(engine, settings, tmp_path):
    bad = _row(document_number="B", penalty_categories=f"警告;{ID18}",
               violation_type="x" * 2001 + ID18)
    path = write_csv(tmp_path / "处罚.csv", "penalty", [bad])
    summary, errors = run_file_batch(engine, default_catalog(), settings, FileBatch(
        path=path, record_type="penalty", provider_uscc=PROVIDER, operator="t",
        received_on=TODAY))
    assert summary.rejected == 1 and errors is not None
    content = errors.read_text(encoding="utf-8-sig")
    rules = {row["规则"] for row in csv.DictReader(content.splitlines())}
    assert {"enum", "max_length"} <= rules
    assert MASKED18 in content
    for clear in CLEAR:
        assert clear not in _digits_only(content.replace(MASKED18, ""))
    _nowhere_in_the_database(engine)


def test_objection_and_repair_texts_and_audit_details_keep_no_clear_number(engine, settings):
    old = TODAY - timedelta(days=200)
    push(engine, settings, "penalty", [
        penalty(document_number="A", decision_date=old.isoformat(),
                penalty_valid_until=(old + timedelta(days=365)).isoformat()),
        penalty(document_number="B")], received_on=TODAY, today=TODAY)
    with unit_of_work(engine) as s:
        ids = dict(s.execute(select(Record.natural_key, Record.id)).tuples().all())
        objections.file_objection(
            s, ACTORS[Role.SUBJECT], objections.Filing(
                "record", ids["B"], f"处罚对象不是本企业,当事人身份证号{ID18}",
                (Upload("证明.pdf", b"%PDF-1.4\n%%EOF\n"),), contact=f"身份证{ID_X}"),
            clocks=load_clocks(), calendar=load_calendar(s), secret=settings.secret_key)
    subject = client_as(settings, ACTORS[Role.SUBJECT])
    r = subject.post("/api/v1/repairs", data={
        "record_id": str(ids["A"]), "fulfilment": f"法定代表人(身份证 {ID18})已缴清罚款",
        "commitment_accepted": "true"},
        files={"files": ("凭证.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")})
    assert r.status_code == 201, r.text
    assert MASKED18 in r.json()["fulfilment"]
    office = client_as(settings, ACTORS[Role.ADMIN])
    r = office.post("/api/v1/checks", json={"name": f"当事人{ID18}", "matter": "licensing"})
    assert r.status_code == 200
    entries = office.get("/api/v1/audit/entries?limit=1000").text
    assert ID18 not in entries
    _nowhere_in_the_database(engine)
