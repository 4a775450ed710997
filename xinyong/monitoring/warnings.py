"""Early warning (风险预警): rules as data (data/warning_rules.yaml), each a set-based query
giving (dedupe key, responsible department, subject, facts); new ones are recorded with a due
date in working days, the department answers. Warnings are internal: never published, never
a measure (no other domain reads this table)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.orm import Session, aliased

from xinyong import audit
from xinyong.accounts import Actor, Permission, Role, authorize
from xinyong.core import clock
from xinyong.core.errors import ConfigError, Conflict, Forbidden, Invalid, NotFound
from xinyong.core.masking import scrub_text
from xinyong.core.workdays import load_calendar
from xinyong.ingest.tables import Provider, Record
from xinyong.lists.tables import ListEntry
from xinyong.monitoring import providers
from xinyong.monitoring.model import LegalBasis
from xinyong.monitoring.period import Period
from xinyong.monitoring.tables import IndicatorValue, MonitoringWarning
from xinyong.subjects.tables import Subject

RULES_FILE = Path(__file__).parent / "data" / "warning_rules.yaml"
OPEN, ANSWERED = "open", "answered"
STATE_LABELS = {OPEN: "待反馈", ANSWERED: "已反馈"}
RESPONSE_MAX = 2000


class WarningRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=2)
    kind: Literal["penalties_within", "related_listing", "revoked_licence",
                  "indicator_below_target"]
    params: dict[str, Any] = Field(default_factory=dict)
    response_days: int = Field(ge=1, le=60)
    advice: str = Field(min_length=2)
    legal_basis: LegalBasis

    def in_force(self, day: date) -> bool:
        lb = self.legal_basis
        return lb.effective_from <= day and (lb.effective_to is None or day <= lb.effective_to)


@cache
def load_rules(path: Path = RULES_FILE) -> dict[str, WarningRule]:
    out: dict[str, WarningRule] = {}
    for i, item in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
        try:
            rule = WarningRule.model_validate(item)
        except ValidationError as exc:
            raise ConfigError(f"预警规则第{i + 1}项无效（{path.name}）：{exc}",
                              code="warning_rule_invalid") from exc
        out[rule.id] = rule
    return out


@dataclass(frozen=True)
class Hit:
    dedupe: str
    department_uscc: str
    subject_id: int | None
    subject_name: str | None
    facts: str


def _months_back(d: date, months: int) -> date:
    import calendar

    y, m = divmod(d.month - 1 - months, 12)
    y, m = d.year + y, m + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1])) + timedelta(days=1)


def _penalties_within(session: Session, rule: WarningRule, as_of: date) -> list[Hit]:
    n, months = int(rule.params.get("min_penalties", 3)), int(rule.params.get("months", 12))
    since = _months_back(as_of, months)
    window = and_(Record.record_type == "penalty", Record.decision_date >= since,
                  Record.decision_date <= as_of)
    counted = (select(Record.subject_id, func.count().label("n")).where(window)
               .group_by(Record.subject_id).having(func.count() >= n).subquery())
    # One warning per subject and department that punished it, per count reached.
    rows = session.execute(
        select(Subject.id, Subject.name, Subject.kind, Provider.uscc, counted.c.n)
        .join(counted, counted.c.subject_id == Subject.id)
        .join(Record, and_(Record.subject_id == Subject.id, window))
        .join(Provider, Provider.id == Record.provider_id)
        .where(Subject.kind != "person").distinct()).all()
    return [Hit(f"{rule.id}:{sid}:{dept}:{cnt}", dept, sid, name,
                f"{since.isoformat()}至{as_of.isoformat()}受到行政处罚{cnt}次（阈值{n}次）。")
            for sid, name, _kind, dept, cnt in rows]


def _related_listing(session: Session, rule: WarningRule, as_of: date) -> list[Hit]:
    days = int(rule.params.get("days", 30))
    listed, other = aliased(Subject), aliased(Subject)
    rows = session.execute(
        select(ListEntry.id, listed.name, other.id, other.name, Provider.uscc)
        .join(listed, listed.id == ListEntry.subject_id)
        .join(other, and_(other.legal_representative == listed.legal_representative,
                          other.id != listed.id, other.merged_into_id.is_(None),
                          other.kind != "person"))
        .join(Record, Record.subject_id == other.id)
        .join(Provider, Provider.id == Record.provider_id)
        .where(ListEntry.list_kind == rule.params.get("list_kind", "serious_dishonesty"),
               ListEntry.published_on.is_not(None),
               ListEntry.published_on > as_of - timedelta(days=days),
               ListEntry.published_on <= as_of, listed.legal_representative.is_not(None),
               listed.legal_representative != "")
        .distinct()).all()
    return [Hit(f"{rule.id}:{entry}:{oid}:{dept}", dept, oid, oname,
                f"与新列入严重失信主体名单的「{lname}」为同一法定代表人（名单记录{entry}）。")
            for entry, lname, oid, oname, dept in rows]


def _revoked_licence(session: Session, rule: WarningRule, as_of: date) -> list[Hit]:
    days = int(rule.params.get("days", 90))
    revocation = aliased(Record)
    licence = aliased(Record)
    rows = session.execute(
        select(Subject.id, Subject.name, Provider.uscc, func.count(func.distinct(licence.id)),
               func.max(revocation.decision_date))
        .join(revocation, revocation.subject_id == Subject.id)
        .join(licence, licence.subject_id == Subject.id)
        .join(Provider, Provider.id == licence.provider_id)
        .where(Subject.kind != "person", revocation.record_type == "penalty",
               revocation.data["penalty_categories"].as_string().like("%吊销%"),
               revocation.decision_date > as_of - timedelta(days=days),
               revocation.decision_date <= as_of,
               licence.record_type == "licence",
               licence.data["status"].as_string() == "有效",
               or_(licence.data["valid_to"].as_string() >= as_of.isoformat(),
                   licence.data["valid_to"].as_string().is_(None)),
               licence.decision_date <= as_of)
        .group_by(Subject.id, Subject.name, Provider.uscc)).all()
    return [Hit(f"{rule.id}:{sid}:{dept}:{last.isoformat()}", dept, sid, name,
                f"{last.isoformat()}被吊销许可证件，仍持有本单位作出的有效许可{n}件。")
            for sid, name, dept, n, last in rows]


def _indicator_below(session: Session, rule: WarningRule, as_of: date) -> list[Hit]:
    indicator_id = rule.params["indicator"]
    last = Period.month(as_of.year, as_of.month).previous(2)[0]
    rows = session.execute(
        select(IndicatorValue.key, IndicatorValue.value, IndicatorValue.target_value)
        .where(IndicatorValue.indicator_id == indicator_id, IndicatorValue.period == last.key,
               IndicatorValue.dimension == "department", IndicatorValue.met.is_(False))).all()
    return [Hit(f"{rule.id}:{key}:{last.key}", key, None, None,
                f"{last.label}{rule.name.removeprefix('部门')}：{value * 100:.2f}%，"
                f"目标{(target or 0) * 100:.0f}%。")
            for key, value, target in rows]


KINDS = {"penalties_within": _penalties_within, "related_listing": _related_listing,
         "revoked_licence": _revoked_licence, "indicator_below_target": _indicator_below}


@dataclass(frozen=True)
class RaiseResult:
    raised: int
    already: int


def raise_warnings(session: Session, actor: Actor, *, as_of: date | None = None
                   ) -> RaiseResult:
    """Run every rule in force; record the warnings not raised before."""
    authorize(actor, Permission.MONITORING_MANAGE)
    day = as_of or clock.today()
    cal = load_calendar(session)
    hits: list[tuple[WarningRule, Hit]] = []
    for rule in load_rules().values():
        if rule.in_force(day):
            hits += [(rule, h) for h in KINDS[rule.kind](session, rule, day)]
    known = set(session.scalars(select(MonitoringWarning.dedupe).where(
        MonitoringWarning.dedupe.in_([h.dedupe for _r, h in hits] or [""]))))
    now, rows = clock.now(), []
    for rule, h in hits:
        if h.dedupe in known:
            continue
        known.add(h.dedupe)
        risk = providers.risk_class(session, h.subject_id, day) if h.subject_id else None
        rows.append({"rule_id": rule.id, "dedupe": h.dedupe, "department_uscc": h.department_uscc,
                     "subject_id": h.subject_id, "subject_name": h.subject_name,
                     "facts": h.facts, "risk_class": risk, "raised_on": day,
                     "due_on": cal.add_working_days(day, rule.response_days), "state": OPEN,
                     "created_at": now})
    if rows:
        session.execute(insert(MonitoringWarning), rows)
    audit.append(session, actor, "monitoring.warnings.raise", details={
        "as_of": day.isoformat(), "raised": len(rows), "already": len(hits) - len(rows)})
    return RaiseResult(len(rows), len(hits) - len(rows))


def _own(actor: Actor) -> str | None:
    if actor.role == Role.ADMIN:
        return None
    if not actor.department_uscc:
        raise Forbidden("账户未关联单位", code="no_department")
    return actor.department_uscc


def list_warnings(session: Session, actor: Actor, *, state: str | None = None
                  ) -> list[MonitoringWarning]:
    """The credit office sees every warning; a department its own (audited read)."""
    authorize(actor, Permission.WARNINGS_RESPOND)
    own = _own(actor)
    stmt = select(MonitoringWarning).order_by(MonitoringWarning.due_on, MonitoringWarning.id)
    if own:
        stmt = stmt.where(MonitoringWarning.department_uscc == own)
    if state:
        stmt = stmt.where(MonitoringWarning.state == state)
    items = list(session.scalars(stmt))
    audit.append(session, actor, "monitoring.warnings.read", details={
        "department": own, "state": state, "count": len(items)})
    return items


def respond(session: Session, actor: Actor, warning_id: int, text: str) -> MonitoringWarning:
    """The responsible department's answer (what it verified, what it does)."""
    authorize(actor, Permission.WARNINGS_RESPOND)
    w = session.get(MonitoringWarning, warning_id)
    own = _own(actor)
    if w is None or (own is not None and w.department_uscc != own):
        raise NotFound(f"预警 {warning_id} 不存在", code="warning_not_found")
    if w.state != OPEN:
        raise Conflict(f"预警 {warning_id} 已反馈", code="warning_answered")
    text = scrub_text((text or "").strip())
    if len(text) < 2 or len(text) > RESPONSE_MAX:
        raise Invalid(f"反馈内容应为2至{RESPONSE_MAX}个字符", code="response_length")
    w.state, w.response = ANSWERED, text
    w.responded_by, w.responded_on = actor.name, clock.today()
    audit.append(session, actor, "monitoring.warning.respond", details={
        "warning_id": w.id, "rule": w.rule_id, "department": w.department_uscc})
    return w
