"""What the signed-in account may do, as the site's navigation: derived from the account's
permissions (xinyong.accounts.policy), never from role names.

Two rows: the public menu (everyone: search, the columns, the lists, the measures, notices)
and the work menu of a signed-in account (its own credit file, its queues, its tools). The
same table gives the account's landing page after login and the "what you may do instead"
list of a 403 page. Pages planned but built elsewhere are linked by their planned paths.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from xinyong.accounts import ROLE_LABELS, Actor, Permission, Role, can, permissions_of

P = Permission


@dataclass(frozen=True)
class Entry:
    href: str
    label: str
    any_of: tuple[Permission, ...]  # shown to an account holding any of these
    hint: str = ""  # one line: what the page is for (work desk, 403 page)
    all_of: tuple[Permission, ...] = ()  # and all of these
    own: bool = False  # the subject's own pages: never in a staff menu

    def allowed(self, actor: Actor) -> bool:
        return (any(can(actor, p) for p in self.any_of)
                and all(can(actor, p) for p in self.all_of)
                and not (self.own and actor.is_staff))


PUBLIC_MENU: tuple[Entry, ...] = (
    Entry("/", "首页", (P.PUBLIC_READ,), "查询信用主体，查看公示信息统计与通知公告"),
    Entry("/columns/licence", "行政许可", (P.PUBLIC_READ,), "行政许可信息公示专栏"),
    Entry("/columns/penalty", "行政处罚", (P.PUBLIC_READ,), "行政处罚信息公示专栏"),
    Entry("/lists/serious_dishonesty", "严重失信主体名单", (P.PUBLIC_READ,),
          "依法认定并公示的严重失信主体"),
    Entry("/lists/red", "诚信典型红名单", (P.PUBLIC_READ,), "守信激励对象"),
    Entry("/lists/judgment_defaulter", "失信被执行人", (P.PUBLIC_READ,),
          "人民法院公布的失信被执行人"),
    Entry("/lists/abnormal_operations", "经营异常名录", (P.PUBLIC_READ,),
          "市场监督管理部门列入经营异常名录的企业和农民专业合作社"),
    Entry("/measures", "惩戒措施", (P.PUBLIC_READ,), "失信惩戒措施基础清单"),
    Entry("/commitments", "信用承诺", (P.PUBLIC_READ,), "公开的信用承诺及履约践诺情况"),
    Entry("/notices", "通知公告", (P.PUBLIC_READ,), "信用办发布的通知公告"),
    Entry("/reports/verify", "报告验证", (P.PUBLIC_READ,),
          "核验信用报告的真伪（上传文件或输入报告编号）"),
    Entry("/figures", "办理时效", (P.PUBLIC_READ,), "各单位按月的公示及时率、异议和修复按时办结率"),
)

# The work menu, in the order it is shown. 我的信用 needs OWN_FILE_READ, which no staff role
# holds, so it never appears in a staff menu.
WORK_MENU: tuple[Entry, ...] = (
    Entry("/me", "我的信用", (P.OWN_FILE_READ,),
          "本主体的全部信用信息、公示状态和信用修复告知书", own=True),
    Entry("/me#my-objections", "我的异议", (P.OBJECTIONS_FILE,),
          "对信用信息提出异议并查看办理进度", all_of=(P.OWN_FILE_READ,), own=True),
    Entry("/me#my-repairs", "信用修复", (P.REPAIR_APPLY,), "申请信用修复并查看办理进度",
          all_of=(P.OWN_FILE_READ,), own=True),
    Entry("/me#my-lists", "我的名单", (P.LISTS_RESPOND,),
          "本主体被拟列入或列入的名单：陈述申辩、告知书和决定书、申请提前移出",
          all_of=(P.OWN_FILE_READ,), own=True),
    Entry("/me/commitments", "我的承诺", (P.COMMITMENTS_SIGN,),
          "在线签署信用承诺书，查看本主体承诺及履约情况", all_of=(P.OWN_FILE_READ,), own=True),
    Entry("/me#my-report", "我的信用报告", (P.OWN_FILE_READ,),
          "下载本主体的公共信用信息报告和专项信用报告（代替无违法违规证明）", own=True),
    Entry("/me/grade", "信用评价", (P.OWN_FILE_READ,),
          "本主体的信用评价等级、逐项得分说明和提升建议", own=True),
    Entry("/desk", "工作台", (P.ACCOUNTS_MANAGE, P.RECORDS_READ_SHARED),
          "本账户可办理的事项一览"),
    Entry("/uploads", "数据报送", (P.RECORDS_WRITE,),
          "上传行政许可、行政处罚等数据文件，查看校验结果并下载错误清单"),
    Entry("/quality", "数据质量", (P.QUALITY_READ,), "各数据提供单位的合规率和及时率"),
    Entry("/late", "迟报记录", (P.QUALITY_READ,), "决定之日起超过规定工作日才报送的记录"),
    Entry("/cases/objections", "异议办理", (P.OBJECTIONS_DECIDE, P.OBJECTIONS_MANAGE),
          "转办、核查并处理信用主体提出的异议"),
    Entry("/cases/repairs", "修复办理", (P.REPAIR_DECIDE, P.REPAIR_MANAGE),
          "受理并决定信用修复申请"),
    Entry("/cases/lists", "名单办理", (P.LISTS_DECIDE,),
          "拟列入、告知、认定、公示和移出本部门作出的名单，审查陈述申辩和提前移出申请"),
    Entry("/cases/commitments", "承诺核查", (P.COMMITMENTS_VERIFY, P.COMMITMENTS_MANAGE),
          "核查本部门受理的信用承诺、认定履行状态；信用办督办逾期核查和查看覆盖率"),
    Entry("/checks", "信用核查", (P.CHECKS_RUN,), "办理事项时核查申请人（逢办必查）"),
    # Later: inspections (双随机检查) for inspectors, by their own permission.
    Entry("/monitoring", "监测考核", (P.MONITORING_READ,),
          "各部门、各县市区信用监测指标对照目标，未达标项的明细，考核表导出"),
    Entry("/warnings", "风险预警", (P.WARNINGS_RESPOND,),
          "预警规则发给本单位的风险提示，核实后反馈"),
    Entry("/watch", "关注主体", (P.WATCH_SUBSCRIBE,),
          "关注主体的新增公示信息、名单和修复变动，可推送"),
    Entry("/inspections", "双随机抽查", (P.INSPECTIONS_RUN,),
          "按信用等级随机抽取检查对象、选派检查人员并记录和公示抽查结果"),
    Entry("/grading/industry-reporting", "行业评价报送", (P.DEPARTMENTS_MANAGE,),
          "各行业主管部门本年度报送行业信用评价结果的情况"),
    Entry("/notices/manage", "公告管理", (P.NOTICES_MANAGE,), "发布、修改和撤下通知公告"),
    Entry("/audit", "审计日志", (P.AUDIT_READ,), "查看审计日志并校验哈希链"),
)

# The landing page after login: the first entry of the work menu among these (in this
# order) that the account may open.
LANDING = ("/me", "/checks", "/uploads", "/desk")

__all__ = ["LANDING", "PUBLIC_MENU", "ROLE_LABELS", "WORK_MENU", "Entry", "landing_for",
           "may_instead", "public_menu", "role_label", "work_menu"]


def allowed(entries: Iterable[Entry], actor: Actor) -> list[Entry]:
    return [e for e in entries if e.allowed(actor)]


def public_menu(actor: Actor) -> list[Entry]:
    return allowed(PUBLIC_MENU, actor)


def work_menu(actor: Actor) -> list[Entry]:
    if actor.account_id is None and actor.role == Role.PUBLIC:
        return []
    return allowed(WORK_MENU, actor)


def landing_for(actor: Actor) -> str:
    """我的信用 for a subject, the check page for a case officer, the upload page for a
    data officer, the work desk for the credit office (which may do everything) and any
    other staff; the home page for the rest."""
    mine = {e.href for e in work_menu(actor)}
    if actor.is_staff and P.ACCOUNTS_MANAGE in permissions_of(actor):
        return "/desk"
    return next((href for href in LANDING if href in mine), "/")


def role_label(actor: Actor) -> str:
    return ROLE_LABELS.get(actor.role, "")


def may_instead(actor: Actor) -> list[Entry]:
    """For a 403 page: the account's work entries, else the public ones."""
    return work_menu(actor) or public_menu(actor)
