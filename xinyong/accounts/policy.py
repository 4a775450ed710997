"""Who may do what: roles, permissions and the one `authorize` check every layer calls.

The api, web and cli layers resolve an Actor (from a session, an API key or the CLI operator)
and call `authorize(actor, permission)`; no handler checks roles itself. What a department
may read beyond public data comes from the catalog (shared-to lists), not from this table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from xinyong.catalog.model import RecordType
from xinyong.core.errors import Forbidden, Invalid


class Role(StrEnum):
    ADMIN = "admin"  # credit office (信用办) administrator
    DATA_OFFICER = "data_officer"  # 数据提供单位 data officer
    CASE_OFFICER = "case_officer"  # 联合奖惩实施部门 case officer
    INSPECTOR = "inspector"  # 双随机 inspector
    SUBJECT = "subject"  # an enterprise acting for its own USCC
    PUBLIC = "public"  # anonymous
    SYSTEM = "system"  # the platform itself (automatic steps); no account has this role


class Permission(StrEnum):
    PUBLIC_READ = "public:read"
    RECORDS_WRITE = "records:write"
    RECORDS_READ_SHARED = "records:read_shared"
    OWN_FILE_READ = "own_file:read"
    CHECKS_RUN = "checks:run"
    CHECKS_FEEDBACK = "checks:feedback"
    LISTS_MANAGE = "lists:manage"
    LISTS_DECIDE = "lists:decide"  # the listing department: propose, notify, decide, remove
    LISTS_RESPOND = "lists:respond"  # the subject: statement, early-removal application
    MEASURES_REPORT = "measures:report"
    QUALITY_READ = "quality:read"
    AUDIT_READ = "audit:read"
    ACCOUNTS_MANAGE = "accounts:manage"
    DEPARTMENTS_MANAGE = "departments:manage"  # the credit office: register departments
    OBJECTIONS_FILE = "objections:file"
    OBJECTIONS_DECIDE = "objections:decide"  # the providing department verifies and decides
    OBJECTIONS_MANAGE = "objections:manage"  # the credit office: route, overdue, report
    REPAIR_APPLY = "repair:apply"
    REPAIR_DECIDE = "repair:decide"
    REPAIR_MANAGE = "repair:manage"  # the credit office: lists, broken commitments, exchange
    NOTICES_MANAGE = "notices:manage"  # the credit office: the site's notices (通知公告)
    SUBJECTS_MANAGE = "subjects:manage"  # the credit office: resolve 重错码 reviews
    COMMITMENTS_SIGN = "commitments:sign"  # the subject: sign a commitment online
    COMMITMENTS_VERIFY = "commitments:verify"  # the accepting department: send, verify
    COMMITMENTS_MANAGE = "commitments:manage"  # the credit office: overdue, coverage
    MONITORING_READ = "monitoring:read"  # the credit office: scorecard, figures, drill-down
    MONITORING_MANAGE = "monitoring:manage"  # the credit office: compute a period's figures
    WARNINGS_RESPOND = "warnings:respond"  # a department: read and answer its warnings
    WATCH_SUBSCRIBE = "watch:subscribe"  # watch subjects (departments, enterprises)
    INSPECTIONS_RUN = "inspections:run"  # the inspector's department: 双随机 draws, results
    INSPECTIONS_AVOIDANCE = "inspections:avoidance"  # declare 回避 (inspector, data officer)


P = Permission
# What users read for a role and a permission (messages, pages): labels, never the values.
ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "信用办管理员", Role.DATA_OFFICER: "数据报送员",
    Role.CASE_OFFICER: "联合奖惩经办人", Role.INSPECTOR: "监管检查人员",
    Role.SUBJECT: "信用主体", Role.PUBLIC: "公众", Role.SYSTEM: "系统"}
PERMISSION_LABELS: dict[Permission, str] = {
    P.PUBLIC_READ: "查询公示信息", P.RECORDS_WRITE: "报送数据",
    P.RECORDS_READ_SHARED: "查询共享信息", P.OWN_FILE_READ: "查看本主体信用信息",
    P.CHECKS_RUN: "信用核查", P.CHECKS_FEEDBACK: "反馈措施实施情况",
    P.LISTS_MANAGE: "管理信用名单", P.LISTS_DECIDE: "办理本部门作出的名单认定",
    P.LISTS_RESPOND: "对本主体的名单陈述申辩和申请提前移出", P.MEASURES_REPORT: "查看措施实施统计",
    P.QUALITY_READ: "查看数据质量", P.AUDIT_READ: "查看审计日志",
    P.ACCOUNTS_MANAGE: "管理账户", P.DEPARTMENTS_MANAGE: "管理部门",
    P.OBJECTIONS_FILE: "提出异议",
    P.OBJECTIONS_DECIDE: "核查处理异议", P.OBJECTIONS_MANAGE: "转办和督办异议",
    P.REPAIR_APPLY: "申请信用修复", P.REPAIR_DECIDE: "办理信用修复",
    P.REPAIR_MANAGE: "督办信用修复", P.NOTICES_MANAGE: "管理通知公告",
    P.SUBJECTS_MANAGE: "核查处理重错码", P.COMMITMENTS_SIGN: "在线作出信用承诺",
    P.COMMITMENTS_VERIFY: "报送和核查本部门受理的信用承诺",
    P.COMMITMENTS_MANAGE: "督办信用承诺核查和查看承诺覆盖率",
    P.MONITORING_READ: "查看信用监测和考核", P.MONITORING_MANAGE: "计算信用监测指标",
    P.WARNINGS_RESPOND: "查看和反馈风险预警", P.WATCH_SUBSCRIBE: "关注信用主体",
    P.INSPECTIONS_RUN: "双随机抽查", P.INSPECTIONS_AVOIDANCE: "申报检查回避"}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PUBLIC: frozenset({P.PUBLIC_READ}),
    Role.SUBJECT: frozenset({P.PUBLIC_READ, P.OWN_FILE_READ, P.OBJECTIONS_FILE,
                             P.REPAIR_APPLY, P.LISTS_RESPOND, P.COMMITMENTS_SIGN,
                             P.WATCH_SUBSCRIBE}),
    Role.DATA_OFFICER: frozenset({P.PUBLIC_READ, P.RECORDS_WRITE, P.RECORDS_READ_SHARED,
                                  P.QUALITY_READ, P.OBJECTIONS_DECIDE, P.REPAIR_DECIDE,
                                  P.LISTS_DECIDE, P.COMMITMENTS_VERIFY, P.WARNINGS_RESPOND,
                                  P.WATCH_SUBSCRIBE, P.INSPECTIONS_AVOIDANCE}),
    Role.CASE_OFFICER: frozenset({P.PUBLIC_READ, P.RECORDS_READ_SHARED, P.CHECKS_RUN,
                                  P.CHECKS_FEEDBACK}),
    Role.INSPECTOR: frozenset({P.PUBLIC_READ, P.RECORDS_READ_SHARED, P.INSPECTIONS_RUN,
                               P.INSPECTIONS_AVOIDANCE}),
    Role.ADMIN: frozenset(Permission),
    # Automatic steps are recorded in its name; it is never authorised to do anything.
    Role.SYSTEM: frozenset(),
}


@dataclass(frozen=True)
class Actor:
    role: Role
    name: str
    account_id: int | None = None
    department_uscc: str | None = None
    department_class: str | None = None
    department_name: str | None = None
    subject_uscc: str | None = None
    client: str | None = None
    # The permissions an API key was scoped to; None: everything the role allows.
    scopes: frozenset[Permission] | None = None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


STAFF_ROLES = frozenset({Role.ADMIN, Role.DATA_OFFICER, Role.CASE_OFFICER, Role.INSPECTOR})


PUBLIC = Actor(role=Role.PUBLIC, name="public")
# Who an automatic step (routing an objection to the record's provider, expiring a listing)
# is recorded as done by.
SYSTEM = Actor(role=Role.SYSTEM, name="系统")


def can(actor: Actor, permission: Permission) -> bool:
    if actor.scopes is not None and permission not in actor.scopes:
        return False
    return permission in ROLE_PERMISSIONS[actor.role]


def permissions_of(actor: Actor) -> frozenset[Permission]:
    return frozenset(p for p in ROLE_PERMISSIONS[actor.role] if can(actor, p))


def authorize(actor: Actor, permission: Permission) -> None:
    if not can(actor, permission):
        raise Forbidden(f"当前身份（{ROLE_LABELS[actor.role]}）无权"
                        f"{PERMISSION_LABELS[permission]}", code="forbidden")


def authorize_write(actor: Actor, rt: RecordType, provider_uscc: str | None) -> str:
    """May `actor` submit records of `rt` for `provider_uscc`? Returns the provider to use.

    An administrator (the credit office, or the CLI operator on the server) submits for any
    provider it names. A data officer submits only for its own department, and only record
    types the catalog assigns to its department class.
    """
    authorize(actor, Permission.RECORDS_WRITE)
    if actor.role == Role.ADMIN:
        provider = provider_uscc or actor.department_uscc
        if not provider:
            raise Invalid("请指定数据提供单位（provider）", code="provider_required")
        return provider
    if not actor.department_uscc:
        raise Forbidden("账户未关联数据提供单位，不能报送数据", code="no_department")
    if provider_uscc and provider_uscc.strip().upper() != actor.department_uscc:
        raise Forbidden("只能以本单位名义报送数据", code="provider_not_own")
    if not rt.sent_by(actor.department_class):
        raise Forbidden(f"本单位（{actor.department_class or '未分类'}）不是「{rt.name}」的"
                        f"报送单位（目录规定为 {rt.owner_department_class}）",
                        code="record_type_not_owned")
    return actor.department_uscc


def may_read_shared(actor: Actor, rt: RecordType) -> bool:
    """Beyond public data a department reads what the catalog shares with its class."""
    if not can(actor, Permission.RECORDS_READ_SHARED):
        return False
    if actor.role == Role.ADMIN:
        return True
    cls = actor.department_class
    return cls is not None and (cls == rt.owner_department_class or cls in rt.shared_to)


def readable_types(actor: Actor, record_types: Iterable[RecordType]) -> list[str]:
    return [rt.id for rt in record_types if may_read_shared(actor, rt)]


class Purpose(StrEnum):
    """查询事由: the fixed list a non-public read must declare."""

    LICENSING = "licensing"  # 行政许可
    PROCUREMENT = "procurement"  # 政府采购
    BIDDING = "bidding"  # 招标投标
    SUBSIDY = "subsidy"  # 财政补贴/资金支持
    INSPECTION = "inspection"  # 监管检查
    OTHER = "other"  # 其他(须说明)


PURPOSE_LABELS: dict[Purpose, str] = {
    Purpose.LICENSING: "行政许可", Purpose.PROCUREMENT: "政府采购",
    Purpose.BIDDING: "招标投标", Purpose.SUBSIDY: "财政资金补贴",
    Purpose.INSPECTION: "监管检查", Purpose.OTHER: "其他",
}
PURPOSE_TEXT_MAX = 200


@dataclass(frozen=True)
class DeclaredPurpose:
    purpose: Purpose
    text: str | None = None


def declare_purpose(raw: str | None, text: str | None) -> DeclaredPurpose:
    """Validate a declared purpose; `other` needs a text saying what it is."""
    if raw is None or not raw.strip():
        raise Invalid("查询非公开信息须声明查询事由（purpose 参数）：" + "、".join(
            f"{PURPOSE_LABELS[p]}（{p}）" for p in Purpose), code="purpose_required")
    try:
        purpose = Purpose(raw.strip().lower())
    except ValueError:
        raise Invalid(f"查询事由「{raw[:40]}」不在规定列表中", code="purpose_unknown") from None
    clean = (text or "").strip() or None
    if clean and has_control_chars(clean):
        raise Invalid("查询事由说明含有控制字符", code="purpose_text_invalid")
    if purpose == Purpose.OTHER and not clean:
        raise Invalid("查询事由为「其他」时须填写具体事由（purpose_text）",
                      code="purpose_text_required")
    if clean and len(clean) > PURPOSE_TEXT_MAX:
        raise Invalid(f"查询事由说明不能超过{PURPOSE_TEXT_MAX}字", code="purpose_text_too_long")
    return DeclaredPurpose(purpose, clean)


def has_control_chars(value: str) -> bool:
    """Control characters (NUL above all: PostgreSQL text cannot hold it) are refused in
    names and free text entered by people."""
    return any(ord(c) < 32 or ord(c) == 127 for c in value)
