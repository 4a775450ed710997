"""The set-based write path of ingest: judgements made while writing, changes across chunk
boundaries, stored JSON and hash, and a failing background insert."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import delete, func, select

from tests.factories import COMPANY_2, PROVIDER, licence, penalty, person_penalty
from tests.ingest.helpers import push
from xinyong.catalog import default_catalog
from xinyong.core.db import unit_of_work
from xinyong.ingest import Batch, Record, RecordVersion
from xinyong.ingest.service import content_hash, serialise
from xinyong.ingest.validate import RowValidator
from xinyong.publication.judging import judge_records
from xinyong.publication.tables import PublicationJudgement
from xinyong.repair.notices import issue_notices
from xinyong.repair.tables import RepairNotice
from xinyong.subjects.bulk import BulkWriter

RECEIVED = date(2026, 11, 27)


def _judgements(engine) -> dict[int, tuple]:
    j = PublicationJudgement
    cols = [c for c in j.__table__.columns if c.name != "judged_at"]
    with unit_of_work(engine) as s:
        return {row[0]: tuple(row) for row in s.execute(select(*cols).order_by(j.record_id))}


def test_judgements_made_while_ingesting_equal_a_full_rejudge(engine, settings):
    """The batch judge remembers judgements by the inputs of the rules; the result must be
    exactly what judge_records computes from the stored records."""
    penalties = [
        penalty(document_number="P-1"),
        penalty(document_number="P-2", severity="严重", penalty_categories="吊销许可证件",
                licence_revoked="食品经营许可证JY1", fine_amount=None),
        # Under Order 58 (before 2026-04-01), 安全生产 has a one-year minimum.
        penalty(document_number="P-3", decision_date="2026-03-02",
                penalty_valid_until="2027-03-02", violation_type="未落实安全生产责任",
                penalty_basis="《中华人民共和国安全生产法》第九十七条"),
        penalty(document_number="P-4", decision_date="2026-03-02",
                penalty_valid_until="2027-03-02"),
        penalty(document_number="P-5", penalty_categories="警告", fine_amount=None,
                severity="轻微", subject_uscc=COMPANY_2, subject_name="示范市鼎盛贸易有限公司"),
        penalty(document_number="P-6", decision_date="2026-03-02",
                penalty_valid_until="2027-03-02", violation_type="未落实安全生产责任",
                penalty_basis="《中华人民共和国安全生产法》第九十七条"),  # a remembered one
        person_penalty(document_number="P-7"),  # a natural person: judged, never shown
    ]
    summary, problems = push(engine, settings, "penalty", penalties, received_on=RECEIVED)
    assert not problems and summary.accepted == len(penalties)
    licences = [licence(document_number="L-1"),
                licence(document_number="L-2", valid_to="2099-12-31"),
                licence(document_number="L-3", status="无效"),
                licence(document_number="L-4", decision_date="2026-11-02",
                        valid_from="2026-11-02")]
    summary, problems = push(engine, settings, "licence", licences, received_on=RECEIVED)
    assert not problems and summary.accepted == len(licences)
    written = _judgements(engine)
    assert len(written) == len(penalties) + len(licences)
    with unit_of_work(engine) as s:
        assert judge_records(s, rejudge=True) == len(written)
    assert _judgements(engine) == written
    # The repair notices written with the records state what issue_notices would issue from
    # the stored judgements: one per penalty with a minimum end, none for a licence.
    n = RepairNotice
    cols = [c for c in n.__table__.columns if c.name != "id"]
    with unit_of_work(engine) as s:
        issued = set(s.execute(select(*cols)))
        s.execute(delete(n))
    assert {row.record_id for row in issued} == {
        rid for rid, row in written.items() if row[2] == "penalty"}
    with unit_of_work(engine) as s:
        assert issue_notices(s, today=RECEIVED) == len(issued)
        assert set(s.execute(select(*cols))) == issued


def test_changes_across_chunks_keep_history_and_judge_the_last_version(engine, settings):
    a1, a2 = penalty(document_number="A"), penalty(document_number="A", fine_amount="0.3")
    b1 = penalty(document_number="B")
    c1 = penalty(document_number="C")
    c2 = penalty(document_number="C", fine_amount="0.5")
    rows = [a1, b1,  # chunk 1
            a2, a2,  # chunk 2: A changed (held from chunk 1), then a duplicate of it
            c1, c2,  # chunk 3: C new and changed within the chunk
            b1]      # chunk 4: a duplicate of a row two chunks back
    summary, problems = push(engine, settings, "penalty", rows, received_on=RECEIVED,
                             chunk_rows=2)
    assert not problems
    assert (summary.accepted, summary.updated, summary.duplicates) == (3, 2, 2)
    with unit_of_work(engine) as s:
        current = {key: (version, data["fine_amount"]) for key, version, data in
                   s.execute(select(Record.natural_key, Record.version, Record.data))}
        assert current == {"A": (2, "0.3"), "B": (1, "0.2"), "C": (2, "0.5")}
        history = sorted((key, v.version, v.data["fine_amount"]) for v, key in s.execute(
            select(RecordVersion, Record.natural_key)
            .join(Record, Record.id == RecordVersion.record_id)))
        assert history == [("A", 1, "0.2"), ("C", 1, "0.2")]
        judged = set(s.execute(select(Record.id, Record.version)))
        assert set(s.execute(select(PublicationJudgement.record_id,
                                    PublicationJudgement.record_version))) == judged
        # 两书同达: one notice per record, for the version the batch left.
        assert set(s.execute(select(RepairNotice.record_id,
                                    RepairNotice.record_version))) == judged


def test_record_json_is_stored_once_sorted_and_hashed(engine, settings):
    rt = default_catalog().get("penalty")
    validator = RowValidator(rt, today=RECEIVED, received_on=RECEIVED, provider_uscc=PROVIDER,
                             secret="s")
    values = validator.validate(2, penalty()).values
    assert values is not None and list(values) == sorted(values)
    blob, digest = serialise(values, keys_sorted=True)
    assert blob == json.dumps(values, sort_keys=True, ensure_ascii=False,
                              separators=(",", ":"))
    assert digest == content_hash(dict(reversed(list(values.items()))))
    push(engine, settings, "penalty", [penalty()], received_on=RECEIVED)
    with unit_of_work(engine) as s:
        data, stored_hash = s.execute(select(Record.data, Record.content_hash)).one()
    assert data == values and stored_hash == digest


def test_a_failing_background_insert_rolls_the_batch_back(engine, settings, monkeypatch):
    if engine.dialect.name != "postgresql":
        pytest.skip("records are written in a background thread on PostgreSQL only")

    def failing_copy(raw, sql, rows):
        if sql.startswith("COPY record "):
            raise OSError("connection reset (injected)")
        return real_copy(raw, sql, rows)

    real_copy = BulkWriter._copy
    monkeypatch.setattr(BulkWriter, "_copy", staticmethod(failing_copy))
    rows = [penalty(document_number=f"F-{i}") for i in range(5)]
    with pytest.raises(OSError, match="injected"):
        push(engine, settings, "penalty", rows, received_on=RECEIVED, chunk_rows=2)
    with unit_of_work(engine) as s:
        assert s.scalar(select(func.count()).select_from(Record)) == 0
        assert s.scalar(select(func.count()).select_from(Batch)) == 0
    monkeypatch.setattr(BulkWriter, "_copy", staticmethod(real_copy))
    summary, _ = push(engine, settings, "penalty", rows, received_on=RECEIVED, chunk_rows=2)
    assert summary.accepted == 5
