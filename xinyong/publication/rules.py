"""When a record is public: pure functions over record data, the catalog and the rule sets.

Nothing here reads the database or stores a "public" flag: a window is computed from the
record and the rule set in force on its decision date, and `is_public` answers for one day.

Conventions (documented once, tested at the boundaries):

* A `Window` is a closed interval of days: `start` is the first public day, `end` the LAST
  public day (inclusive); `end=None` means open-ended. A day counts as public when the record
  may be shown during any part of it.
* A period of N months from decision date D counts D as its first day and ends on the day
  before the same day-of-month N months later; when that month has no such day, the later date
  is clamped to the month's end first. 3 months from 2026-05-31 -> 2026-08-31 -> last public
  day 2026-08-30; 1 month from 2026-01-31 -> 2026-02-28 -> last public day 2026-02-27.
  (The Civil Code Art. 201-202 reckoning, which does not count D, would end one day later.)
* A minimum period of 0 months (轻微 under Order 36) gives `min_end` = D - 1: no minimum.
* A repair takes effect on `repaired_on`: publication stops that day, so the last public day
  is the day before (an approval removes the record at once, everywhere). A repair on the
  decision day itself leaves an empty window (`end` = `start` - 1).
* A revocation (撤销/变更/确认违法或无效) must unpublish within N working days (行政处罚法 Art. 48,
  Art. 85: N = 3): the last public day is the N-th working day after `revoked_on` in the
  official calendar. The platform may unpublish sooner; this is the legal latest.
* The provider's own end date (公示截止期, the catalog's `publication.ends`) ends the window
  when it lies within the minimum and maximum period; outside them the rule wins (and the
  row is a quality warning). A date on the same day-of-month N months after the decision
  (N >= 1) is the end of an N-month period counted as the Civil Code counts (Art. 201-202:
  the decision day not counted, the period ends on the corresponding day): the same period
  here ends the day before, so that is the last public day it stands for
  (`provider_last_day`). Any other date is the last public day as written.
* The window ends at the earliest of the maximum period (or the provider's date), the repair
  and the revocation.
* A `fixed_days` window of N days starts on its `starts` date and ends N - 1 days later.
* A record type outside its `effective_from` .. `effective_to` (inclusive) is not public
  that day, whatever its records' windows.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any, Literal

from xinyong.catalog import LegalBasis, RecordType
from xinyong.catalog.model import Publication
from xinyong.core.errors import Invalid
from xinyong.core.workdays import WorkingCalendar
from xinyong.publication.loader import SEVERITIES, RuleBook, RuleSet, Severity

OPEN_END = date(2099, 12, 31)  # 有效期至 2099-12-31 is the conventional "长期" value
_SET_SPLIT = re.compile(r"[;;,,|]")  # as xinyong.ingest.validate
PERSON_KINDS = frozenset({"person", "自然人"})  # glossary kind and catalog category

EndedBy = Literal["max_period", "provider", "repaired", "revoked", "valid_to", "open"]
Reason = Literal[
    "not_public_type", "type_not_in_force", "natural_person", "no_window", "before_window",
    "after_window", "public"
]


@dataclass(frozen=True)
class Window:
    """First and last public day (both inclusive); `end=None` is open-ended."""

    start: date
    end: date | None
    ended_by: EndedBy

    def __post_init__(self) -> None:
        # end == start - 1 is the empty window of a record repaired on its decision day.
        if self.end is not None and self.end < self.start - timedelta(days=1):
            raise ValueError(f"window ends ({self.end}) before it starts ({self.start})")

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class PenaltyJudgement:
    """A penalty judged under one rule set; kept with the record (`rule_set_id`)."""

    rule_set_id: str
    decision_date: date
    severity: Severity
    severity_source: Literal["department", "inferred"]
    min_end: date  # last day of the minimum period (decision_date - 1 when there is none)
    max_end: date  # last public day when nothing ends the publication earlier
    never_early: bool  # a kind that may never end early (SAMR Order 45 Art. 14)
    unpublish_working_days: int  # after a revocation, under this rule set
    basis: tuple[str, ...]  # citations of the rules applied

    @property
    def repairable_from(self) -> date:
        """First day an early end (repair) may take effect."""
        return self.min_end + timedelta(days=1)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("decision_date", "min_end", "max_end"):
            out[key] = out[key].isoformat()
        out["basis"] = list(self.basis)
        return out


@dataclass(frozen=True)
class Decision:
    public: bool
    reason: Reason


# -- dates -------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """Same day-of-month `months` later, clamped to the end of the month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def period_end(start: date, months: int) -> date:
    """Last day of a period of `months` months whose first day is `start`."""
    return add_months(start, months) - timedelta(days=1)


