"""The demo's work after its files are ingested: every capability of the platform shown with
data made the way the departments and the credit office make it, through the domain services.

`populate` registers the departments (as `xinyong departments add`), their inspectors (as
`accounts create --no-password`: no account has a password), reports the tax bureau's
纳税信用 results through the ingest path, runs the listing procedure (拟列入 → 告知 → 陈述申辩期
→ 认定 → 公示, the court list received as the courts send it), signs, receives and determines
commitments (one broken: its 违诺 record), files and decides objections, repairs penalties
past their minimum period, grades the registry, draws a 双随机 sample and records
results (public records), computes the past months' monitoring figures and publishes notices.
Every step is audited as the services audit it; staff act as the demo operator ("demo") of
their department. Dates are working days before the demo's `today`, as the procedure's rules
allow them; the same seed and data give the same content. A database that holds the scenario
already is left as it is (`Populated.already`).
"""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong import commitments, departments, grading, inspections, lists, monitoring, notices
from xinyong.accounts import Actor, Role
from xinyong.accounts.service import NewAccount, create_account
from xinyong.catalog import default_catalog
from xinyong.core.attachments import Upload
from xinyong.core.errors import XinyongError
from xinyong.core.workdays import WorkingCalendar, load_calendar
from xinyong.demo.generate import CITY, CITY_CODE, PROVIDERS
from xinyong.ingest import BatchInput, Record, ingest
from xinyong.ingest.runner import audit_batch
from xinyong.ingest.tables import Provider
from xinyong.lists.received import import_received
from xinyong.objections import service as objections
from xinyong.objections.clocks import ObjectionClocks, load_clocks
from xinyong.repair import service as repair
from xinyong.subjects.tables import Subject
from xinyong.subjects.uscc import make as make_uscc

OPERATOR = "demo"
CREDIT_OFFICE = (make_uscc("11", CITY_CODE, "MB0C2601"), f"{CITY}发展和改革委员会（信用办）")
COURT = f"{CITY}中级人民法院"
DISTRICT_COURTS = ("思明区人民法院", "湖里区人民法院", "集美区人民法院")
INSPECTORS = (("scj-jc01", "陈志明"), ("scj-jc02", "林晓燕"), ("scj-jc03", "黄建国"))
TAX_GRADES = (("A", 15), ("B", 50), ("M", 20), ("C", 10), ("D", 5))
MONTHS = 3  # monitoring: the complete months before the demo's month
STEPS = ("登记部门和检查人员", "报送纳税信用评价结果", "办理严重失信主体名单",
         "办理诚信典型红名单", "接收失信被执行人名单", "接收经营异常名录", "信用承诺",
         "异议处理", "信用修复", "公共信用综合评价",
         "双随机抽查和结果公示", "计算信用监测指标", "发布通知公告")


@dataclass
class Populated:
    """What the scenario made (or `already`: the database held it, nothing was made)."""

    already: bool = False
    departments: int = 0
    industry_results: int = 0
    listings: dict[str, int] | None = None
    commitments: int = 0
    breaches: int = 0
    objections: int = 0
    repairs: int = 0
    graded: int = 0
    sampled: int = 0
    results: int = 0
    periods: list[str] | None = None
    notices: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class _Days:
    """Working days counted back from the demo's today."""

    def __init__(self, calendar: WorkingCalendar, today: date) -> None:
        self.calendar, self.today = calendar, today

    def back(self, n: int, start: date | None = None) -> date:
        """The n-th working day before today or `start` (0: that day if it is one, else the
        one before)."""
        day, left = start or self.today, n
        while not self.calendar.is_workday(day) or left > 0:
            if self.calendar.is_workday(day):
                left -= 1
            day -= timedelta(days=1)
        return day

    def after(self, day: date, n: int) -> date:
        return min(self.calendar.add_working_days(day, n), self.back(0))


def _actor(role: Role, code: str, name: str, cls: str = "enforcement") -> Actor:
    return Actor(role=role, name=OPERATOR, department_uscc=code, department_class=cls,
                 department_name=name, client="demo")


