"""The documents of the listing procedure as plain content: the notice (告知书) sent before a
listing decision, with the statement deadline in working days, and the decision (认定决定书),
stating the facts, the basis, how the statement was considered, the measures that follow,
the removal conditions and procedure, and the remedies (国办发〔2020〕49号 (八)).

Content only (title, number, authority, date, addressee, paragraphs, key-value rows): the
rendering is the shared document renderer's job (see `pdf.py`). The measures that follow a
listing are the caller's to pass in (the measure catalog depends on this domain, not the
other way round).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from xinyong.core.errors import Conflict
from xinyong.lists.model import ListKind, get_list_kind
from xinyong.lists.tables import ListEntry, ListStatement

STATEMENT_CHANNEL = "登录本平台“我的信用”在线提交"


@dataclass(frozen=True)
class DocumentContent:
    title: str
    number: str
    authority: str
    issued_on: date
    addressee: str
    paragraphs: tuple[str, ...]
    rows: tuple[tuple[str, str], ...]


def cn_date(day: date) -> str:
    """The date as official documents print it: 2026年3月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _addressee(entry: ListEntry, uscc: str | None) -> str:
    code = f"（统一社会信用代码：{uscc}）" if uscc else ""
    return f"{entry.subject_name}{code}："


def _basis(kind: ListKind, entry: ListEntry) -> str:
    basis = kind.basis(entry.legal_basis_id)
    return basis.cite() if basis else entry.legal_basis_id


def _document(entry: ListEntry) -> str:
    return (f"{entry.issuing_body}{cn_date(entry.document_date)}作出的{entry.document_type}"
            f"（{entry.document_number}）")


def _measures(measures: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    if not measures:
        return ("列入后，有关部门依照法律、法规和党中央、国务院政策文件实施相应措施。",)
    lines = ["列入后，有关部门将依照下列规定对你单位实施相应措施："]
    lines += [f"{i}．{name}（依据：{basis}）" for i, (name, basis) in enumerate(measures, 1)]
    return tuple(lines)


def _removal(kind: ListKind, entry: ListEntry) -> str:
    early = kind.early_removal_for(entry.legal_basis_id)
    text = f"移出条件和程序：{kind.removal_conditions}。"
    if early.allowed:
        text += f"提前移出：{early.rule}；可{STATEMENT_CHANNEL.replace('提交', '申请')}。"
    else:
        text += f"本依据不适用提前移出：{early.rule}。"
    return text


def notice_content(entry: ListEntry, uscc: str | None, *, working_days: int | None = None,
                   measures: Sequence[tuple[str, str]] = (), url: str = "/me"
                   ) -> DocumentContent:
    """告知书: the reasons, the basis and the subject's right to a statement by the deadline."""
    kind = get_list_kind(entry.list_kind)
    if entry.notice_number is None or entry.notice_sent_on is None \
            or entry.statement_until is None:
        raise Conflict("该名单记录尚未告知,没有告知书", code="notice_not_sent")
    days = working_days if working_days is not None else kind.statement_working_days
    years = kind.period_for(entry.legal_basis_id)
    paragraphs = (
        f"经查，你单位存在下列行为：{entry.facts}",
        f"上述事实有{_document(entry)}为据。依据{_basis(kind, entry)}，本机关拟将你单位列入"
        f"{kind.name}，列入期限{years}年，自列入决定作出之日起计算。",
        *_measures(measures),
        f"你单位依法享有陈述、申辩的权利。请于{cn_date(entry.statement_until)}（含当日，"
        f"告知之日起{days}个工作日内）前{STATEMENT_CHANNEL}陈述申辩意见及证明材料（网址：{url}），"
        "或者向本机关书面提出。逾期未提出的，视为放弃陈述、申辩的权利。",
        _removal(kind, entry),
        f"救济途径：{kind.remedies}。",
    )
    rows = (("拟列入名单", kind.name),
            ("列入依据文书", f"{entry.document_type}（{entry.document_number}）"),
            ("设定依据", _basis(kind, entry)), ("拟列入期限", f"{years}年"),
            ("陈述申辩截止日期", cn_date(entry.statement_until)),
            ("陈述申辩期", f"{days}个工作日"))
    return DocumentContent(f"列入{kind.name}告知书", entry.notice_number,
                           entry.department_name or entry.issuing_body, entry.notice_sent_on,
                           _addressee(entry, uscc), paragraphs, rows)


def _statement_paragraph(kind: ListKind, entry: ListEntry,
                         statements: Sequence[ListStatement]) -> tuple[str, ...]:
    if not kind.notice_required:
        return ()
    notice = ""
    if entry.notice_sent_on and entry.notice_number:
        notice = (f"本机关于{cn_date(entry.notice_sent_on)}向你单位送达告知书"
                  f"（{entry.notice_number}），")
    if not statements:
        return (notice + "你单位在陈述申辩期内未提出陈述、申辩。",)
    out = [notice + f"你单位于{cn_date(statements[0].submitted_on)}提出陈述、申辩。"
           "本机关对陈述、申辩意见进行了审查："]
    out += [st.consideration for st in statements if st.consideration]
    return tuple(out)


def decision_content(entry: ListEntry, uscc: str | None, statements: Sequence[ListStatement],
                     *, measures: Sequence[tuple[str, str]] = ()) -> DocumentContent:
    """认定决定书: facts, basis, the statement and how it was considered, the decision and its
    period, the measures that follow, removal conditions and procedure, remedies."""
    kind = get_list_kind(entry.list_kind)
    if kind.source == "external":
        raise Conflict(f"「{kind.name}」由作出决定的机关出具决定书,本平台不另行出具",
                       code="decision_external")
    if entry.decision_number is None or entry.decided_on is None \
            or entry.listed_until is None:
        raise Conflict("该名单记录尚未作出列入决定,没有认定决定书", code="decision_not_made")
    last = entry.listed_until - timedelta(days=1)
    paragraphs = (
        f"经查，你单位存在下列行为：{entry.facts}",
        f"上述事实有{_document(entry)}为据。",
        *_statement_paragraph(kind, entry, statements),
        f"依据{_basis(kind, entry)}，本机关决定将你单位列入{kind.name}，列入期限自"
        f"{cn_date(entry.decided_on)}起至{cn_date(last)}止。",
        *_measures(measures),
        _removal(kind, entry),
        f"救济途径：{kind.remedies}。",
    )
    rows = (("名单", kind.name),
            ("列入依据文书", f"{entry.document_type}（{entry.document_number}）"),
            ("设定依据", _basis(kind, entry)), ("列入日期", cn_date(entry.decided_on)),
            ("列入期限至", cn_date(last)))
    return DocumentContent(f"{kind.name}认定决定书", entry.decision_number,
                           entry.department_name or entry.issuing_body, entry.decided_on,
                           _addressee(entry, uscc), paragraphs, rows)


def text_of(doc: DocumentContent) -> str:
    """The document as plain text (what a reader of the PDF sees, in order)."""
    lines = [doc.title, f"编号：{doc.number}", doc.addressee, *doc.paragraphs,
             *(f"{k}：{v}" for k, v in doc.rows), doc.authority, cn_date(doc.issued_on)]
    return "\n".join(lines)