def provider_last_day(value: Any, decision_date: date) -> date | None:
    """The last public day a provider's 公示截止期 stands for (see the module notes): the
    day before when it falls on the same day-of-month N >= 1 months after the decision
    (clamped to the month's end, as `add_months`), else the date as written."""
    day = _as_date(value)
    if day is None:
        return None
    months = (day.year - decision_date.year) * 12 + day.month - decision_date.month
    if months >= 1 and add_months(decision_date, months) == day:
        return day - timedelta(days=1)
    return day


def within_rule(judgement: PenaltyJudgement, provider_end: date | None) -> bool:
    """Whether a provider's last public day lies within the rule's minimum and maximum
    (None: no date given, nothing to weigh)."""
    return provider_end is None or judgement.min_end <= provider_end <= judgement.max_end


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).replace("/", "-")[:10])
    except ValueError:
        raise Invalid(f"不是有效日期：{value}", code="publication_bad_date") from None


def _kinds(value: Any) -> tuple[str, ...]:
    """处罚类别 as stored (a list) or as text split like ingest does (not on 、, which the
    2019 combined codes contain)."""
    if value is None:
        return ()
    parts = _SET_SPLIT.split(value) if isinstance(value, str) else [str(v) for v in value]
    return tuple(p.strip() for p in parts if p.strip())


# -- penalties ----------------------------------------------------------------------------


def infer_severity(kinds: tuple[str, ...], rule_set: RuleSet) -> Severity:
    """Gravest class among the kinds (several kinds -> the longest period). Provisional: the
    department's own class, when given, always wins (see the rule files)."""
    found = [rule_set.severity_by_kind.get(k, rule_set.default_severity) for k in kinds]
    if not found:
        return rule_set.default_severity
    return max(found, key=SEVERITIES.index)


def _sector_matches(data: Mapping[str, Any], match: list[str], sector: str) -> bool:
    given = data.get("sector")
    texts = (
        [str(given)]
        if given
        else [str(data.get(k) or "") for k in ("violation_type", "penalty_basis")]
    )
    return any(word in text for text in texts for word in [sector, *match])


def judge_penalty(
    data: Mapping[str, Any], decision_date: date, rules: RuleBook
) -> PenaltyJudgement:
    """Judge a penalty record under the rule set in force on its decision date."""
    rs = rules.for_date(decision_date)
    kinds = _kinds(data.get("penalty_categories"))
    given = data.get("severity")
    severity: Severity
    source: Literal["department", "inferred"]
    if given:
        if given not in SEVERITIES:
            raise Invalid(
                f"失信行为严重程度 '{given}' 不在代码表中（轻微、一般、严重）",
                code="publication_bad_severity",
            )
        severity, source = given, "department"
    else:
        severity, source = infer_severity(kinds, rs), "inferred"
    period = rs.classes[severity]
    min_months = period.min_months
    basis = [lb.cite() for lb in rs.legal_basis]
    for override in rs.sector_overrides:
        if override.min_months > min_months and _sector_matches(
            data, override.match, override.sector
        ):
            min_months = override.min_months
            if override.basis:
                basis.append(override.basis.cite())
    never_early = any(k in rs.never_early.kinds for k in kinds)
    if never_early:
        basis.append(rs.never_early.basis.cite())
    return PenaltyJudgement(
        rule_set_id=rs.id,
        decision_date=decision_date,
        severity=severity,
        severity_source=source,
        min_end=period_end(decision_date, min_months),
        max_end=period_end(decision_date, max(period.max_months, min_months)),
        never_early=never_early,
        unpublish_working_days=rs.revocation.unpublish_working_days,
        basis=tuple(basis),
    )


