"""Held-out style: a natural person born in 1980 whose ID number carries 兰州城关区's code
(620102, created in 1983) is accepted through the real ingest path, masked, and its clear
number is nowhere in the database."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, String, Text, select

from tests.factories import person_penalty
from tests.ingest.helpers import push
from xinyong.core.db import load_all_tables, unit_of_work
from xinyong.core.masking import check_digit
from xinyong.ingest.tables import Record
from xinyong.subjects.tables import Subject

BODY = "62010219800315211"
LANZHOU_1980 = BODY + check_digit(BODY)
MASKED = LANZHOU_1980[:4] + "*" * 10 + LANZHOU_1980[-4:]


def _text_values(session) -> list[str]:
    """Every value of every text or JSON column of every table, as text."""
    found = []
    for table in load_all_tables().sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)
                   or type(c.type).__name__ in ("JSONB", "Variant")]
        if not columns:
            continue
        for row in session.execute(select(*columns)):
            found.extend(str(v) for v in row if v is not None)
    return found


def test_penalty_of_a_person_born_before_the_district_code_is_accepted_and_masked(
        engine, settings):
    summary, problems = push(engine, settings, "penalty", [person_penalty(
        subject_name="李四", subject_id_number=LANZHOU_1980,
        document_number="兰市监处罚〔2026〕31号")], received_on=date(2026, 11, 27))
    assert (summary.accepted, summary.rejected) == (1, 0), problems
    with unit_of_work(engine) as s:
        record = s.scalar(select(Record))
        subject = s.scalar(select(Subject).where(Subject.kind == "person"))
        assert record.data["subject_id_number"] == MASKED == "6201**********" + BODY[-3:] + \
            LANZHOU_1980[-1]
        assert subject.person_id_masked == MASKED
        values = _text_values(s)
    assert values, "the scan read the tables"
    assert not [v for v in values if LANZHOU_1980 in v]
    assert not [v for v in values if BODY in v]  # not even without its check digit
    assert any(MASKED in v for v in values)


def test_a_wrong_check_digit_names_its_rule_in_the_row_problem(engine, settings):
    wrong = BODY + ("0" if LANZHOU_1980[-1] != "0" else "1")
    summary, problems = push(engine, settings, "penalty", [person_penalty(
        subject_id_number=wrong)])
    assert summary.rejected == 1
    assert [(p.rule, p.field) for p in problems] == [("person_id_check_digit", "证件号码")]
    assert "校验位" in problems[0].message and wrong not in problems[0].message


def test_the_words_and_codes_departments_write_for_the_id_type_are_the_code_table(
        engine, settings):
    """「居民身份证」 and the GA/T 517 code 「111」 are the national table's 身份证: the number is
    checked as a resident ID (a wrong check digit refused, naming the rule), and stored under
    身份证."""
    wrong = BODY + str((int(check_digit(BODY), 36) + 1) % 10)
    summary, problems = push(engine, settings, "penalty", [
        person_penalty(subject_name="李四", subject_id_type="居民身份证",
                       subject_id_number=LANZHOU_1980, document_number="兰市监处罚〔2026〕41号"),
        person_penalty(subject_name="王五", subject_id_type="111", subject_id_number=wrong,
                       document_number="兰市监处罚〔2026〕42号")], received_on=date(2026, 11, 27))
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert [(p.row, p.rule) for p in problems] == [(2, "person_id_check_digit")]
    with unit_of_work(engine) as s:
        assert s.scalar(select(Record)).data["subject_id_type"] == "身份证"
