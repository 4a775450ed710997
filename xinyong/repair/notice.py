"""The credit-repair notice (信用修复告知书) delivered with every penalty decision ("两书同达").

It tells the subject how long the penalty stays public and when and how it may apply for
credit repair. It is issued in the name of the penalising authority (处罚机关), which
delivers it with its decision; the platform only renders it. The PDF comes from the one
document renderer (xinyong.documents): fonts embedded, deterministic (same content -> same
bytes, created on the issue date) so an issued notice can be fingerprinted with sha256 and
re-rendered later to prove what was sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from xinyong.documents import (
    Block,
    Document,
    Heading,
    Items,
    KeyValues,
    Paragraph,
    cn_date,
    render_pdf,
)

TITLE = "信用修复告知书"

__all__ = ["TITLE", "NoticeContent", "cn_date", "notice_document", "render_notice_pdf"]


@dataclass(frozen=True)
class NoticeContent:
    notice_number: str  # e.g. "XF-2026-00000123"
    issued_on: date
    platform_name: str  # where the penalty is published, e.g. "信用中国（示范市）"
    subject_name: str
    subject_uscc: str | None
    document_number: str  # 行政处罚决定书文号
    decision_date: date
    authority_name: str  # 处罚机关: issues the notice, signs and seals it
    penalty_content: str  # may be long; wraps and may flow onto later pages
    severity: str  # 轻微 / 一般 / 严重
    rule_set_title: str  # e.g. 信用修复管理办法
    rule_set_document_number: str  # e.g. 国家发展改革委令第36号
    min_end: date  # last day of the minimum publication period (< decision_date: none)
    max_end: date  # last public day if nothing ends it earlier
    repairable_from: date  # first day an application may be made
    minor: bool  # 轻微: may apply as soon as the legal obligation is fulfilled
    never_early: bool  # a penalty kind whose publication may never end early
    never_early_basis: str | None
    apply_url: str  # where to apply online
    materials: tuple[str, ...]  # what to submit
    legal_basis: tuple[str, ...]  # further citations (the rule set is cited once, above)
    # The provider's own 公示截止期 as the last public day, when it lies within the rule's
    # minimum and maximum and so ends the publication (the site's 公示截止日期).
    publish_until: date | None = None


def render_notice_pdf(content: NoticeContent) -> bytes:
    """The notice as an A4 PDF; the same content always gives the same bytes."""
    return render_pdf(notice_document(content))


def notice_document(c: NoticeContent) -> Document:
    addressee = c.subject_name
    if c.subject_uscc:
        addressee += f"（统一社会信用代码：{c.subject_uscc}）"
    blocks: list[Block] = [
        Paragraph(f"{addressee}：", indent=False, keep_with_next=True),
        Paragraph(f"你单位受到的下列行政处罚信息已在{c.platform_name}依法公示。现将公示期限及"
                  "信用修复有关事项告知如下："),
        Heading("行政处罚信息"),
        KeyValues((("决定书文号", c.document_number), ("决定日期", cn_date(c.decision_date)),
                   ("处罚机关", c.authority_name))),
        *_penalty_content(c.penalty_content),
        Heading("公示期限"),
        KeyValues(_period(c)),
        Heading("信用修复"),
        Paragraph(_repair_sentence(c)),
    ]
    if not c.never_early:
        blocks += [Heading("申请方式"),
                   Paragraph(f"请登录 {c.apply_url} 在线提交申请。", link=c.apply_url)]
        if c.materials:
            blocks += [Paragraph("申请时需提交以下材料：", keep_with_next=True),
                       Items(c.materials)]
    if c.legal_basis:
        blocks += [Heading("法律依据"), Items(c.legal_basis, numbered=len(c.legal_basis) > 1)]
    return Document(title=TITLE, authority=c.authority_name, issued_on=c.issued_on,
                    number=f"编号：{c.notice_number}", blocks=tuple(blocks),
                    footer=f"{TITLE}　{c.notice_number}", subject=c.document_number,
                    keywords=(c.subject_name, c.document_number))


def _penalty_content(text: str) -> list[Paragraph]:
    # a line break in the source is a paragraph break
    lines = [line.strip() for line in text.splitlines() if line.strip()] or ["（无）"]
    if len(lines) == 1 and len(lines[0]) <= 80:
        return [Paragraph(f"处罚内容：{lines[0]}", indent=False, margin=2)]
    return [Paragraph("处罚内容：", indent=False, margin=2, keep_with_next=True),
            *(Paragraph(line, margin=2) for line in lines)]


def _period(c: NoticeContent) -> tuple[tuple[str, str], ...]:
    # Order 36 gives 轻微 a minimum of 0 months, recorded as min_end = decision_date - 1
    minimum = "无" if c.min_end < c.decision_date else f"{cn_date(c.min_end)}届满"
    return (("失信程度", c.severity or "未认定"),
            ("认定依据", f"《{c.rule_set_title}》（{c.rule_set_document_number}）"),
            ("最短公示期", minimum),
            ("最长公示期", f"{cn_date(c.max_end)}届满"),
            *((("公示期限", f"{cn_date(c.publish_until)}届满（作出决定的部门确定）"),)
              if c.publish_until and c.publish_until != c.max_end else ()))


def _repair_sentence(c: NoticeContent) -> str:
    end = f"公示至{cn_date(c.publish_until or c.max_end)}届满后停止公示。"
    if c.never_early:
        # never_early outranks minor: no application can end this publication early
        why = f"根据{c.never_early_basis}，" if c.never_early_basis else "依照有关规定，"
        return f"{why}此类行政处罚信息不得提前停止公示，不适用信用修复。" + end
    if c.minor:
        return ("该行政处罚属轻微失信行为，履行法定义务后即可申请信用修复，无需等待公示期届满。"
                "未提前停止公示的，" + end)
    return (f"你单位履行行政处罚决定规定的义务后，自{cn_date(c.repairable_from)}起可申请信用修复，"
            "经审核同意的，提前停止公示；未提前停止公示的，" + end)