def penalty_window(
    judgement: PenaltyJudgement,
    *,
    repaired_on: date | None = None,
    revoked_on: date | None = None,
    calendar: WorkingCalendar,
    provider_end: date | None = None,
) -> Window:
    """The publication window of a judged penalty, ended early by a repair or a revocation.

    `provider_end`: the last public day the provider gave (`provider_last_day`), honoured
    when it lies within the rule's minimum and maximum, ignored otherwise.
    Whether a repair was allowed (before `repairable_from`, or a `never_early` kind) is the
    repair workflow's check; a recorded repair is honoured here.
    """
    start = judgement.decision_date
    ends: list[tuple[date, EndedBy]] = [(judgement.max_end, "max_period")]
    if provider_end is not None and within_rule(judgement, provider_end):
        ends.append((provider_end, "provider"))
    for event, name in ((repaired_on, "修复"), (revoked_on, "撤销")):
        if event is not None and event < start:
            raise Invalid(
                f"{name}日期 {event} 早于处罚决定日期 {start}",
                code="publication_event_before_decision",
            )
    if repaired_on is not None:
        ends.append((repaired_on - timedelta(days=1), "repaired"))
    if revoked_on is not None:
        ends.append(
            (calendar.add_working_days(revoked_on, judgement.unpublish_working_days), "revoked")
        )
    end, ended_by = min(ends, key=lambda item: item[0])  # ties: the first listed wins
    return Window(start, end, ended_by)


# -- licences -----------------------------------------------------------------------------


def licence_window(
    data: Mapping[str, Any], publication: Publication | None = None
) -> Window | None:
    """Public while valid: from the decision date (the catalog's `starts`, else 有效期自) to
    有效期至; 2099-12-31 is open-ended. None when the licence is 无效 (not published)."""
    if data.get("status") == "无效":
        return None
    starts = publication.starts if publication else "decision_date"
    ends = (publication.ends if publication else None) or "valid_to"
    start = _as_date(data.get(starts)) or _as_date(data.get("valid_from"))
    end = _as_date(data.get(ends))
    if start is None or end is None:
        raise Invalid(
            f"许可信息缺少公示起止日期（{starts} / {ends}）", code="publication_missing_dates"
        )
    if end >= OPEN_END:
        return Window(start, None, "open")
    if end < start:
        return None  # expired before it was decided: never public
    return Window(start, end, "valid_to")


def fixed_window(data: Mapping[str, Any], publication: Publication) -> Window:
    """`fixed_days`: `days` days from the `starts` date, that day the first."""
    start = _as_date(data.get(publication.starts))
    if start is None or not publication.days:
        raise Invalid(f"缺少公示起始日期（{publication.starts}）",
                      code="publication_missing_dates")
    return Window(start, start + timedelta(days=publication.days - 1), "max_period")


# -- the question -------------------------------------------------------------------------


def is_public(
    record_type: RecordType,
    subject_kind: str,
    window: Window | None,
    day: date,
    *,
    person_basis: LegalBasis | None = None,
) -> Decision:
    """Is this record public on `day`?

    A natural person's record is public only when the catalog cites a law requiring it; the
    caller passes that citation as `person_basis` (the catalog model has no such field yet).
    """
    if record_type.disclosure != "public" or record_type.publication.window == "not_published":
        return Decision(False, "not_public_type")
    if subject_kind in PERSON_KINDS and person_basis is None:
        return Decision(False, "natural_person")
    if not record_type.in_force(day):
        return Decision(False, "type_not_in_force")
    if window is None:
        return Decision(False, "no_window")
    if day < window.start:
        return Decision(False, "before_window")
    if window.end is not None and day > window.end:
        return Decision(False, "after_window")
    return Decision(True, "public")
