"""Commitments through the catalog (takes a Session; never commits).

* `from_batch`: the rows of a `commitment` batch (信用承诺信息, sent by file, upload page or
  API like any record type) become, or update, commitments. The ingest path calls it after
  the batch's records are written, in the same transaction.
The other way out to the catalog, a breach as a 违背信用承诺失信信息 record, is breach.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.accounts import Actor, Role
from xinyong.commitments import rules
from xinyong.commitments.model import load_rules
from xinyong.commitments.tables import Commitment
from xinyong.core.errors import Invalid, Problem
from xinyong.core.workdays import WorkingCalendar
from xinyong.departments import region_of
from xinyong.departments.service import find_department

SENT_TYPE = "commitment"
# USCC registration authorities whose holders may accept commitments without being in the
# department registry: 1 机构编制 (organs, public institutions), 5 民政 (social organisations,
# for 行业自律型). An enterprise (9) never accepts one.
ACCEPTING_REGISTRARS = ("1", "5")
KIND_BY_LABEL = {label: kind for kind, label in rules.KINDS.items()}
DISCLOSURE_BY_LABEL = {label: d for d, label in rules.DISCLOSURES.items()}
CATEGORY_BY_LABEL = {"法人及非法人组织": "legal", "个体工商户": "individual"}


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def from_batch(session: Session, batch_id: int, *, operator: str, calendar: WorkingCalendar,
               today: date) -> tuple[int, int]:
    """Each record of type `commitment` written by the batch becomes a commitment (a new one
    gets its 承诺编码 and, for the types the department verifies, its task), or updates the
    one it made before while that one is undetermined (a determined commitment is final).
    Returns (created, updated)."""
    from xinyong.commitments.service import _new, allocate_code
    from xinyong.ingest import Record

    recs = session.execute(
        select(Record.id, Record.subject_id, Record.data)
        .where(Record.batch_id == batch_id, Record.record_type == SENT_TYPE)
        .order_by(Record.id)).all()
    if not recs:
        return 0, 0
    held = {c.ref_id: c for c in session.scalars(select(Commitment).where(
        Commitment.ref_kind == "record", Commitment.ref_id.in_([r[0] for r in recs])))}
    data_rules = load_rules()
    actor = Actor(role=Role.SYSTEM, name=operator[:100], client="ingest")
    departments: dict[str, tuple[str, str, str]] = {}
    created = updated = 0
    for rid, subject_id, data in recs:
        uscc = data["provider_uscc"]
        if uscc not in departments:
            dept = find_department(session, uscc)
            if dept is not None:
                departments[uscc] = (dept.code, dept.name, dept.region_code)
            elif uscc[:1] in ACCEPTING_REGISTRARS:
                # Not yet in the department registry: an organ, public institution or social
                # organisation accepts commitments under its own code, whose division code
                # is the accepting place (as the registry would default it).
                departments[uscc] = (uscc, data["provider_name"], region_of(uscc))
            else:
                message = (f"承诺受理单位「{uscc}」既不是平台登记的部门，也不是机关、事业单位"
                           "或社会组织的代码，不能受理信用承诺（请核对受理单位代码，或先在"
                           "部门管理中登记该单位）")
                raise Invalid(message, code="accepting_department_unknown", errors=[
                    Problem(None, "承诺受理单位统一社会信用代码", "department_registered",
                            message, uscc)])
        kind = KIND_BY_LABEL[data["commitment_kind"]]
        disclosure = DISCLOSURE_BY_LABEL[data["disclosure"]]
        made_on = date.fromisoformat(data["decision_date"])
        c = held.get(rid)
        if c is not None:
            if c.state in rules.OPEN_STATES:
                c.committer_name, c.reason = data["subject_name"], data["reason"]
                c.content, c.liability = data["content"], data["liability"]
                c.valid_until, c.remark = _date(data.get("valid_until")), data.get("remarks")
                c.disclosure = disclosure
                updated += 1
            continue
        accepting = departments[uscc]
        code = allocate_code(session, accepting[2], made_on)
        _new(session, data_rules, kind, code=code, subject_id=subject_id,
             committer_name=data["subject_name"], committer_code=data["subject_uscc"],
             category=CATEGORY_BY_LABEL.get(data["subject_category"], "legal"),
             template=None, reason=data["reason"], content=data["content"],
             liability=data["liability"], made_on=made_on,
             valid_until=_date(data.get("valid_until")), accepting=accepting,
             disclosure=disclosure, remark=data.get("remarks"), source="department",
             actor=actor, calendar=calendar, verify_due=_date(data.get("verify_due")),
             ref=("record", rid))
        created += 1
    session.flush()
    return created, updated