def _subject_actor(subject: Subject) -> Actor:
    """The enterprise acting for itself (as its account would), recorded as the demo."""
    return Actor(role=Role.SUBJECT, name=OPERATOR, subject_uscc=subject.uscc, client="demo")


def _png() -> bytes:
    """A small grey PNG (the scanned receipt of an application), the same bytes every run."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xc8" * 32 for _ in range(24))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 32, 24, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


PROOF = _png()


def already_populated(session: Session) -> bool:
    return departments.find_department(session, CREDIT_OFFICE[0]) is not None


class _Scenario:
    def __init__(self, session: Session, *, seed: int, today: date, secret: str,
                 clocks: ObjectionClocks) -> None:
        self.s, self.today, self.secret, self.clocks = session, today, secret, clocks
        self.rng = random.Random(f"{seed}:scenario")
        self.seed = seed
        self.calendar = load_calendar(session)
        self.days = _Days(self.calendar, today)
        self.office = Actor(role=Role.ADMIN, name=OPERATOR, department_uscc=CREDIT_OFFICE[0],
                            department_class="credit_office", department_name=CREDIT_OFFICE[1],
                            client="demo")
        self.dept = {p.key: (p.code, p.name) for p in PROVIDERS}
        self.done = Populated(listings={})
        orgs = select(Subject).where(Subject.kind == "organisation", Subject.uscc.is_not(None),
                                     Subject.merged_into_id.is_(None)).order_by(Subject.uscc)
        self.orgs = list(session.scalars(orgs))
        self.used: set[int] = set()  # subjects on a punishment list

    def officer(self, key: str) -> Actor:
        code, name = self.dept[key]
        return _actor(Role.DATA_OFFICER, code, name)

    # ------------------------------------------------------------ departments, accounts
    def register(self) -> None:
        add = departments.add_department
        add(self.s, self.office, departments.NewDepartment(
            code=CREDIT_OFFICE[0], name=CREDIT_OFFICE[1], department_class="credit_office"))
        for p in PROVIDERS:
            add(self.s, self.office, departments.NewDepartment(
                code=p.code, name=p.name, department_class="enforcement",
                region_code=p.region))
        self.done.departments = len(PROVIDERS) + 1
        for login, person in INSPECTORS:
            create_account(self.s, self.office, NewAccount(
                name=login, role=Role.INSPECTOR, display_name=person,
                department=self.dept["scj"][0]))

    # ------------------------------------------------------------ industry evaluations
    def industry_results(self) -> None:
        """纳税信用 results of the previous year, published by the tax bureau in April."""
        year = self.today.year - 1 if self.today >= date(self.today.year, 4, 20) \
            else self.today.year - 2
        decided = self.calendar.add_working_days(date(year + 1, 4, 14), 1)
        code, name = self.dept["swj"]
        grades = [g for g, w in TAX_GRADES for _ in range(w)]
        rows: list[tuple[int, dict[str, Any]]] = []
        for i, subject in enumerate(self.orgs):
            if self.rng.random() > 0.6:
                continue
            rows.append((len(rows) + 1, {
                "subject_name": subject.name, "subject_category": "法人及非法人组织",
                "subject_uscc": subject.uscc,
                "legal_representative": subject.legal_representative or "未登记",
                "document_number": f"示税信评〔{year}〕{i + 1:05d}号",
                "evaluation_kind": "纳税信用", "evaluation_year": str(year),
                "grade": self.rng.choice(grades), "decision_date": decided.isoformat(),
                "valid_from": decided.isoformat(),
                "valid_to": (date(decided.year + 1, 4, 30)).isoformat(),
                "authority_name": name, "authority_uscc": code,
                "provider_name": name, "provider_uscc": code}))
        rt = default_catalog().get("industry_evaluation")
        # Results decided before the platform collected them are reported when it began to.
        received = self.calendar.add_working_days(max(decided, rt.effective_from or decided), 3)
        if received > self.today:
            return
        summary = ingest(self.s, BatchInput(
            record_type=rt, provider_uscc=code,
            operator=OPERATOR, channel="api", received_on=received,
            file_name=f"纳税信用评价结果{year}.json", provider_name=name, atomic=True),
            rows, calendar=self.calendar, secret=self.secret, today=received)
        audit_batch(self.s, self.officer("swj"), summary, "api")
        self.done.industry_results = summary.accepted

    def a_grade(self) -> list[Subject]:
        ids = {sid for sid, data in self.s.execute(select(Record.subject_id, Record.data).where(
            Record.record_type == "industry_evaluation")).tuples() if data.get("grade") == "A"}
        return [o for o in self.orgs if o.id in ids]

    # ------------------------------------------------------------ lists
    def _count(self, kind: str) -> None:
        assert self.done.listings is not None
        self.done.listings[kind] = self.done.listings.get(kind, 0) + 1

    def serious(self) -> None:
        """SAMR listings on its heaviest penalties: proposed, notified, decided after the
        statement period, published; one still in its statement period."""
        code, name = self.dept["scj"]
        provider = self.s.scalar(select(Provider.id).where(Provider.uscc == code))
        penalties = list(self.s.execute(
            select(Record.subject_id, Record.natural_key, Record.decision_date)
            .where(Record.record_type == "penalty", Record.provider_id == provider)
            .order_by(Record.decision_date.desc(), Record.id)).tuples())
        by_id = {o.id: o for o in self.orgs}
        picked: list[tuple[Subject, str, date]] = []
        for sid, number, decided in penalties:
            if sid in by_id and sid not in self.used and decided < self.days.back(40):
                picked.append((by_id[sid], number, decided))
                self.used.add(sid)
            if len(picked) == 4:
                break
        actor = self.officer("scj")
        for i, (subject, number, decided) in enumerate(picked):
            pending = i == len(picked) - 1 and len(picked) > 1
            start = self.days.back(2) if pending else self.days.back(30 - 4 * i)
            entry = lists.propose(self.s, lists.Proposal(
                "serious_dishonesty", subject.uscc or "", lists.LegalDocument(
                    "行政处罚决定书", number, decided, name), "samr_order_44",
                "因同一性质违法行为受到较重行政处罚，且拒不履行处罚决定，属于"
                "《市场监督管理严重违法失信名单管理办法》规定的严重违法失信行为",
                persons=(lists.NamedPerson(subject.legal_representative, "法定代表人"),)
                if subject.legal_representative else ()),
                actor, today=start, secret=self.secret)
            lists.notify(self.s, entry.id, actor, "已通过电子送达方式送达列入告知书", today=start)
            self._count("serious_dishonesty")
            if pending:
                continue
            assert entry.statement_until is not None
            decide_on = self.days.after(entry.statement_until, 2)
            lists.decide(self.s, entry.id, actor, "listed",
                         "陈述申辩期内当事人未提出陈述申辩，经集体讨论决定列入", today=decide_on)
            lists.publish(self.s, entry.id, actor, "依法在信用网站公示",
                          today=self.days.after(decide_on, 1))

    def red(self) -> None:
        """The tax bureau's A-grade taxpayers without a penalty on record, and the credit
        office's 诚信典型 of the year."""
        penalised = set(self.s.scalars(select(Record.subject_id).where(
            Record.record_type == "penalty")))
        clean = [o for o in self.orgs if o.id not in self.used | penalised]
        a_grade = {o.id for o in self.a_grade()}
        taxed = [o for o in clean if o.id in a_grade]
        chosen = [(o, "tax") for o in taxed[:: max(1, len(taxed) // 4)][:4]]
        others = [o for o in clean if o.id not in a_grade]
        chosen += [(o, "office") for o in self.rng.sample(others, min(2, len(others)))]
        tax_code, tax_name = self.dept["swj"]
        for i, (subject, how) in enumerate(chosen):
            on = self.days.back(20 - 2 * i)
            if how == "tax":
                actor, basis = self.officer("swj"), "tax_a_grade"
                doc = lists.LegalDocument("纳税信用A级纳税人名单公告",
                                          f"示税公告〔{on.year}〕{i + 3}号", on, tax_name)
                facts = "纳税信用评价为A级，依法列入诚信典型红名单"
            else:
                actor, basis = self.office, "guofa_2016_33"
                doc = lists.LegalDocument("诚信典型认定通知", f"示信用办〔{on.year}〕{i + 11}号",
                                          on, CREDIT_OFFICE[1])
                facts = "连续三年无不良信用记录，积极履行社会责任，经评选认定为诚信典型"
            entry = lists.propose(self.s, lists.Proposal("red", subject.uscc or "", doc, basis,
                                                         facts), actor, today=on)
            lists.decide(self.s, entry.id, actor, "listed", "经审核符合列入条件", today=on)
            lists.publish(self.s, entry.id, actor, "依法公示", today=self.days.after(on, 1))
            self._count("red")
            self.used.add(subject.id)

    def court(self) -> None:
        """The courts' 失信被执行人 decisions as received by the credit office (no notice: the
        court decides; the platform executes)."""
        rest = [o for o in self.orgs if o.id not in self.used]
        for i, subject in enumerate(self.rng.sample(rest, min(3, len(rest)))):
            court = DISTRICT_COURTS[i % len(DISTRICT_COURTS)]
            doc_day = self.days.back(25 - 5 * i)
            number = f"（{doc_day.year}）闽02{3 + i:02d}执{self.rng.randrange(1000, 9999)}号"
            entry = lists.propose(self.s, lists.Proposal(
                "judgment_defaulter", subject.uscc or "", lists.LegalDocument(
                    "纳入失信被执行人名单决定书", number, doc_day, f"{CITY}{court}"),
                "spc_defaulter_rules", "有履行能力而拒不履行生效法律文书确定的义务",
                persons=(lists.NamedPerson(subject.legal_representative, "法定代表人"),)
                if subject.legal_representative else ()),
                self.office, today=doc_day, secret=self.secret)
            received = self.days.after(doc_day, 1)
            lists.decide(self.s, entry.id, self.office, "listed", "接收人民法院失信被执行人名单",
                         today=received)
            lists.publish(self.s, entry.id, self.office, "依法院决定公示", today=received)
            self._count("judgment_defaulter")
            self.used.add(subject.id)

    def abnormal(self) -> None:
        """The market regulator's 经营异常名录 decisions received as a file of 列入 rows (the
        import a credit office runs on the regulator's export), one of them since removed."""
        code, name = self.dept["scj"]
        rest = [o for o in self.orgs if o.id not in self.used
                and (o.uscc or "").startswith("91")]  # enterprises only (个体工商户: 状态)
        picked = self.rng.sample(rest, min(3, len(rest)))
        reasons = ("未按照《企业信息公示暂行条例》规定的期限公示年度报告",
                   "通过登记的住所或者经营场所无法联系")
        rows: list[dict[str, object]] = []
        for i, subject in enumerate(picked):
            day = self.days.back(60 - 15 * i)
            rows.append({"操作": "列入", "统一社会信用代码": subject.uscc or "",
                         "决定书文号": f"{CITY[:1]}市监异列〔{day.year}〕{11 + i}号",
                         "决定日期": day.isoformat(), "作出决定机关": name,
                         "列入原因": reasons[i % len(reasons)]})
            self.used.add(subject.id)
        if rows:
            import_received(self.s, "abnormal_operations", rows, self.officer("scj"),
                            today=self.today)
            first = rows[0]
            # The removal comes in a later file (the import checks removals against what
            # is already held).
            rows = [{"操作": "移出", "统一社会信用代码": first["统一社会信用代码"],
                     "决定书文号": f"{CITY[:1]}市监异移〔{self.today.year}〕3号",
                     "决定日期": self.days.back(10).isoformat(), "作出决定机关": name,
                     "移出原因": "已补报并公示年度报告", "列入决定书文号": first["决定书文号"]}]
            import_received(self.s, "abnormal_operations", rows, self.officer("scj"),
                            today=self.today)
            for _ in picked:
                self._count("abnormal_operations")

    # ------------------------------------------------------------ commitments
    def commitments(self) -> None:
        rest = [o for o in self.orgs if o.id not in self.used]
        people = self.rng.sample(rest, min(12, len(rest)))
        templates = ("voluntary_public", "certification_general", "approval_business_licence",
                     "voluntary_public")
        accepting = ("scj", "zjj", "scj", "wjw")
        signed = []
        for i, subject in enumerate(people[:8]):
            actor = _subject_actor(subject)
            c = commitments.sign(self.s, actor, commitments.Signing(
                templates[i % 4], self.dept[accepting[i % 4]][0], "public"),
                calendar=self.calendar, today=self.days.back(40 - 3 * i))
            signed.append((c, accepting[i % 4]))
        for i, subject in enumerate(people[8:]):
            key = ("zjj", "scj", "jtj", "wjw")[i % 4]
            on = self.days.back(30 - 4 * i)
            c = commitments.receive(self.s, self.officer(key), commitments.Incoming(
                committer_uscc=subject.uscc or "", committer_name=subject.name,
                kind="deficiency", reason="申请材料不齐备，以书面承诺申请先行受理",
                content="承诺在5个工作日内补齐所缺材料，所补材料与已提交信息一致",
                liability="逾期未补齐材料或所补材料不实的，同意撤销受理和据此作出的决定，"
                          "并将违诺信息记入信用记录", made_on=on, disclosure="public"),
                calendar=self.calendar, today=on)
            signed.append((c, key))
        self.done.commitments = len(signed)
        verified = [(c, k) for c, k in signed if c.state == commitments.rules.VERIFYING]
        for n, (c, key) in enumerate(verified):
            on = self.days.after(c.made_on, 3)
            if n == 0:
                d = commitments.Determination(
                    "not_kept", on, "承诺期限届满未补齐所缺材料",
                    "撤销受理决定，违诺信息记入信用记录并依法公开")
                self.done.breaches += 1
            elif n % 3 == 2:
                continue  # still being verified
            else:
                d = commitments.Determination("kept", on)
            commitments.determine(self.s, self.officer(key), c.code, d, secret=self.secret,
                                  calendar=self.calendar, today=self.today)

    # ------------------------------------------------------------ objections, repair
    def _penalties(self) -> list[tuple[int, Subject, str]]:
        """(record id, subject, provider USCC) of the penalties of unlisted organisations."""
        by_id = {o.id: o for o in self.orgs if o.id not in self.used}
        rows = self.s.execute(select(Record.id, Record.subject_id, Provider.uscc)
                              .join(Provider, Provider.id == Record.provider_id)
                              .where(Record.record_type == "penalty").order_by(Record.id))
        return [(rid, by_id[sid], code) for rid, sid, code in rows.tuples() if sid in by_id]

    def last_month_end(self) -> date:
        """The last working day of the month before today's."""
        return self.days.back(0, self.today.replace(day=1) - timedelta(days=1))

    def _staff(self, code: str) -> Actor:
        key = next(k for k, (c, _n) in self.dept.items() if c == code)
        return self.officer(key)

    def objections(self) -> None:
        """Objections filed by enterprises against penalties: decided in time (kept, or the
        record revoked), one still open (marked 异议处理中 on the site)."""
        penalties = self._penalties()
        picks = self.rng.sample(penalties, min(3, len(penalties)))
        end = self.last_month_end()  # decided in the months the monitoring figures show
        plan = ((self.days.back(20, end), "kept"), (self.days.back(8, end), "revoked"),
                (self.days.back(1), None))
        for (rid, subject, code), (filed, outcome) in zip(picks, plan, strict=False):
            o = objections.file_objection(
                self.s, _subject_actor(subject), objections.Filing(
                    "record", rid, "该处罚决定已被复议机关变更，公示内容与变更后的决定不一致，"
                    "请核查更正"), clocks=self.clocks, calendar=self.calendar,
                secret=self.secret, today=filed)
            self.used.add(subject.id)
            self.done.objections += 1
            if outcome is None:
                continue
            reasons = ("经核查，公示内容与处罚决定书一致，维持原记录" if outcome == "kept"
                       else "经核查，该处罚决定已被依法撤销，撤销该条公示信息")
            objections.decide(self.s, o.id, self._staff(code), objections.Decision(
                outcome, reasons), calendar=self.calendar, secret=self.secret,
                today=self.days.after(filed, 3))

    def repairs(self) -> None:
        """Repairs of penalties past their minimum publication period: applied for with the
        repair commitment and proof of payment, accepted and approved by the department."""
        made, end = 0, self.last_month_end()
        for back in (15, 7):
            applied = self.days.back(back, end)
            for rid, subject, code in self._penalties():
                try:
                    repair.eligibility(self.s, rid, applied)
                except XinyongError:
                    continue
                app = repair.apply(self.s, _subject_actor(subject), repair.Application(
                    rid, "已全额缴纳罚款并完成整改，整改报告经执法部门复查合格", True,
                    (Upload("罚款缴纳凭证.png", PROOF),)), calendar=self.calendar,
                    today=applied)
                accepted = self.days.after(applied, 1)
                repair.accept(self.s, app.id, self._staff(code), calendar=self.calendar,
                              today=accepted)
                repair.approve(self.s, app.id, self._staff(code),
                               "已履行行政处罚决定并完成整改，符合信用修复条件",
                               calendar=self.calendar, today=self.days.after(accepted, 3))
                self.used.add(subject.id)
                made += 1
                break
        self.done.repairs = made

    # ------------------------------------------------------------ grades, inspections
    def grade(self) -> None:
        # As of the clock's today: the run is made now, on the registry as it stands now.
        run = grading.run(self.s, actor=self.office)
        self.done.graded = run.subjects

    def inspect(self) -> None:
        code, name = self.dept["scj"]
        actor = _actor(Role.INSPECTOR, code, name)
        drawn = self.days.back(12)
        d = inspections.draw(self.s, actor, "food_business", seed=self.seed, today=drawn)
        _d, tasks = inspections.get_draw(self.s, actor, d.id)
        self.done.sampled = len(tasks)
        allowed = set(inspections.results())
        outcomes = tuple(o for o in ("合格",) * 6 + ("发现问题已责令整改", "不合格")
                         if o in allowed) or inspections.results()[:1]
        for i, task in enumerate(tasks[:15]):
            inspections.record_result(
                self.s, actor, task.id, outcomes[i % len(outcomes)],
                "现场检查经营场所、许可证件和进货查验记录", secret=self.secret,
                calendar=self.calendar, today=self.days.after(drawn, 1 + i % 8))
            self.done.results += 1

    # ------------------------------------------------------------ monitoring, notices
    def monitor(self) -> None:
        first = self.today.replace(day=1)
        periods = []
        for k in range(MONTHS, 0, -1):
            m = (first.month - k - 1) % 12 + 1
            y = first.year + (first.month - k - 1) // 12
            periods.append(f"{y}-{m:02d}")
        for p in periods:
            monitoring.compute(self.s, self.office, p)
        self.done.periods = periods

    def notices(self) -> None:
        for title, body in NOTICES:
            notices.create(self.s, self.office, notices.NoticeInput(title, body), publish=True)
            self.done.notices += 1


NOTICES = (
    (f"关于开展{CITY}诚信建设万里行主题宣传活动的通知",
     "各区、各部门：\n为营造诚实守信的社会氛围，现组织开展诚信建设万里行主题宣传活动。"
     "请各单位结合行业特点，做好信用承诺、信用修复等政策宣传，并于活动结束后报送工作总结。"),
    ("信用修复办理指南",
     "行政处罚信息最短公示期满、已履行处罚决定并纠正失信行为的，可通过本网站“信用服务”"
     "栏目在线申请信用修复。办理部门在规定时限内作出决定，修复后相关信息停止公示。"),
)


def populate(session: Session, *, seed: int, today: date, secret: str,
             clocks: ObjectionClocks | None = None,
             step: Callable[[str], None] | None = None) -> Populated:
    """Run the scenario in the caller's transaction; `step` is told each finished step.
    `clocks`: the objection clocks in force (default: the package's)."""
    if already_populated(session):
        return Populated(already=True)
    sc = _Scenario(session, seed=seed, today=today, secret=secret,
                   clocks=clocks or load_clocks())
    actions = (sc.register, sc.industry_results, sc.serious, sc.red, sc.court, sc.abnormal,
               sc.commitments, sc.objections, sc.repairs, sc.grade, sc.inspect, sc.monitor,
               sc.notices)
    for label, action in zip(STEPS, actions, strict=True):
        action()
        if step is not None:
            step(label)
    return sc.done
