"""What other domains supply to a report, behind one function each.

- `commitments_for`: xinyong.commitments.reads.for_subject(session, subject_id, as_of=,
  audience=) -> views (code, type, 事由, 作出日期, 有效期, 履行状态, 公开类型, accepting dept),
  only those the audience may see under their 公开类型.
- `grades_for`: xinyong.grading.reads.latest_grade(session, subject_id, as_of) (the platform's
  公共信用综合评价) and reads.industry_results(session, subject_id, as_of) (纳税信用 A 级 …).
  Grades are internal: the public version shows none; the subject's own and a department's
  version show both.

Each returns report items: (title, fields, source department, source USCC, date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from xinyong import commitments
from xinyong.grading import reads as grading_reads


@dataclass(frozen=True)
class ProvidedItem:
    title: str
    fields: tuple[tuple[str, str], ...]
    source: str
    source_uscc: str | None
    on: date | None


def commitments_for(session: Session, subject_id: int, *, as_of: date,
                    audience: str) -> list[ProvidedItem]:
    """信用承诺信息 (承诺编码, 承诺类型, 承诺事由, 作出承诺日期, 有效期, 承诺受理单位, 承诺履约
    状态) as the national report prints them."""
    items = []
    for c in commitments.reads.for_subject(session, subject_id, as_of=as_of, audience=audience):
        state = c.fulfilment_label or c.state_label
        fields: list[tuple[str, str]] = [
            ("承诺编码", c.code), ("承诺类型", c.kind_label), ("承诺事由", c.reason),
            ("作出承诺日期", c.made_on.isoformat()),
            ("有效期", c.valid_until.isoformat() if c.valid_until else "长期"),
            ("承诺受理单位", c.accepting_name), ("承诺履约状态", state)]
        if c.unfulfilled_content:
            fields.append(("未履行内容", c.unfulfilled_content))
        items.append(ProvidedItem(title=f"{c.kind_label}：{c.reason}", fields=tuple(fields),
                                  source=c.accepting_name, source_uscc=c.accepting_uscc,
                                  on=c.made_on))
    return items


def grades_for(session: Session, subject_id: int, *, as_of: date,
               audience: str) -> list[ProvidedItem]:
    """信用评价信息 (评价类别, 等级, 评价年度/日期, 评价单位): the platform's 公共信用综合评价
    (internal: never in the public version) and the industry evaluation results the
    departments report (行业信用评价, shared, not published)."""
    if audience == "public":
        return []
    items = []
    grade = grading_reads.latest_grade(session, subject_id, as_of)
    if grade is not None:
        items.append(ProvidedItem(
            title=f"公共信用综合评价：{grade.grade}级（{grade.label}）",
            fields=(("评价类别", "公共信用综合评价"), ("等级", f"{grade.grade}（{grade.label}）"),
                    ("评价模型", f"{grade.model_name} {grade.model_version}"),
                    ("评价日期", grade.as_of.isoformat())),
            source="公共信用信息平台", source_uscc=None, on=grade.as_of))
    for r in grading_reads.industry_results(session, subject_id, as_of):
        items.append(ProvidedItem(
            title=f"{r.kind}：{r.grade}级", fields=(
                ("评价类别", r.kind), ("等级", r.grade), ("评价年度", str(r.year)),
                ("有效期", f"{r.valid_from.isoformat()} 至 {r.valid_to.isoformat()}"),
                ("评价单位", r.department)),
            source=r.department, source_uscc=None, on=r.valid_from))
    return items
