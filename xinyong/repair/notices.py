"""Repair notices (两书同达): one per penalty record version, issued when the record is
ingested, downloadable by the subject as a PDF.

Ingest issues them with the records it writes (`NoticeRows`, in bulk); `issue_notices` is one
INSERT ... SELECT over judgements that have no notice yet (re-judged records, the catch-up
command); the PDF is rendered from the stored facts on download, byte-identical each
time, so its sha256 identifies the notice the subject received.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, insert, literal, select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, Permission, Role, authorize
from xinyong.catalog import Catalog, default_catalog
from xinyong.core import clock
from xinyong.core.errors import Forbidden, NotFound
from xinyong.ingest.tables import Provider, Record
from xinyong.publication.loader import RuleSet, default_rules
from xinyong.publication.rules import provider_last_day
from xinyong.publication.tables import PublicationJudgement
from xinyong.repair.notice import NoticeContent, render_notice_pdf
from xinyong.repair.tables import RepairNotice
from xinyong.subjects.tables import Subject

MATERIALS = ("履行行政处罚决定（缴纳罚款等）的证明材料", "信用修复承诺书（在线签署）",
             "纠正失信行为的其他证明材料（如有）")


def repairable_types(catalog: Catalog) -> list[str]:
    return [rt.id for rt in catalog.record_types.values()
            if rt.publication.window == "repair_rules"]


# The columns a notice takes from its judgement, in the notice table's order (without id).
NOTICE_COLUMNS = ("record_id", "record_version", "issued_on", "rule_set_id", "severity",
                  "min_end", "max_end", "never_early")


class NoticeRows:
    """Notice rows made from judgement rows as ingest writes them (BulkWriter jobs), so that
    a batch's notices go out with its records instead of in one pass at its end: the same
    facts and the same rule as `issue_notices` (a repairable record type, a judged minimum
    publication end), for a new record version, which has no notice yet by construction."""

    def __init__(self, judgement_columns: tuple[str, ...], issued_on: date,
                 catalog: Catalog | None = None) -> None:
        self.types = frozenset(repairable_types(catalog or default_catalog()))
        pos = {c: i for i, c in enumerate(judgement_columns)}
        self._take = [pos["record_id"], pos["record_version"], pos["rule_set_id"],
                      pos["severity"], pos["min_end"], pos["max_end"], pos["never_early"]]
        self._min_end = pos["min_end"]
        self.issued = issued_on.isoformat()

    def rows(self, record_type: str, judgements: list[tuple[Any, ...]]
             ) -> list[tuple[Any, ...]]:
        if record_type not in self.types:
            return []
        rid, ver, rule, sev, lo, hi, never = self._take
        return [(j[rid], j[ver], self.issued, j[rule], j[sev], j[lo], j[hi], j[never])
                for j in judgements if j[self._min_end] is not None]

    @staticmethod
    def job(rows: list[tuple[Any, ...]]) -> tuple[str, tuple[str, ...], list[tuple[Any, ...]]]:
        """The rows as a BulkWriter job (table, columns, rows); ids from the table's own."""
        return ("repair_notice", NOTICE_COLUMNS, rows)


def issue_notices(session: Session, *, batch_id: int | None = None,
                  record_ids: list[int] | None = None, today: date | None = None) -> int:
    """Issue notices for judged penalty versions that have none yet; returns how many."""
    today = today or clock.today()
    j, n = PublicationJudgement, RepairNotice
    kind: ColumnElement[str] = j.record_type.expression
    if record_ids is not None:
        # Ingest calls this page by page over a batch's record ids. Without statistics
        # SQLite would rather walk the record_type index (every penalty judgement, on every
        # page: quadratic over a large batch) than look the listed ids up by primary key; an
        # expression over the column ('' || record_type) is not indexable, so it does not.
        kind = literal("") + j.record_type
    conds = [kind.in_(repairable_types(default_catalog())), j.min_end.is_not(None),
             ~exists().where(and_(n.record_id == j.record_id,
                                  n.record_version == j.record_version))]
    src = select(j.record_id, j.record_version, literal(today), j.rule_set_id, j.severity,
                 j.min_end, j.max_end, j.never_early)
    if batch_id is not None:
        src = src.join(Record, Record.id == j.record_id).where(Record.batch_id == batch_id)
    if record_ids is not None:
        conds.append(j.record_id.in_(record_ids))
    # RETURNING rather than rowcount: psycopg reports 0 rows for INSERT ... SELECT.
    result = session.execute(insert(n).from_select(
        ["record_id", "record_version", "issued_on", "rule_set_id", "severity", "min_end",
         "max_end", "never_early"], src.where(*conds)).returning(n.id))
    return sum(1 for _ in result)


