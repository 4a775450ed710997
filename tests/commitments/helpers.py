from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from tests.accounts.helpers import ACTORS
from tests.factories import COMPANY, OTHER_PROVIDER, PROVIDER, penalty
from xinyong.accounts import Role
from xinyong.commitments import Incoming
from xinyong.departments.service import NewDepartment, add_department, find_department
from xinyong.subjects import SubjectRef, resolve_subjects

ADMIN, SUBJECT = ACTORS[Role.ADMIN], ACTORS[Role.SUBJECT]
OFFICER = ACTORS[Role.DATA_OFFICER]
NAME = "示范市华盛食品有限公司"
SECRET = "test-secret-key"  # the settings fixture's key
__all__ = ["ADMIN", "COMPANY", "NAME", "OFFICER", "OTHER_PROVIDER", "PROVIDER", "SECRET", "SUBJECT",
           "incoming", "penalty", "setup"]


def setup(s: Session) -> None:
    """The accepting departments and the company as a registered subject."""
    if find_department(s, PROVIDER) is None:
        add_department(s, ADMIN, NewDepartment(PROVIDER, "示范市市场监督管理局", "enforcement"))
        add_department(s, ADMIN, NewDepartment(OTHER_PROVIDER, "示范市交通运输局",
                                               "procurement"))
    resolve_subjects(s, [SubjectRef(COMPANY, None, None, "法人及非法人组织", NAME, None)])


def incoming(kind: str = "deficiency", disclosure: str = "public",
             made_on: date = date(2026, 11, 2), **kw: object) -> Incoming:
    base: dict[str, object] = {
        "committer_uscc": COMPANY, "committer_name": NAME, "kind": kind,
        "reason": "申请食品经营许可证", "content": "承诺在五个工作日内补齐材料",
        "liability": "逾期未补齐的撤销受理", "made_on": made_on, "disclosure": disclosure}
    base.update(kw)
    return Incoming(**base)  # type: ignore[arg-type]
