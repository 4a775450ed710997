"""Which resolution fits which 重错码 review: pure rules, no I/O."""

from __future__ import annotations

from xinyong.core.errors import Conflict, Invalid
from xinyong.subjects.service import AWAITING, OPEN, RESOLVED, SAME_CODE, SAME_NAME

CONFIRM_RENAME, WRONG_CODE, DISTINCT, MERGE = "confirm_rename", "wrong_code", "distinct", "merge"
# action -> the review kind it answers and the resolution it records
ACTIONS = {CONFIRM_RENAME: (SAME_CODE, "renamed"), WRONG_CODE: (SAME_CODE, "wrong_code"),
           DISTINCT: (SAME_NAME, "distinct"), MERGE: (SAME_NAME, "merged")}
KIND_LABELS = {SAME_CODE: "同码不同名", SAME_NAME: "同名不同码"}
STATUS_LABELS = {OPEN: "待核查", AWAITING: "待数据提供单位更正", RESOLVED: "已处理"}
RESOLUTION_LABELS = {"renamed": "确认更名", "wrong_code": "代码错误，已退回更正",
                     "corrected": "已更正", "distinct": "确认为不同主体", "merged": "已合并"}
ACTION_LABELS = {CONFIRM_RENAME: "确认更名", WRONG_CODE: "标记代码错误并退回数据提供单位更正",
                 DISTINCT: "确认为不同主体", MERGE: "合并"}


def check_action(kind: str, status: str, action: str, reason: str) -> str:
    """The resolution `action` records on a review of `kind` in `status`, or the refusal."""
    if action not in ACTIONS:
        raise Invalid(f"未知的处理方式「{action}」（可选：{'、'.join(ACTIONS)}）",
                      code="review_action_unknown")
    if status != OPEN:
        raise Conflict(f"该核查已是「{STATUS_LABELS.get(status, status)}」状态，不能再处理",
                       code="review_not_open")
    fits, resolution = ACTIONS[action]
    if fits != kind:
        allowed = "、".join(ACTION_LABELS[a] for a, (k, _r) in ACTIONS.items() if k == kind)
        raise Invalid(f"「{KIND_LABELS.get(kind, kind)}」的核查只能：{allowed}",
                      code="review_action_mismatch")
    if not reason.strip():
        raise Invalid("须填写处理理由（reason）", code="reason_required")
    return resolution
