"""The hand-made month (2026-11) the indicator tests compute; expected values in the test."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from tests.monitoring.helpers import add
from xinyong.commitments import Commitment
from xinyong.departments.tables import Department
from xinyong.ingest.tables import Batch, Provider, Record
from xinyong.lists.tables import ListEntry
from xinyong.measures.tables import CheckFeedback, CheckPrompt
from xinyong.objections.tables import Objection
from xinyong.repair.tables import RepairApplication
from xinyong.screening.tables import ScreeningCheck
from xinyong.subjects.tables import Subject
from xinyong.subjects.uscc import make

D1 = make("11", "350203", "MB160101")  # enforcement, county 350203
D2 = make("11", "350203", "MB160102")  # licensing, county 350203
D3 = make("11", "350206", "MB160103")  # enforcement, county 350206
OLD = datetime(2026, 1, 2, 9)


def build(session: Session) -> dict[str, Any]:
    ids: dict[str, Any] = {}
    for code, name, cls, region in ((D1, "示范市市场监督管理局", "enforcement", "350203"),
                                    (D2, "示范市行政审批局", "licensing", "350203"),
                                    (D3, "示范区市场监督管理局", "enforcement", "350206")):
        add(session, Department, code=code, name=name, department_class=cls,
            region_code=region, created_at=OLD, updated_at=OLD)
    p1 = add(session, Provider, uscc=D1, name="示范市市场监督管理局", created_at=OLD)
    p2 = add(session, Provider, uscc=D2, name="示范市行政审批局", created_at=OLD)
    s = {}
    for i, region in enumerate(("350203", "350203", "350203", "350206", "350206"), start=1):
        s[i] = add(session, Subject, uscc=make("91", region, f"MA2MXN0{i}"), kind="organisation",
                   name=f"示范企业{i}有限公司", region_code=region, created_at=OLD,
                   updated_at=OLD)
    # Not counted: known only from December; merged into another; a natural person.
    add(session, Subject, uscc=make("91", "350203", "MA2MXN06"), kind="organisation",
        name="示范企业6有限公司", region_code="350203", created_at=datetime(2026, 12, 1, 9),
        updated_at=OLD)
    add(session, Subject, uscc=make("91", "350203", "MA2MXN07"), kind="organisation",
        name="示范企业7有限公司", region_code="350203", created_at=OLD, updated_at=OLD,
        merged_into_id=s[1].id)
    person = add(session, Subject, kind="person", name="张三", created_at=OLD, updated_at=OLD)
    ids["subjects"], ids["person"] = s, person

    def entry(subject: Subject, kind: str, published: date, **kw: Any) -> None:
        add(session, ListEntry, list_kind=kind, subject_id=subject.id,
            subject_name=subject.name, state="published", document_date=published,
            published_on=published, created_at=OLD, updated_at=OLD, **kw)

    entry(s[1], "serious_dishonesty", date(2026, 10, 1))
    entry(s[4], "serious_dishonesty", date(2026, 9, 1), removed_on=date(2026, 11, 15))
    entry(s[2], "serious_dishonesty", date(2026, 12, 2))
    entry(s[2], "red", date(2026, 6, 1), legal_basis_id="tax_a_grade")
    entry(s[3], "red", date(2026, 6, 1), legal_basis_id="tax_a_grade",
          listed_until=date(2026, 11, 10))

    b1 = add(session, Batch, record_type="penalty", provider_id=p1.id, channel="file",
             received_on=date(2026, 11, 25), started_at=OLD, total=10, rejected=2)
    add(session, Batch, record_type="licence", provider_id=p1.id, channel="file",
        received_on=date(2026, 11, 12), started_at=OLD, total=5, rejected=0)
    b2 = add(session, Batch, record_type="penalty", provider_id=p2.id, channel="file",
             received_on=date(2026, 11, 10), started_at=OLD, total=4, rejected=1)
    add(session, Batch, record_type="penalty", provider_id=p1.id, channel="file",
        received_on=date(2026, 10, 10), started_at=OLD, total=100, rejected=50)
    ids["batches"] = (b1, b2)
    n = 0

    def record(rtype: str, subject: Subject, prov: Provider, batch: Batch, decided: date,
               received: date, late: bool | None) -> Record:
        nonlocal n
        n += 1
        return add(session, Record, record_type=rtype, provider_id=prov.id,
                   natural_key=f"k{n}", subject_id=subject.id, subject_name=subject.name,
                   decision_date=decided, received_on=received, late=late,
                   content_hash=f"h{n}", data={"document_number": f"示市监〔2026〕{n}号"},
                   first_batch_id=batch.id, batch_id=batch.id, created_at=OLD,
                   updated_at=OLD)

    ids["record"] = record
    record("penalty", s[1], p1, b1, date(2026, 1, 5), date(2026, 1, 10), False)
    record("penalty", s[1], p1, b1, date(2026, 6, 1), date(2026, 6, 5), False)
    record("penalty", s[1], p1, b1, date(2026, 11, 20), date(2026, 11, 25), False)
    record("penalty", s[2], p2, b2, date(2025, 11, 30), date(2025, 12, 3), False)
    record("penalty", s[2], p2, b2, date(2026, 5, 1), date(2026, 5, 6), False)
    ids["late"] = record("penalty", s[2], p2, b2, date(2026, 10, 20), date(2026, 11, 10), True)
    ids["late_d1"] = record("licence", s[3], p1, b1, date(2026, 10, 1), date(2026, 11, 12), True)
    record("licence", s[4], p1, b1, date(2026, 11, 1), date(2026, 11, 13), None)

    def objection(prov: str, subject: Subject, state: str, due: date,
                  decided: date | None) -> None:
        add(session, Objection, target="record", subject_id=subject.id,
            subject_name=subject.name, provider_uscc=prov, provider_name="单位",
            applicant_kind="subject", state=state, filed_on=date(2026, 10, 30),
            filed_at=OLD, decide_due=due, decided_on=decided)

    objection(D1, s[1], "corrected", date(2026, 11, 6), date(2026, 11, 5))
    objection(D1, s[3], "kept", date(2026, 11, 10), date(2026, 11, 20))
    objection(D2, person, "routed", date(2026, 11, 15), None)
    objection(D1, s[1], "revoked", date(2026, 10, 2), date(2026, 10, 1))
    for prov, decided, due in ((D1, date(2026, 11, 3), date(2026, 11, 4)),
                               (D2, None, date(2026, 11, 29))):
        add(session, RepairApplication, record_id=ids["late"].id, subject_id=s[2].id,
            subject_name=s[2].name, provider_uscc=prov, provider_name="单位",
            state="approved" if decided else "accepted", submitted_on=date(2026, 10, 20),
            submitted_at=OLD, decide_due=due, decided_on=decided)

    def check(dept: str, subject: Subject, at: datetime, outcome: str | None) -> None:
        c = add(session, ScreeningCheck, created_at=at, department_uscc=dept,
                department_name="单位", status="done", result={})
        pr = add(session, CheckPrompt, check_id=c.id, measure_id=f"m{c.id}",
                 measure_name="限制参与政府采购", subject_id=subject.id,
                 subject_name=subject.name, uscc=subject.uscc, created_at=at)
        if outcome:
            add(session, CheckFeedback, prompt_id=pr.id, check_id=c.id, measure_id=pr.measure_id,
                outcome=outcome, created_at=at)

    for i, (subject, made, determined) in enumerate((
            (s[1], date(2026, 10, 1), date(2026, 11, 10)),  # a commitment and its fulfilment
            (s[2], date(2026, 11, 20), None),
            (s[3], date(2026, 12, 2), None)), start=1):  # after the month
        add(session, Commitment, code=f"C{i}", subject_id=subject.id, made_on=made,
            determined_on=determined, accepting_uscc=D1, region_code="350203",
            created_at=OLD)

    check(D1, s[1], datetime(2026, 11, 8, 10), "applied")
    check(D1, s[1], datetime(2026, 11, 9, 10), "not_applied")
    check(D3, s[4], datetime(2026, 11, 9, 10), None)
    check(D1, s[1], datetime(2026, 10, 9, 10), "applied")
    session.flush()
    return ids
