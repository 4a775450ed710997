"""The content of a report: a plain dict in the national section order, the one value that is
signed (canonical JSON), stored, rendered to PDF and shown again by the verification page.

Only what is public on the report's day appears in the public version (publication windows,
repairs and revocations as the site applies them; items under objection marked 异议处理中),
each item with its 数据来源单位. The subject's own version and a department's version add the
records of the subject that are not shown publicly but not repaired or revoked either (a
retired or non-public type, or a window that has ended), marked as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.catalog import Catalog, default_catalog
from xinyong.core.masking import mask_name
from xinyong.ingest.tables import Provider, Record
from xinyong.lists.public import PublicEntry, entries_of_subject
from xinyong.publication.reads import KIND_LABELS, PublicRecord, list_public_records
from xinyong.recordstate import overrides_by_record, repaired_ids
from xinyong.reports import providers
from xinyong.reports.domains import Domain, DomainSet, default_domains
from xinyong.subjects.tables import Subject, SubjectName

SCHEMA = "xinyong.credit-report/1"
EMPTY = "查询期内无相关信息"
CLEAN = "无违法违规记录"
KIND_LABELS_REPORT = {"public": "公共信用信息报告", "special": "专项信用报告"}
VERSION_LABELS = {"public": "社会公开版", "own": "主体自查版", "department": "部门查询版"}
Version = Literal["public", "own", "department"]
Kind = Literal["public", "special"]

# The national order (信用中国 reports, standards §7); what fills each section.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("registration", "登记注册基础信息"),
    ("administrative", "行政管理信息"),
    ("honours", "诚实守信相关荣誉信息"),
    ("serious_dishonesty", "严重失信主体名单信息"),
    ("abnormal_operations", "经营异常名录"),
    ("commitments", "信用承诺信息"),
    ("evaluations", "信用评价信息"),
    ("judicial", "司法判决及执行信息"),
    ("other", "其他信息"),
    ("advice", "信用状况提升建议"),
)
# List kinds per section (xinyong/lists/data/list_kinds.yaml); a kind not named here goes to
# 其他信息. 失信被执行人 is printed under 严重失信主体名单信息 as 信用中国 does.
LIST_SECTIONS = {"red": "honours", "serious_dishonesty": "serious_dishonesty",
                 "judgment_defaulter": "serious_dishonesty",
                 "abnormal_operations": "abnormal_operations", "watch": "other"}
ADMIN_CATEGORY = "行政管理信息"
OBJECTION_MARK = "异议处理中"
NOT_PUBLIC_MARK = "非公示信息（仅本版本可见）"


@dataclass(frozen=True)
class Request:
    """What a report is asked for. `since`/`until`: the query window (decision or listing
    dates); `until` is also the day whose public state is reported."""

    kind: Kind
    version: Version
    until: date
    since: date
    domains: tuple[str, ...] = ()
    readable_types: tuple[str, ...] | None = None  # department version: what it may read
    department_uscc: str | None = None  # department version: who reads

    @property
    def audience(self) -> str:
        """The providers' audience: "public", "own" or the reading department's code."""
        if self.version == "department":
            return self.department_uscc or "department"
        return self.version


def _subject_block(session: Session, subject: Subject) -> dict[str, Any]:
    former = [n for n in session.scalars(select(SubjectName.name)
                                         .where(SubjectName.subject_id == subject.id)
                                         .order_by(SubjectName.first_seen_at))
              if n != subject.name]
    lr = subject.legal_representative
    return {"name": subject.name, "uscc": subject.uscc or "",
            "kind_label": KIND_LABELS.get(subject.kind, subject.kind),
            "legal_representative": mask_name(lr) if lr else "",
            "region_code": subject.region_code or "", "former_names": former}


def _record_item(r: PublicRecord, marks: list[str]) -> dict[str, Any]:
    return {"title": r.record_type_name, "record_type": r.record_type,
            "number": r.document_number, "date": r.decision_date.isoformat(),
            "source": r.provider_name, "source_uscc": r.provider_uscc,
            "fields": [[k, v] for k, v in r.fields],
            "publish_until": r.window_end.isoformat() if r.window_end else "长期",
            "marks": marks + ([OBJECTION_MARK] if r.under_objection else [])}


def _list_item(e: PublicEntry) -> dict[str, Any]:
    fields = [["名单", e.list_name], *([["列入原因", e.reason]] if e.reason else []),
              ["列入依据文书", e.document_type],
              ["文书编号", e.document_number], ["作出机关", e.issuing_body],
              ["设定依据", e.legal_basis], ["列入日期", e.listed_on.isoformat()],
              ["公示日期", e.published_on.isoformat()]]
    if e.removal_date:
        fields.append(["移出日期", e.removal_date.isoformat()])
    return {"title": e.list_name, "list_kind": e.list_kind, "number": e.document_number,
            "date": e.listed_on.isoformat(), "source": e.department or e.issuing_body,
            "source_uscc": "", "fields": fields, "publish_until": "",
            "marks": [OBJECTION_MARK] if e.under_objection else []}


def _provided(items: list[providers.ProvidedItem]) -> list[dict[str, Any]]:
    return [{"title": i.title, "number": "", "date": i.on.isoformat() if i.on else "",
             "source": i.source, "source_uscc": i.source_uscc or "",
             "fields": [[k, v] for k, v in i.fields], "publish_until": "", "marks": []}
            for i in items]


def _not_public(session: Session, catalog: Catalog, subject: Subject, shown: set[int],
                req: Request) -> list[dict[str, Any]]:
    """The fuller versions: the subject's records not shown publicly that day, neither
    repaired nor revoked, of the types the reader may see."""
    stmt = (select(Record, Provider).join(Provider, Provider.id == Record.provider_id)
            .where(Record.subject_id == subject.id, Record.decision_date >= req.since,
                   Record.decision_date <= req.until, Record.received_on <= req.until)
            .order_by(Record.decision_date.desc(), Record.id.desc()))
    if req.readable_types is not None:
        stmt = stmt.where(Record.record_type.in_(req.readable_types))
    rows = [(r, p) for r, p in session.execute(stmt).tuples() if r.id not in shown]
    ended = repaired_ids(session, [r.id for r, _p in rows], req.until)
    for rid, overrides in overrides_by_record(session, [r.id for r, _p in rows]).items():
        if any(o.effective_on <= req.until and (o.voided_on is None or o.voided_on > req.until)
               for o in overrides):
            ended.add(rid)
    out = []
    for r, p in rows:
        if r.id in ended:
            continue
        rt = catalog.find(r.record_type)
        fields = [[f.header, str(r.data[f.name])] for f in (rt.fields if rt else [])
                  if r.data.get(f.name) not in (None, "", []) and not f.personal
                  and f.type != "person_id" and not f.name.startswith("subject_")
                  and f.name not in ("legal_representative", "provider_name",
                                     "provider_uscc")]
        out.append({"title": rt.name if rt else r.record_type, "record_type": r.record_type,
                    "number": str(r.data.get("document_number", "")),
                    "date": r.decision_date.isoformat(), "source": p.name,
                    "source_uscc": p.uscc, "fields": fields, "publish_until": "",
                    "marks": [NOT_PUBLIC_MARK]})
    return out


def _advice(sections: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    lines = []
    penalties = [i for i in sections["administrative"] if i.get("record_type") == "penalty"]
    if penalties:
        lines.append("主体存在行政处罚信息。履行行政处罚决定规定的义务、纠正违法行为并满足最短公示期"
                     "后，可依照《失信行为纠正后的信用信息修复管理办法（试行）》申请信用修复。")
    if sections["serious_dishonesty"]:
        lines.append("主体被列入严重失信主体名单。纠正失信行为、消除不良影响后，可向认定部门申请"
                     "提前移出名单。")
    if any(OBJECTION_MARK in i["marks"] for s in sections.values() for i in s):
        lines.append("部分信息处于异议处理中，处理结果以数据来源单位核查结论为准。")
    if not lines:
        lines.append("查询期内未见失信信息。建议继续依法诚信经营，主动作出并履行信用承诺。")
    lines.append("对报告所列信息有异议的，可通过本平台提出异议申请。")
    return [{"title": "建议", "number": "", "date": "", "source": "", "source_uscc": "",
             "fields": [["建议", text]], "publish_until": "", "marks": []} for text in lines]


def _in_window(day: str, req: Request) -> bool:
    return req.since.isoformat() <= day <= req.until.isoformat()


def gather(session: Session, subject: Subject, req: Request, *,
           catalog: Catalog | None = None) -> dict[str, list[dict[str, Any]]]:
    """Items per section key (advice included), for the report's day and window."""
    catalog = catalog or default_catalog()
    day = req.until
    records = [r for r in list_public_records(session, subject, day, catalog=catalog)
               if req.since <= r.decision_date <= day]
    by: dict[str, list[dict[str, Any]]] = {key: [] for key, _t in SECTIONS}
    for r in records:
        rt = catalog.get(r.record_type)
        key = "administrative" if rt.catalog_category == ADMIN_CATEGORY else "other"
        by[key].append(_record_item(r, []))
    if req.version != "public":
        by["administrative"].extend(_not_public(session, catalog, subject,
                                                {r.id for r in records}, req))
    for e in entries_of_subject(session, subject, day):
        if _in_window(e.listed_on.isoformat(), req):
            by[LIST_SECTIONS.get(e.list_kind, "other")].append(_list_item(e))
    by["commitments"] = _provided([c for c in providers.commitments_for(
        session, subject.id, as_of=day, audience=req.audience)
        if c.on is None or _in_window(c.on.isoformat(), req)])
    by["evaluations"] = _provided(providers.grades_for(
        session, subject.id, as_of=day, audience=req.audience))
    by["advice"] = _advice(by)
    return by


