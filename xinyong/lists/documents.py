"""The documents of the listing procedure: the notice (告知书) sent before a listing decision,
with the statement deadline in working days, and the decision (认定决定书), stating the facts,
the basis, how the statement was considered, the measures that follow, the removal
conditions and procedure, and the remedies (国办发〔2020〕49号 (八)).

Both are `xinyong.documents.Document`s issued, signed and sealed in the name of the listing
department (the platform only renders them), rendered by the one PDF renderer
(`xinyong.documents.render_pdf`: fonts embedded, the same content gives the same bytes). The
measures that follow a listing are the caller's to pass in (the measure catalog depends on
this domain, not the other way round).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from xinyong.core.errors import Conflict
from xinyong.documents import (
    Block,
    Document,
    Heading,
    Items,
    KeyValues,
    Paragraph,
    Table,
    cn_date,
)
from xinyong.lists.model import ListKind, get_list_kind
from xinyong.lists.tables import ListEntry, ListStatement

STATEMENT_CHANNEL = "登录本平台“我的信用”在线提交"

__all__ = ["cn_date", "decision_content", "notice_content", "text_of"]


def _authority(entry: ListEntry) -> str:
    """Who issues the documents: the department that made the listing."""
    return entry.department_name or entry.issuing_body


def _addressee(entry: ListEntry, uscc: str | None) -> Paragraph:
    code = f"（统一社会信用代码：{uscc}）" if uscc else ""
    return Paragraph(f"{entry.subject_name}{code}：", indent=False, keep_with_next=True)


def _basis(kind: ListKind, entry: ListEntry) -> str:
    basis = kind.basis(entry.legal_basis_id)
    return basis.cite() if basis else entry.legal_basis_id


def _document(entry: ListEntry) -> str:
    return (f"{entry.issuing_body}{cn_date(entry.document_date)}作出的{entry.document_type}"
            f"（{entry.document_number}）")


def _measures(measures: Sequence[tuple[str, str]]) -> list[Block]:
    if not measures:
        return [Paragraph("列入后，有关部门依照法律、法规和党中央、国务院政策文件实施相应措施。")]
    return [Paragraph("列入后，有关部门将依照下列规定对你单位实施相应措施：",
                      keep_with_next=True),
            Items(tuple(f"{name}（依据：{basis}）" for name, basis in measures))]


def _removal(kind: ListKind, entry: ListEntry) -> str:
    early = kind.early_removal_for(entry.legal_basis_id)
    text = f"移出条件和程序：{kind.removal_conditions}。"
    if early.allowed:
        text += f"提前移出：{early.rule}；可{STATEMENT_CHANNEL.replace('提交', '申请')}。"
    else:
        text += f"本依据不适用提前移出：{early.rule}。"
    return text


def _document_of(title: str, number: str, entry: ListEntry, issued_on: date,
                 blocks: list[Block]) -> Document:
    return Document(title=title, authority=_authority(entry), issued_on=issued_on,
                    number=number, blocks=tuple(blocks), footer=f"{title}　{number}",
                    subject=entry.document_number,
                    keywords=(entry.subject_name, entry.document_number))


def notice_content(entry: ListEntry, uscc: str | None, *, working_days: int | None = None,
                   measures: Sequence[tuple[str, str]] = (), url: str = "/me") -> Document:
    """告知书: the reasons, the basis and the subject's right to a statement by the deadline."""
    kind = get_list_kind(entry.list_kind)
    if entry.notice_number is None or entry.notice_sent_on is None \
            or entry.statement_until is None:
        raise Conflict("该名单记录尚未告知，没有告知书", code="notice_not_sent")
    days = working_days if working_days is not None else kind.statement_working_days
    years = kind.period_for(entry.legal_basis_id)
    blocks: list[Block] = [
        _addressee(entry, uscc),
        Paragraph(f"经查，你单位存在下列行为：{entry.facts}"),
        Paragraph(f"上述事实有{_document(entry)}为据。依据{_basis(kind, entry)}，本机关拟将你单位"
                  f"列入{kind.name}，列入期限{years}年，自列入决定作出之日起计算。"),
        KeyValues((("拟列入名单", kind.name),
                   ("列入依据文书", f"{entry.document_type}（{entry.document_number}）"),
                   ("设定依据", _basis(kind, entry)), ("拟列入期限", f"{years}年"),
                   ("陈述申辩截止日期", cn_date(entry.statement_until)),
                   ("陈述申辩期", f"{days}个工作日"))),
        Heading("列入后的措施"),
        *_measures(measures),
        Heading("陈述、申辩"),
        Paragraph(f"你单位依法享有陈述、申辩的权利。请于{cn_date(entry.statement_until)}（含当日，"
                  f"告知之日起{days}个工作日内）前{STATEMENT_CHANNEL}陈述申辩意见及证明材料"
                  f"（网址：{url}），或者向本机关书面提出。逾期未提出的，视为放弃陈述、申辩的权利。"),
        Heading("移出和救济"),
        Paragraph(_removal(kind, entry)),
        Paragraph(f"救济途径：{kind.remedies}。"),
    ]
    return _document_of(f"列入{kind.name}告知书", entry.notice_number, entry,
                        entry.notice_sent_on, blocks)


