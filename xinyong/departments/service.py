"""Department use cases: add, update, list. Every change is audited with what changed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts.policy import Actor, Permission, authorize
from xinyong.catalog import Catalog, default_catalog
from xinyong.core import clock
from xinyong.core.errors import Conflict, Invalid, NotFound
from xinyong.departments.rules import clean_name, region_of, validate_region
from xinyong.departments.tables import Department
from xinyong.subjects.uscc import UsccError
from xinyong.subjects.uscc import validate as validate_uscc


def _code(raw: str) -> str:
    try:
        return validate_uscc(raw).code
    except UsccError as exc:
        raise Invalid(f"单位统一社会信用代码无效：{exc}", code=exc.rule) from exc


def find_department(session: Session, code: str) -> Department | None:
    value = code.strip().upper()
    if not value or len(value) > 18:
        return None
    return session.scalar(select(Department).where(Department.code == value))


def get_department(session: Session, code: str) -> Department:
    dept = find_department(session, code)
    if dept is None:
        raise NotFound(f"单位「{code[:40]}」未登记，请先登记单位（xinyong departments add)",
                       code="department_not_found")
    return dept


@dataclass(frozen=True)
class NewDepartment:
    code: str  # USCC
    name: str
    department_class: str
    region_code: str | None = None  # default: the division code inside the USCC


def add_department(session: Session, by: Actor, new: NewDepartment, *,
                   catalog: Catalog | None = None) -> Department:
    authorize(by, Permission.DEPARTMENTS_MANAGE)
    code = _code(new.code)
    name = clean_name(new.name)
    cls = (catalog or default_catalog()).department_class(new.department_class.strip()).id
    region = validate_region(new.region_code if new.region_code else region_of(code))
    if find_department(session, code) is not None:
        raise Conflict(f"单位「{code}」已登记", code="department_exists")
    now = clock.now()
    dept = Department(code=code, name=name, department_class=cls, region_code=region,
                      created_at=now, updated_at=now)
    session.add(dept)
    session.flush()
    audit.append(session, by, "department.add", details={
        "department": code, "name": name, "class": cls, "region": region})
    return dept


@dataclass(frozen=True)
class DepartmentChange:
    name: str | None = None
    department_class: str | None = None
    region_code: str | None = None


def update_department(session: Session, by: Actor, code: str, change: DepartmentChange, *,
                      catalog: Catalog | None = None) -> Department:
    """Change a department's name, class or region. Its class decides what its accounts may
    push and read: the change is audited with the values before and after."""
    authorize(by, Permission.DEPARTMENTS_MANAGE)
    dept = get_department(session, code)
    wanted: dict[str, str] = {}
    if change.name is not None:
        wanted["name"] = clean_name(change.name)
    if change.department_class is not None:
        wanted["department_class"] = (catalog or default_catalog()).department_class(
            change.department_class.strip()).id
    if change.region_code is not None:
        wanted["region_code"] = validate_region(change.region_code)
    changed = {k: {"from": getattr(dept, k), "to": v} for k, v in wanted.items()
               if getattr(dept, k) != v}
    if not changed:
        return dept
    for key, values in changed.items():
        setattr(dept, key, values["to"])
    dept.updated_at = clock.now()
    session.flush()
    audit.append(session, by, "department.update", details={"department": dept.code,
                                                            "changes": changed})
    return dept


def list_departments(session: Session, by: Actor) -> list[Department]:
    """Every department (an audited read: the list is the credit office's)."""
    authorize(by, Permission.DEPARTMENTS_MANAGE)
    rows = list(session.scalars(select(Department).order_by(Department.code)))
    audit.append(session, by, "departments.list", details={"count": len(rows)})
    return rows
