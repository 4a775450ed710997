"""Who may do what: roles, permissions and the one `authorize` check every layer calls.

The api, web and cli layers resolve an Actor (from a session, an API key or the CLI operator)
and call `authorize(actor, permission)`; no handler checks roles itself. What a department
may read beyond public data comes from the catalog (shared-to lists), not from this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from xinyong.core.errors import Forbidden


class Role(StrEnum):
    ADMIN = "admin"  # credit office (信用办) administrator
    DATA_OFFICER = "data_officer"  # 数据提供单位 data officer
    CASE_OFFICER = "case_officer"  # 联合奖惩实施部门 case officer
    INSPECTOR = "inspector"  # 双随机 inspector
    SUBJECT = "subject"  # an enterprise acting for its own USCC
    PUBLIC = "public"  # anonymous


class Permission(StrEnum):
    PUBLIC_READ = "public:read"
    RECORDS_WRITE = "records:write"
    RECORDS_READ_SHARED = "records:read_shared"
    OWN_FILE_READ = "own_file:read"
    CHECKS_RUN = "checks:run"
    CHECKS_FEEDBACK = "checks:feedback"
    LISTS_MANAGE = "lists:manage"
    MEASURES_REPORT = "measures:report"
    QUALITY_READ = "quality:read"
    AUDIT_READ = "audit:read"
    ACCOUNTS_MANAGE = "accounts:manage"
    OBJECTIONS_FILE = "objections:file"


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PUBLIC: frozenset({P.PUBLIC_READ}),
    Role.SUBJECT: frozenset({P.PUBLIC_READ, P.OWN_FILE_READ, P.OBJECTIONS_FILE}),
    Role.DATA_OFFICER: frozenset({P.PUBLIC_READ, P.RECORDS_WRITE, P.RECORDS_READ_SHARED,
                                  P.QUALITY_READ}),
    Role.CASE_OFFICER: frozenset({P.PUBLIC_READ, P.RECORDS_READ_SHARED, P.CHECKS_RUN,
                                  P.CHECKS_FEEDBACK}),
    Role.INSPECTOR: frozenset({P.PUBLIC_READ, P.RECORDS_READ_SHARED}),
    Role.ADMIN: frozenset(Permission),
}


@dataclass(frozen=True)
class Actor:
    role: Role
    name: str
    account_id: int | None = None
    department_uscc: str | None = None
    department_class: str | None = None
    subject_uscc: str | None = None
    client: str | None = None


PUBLIC = Actor(role=Role.PUBLIC, name="public")


def can(actor: Actor, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[actor.role]


def authorize(actor: Actor, permission: Permission) -> None:
    if not can(actor, permission):
        raise Forbidden(f"当前身份({actor.role.value})无权执行此操作({permission.value})",
                        code="forbidden")
