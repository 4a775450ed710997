"""What other branches supply to a report, behind one function each. Until the commitments
and grading branches are merged these return nothing; wiring one is a single import here.

- `commitments_for`: xinyong.commitments.reads.for_subject(session, subject_id, as_of=,
  audience=) -> views (code, type, 事由, 作出日期, 有效期, 履行状态, 公开类型, accepting dept).
- `grades_for`: xinyong.grading.reads.latest_grade(session, subject_id, as_of) (the platform's
  公共信用综合评价) and reads.industry_results(session, subject_id, as_of) (纳税信用 A 级 …).

Each returns report items: (title, fields, source department, source USCC, date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class ProvidedItem:
    title: str
    fields: tuple[tuple[str, str], ...]
    source: str
    source_uscc: str | None
    on: date | None


def commitments_for(session: Session, subject_id: int, *, as_of: date,
                    audience: str) -> list[ProvidedItem]:
    """信用承诺信息 (承诺类型, 承诺事由, 作出承诺日期, 承诺受理单位, 承诺履约状态): nothing until
    the commitments branch is merged."""
    return []


def grades_for(session: Session, subject_id: int, *, as_of: date,
               audience: str) -> list[ProvidedItem]:
    """信用评价信息 (评定内容, 等级, 评定时间, 评定单位): nothing until the grading branch is
    merged."""
    return []
