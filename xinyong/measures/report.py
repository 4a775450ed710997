"""The monthly joint reward and punishment case report (联合奖惩案例月报), CSV or XLSX.

One row per measure prompted in the month, with what the case officer did: the credit office
sends it upwards and sees every override (not applied + reason) in it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.documents.tabular import write_csv, write_xlsx
from xinyong.measures.tables import CheckFeedback, CheckPrompt
from xinyong.measures.workflow import OUTCOME_LABELS, month_bounds

HEADERS = ("核查编号", "核查时间", "实施部门", "经办人", "办理事项", "主体名称", "统一社会信用代码",
           "措施", "措施类型", "措施类别", "触发依据", "设定依据", "处理结果", "未实施理由",
           "反馈人", "反馈时间")
KIND_LABELS = {"punishment": "惩戒", "incentive": "激励"}


def case_rows(session: Session, month: str, matters: dict[str, str] | None = None
              ) -> list[tuple[str, ...]]:
    start, end = month_bounds(month)
    stmt = (select(CheckPrompt, CheckFeedback)
            .outerjoin(CheckFeedback, CheckFeedback.prompt_id == CheckPrompt.id)
            .where(CheckPrompt.created_at >= start, CheckPrompt.created_at < end)
            .order_by(CheckPrompt.created_at, CheckPrompt.id))
    rows: list[tuple[str, ...]] = []
    for p, f in session.execute(stmt).tuples():
        rows.append((str(p.check_id), p.created_at.isoformat(sep=" ", timespec="seconds"),
                     p.department_name or p.department_class or "", p.actor,
                     (matters or {}).get(p.matter, p.matter), p.subject_name, p.uscc or "",
                     p.measure_name, KIND_LABELS.get(p.measure_kind, p.measure_kind),
                     str(p.category), p.basis, p.legal_basis,
                     OUTCOME_LABELS.get(f.outcome, f.outcome) if f else "未反馈",
                     (f.reason or "") if f else "", f.actor if f else "",
                     f.created_at.isoformat(sep=" ", timespec="seconds") if f else ""))
    return rows


def write_report(path: Path, rows: list[tuple[str, ...]], fmt: str) -> Path:
    """The report as CSV (UTF-8 with BOM, opens in Excel) or XLSX, through the platform's
    one tabular writer: names and reasons typed by officers are never run as formulas."""
    if fmt == "csv":
        return write_csv(path, HEADERS, rows)
    return write_xlsx(path, HEADERS, rows, sheet="联合奖惩案例")