def _domain_block(d: Domain, by: dict[str, list[dict[str, Any]]],
                  dept_classes: dict[str, str | None]) -> dict[str, Any]:
    items = []
    for key in ("administrative", "serious_dishonesty", "other", "abnormal_operations"):
        for i in by[key]:
            if i.get("record_type") in d.record_types:
                cls = dept_classes.get(i["source_uscc"])
                if d.counts_department(i["source"]) and (cls is None
                                                          or cls in d.department_classes):
                    items.append(i)
            elif i.get("list_kind") in d.lists and d.counts_department(i["source"]):
                items.append(i)
    # a licence is no violation: only penalties and lists count in a domain
    items = [i for i in items if i.get("record_type") != "licence"]
    return {"id": d.id, "name": d.name, "department": d.department,
            "legal_basis": [b.cite() for b in d.legal_basis],
            "result": CLEAN if not items else f"有相关记录 {len(items)} 条",
            "clean": not items, "items": items}


def build(session: Session, subject: Subject, req: Request, *, number: str,
          generated_at: datetime, platform: str, verify_url: str,
          catalog: Catalog | None = None, domains: DomainSet | None = None
          ) -> dict[str, Any]:
    """The report's content (not yet signed)."""
    by = gather(session, subject, req, catalog=catalog)
    head = _subject_block(session, subject)
    registration = [{"title": "登记注册基础信息", "number": "", "date": "",
                     "source": platform, "source_uscc": "", "publish_until": "", "marks": [],
                     "fields": [[k, v] for k, v in (
                         ("主体名称", head["name"]), ("统一社会信用代码", head["uscc"]),
                         ("主体类别", head["kind_label"]),
                         ("法定代表人（负责人）", head["legal_representative"]),
                         ("住所地行政区划代码", head["region_code"]),
                         ("曾用名", "、".join(head["former_names"]))) if v]}]
    by["registration"] = registration
    content: dict[str, Any] = {
        "schema": SCHEMA, "number": number, "kind": req.kind,
        "kind_label": KIND_LABELS_REPORT[req.kind], "version": req.version,
        "version_label": VERSION_LABELS[req.version], "platform": platform,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "as_of": req.until.isoformat(),
        "window": {"from": req.since.isoformat(), "to": req.until.isoformat()},
        "subject": head, "verify_url": verify_url,
        "sections": [{"no": n, "key": key, "title": title, "items": by[key],
                      "empty_text": EMPTY if not by[key] else ""}
                     for n, (key, title) in enumerate(SECTIONS, start=1)],
    }
    if req.kind == "special":
        ds = domains or default_domains()
        from xinyong.departments.tables import Department

        dept_classes = dict(session.execute(select(Department.code,
                                                   Department.department_class)).tuples().all())
        content["policy"] = {"title": ds.policy.title,
                             "legal_basis": [b.cite() for b in ds.policy.legal_basis]}
        content["domains"] = [_domain_block(ds.get(d), by, dept_classes)  # type: ignore[arg-type]
                              for d in req.domains]
    return content
