"""Received lists (名单由其他机关决定，本平台接收并执行): rows of 列入 and 移出 decisions, as a
department's file or push carries them, applied through the same steps as one entry at a time.

A 列入 row proposes, decides (on the department's decision date, so the period runs from it)
and publishes; a 移出 row removes the entry its 列入 document number names, on the removal
decision's date. Every row is checked first; one refused row refuses the whole file, each
problem naming its row, field and rule, and nothing is written (the caller's transaction).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.accounts import Actor
from xinyong.core import clock
from xinyong.core.errors import Invalid, NotFound, Problem, RuleViolation
from xinyong.lists import rules
from xinyong.lists.model import ListKind, get_list_kind
from xinyong.lists.service import LegalDocument, Proposal, decide, propose, publish, remove
from xinyong.lists.tables import ListEntry
from xinyong.subjects import Subject, get_subject
from xinyong.subjects.uscc import UsccError, validate

LIST, REMOVE = "列入", "移出"
# Column -> what it holds; the file's header row names them (extra columns are ignored).
COLUMNS = {"操作": "列入 或 移出", "统一社会信用代码": "被列入的企业", "企业名称": "核对用（可空）",
           "列入原因": "列入行：名单类别声明的列入原因之一", "决定书文号": "列入或移出决定书的文号",
           "决定日期": "YYYY-MM-DD，不晚于导入当日", "作出决定机关": "作出决定的部门",
           "移出原因": "移出行：移出的理由", "列入决定书文号": "移出行：所移出记录的列入决定书文号"}


@dataclass(frozen=True)
class Outcome:
    listed: list[ListEntry]
    removed: list[ListEntry]


def _text(row: Mapping[str, object], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def _reason_basis(kind: ListKind, text: str) -> str | None:
    for b in kind.legal_bases:
        if text in (b.id, b.reason):
            return b.id
    return None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


class _Checker:
    def __init__(self, session: Session, kind: ListKind, today: date) -> None:
        self.session, self.kind, self.today = session, kind, today
        self.problems: list[Problem] = []

    def refuse(self, row: int, field: str, rule: str, message: str, value: str = "") -> None:
        self.problems.append(Problem(row, field, rule, message, value or None))

    def required(self, row: int, data: Mapping[str, object], *keys: str) -> bool:
        ok = True
        for key in keys:
            if not _text(data, key):
                self.refuse(row, key, "required", f"第{row}行：「{key}」不能为空")
                ok = False
        return ok

    def subject(self, row: int, data: Mapping[str, object]) -> Subject | None:
        raw = _text(data, "统一社会信用代码")
        try:
            code = validate(raw).code
        except UsccError as exc:
            self.refuse(row, "统一社会信用代码", exc.rule, f"第{row}行：{exc}", raw)
            return None
        try:
            subject = get_subject(self.session, code)
        except NotFound:
            self.refuse(row, "统一社会信用代码", "subject_not_found",
                        f"第{row}行：平台没有代码为 {code} 的信用主体", raw)
            return None
        if not self.kind.admits(subject.uscc):
            self.refuse(row, "统一社会信用代码", "subject_not_admitted",
                        f"第{row}行：{self.kind.subject_refusal}", raw)
            return None
        return subject

    def decision_day(self, row: int, data: Mapping[str, object]) -> date | None:
        raw = _text(data, "决定日期")
        day = _day(raw)
        if day is None:
            self.refuse(row, "决定日期", "date_invalid", f"第{row}行：决定日期须为 YYYY-MM-DD", raw)
        elif day > self.today:
            self.refuse(row, "决定日期", "date_in_future",
                        f"第{row}行：决定日期晚于今天（{self.today.isoformat()}）", raw)
            return None
        return day

    def listed_entry(self, row: int, subject: Subject, number: str) -> ListEntry | None:
        entry = self.session.scalar(select(ListEntry).where(
            ListEntry.list_kind == self.kind.id, ListEntry.subject_id == subject.id,
            ListEntry.document_number == number, ListEntry.state.in_(rules.IN_FORCE)))
        if entry is None:
            self.refuse(row, "列入决定书文号", "listing_not_found",
                        f"第{row}行：{subject.name}没有文号为「{number}」、尚在名录中的列入记录",
                        number)
        return entry


def import_received(session: Session, kind_id: str, rows: Iterable[Mapping[str, object]],
                    actor: Actor, *, today: date | None = None, first_row: int = 2
                    ) -> Outcome:
    """Apply a file of 列入 / 移出 rows of a received list kind, all or nothing.

    `first_row`: the file row number of the first data row (after the header)."""
    today = today or clock.today()
    kind = get_list_kind(kind_id)
    if kind.source != "external":
        raise RuleViolation(f"「{kind.name}」由本平台依程序认定，不能导入决定（只有接收其他机关"
                            "决定的名单可以导入）", code="list_kind_not_received")
    check = _Checker(session, kind, today)
    plan: list[tuple[str, int, Subject, str, date, dict[str, str]]] = []
    numbers: set[str] = set()
    for row, data in enumerate(rows, start=first_row):
        op = _text(data, "操作")
        if op not in (LIST, REMOVE):
            check.refuse(row, "操作", "operation_invalid",
                         f"第{row}行：操作须为「列入」或「移出」", op)
            continue
        need: tuple[str, ...] = ("统一社会信用代码", "决定书文号", "决定日期", "作出决定机关")
        need += ("列入原因",) if op == LIST else ("移出原因", "列入决定书文号")
        if not check.required(row, data, *need):
            continue
        subject, day = check.subject(row, data), check.decision_day(row, data)
        number = _text(data, "决定书文号")
        if number in numbers:
            check.refuse(row, "决定书文号", "duplicate_in_file",
                         f"第{row}行：文号「{number}」在文件中重复", number)
        numbers.add(number)
        text = {k: _text(data, k) for k in need}
        if op == LIST:
            basis = _reason_basis(kind, text["列入原因"])
            if basis is None:
                allowed = "；".join(b.reason or b.id for b in kind.legal_bases)
                check.refuse(row, "列入原因", "reason_unknown",
                             f"第{row}行：列入原因须为以下之一：{allowed}", text["列入原因"])
                continue
            text["basis"] = basis
            if subject is not None and session.scalar(select(ListEntry.id).where(
                    ListEntry.list_kind == kind.id, ListEntry.document_number == number)):
                check.refuse(row, "决定书文号", "already_received",
                             f"第{row}行：文号「{number}」的列入决定已经导入", number)
                continue
        elif subject is not None:
            entry = check.listed_entry(row, subject, text["列入决定书文号"])
            if entry is not None and day is not None and entry.decided_on is not None \
                    and day < entry.decided_on:
                check.refuse(row, "决定日期", "removal_before_listing",
                             f"第{row}行：移出决定日期早于列入日期（{entry.decided_on}）",
                             _text(data, "决定日期"))
        if subject is not None and day is not None:
            plan.append((op, row, subject, number, day, text))
    if check.problems:
        raise Invalid(f"{len(check.problems)}处问题，整批未导入", code="rows_invalid",
                      errors=check.problems)
    return _apply(session, kind, plan, actor, today)


def _apply(session: Session, kind: ListKind,
           plan: list[tuple[str, int, Subject, str, date, dict[str, str]]], actor: Actor,
           today: date) -> Outcome:
    listed: list[ListEntry] = []
    removed: list[ListEntry] = []
    for op, row, subject, number, day, text in plan:
        body = text["作出决定机关"]
        if op == LIST:
            entry = propose(session, Proposal(
                kind.id, subject.uscc or "", LegalDocument(f"列入{kind.name}决定书", number, day,
                                                           body),
                text["basis"], text["列入原因"]), actor, today=day)
            decide(session, entry.id, actor, rules.LISTED,
                   f"{body}{number}决定列入（导入第{row}行）", today=day)
            listed.append(publish(session, entry.id, actor, f"接收{body}列入决定，公示",
                                  today=today))
        else:
            entry = session.scalars(select(ListEntry).where(
                ListEntry.list_kind == kind.id, ListEntry.subject_id == subject.id,
                ListEntry.document_number == text["列入决定书文号"],
                ListEntry.state.in_(rules.IN_FORCE))).one()
            removed.append(remove(session, entry.id, actor,
                                  f"{body}{number}（{day.isoformat()}）决定移出：{text['移出原因']}",
                                  today=day))
    return Outcome(listed, removed)
