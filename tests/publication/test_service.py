"""Publication windows through the service, on SQLite and PostgreSQL: the last public day,
repair and revocation ending a window early, as_of in the past, natural persons."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import COMPANY, COMPANY_2, licence, penalty, person_penalty
from tests.ingest.helpers import push
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Invalid, NotFound
from xinyong.ingest import Record
from xinyong.ingest.quality import list_late
from xinyong.publication.judging import end_publication, judge_records
from xinyong.publication.reads import (
    counts_by_type,
    credit_file,
    get_public_record,
    list_column,
)
from xinyong.publication.tables import PublicationJudgement

RECEIVED = date(2026, 11, 27)


def _record_id(engine, document_number: str) -> int:
    with unit_of_work(engine) as s:
        return s.scalars(select(Record.id)).all()[0] if document_number == "*" else \
            s.scalar(select(Record.id).where(Record.natural_key == document_number))


def _public_ids(engine, day: date, uscc: str = COMPANY) -> list[int]:
    with unit_of_work(engine) as s:
        f = credit_file(s, uscc, day)
        return [r.id for sec in f.sections for r in sec.items]


def test_penalty_window_last_public_day_and_rule_version(engine, settings):
    push(engine, settings, "penalty", [penalty()], received_on=RECEIVED)
    rid = _record_id(engine, "示市监处罚〔2026〕1号")
    with unit_of_work(engine) as s:
        j = s.get(PublicationJudgement, rid)
        # 罚款 -> 一般 under Order 36 (in force on 2026-11-20): at most one year.
        assert (j.rule_set_id, j.severity, j.severity_source) == ("ndrc_order_36_v1", "一般",
                                                                   "inferred")
        assert j.max_end == date(2027, 11, 19)
    assert _public_ids(engine, date(2027, 11, 19)) == [rid]  # the last public day
    assert _public_ids(engine, date(2027, 11, 20)) == []  # dropped off by itself
    # Not yet received on the 26th: not public then, whatever the decision date says.
    assert _public_ids(engine, date(2026, 11, 26)) == []
    assert _public_ids(engine, RECEIVED) == [rid]


def test_record_keeps_the_rule_set_of_its_decision_date(engine, settings):
    push(engine, settings, "penalty", [penalty(decision_date="2026-03-20",
                                               penalty_valid_until="2027-03-20")],
         received_on=RECEIVED)
    with unit_of_work(engine) as s:
        j = s.scalars(select(PublicationJudgement)).one()
        assert j.rule_set_id == "ndrc_order_58_v1"


def test_repair_ends_the_window_early_and_as_of_shows_the_past(engine, settings):
    push(engine, settings, "penalty", [penalty()], received_on=RECEIVED)
    rid = _record_id(engine, "示市监处罚〔2026〕1号")
    with unit_of_work(engine) as s:
        j = end_publication(s, rid, "repaired", date(2027, 3, 1), created_by="信用办")
        # A repair takes effect on its day: the last public day is the day before.
        assert (j.window_end, j.ended_by) == (date(2027, 2, 28), "repaired")
        assert j.rule_set_id == "ndrc_order_36_v1" and j.max_end == date(2027, 11, 19)
    assert _public_ids(engine, date(2027, 2, 28)) == [rid]
    assert _public_ids(engine, date(2027, 3, 1)) == []
    assert _public_ids(engine, date(2027, 2, 1)) == [rid]  # what the site showed back then
    with unit_of_work(engine) as s:
        with pytest.raises(NotFound):
            get_public_record(s, rid, date(2027, 3, 1))
        record, prov = get_public_record(s, rid, date(2027, 2, 1))
        assert record.window_end == date(2027, 2, 28)
        assert prov.rule_set_id == "ndrc_order_36_v1" and prov.ended_by == "repaired"


def test_revocation_unpublishes_within_three_working_days(engine, settings):
    push(engine, settings, "penalty", [penalty()], received_on=RECEIVED)
    rid = _record_id(engine, "示市监处罚〔2026〕1号")
    with unit_of_work(engine) as s:
        # Revoked on Friday 2026-12-04: Mon 7, Tue 8, Wed 9 -> last public day the 9th.
        j = end_publication(s, rid, "revoked", date(2026, 12, 4), created_by="信用办")
        assert (j.window_end, j.ended_by) == (date(2026, 12, 9), "revoked")
    assert _public_ids(engine, date(2026, 12, 9)) == [rid]
    assert _public_ids(engine, date(2026, 12, 10)) == []


def test_override_is_checked(engine, settings):
    push(engine, settings, "penalty", [penalty()], received_on=RECEIVED)
    rid = _record_id(engine, "示市监处罚〔2026〕1号")
    with unit_of_work(engine) as s:
        with pytest.raises(Invalid):
            end_publication(s, rid, "forgotten", date(2027, 1, 1), created_by="x")
        with pytest.raises(Invalid):
            end_publication(s, rid, "repaired", date(2026, 1, 1), created_by="x")
        with pytest.raises(NotFound):
            end_publication(s, 999999, "repaired", date(2027, 1, 1), created_by="x")


def test_licence_is_public_while_valid(engine, settings):
    push(engine, settings, "licence", [licence(valid_to="2027-05-31")], received_on=RECEIVED)
    rid = _record_id(engine, "示市监许〔2026〕1号")
    assert _public_ids(engine, date(2027, 5, 31)) == [rid]
    assert _public_ids(engine, date(2027, 6, 1)) == []


def test_natural_persons_are_not_published(engine, settings):
    push(engine, settings, "penalty", [penalty(), person_penalty()], received_on=RECEIVED)
    day = date(2026, 12, 1)
    with unit_of_work(engine) as s:
        assert counts_by_type(s, day) == {"commitment_breach": 0, "inspection_result": 0,
                                          "licence": 0, "penalty": 1}
        page = list_column(s, "penalty", day)
        assert [r.subject_name for r in page.items] == ["示范市华盛食品有限公司"]
        person_rid = s.scalar(select(Record.id).where(Record.subject_name == "张三"))
        with pytest.raises(NotFound):
            get_public_record(s, person_rid, day)


def test_listings_agree_with_the_pure_rule(engine, settings):
    """The SQL form of is_public (counts, columns) and the credit file (is_public itself)
    show the same records on every boundary day."""
    push(engine, settings, "penalty", [
        penalty(),
        penalty(document_number="示市监处罚〔2026〕2号", penalty_categories="警告",
                penalty_content="警告", fine_amount=None),
        penalty(document_number="示市监处罚〔2026〕3号", penalty_categories="吊销许可证件",
                licence_revoked="食品经营许可证JY1", subject_uscc=COMPANY_2,
                subject_name="示范市永泰餐饮管理有限公司", fine_amount=None)],
        received_on=RECEIVED)
    for day in (date(2026, 11, 27), date(2027, 2, 19), date(2027, 2, 20), date(2027, 11, 19),
                date(2027, 11, 20), date(2029, 11, 19), date(2029, 11, 20)):
        with unit_of_work(engine) as s:
            in_files = {r.id for u in (COMPANY, COMPANY_2)
                        for sec in credit_file(s, u, day).sections for r in sec.items}
            column = {r.id for r in list_column(s, "penalty", day, per_page=100).items}
            assert column == in_files
            assert counts_by_type(s, day)["penalty"] == len(in_files)


def test_column_filters(engine, settings):
    push(engine, settings, "penalty", [penalty(), penalty(
        document_number="示市监处罚〔2026〕5号", decision_date="2026-11-02",
        subject_uscc=COMPANY_2, subject_name="示范市永泰餐饮管理有限公司")],
        received_on=RECEIVED)
    day = date(2026, 12, 1)
    with unit_of_work(engine) as s:
        page = list_column(s, "penalty", day)
        assert [r.document_number for r in page.items] == ["示市监处罚〔2026〕1号",
                                                           "示市监处罚〔2026〕5号"]
        assert len(page.providers) == 1
        assert list_column(s, "penalty", day, provider_uscc=page.providers[0][0]).total == 2
        assert list_column(s, "penalty", day, date_from=date(2026, 11, 10)).total == 1
        assert list_column(s, "penalty", day, date_to=date(2026, 11, 10)).total == 1
        assert list_column(s, "penalty", day, region=COMPANY_2[2:8]).total == 1
        assert list_column(s, "penalty", day, region="3502").total == 2
        with pytest.raises(Invalid):
            list_column(s, "penalty", day, region="abc")
        with pytest.raises(Invalid):
            list_column(s, "objection", day)


def test_judge_command_path_judges_what_is_missing(engine, settings):
    push(engine, settings, "penalty", [penalty()], received_on=RECEIVED)
    with unit_of_work(engine) as s:
        s.query(PublicationJudgement).delete()
    assert _public_ids(engine, RECEIVED) == []  # unjudged records are never shown
    with unit_of_work(engine) as s:
        assert judge_records(s) == 1
        assert judge_records(s) == 0
    assert len(_public_ids(engine, RECEIVED)) == 1


def test_late_records_are_listed_for_the_credit_office(engine, settings):
    push(engine, settings, "penalty", [penalty(decision_date="2026-10-09",
                                               document_number="示市监处罚〔2026〕7号")],
         received_on=RECEIVED)
    with unit_of_work(engine) as s:
        items, total = list_late(s)
        assert total == 1
        assert items[0].document_number == "示市监处罚〔2026〕7号"
        assert items[0].working_days_late and items[0].working_days_late > 0


def test_credit_file_masks_personal_data_and_cites_legal_basis(engine, settings):
    push(engine, settings, "penalty", [penalty()], received_on=RECEIVED)
    with unit_of_work(engine) as s:
        f = credit_file(s, COMPANY, RECEIVED)
        assert f.subject.legal_representative == "王**"
        penalty_section = next(sec for sec in f.sections if sec.record_type == "penalty")
        assert any("行政处罚法" in b for b in penalty_section.legal_basis)
        shown = " ".join(v for r in penalty_section.items for _h, v in r.fields)
        assert "王建国" not in shown
        with pytest.raises(Invalid):
            credit_file(s, COMPANY[:-1] + ("0" if COMPANY[-1] != "0" else "1"), RECEIVED)
