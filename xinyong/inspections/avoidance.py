"""回避: an inspector's declared conflict with a subject (a relative works there, a former
employer, a shareholding…). The inspector declares it, or the department's data officer does
on their behalf; both are audited writes. A draw never assigns an inspector to a subject they
declared; a withdrawal keeps the row, dated, so the declarations in force at any past moment
(and so a past draw) can be read again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, Role
from xinyong.core import clock
from xinyong.core.db import load_all_tables
from xinyong.core.errors import Conflict, Forbidden, Invalid, NotFound
from xinyong.inspections.tables import InspectionAvoidance
from xinyong.subjects.uscc import UsccError, validate

REASON_MAX = 500


@dataclass(frozen=True)
class Declaration:
    id: int
    account_id: int
    inspector: str
    subject_uscc: str
    reason: str
    declared_by: str
    declared_at: datetime
    withdrawn_at: datetime | None


def _inspector(session: Session, actor: Actor, account: str | None) -> tuple[int, str, str]:
    """(account id, login name, department code) of the inspector a declaration is for: the
    actor itself when an inspector; a data officer names an inspector of its department; the
    credit office any inspector."""
    t = load_all_tables().tables
    acc, dep = t["account"], t["department"]
    if actor.role == Role.INSPECTOR:
        if account not in (None, actor.name):
            raise Forbidden("检查人员只能为本人申报回避", code="not_own_declaration")
        stmt = select(acc.c.id, acc.c.name, dep.c.code).where(
            acc.c.id == actor.account_id if actor.account_id else acc.c.name == actor.name)
    elif actor.role in (Role.DATA_OFFICER, Role.ADMIN):
        if not account:
            raise Invalid("请填写申报回避的检查人员账户", code="inspector_required")
        stmt = select(acc.c.id, acc.c.name, dep.c.code).where(acc.c.name == account)
        if actor.role == Role.DATA_OFFICER:
            stmt = stmt.where(dep.c.code == (actor.department_uscc or ""))
    else:
        raise Forbidden("回避由检查人员本人或本部门数据报送员申报", code="forbidden")
    row = session.execute(stmt.join(dep, dep.c.id == acc.c.department_id)
                          .where(acc.c.role == Role.INSPECTOR.value)).first()
    if row is None:
        raise NotFound(f"本部门没有检查人员账户 {str(account or actor.name)[:40]}",
                       code="inspector_not_found")
    return int(row[0]), str(row[1]), str(row[2])


def declare(session: Session, actor: Actor, subject_uscc: str, reason: str, *,
            account: str | None = None) -> InspectionAvoidance:
    """Declare that the inspector (`account`, or the actor itself) must not inspect the
    subject with code `subject_uscc`, for `reason` (an audited write)."""
    try:
        code = validate(subject_uscc).code
    except UsccError as exc:
        raise Invalid(f"统一社会信用代码无效：{exc}", code=exc.rule) from None
    text = " ".join((reason or "").split())
    if len(text) < 2 or len(text) > REASON_MAX:
        raise Invalid(f"请填写回避事由（2至{REASON_MAX}字）", code="reason_required")
    account_id, name, dept = _inspector(session, actor, account)
    if session.scalar(select(InspectionAvoidance.id).where(
            InspectionAvoidance.account_id == account_id,
            InspectionAvoidance.subject_uscc == code,
            InspectionAvoidance.withdrawn_at.is_(None))) is not None:
        raise Conflict(f"检查人员 {name} 已申报对 {code} 回避", code="avoidance_declared")
    row = InspectionAvoidance(account_id=account_id, department_code=dept, subject_uscc=code,
                              reason=text, declared_by=actor.name[:100],
                              declared_at=clock.now())
    session.add(row)
    session.flush()
    audit.append(session, actor, "inspections.avoidance.declare", subject_uscc=code,
                 details={"avoidance_id": row.id, "inspector": name})
    return row


def withdraw(session: Session, actor: Actor, avoidance_id: int) -> InspectionAvoidance:
    """Withdraw a declaration (the inspector itself, its department's data officer or the
    credit office); the row stays, dated (an audited write)."""
    row = session.get(InspectionAvoidance, avoidance_id)
    if row is None or (actor.role != Role.ADMIN
                       and row.department_code != actor.department_uscc) or (
            actor.role == Role.INSPECTOR and row.account_id != actor.account_id):
        raise NotFound(f"回避申报 {avoidance_id} 不存在", code="avoidance_not_found")
    if actor.role not in (Role.INSPECTOR, Role.DATA_OFFICER, Role.ADMIN):
        raise Forbidden("回避由检查人员本人或本部门数据报送员撤回", code="forbidden")
    if row.withdrawn_at is not None:
        raise Conflict(f"回避申报 {avoidance_id} 已撤回", code="avoidance_withdrawn")
    row.withdrawn_by, row.withdrawn_at = actor.name[:100], clock.now()
    session.flush()
    audit.append(session, actor, "inspections.avoidance.withdraw",
                 subject_uscc=row.subject_uscc, details={"avoidance_id": row.id})
    return row


def list_declarations(session: Session, actor: Actor, *, include_withdrawn: bool = False
                      ) -> list[Declaration]:
    """The department's declarations (an inspector: its own), newest first (audited read)."""
    acc = load_all_tables().tables["account"]
    stmt = (select(InspectionAvoidance, acc.c.name)
            .join(acc, acc.c.id == InspectionAvoidance.account_id)
            .order_by(InspectionAvoidance.id.desc()).limit(500))
    if actor.role != Role.ADMIN:
        stmt = stmt.where(InspectionAvoidance.department_code == (actor.department_uscc or ""))
    if actor.role == Role.INSPECTOR:
        stmt = stmt.where(InspectionAvoidance.account_id == actor.account_id)
    if not include_withdrawn:
        stmt = stmt.where(InspectionAvoidance.withdrawn_at.is_(None))
    out = [Declaration(r.id, r.account_id, name, r.subject_uscc, r.reason, r.declared_by,
                       r.declared_at, r.withdrawn_at)
           for r, name in session.execute(stmt).tuples()]
    audit.append(session, actor, "inspections.read", details={"avoidances": len(out)})
    return out


def declared_at(session: Session, department_code: str, at: datetime) -> dict[str, set[int]]:
    """subject code -> the inspectors of the department who had declared 回避 for it at `at`
    (declared by then, not withdrawn by then)."""
    rows = session.execute(
        select(InspectionAvoidance.subject_uscc, InspectionAvoidance.account_id)
        .where(InspectionAvoidance.department_code == department_code,
               InspectionAvoidance.declared_at <= at,
               or_(InspectionAvoidance.withdrawn_at.is_(None),
                   InspectionAvoidance.withdrawn_at > at))).tuples()
    out: dict[str, set[int]] = {}
    for code, account_id in rows:
        out.setdefault(code, set()).add(account_id)
    return out