def _statement_paragraphs(kind: ListKind, entry: ListEntry,
                          statements: Sequence[ListStatement]) -> list[Block]:
    if not kind.notice_required:
        return []
    notice = ""
    if entry.notice_sent_on and entry.notice_number:
        notice = (f"本机关于{cn_date(entry.notice_sent_on)}向你单位送达告知书"
                  f"（{entry.notice_number}），")
    if not statements:
        return [Paragraph(notice + "你单位在陈述申辩期内未提出陈述、申辩。")]
    out: list[Block] = [Paragraph(notice + f"你单位于{cn_date(statements[0].submitted_on)}"
                                  "提出陈述、申辩。本机关对陈述、申辩意见进行了审查：",
                                  keep_with_next=True)]
    out += [Paragraph(st.consideration) for st in statements if st.consideration]
    return out


def decision_content(entry: ListEntry, uscc: str | None, statements: Sequence[ListStatement],
                     *, measures: Sequence[tuple[str, str]] = ()) -> Document:
    """认定决定书: facts, basis, the statement and how it was considered, the decision and its
    period, the measures that follow, removal conditions and procedure, remedies."""
    kind = get_list_kind(entry.list_kind)
    if kind.source == "external":
        raise Conflict(f"「{kind.name}」由作出决定的机关出具决定书，本平台不另行出具",
                       code="decision_external")
    if entry.decision_number is None or entry.decided_on is None \
            or entry.listed_until is None:
        raise Conflict("该名单记录尚未作出列入决定，没有认定决定书", code="decision_not_made")
    last = entry.listed_until - timedelta(days=1)
    blocks: list[Block] = [
        _addressee(entry, uscc),
        Paragraph(f"经查，你单位存在下列行为：{entry.facts}"),
        Paragraph(f"上述事实有{_document(entry)}为据。"),
        *_statement_paragraphs(kind, entry, statements),
        Paragraph(f"依据{_basis(kind, entry)}，本机关决定将你单位列入{kind.name}，列入期限自"
                  f"{cn_date(entry.decided_on)}起至{cn_date(last)}止。"),
        KeyValues((("名单", kind.name),
                   ("列入依据文书", f"{entry.document_type}（{entry.document_number}）"),
                   ("设定依据", _basis(kind, entry)), ("列入日期", cn_date(entry.decided_on)),
                   ("列入期限至", cn_date(last)))),
        Heading("列入后的措施"),
        *_measures(measures),
        Heading("移出和救济"),
        Paragraph(_removal(kind, entry)),
        Paragraph(f"救济途径：{kind.remedies}。"),
    ]
    return _document_of(f"{kind.name}认定决定书", entry.decision_number, entry,
                        entry.decided_on, blocks)


def text_of(doc: Document) -> str:
    """The document as plain text (what a reader of the PDF sees, in order)."""
    lines = [doc.authority, doc.title, doc.number or ""]
    for block in doc.blocks:
        if isinstance(block, Heading | Paragraph):
            lines.append(block.text)
        elif isinstance(block, KeyValues):
            lines += [f"{k}：{v}" for k, v in block.items]
        elif isinstance(block, Items):
            lines += list(block.items)
        elif isinstance(block, Table):
            lines += ["　".join(row) for row in (block.header, *block.rows)]
    sign = doc.effective_signature
    if sign is not None:
        lines += [sign.authority, cn_date(sign.on)]
    return "\n".join(lines)
