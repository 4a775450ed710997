"""Publication rules: windows from versioned rule sets, the boundaries, and the loader."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.catalog import LegalBasis, default_catalog
from xinyong.core.errors import ConfigError, Invalid
from xinyong.core.workdays import WorkingCalendar
from xinyong.publication import (
    add_months,
    default_rules,
    is_public,
    judge_penalty,
    licence_window,
    load_rules,
    penalty_window,
    period_end,
)
from xinyong.publication.loader import DATA_DIR

RULES = default_rules()
CAL = WorkingCalendar()
CATALOG = default_catalog()
PENALTY = CATALOG.get("penalty")
LICENCE = CATALOG.get("licence")
KINDS = PENALTY.field("penalty_categories").codes or []


def _judge(kinds: list[str], decided: date, **extra: str):
    return judge_penalty({"penalty_categories": kinds, **extra}, decided, RULES)


# -- month arithmetic ----------------------------------------------------------------------


def test_period_end_counts_the_decision_day_and_clamps_to_month_end():
    assert period_end(date(2026, 5, 31), 3) == date(2026, 8, 30)
    assert period_end(date(2026, 4, 1), 3) == date(2026, 6, 30)
    assert period_end(date(2026, 1, 31), 1) == date(2026, 2, 27)  # 02-31 -> 02-28, minus one
    assert period_end(date(2024, 2, 29), 12) == date(2025, 2, 27)
    assert period_end(date(2026, 4, 1), 0) == date(2026, 3, 31)  # no minimum period
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


# -- which rule set ------------------------------------------------------------------------


def test_shipped_rule_sets_meet_on_the_day_order_36_takes_effect():
    assert [rs.id for rs in RULES.rule_sets] == ["ndrc_order_58_v1", "ndrc_order_36_v1"]
    assert RULES.for_date(date(2026, 3, 31)).document_number == "国家发展改革委令第58号"
    assert RULES.for_date(date(2026, 4, 1)).document_number == "国家发展改革委令第36号"
    with pytest.raises(ConfigError) as exc:
        RULES.for_date(date(2023, 4, 30))  # 发改办财金〔2019〕527号 era: no rule file yet
    assert exc.value.code == "publication_rules_missing"


def test_order_58_and_order_36_records_are_each_judged_by_their_own_rules():
    old = _judge(["罚款"], date(2026, 3, 31))
    assert old.rule_set_id == "ndrc_order_58_v1"
    assert (old.severity, old.severity_source) == ("一般", "inferred")
    assert old.min_end == date(2026, 6, 29)  # 3 months: 06-31 clamps to 06-30, minus one
    assert old.max_end == date(2029, 3, 30)  # Order 58: every penalty up to 3 years
    new = _judge(["罚款"], date(2026, 4, 1))
    assert new.rule_set_id == "ndrc_order_36_v1"
    assert new.min_end == date(2026, 6, 30)  # 一般: 3 months
    assert new.max_end == date(2027, 3, 31)  # 一般: at most 1 year
    assert "国家发展改革委令第36号" in new.basis[0]
    assert new.as_dict()["max_end"] == "2027-03-31"


def test_order_36_classes():
    light = _judge(["警告"], date(2026, 4, 1))
    assert light.severity == "轻微"
    assert light.min_end == date(2026, 3, 31)  # no minimum: repairable on fulfilment
    assert light.repairable_from == date(2026, 4, 1)
    assert light.max_end == date(2026, 6, 30)  # at most 3 months
    grave = _judge(["吊销许可证件"], date(2026, 4, 1))
    assert grave.severity == "严重"
    assert (grave.min_end, grave.max_end) == (date(2027, 3, 31), date(2029, 3, 31))


def test_several_kinds_take_the_longest_period():
    both = _judge(["警告", "责令关闭"], date(2026, 5, 10))
    assert both.severity == "严重"
    assert both.max_end == _judge(["责令关闭"], date(2026, 5, 10)).max_end


def test_department_class_wins_over_inference():
    j = judge_penalty(
        {"penalty_categories": ["吊销许可证件"], "severity": "一般"}, date(2026, 5, 10), RULES
    )
    assert (j.severity, j.severity_source) == ("一般", "department")
    assert j.max_end == date(2027, 5, 9)
    assert j.never_early  # SAMR: a revocation of a licence never ends early
    assert any("国家市场监督管理总局令第45号" in c for c in j.basis)
    with pytest.raises(Invalid):
        judge_penalty(
            {"penalty_categories": ["罚款"], "severity": "很严重"}, date(2026, 5, 10), RULES
        )


def test_safety_sector_override_min_one_year_under_order_58():
    by_basis = _judge(
        ["罚款"], date(2025, 6, 10), penalty_basis="《中华人民共和国安全生产法》第九十九条"
    )
    assert by_basis.min_end == date(2026, 6, 9)  # 1 year, not 3 months
    assert by_basis.max_end == date(2028, 6, 9)
    by_field = _judge(["警告"], date(2025, 6, 10), sector="安全生产")
    assert by_field.min_end == date(2026, 6, 9)
    plain = _judge(["罚款"], date(2025, 6, 10), penalty_basis="《中华人民共和国食品安全法》")
    assert plain.min_end == date(2025, 9, 9)
    # Order 36 has no sector override (none found): class periods apply.
    later = _judge(["罚款"], date(2026, 6, 10), penalty_basis="《中华人民共和国安全生产法》")
    assert later.min_end == date(2026, 9, 9)


# -- windows and the last public day --------------------------------------------------------


def test_last_public_day_is_public_and_the_next_day_is_not():
    j = _judge(["警告"], date(2026, 5, 31))
    w = penalty_window(j, calendar=CAL)
    assert (w.start, w.end, w.ended_by) == (date(2026, 5, 31), date(2026, 8, 30), "max_period")
    assert is_public(PENALTY, "organisation", w, date(2026, 8, 30)).public
    assert is_public(PENALTY, "organisation", w, date(2026, 8, 31)).reason == "after_window"
    assert is_public(PENALTY, "organisation", w, date(2026, 5, 30)).reason == "before_window"
    assert is_public(PENALTY, "organisation", w, date(2026, 5, 31)).reason == "public"


def test_repair_ends_the_window_early():
    j = _judge(["罚款"], date(2026, 4, 1))
    w = penalty_window(j, repaired_on=date(2026, 7, 15), calendar=CAL)
    assert (w.end, w.ended_by) == (date(2026, 7, 14), "repaired")
    assert is_public(PENALTY, "organisation", w, date(2026, 7, 14)).public
    assert not is_public(PENALTY, "organisation", w, date(2026, 7, 15)).public
    # Repaired on the decision day (轻微, obligation fulfilled at once): never public.
    empty = penalty_window(j, repaired_on=date(2026, 4, 1), calendar=CAL)
    assert not any(is_public(PENALTY, "organisation", empty, date(2026, 4, 1) + timedelta(d))
                   .public for d in range(-1, 3))
    with pytest.raises(Invalid):
        penalty_window(j, repaired_on=date(2026, 3, 1), calendar=CAL)


def test_revocation_unpublishes_three_working_days_later_across_national_day():
    # 2026: National Day holiday 10-01..10-07 (Mid-Autumn is 09-25); Thu 10-08 and Fri 10-09 are
    # working days and Sat 10-10 is a make-up working day (调休). So the 3rd working day after
    # Wed 09-30 is Sat 10-10 (not 10-09): the record may be shown until then, not after.
    october = [CAL.is_workday(date(2026, 10, d)) for d in range(1, 12)]
    assert october == [False] * 7 + [True, True, True, False]
    j = _judge(["罚款"], date(2026, 6, 1))
    w = penalty_window(j, revoked_on=date(2026, 9, 30), calendar=CAL)
    assert (w.end, w.ended_by) == (date(2026, 10, 10), "revoked")
    assert is_public(PENALTY, "organisation", w, date(2026, 10, 10)).public
    assert is_public(PENALTY, "organisation", w, date(2026, 10, 11)).reason == "after_window"
    # A revocation near the end of the period does not extend it.
    short = penalty_window(
        _judge(["警告"], date(2026, 7, 1)), revoked_on=date(2026, 9, 29), calendar=CAL
    )
    assert (short.end, short.ended_by) == (date(2026, 9, 30), "max_period")


def test_licence_is_public_while_valid():
    data = {
        "decision_date": "2026-01-05",
        "valid_from": "2026-01-10",
        "valid_to": "2026-12-31",
        "status": "有效",
    }
    w = licence_window(data, LICENCE.publication)
    assert w is not None and (w.start, w.end) == (date(2026, 1, 5), date(2026, 12, 31))
    assert is_public(LICENCE, "organisation", w, date(2026, 12, 31)).public
    assert not is_public(LICENCE, "organisation", w, date(2027, 1, 1)).public
    forever = licence_window({**data, "valid_to": "2099-12-31"})
    assert forever is not None and forever.end is None and forever.ended_by == "open"
    assert is_public(LICENCE, "organisation", forever, date(2090, 1, 1)).public
    invalid = licence_window({**data, "status": "无效"})
    assert invalid is None
    assert is_public(LICENCE, "organisation", invalid, date(2026, 6, 1)).reason == "no_window"


def test_natural_person_is_not_public_unless_a_law_requires_it():
    w = penalty_window(_judge(["罚款"], date(2026, 4, 1)), calendar=CAL)
    day = date(2026, 5, 1)
    assert is_public(PENALTY, "person", w, day).reason == "natural_person"
    assert is_public(PENALTY, "自然人", w, day).reason == "natural_person"
    assert is_public(PENALTY, "individual_business", w, day).public
    law = LegalBasis(title="某法律", article="第一条")
    assert is_public(PENALTY, "person", w, day, person_basis=law).public


def test_non_public_record_type_is_not_public():
    w = penalty_window(_judge(["罚款"], date(2026, 4, 1)), calendar=CAL)
    shared = PENALTY.model_copy(update={"disclosure": "shared"})
    assert is_public(shared, "organisation", w, date(2026, 5, 1)).reason == "not_public_type"


# -- the loader ------------------------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(DATA_DIR, target)
    return target


def test_rule_set_without_legal_basis_is_refused(tmp_path):
    d = _copy(tmp_path)
    text = (d / "order36.yaml").read_text("utf-8")
    start, end = text.index("legal_basis:"), text.index("classes:")
    (d / "order36.yaml").write_text(text[:start] + text[end:], "utf-8")
    with pytest.raises(ConfigError) as exc:
        load_rules(d)
    assert exc.value.code == "publication_rules_no_legal_basis"
    assert "order36.yaml" in exc.value.message and "ndrc_order_36_v1" in exc.value.message


def test_overlapping_effective_dates_are_refused(tmp_path):
    d = _copy(tmp_path)
    text = (d / "order58.yaml").read_text("utf-8")
    (d / "order58.yaml").write_text(
        text.replace("effective_to: 2026-03-31", "effective_to: 2026-04-01"), "utf-8"
    )
    with pytest.raises(ConfigError) as exc:
        load_rules(d)
    assert exc.value.code == "publication_rules_overlap"
    assert "order36.yaml" in exc.value.message and "order58.yaml" in exc.value.message
    assert "ndrc_order_58_v1" in exc.value.message


def test_bad_periods_and_unknown_kinds_are_refused(tmp_path):
    d = _copy(tmp_path)
    text = (d / "order36.yaml").read_text("utf-8")
    (d / "order36.yaml").write_text(
        text.replace("{min_months: 3, max_months: 12}", "{min_months: 13, max_months: 12}"), "utf-8"
    )
    with pytest.raises(ConfigError) as exc:
        load_rules(d)
    assert (
        "order36.yaml" in exc.value.message and "min_months 13 > max_months 12" in exc.value.message
    )
    d2 = _copy(tmp_path / "b")
    text = (d2 / "order58.yaml").read_text("utf-8")
    (d2 / "order58.yaml").write_text(text.replace("  责令关闭: 严重", "  责令关门: 严重"), "utf-8")
    with pytest.raises(ConfigError) as exc:
        load_rules(d2, known_kinds=KINDS)
    assert "order58.yaml" in exc.value.message and "责令关门" in exc.value.message


# -- properties ------------------------------------------------------------------------------

decision_dates = st.dates(date(2023, 5, 1), date(2026, 12, 31))
kind_sets = st.lists(st.sampled_from(KINDS), min_size=1, max_size=4, unique=True)
severities = st.sampled_from([None, "轻微", "一般", "严重"])


@given(decision_dates, kind_sets, severities, st.integers(0, 2000), st.integers(-400, 1200))
def test_windows_are_ordered_and_repair_never_extends(decided, kinds, severity, after, as_of):
    data = {"penalty_categories": kinds, "severity": severity}
    j = judge_penalty(data, decided, RULES)
    assert j.max_end >= j.min_end >= decided - timedelta(days=1)
    assert j.max_end >= decided
    full = penalty_window(j, calendar=CAL)
    assert full.end is not None and full.end >= full.start == decided
    repaired = penalty_window(j, repaired_on=decided + timedelta(days=after), calendar=CAL)
    assert repaired.end is not None
    assert full.start - timedelta(days=1) <= repaired.end <= full.end
    day = decided + timedelta(days=as_of)
    decision = is_public(PENALTY, "organisation", repaired, day)
    if day < decided:
        assert decision.reason == "before_window"
    assert decision.public == (decided <= day <= repaired.end)


@given(decision_dates, kind_sets)
def test_several_kinds_get_the_longest_period_of_the_kinds(decided, kinds):
    together = _judge(kinds, decided)
    alone = [_judge([k], decided) for k in kinds]
    assert together.max_end == max(j.max_end for j in alone)
    assert together.min_end == max(j.min_end for j in alone)
    assert together.never_early == any(j.never_early for j in alone)


@given(st.dates(date(2023, 5, 1), date(2026, 12, 20)), st.integers(0, 200))
def test_revocation_ends_by_the_working_day_deadline(revoked, before):
    decided = max(revoked - timedelta(days=before), date(2023, 5, 1))
    j = _judge(["罚款"], decided)
    w = penalty_window(j, revoked_on=revoked, calendar=CAL)
    deadline = CAL.add_working_days(revoked, 3)
    assert w.end == min(j.max_end, deadline)
    assert w.end is not None and w.end >= w.start


@given(st.dates(date(2000, 1, 1), date(2090, 12, 31)), st.integers(0, 60), st.integers(0, 60))
def test_period_end_is_monotonic(start, months, step):
    end = period_end(start, months)
    assert start - timedelta(days=1) <= end < add_months(start, months)
    assert period_end(start + timedelta(days=step), months) >= end
    assert period_end(start, months + 1) > end