def notice_number(notice: RepairNotice) -> str:
    return f"XF-{notice.issued_on.year}-{notice.id:08d}"


def latest_notice(session: Session, record_id: int) -> RepairNotice | None:
    return session.scalar(select(RepairNotice).where(RepairNotice.record_id == record_id)
                          .order_by(RepairNotice.record_version.desc()).limit(1))


def notice_content(session: Session, notice: RepairNotice, *, platform_name: str,
                   base_url: str) -> NoticeContent:
    record = session.get(Record, notice.record_id)
    assert record is not None
    subject = session.get(Subject, record.subject_id)
    provider = session.get(Provider, record.provider_id)
    assert subject is not None and provider is not None
    rs = default_rules().get(notice.rule_set_id)
    assert notice.min_end is not None and notice.max_end is not None
    data = record.data
    rt = default_catalog().find(record.record_type)
    given = (provider_last_day(data.get(rt.publication.ends), record.decision_date)
             if rt is not None and rt.publication.ends else None)
    until = given if given and notice.min_end <= given <= notice.max_end else None
    return NoticeContent(
        notice_number=notice_number(notice), issued_on=notice.issued_on,
        platform_name=_zh(platform_name), subject_name=subject.name,
        subject_uscc=subject.uscc, document_number=str(data.get("document_number", "")),
        decision_date=record.decision_date,
        authority_name=str(data.get("authority_name") or provider.name),
        penalty_content=str(data.get("penalty_content") or ""),
        severity=notice.severity or "", rule_set_title=_zh(rs.title),
        rule_set_document_number=rs.document_number, min_end=notice.min_end,
        max_end=notice.max_end, repairable_from=notice.min_end + timedelta(days=1),
        minor=notice.severity == "轻微", never_early=notice.never_early,
        never_early_basis=_zh(rs.never_early.basis.cite()) if notice.never_early else None,
        apply_url=base_url.rstrip("/") + "/me", materials=MATERIALS,
        legal_basis=further_basis(rs), publish_until=until)


def further_basis(rs: RuleSet) -> tuple[str, ...]:
    """The notice's 法律依据: the rule set's legal basis and its repair basis, each
    instrument cited once (its articles joined), without the rule set itself, which the
    notice cites once as 认定依据. Order 58 is both its own legal basis and the basis of its
    repair procedure: listing both lists is why the notice used to cite it twice (and Order
    36's notice cited 国办发〔2025〕22号 twice)."""
    articles: dict[tuple[str, str | None], list[str]] = {}
    for basis in (*rs.legal_basis, rs.repair.basis):
        if basis.title == rs.title:
            continue
        found = articles.setdefault((basis.title, basis.document_number), [])
        if basis.article and basis.article not in found:
            found.append(basis.article)
    return tuple(_zh(f"《{title}》" + (f"（{number}）" if number else "") + "、".join(arts))
                 for (title, number), arts in articles.items())


def _zh(text: str) -> str:
    """Citations and titles as Chinese text prints them: full-width parentheses."""
    return text.replace("(", "（").replace(")", "）")


def notice_pdf(session: Session, record_id: int, *, platform_name: str,
               base_url: str) -> tuple[RepairNotice, bytes]:
    notice = latest_notice(session, record_id)
    if notice is None:
        raise NotFound(f"信息 {record_id} 没有信用修复告知书", code="notice_not_found")
    return notice, render_notice_pdf(notice_content(session, notice,
                                                    platform_name=platform_name,
                                                    base_url=base_url))


def department_notice_pdf(session: Session, actor: Actor, record_id: int, *,
                          platform_name: str, base_url: str) -> tuple[RepairNotice, bytes]:
    """The notice for the penalising department to deliver with its decision: the
    providing department's data officers and the credit office may download it; audited."""
    authorize(actor, Permission.RECORDS_WRITE)
    record = session.get(Record, record_id)
    if record is None:
        raise NotFound(f"信息 {record_id} 不存在", code="record_not_found")
    provider = session.get(Provider, record.provider_id)
    assert provider is not None
    if actor.role != Role.ADMIN and actor.department_uscc != provider.uscc:
        raise Forbidden("只能下载本单位报送信息的信用修复告知书", code="record_not_own")
    notice, pdf = notice_pdf(session, record_id, platform_name=platform_name,
                             base_url=base_url)
    audit.append(session, actor, "repair_notice.download", details={
        "record_id": record_id, "notice_id": notice.id, "for": "department"})
    return notice, pdf
