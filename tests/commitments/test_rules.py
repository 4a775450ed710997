"""Pure rules: 承诺编码, lifecycle transitions and refusals, 公开类型, the rules data."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from xinyong.commitments import load_rules, rules
from xinyong.core.errors import ConfigError, Conflict, Invalid, RuleViolation

DAY = date(2026, 11, 2)
texts = st.one_of(st.none(), st.text(max_size=5))


@given(st.from_regex(r"\d{6}", fullmatch=True), st.dates(date(2000, 1, 1), date(2099, 12, 31)),
       st.integers(1, rules.SERIAL_MAX))
def test_code_shape(region, day, serial):
    code = rules.commitment_code(region, day, serial)
    assert rules.CODE_RE.fullmatch(code) and code[:6] == region
    assert code[6:14] == day.strftime("%Y%m%d") and int(code[14:]) == serial


def test_code_refusals():
    with pytest.raises(Invalid):
        rules.commitment_code("3502", DAY, 1)
    with pytest.raises(RuleViolation):
        rules.commitment_code("350200", DAY, rules.SERIAL_MAX + 1)


@given(st.sampled_from(rules.STATES), st.sampled_from([*rules.FULFILMENTS, "bogus"]),
       texts, texts)
def test_determination_transitions(state, fulfilment, unfulfilled, pursued):
    complete = fulfilment == "kept" or (bool((unfulfilled or "").strip())
                                        and bool((pursued or "").strip()))
    if state not in rules.OPEN_STATES:
        with pytest.raises(Conflict):
            rules.determine(state, fulfilment, unfulfilled, pursued, made_on=DAY, on=DAY)
    elif fulfilment not in rules.FULFILMENTS or not complete:
        with pytest.raises(Invalid):
            rules.determine(state, fulfilment, unfulfilled, pursued, made_on=DAY, on=DAY)
    else:
        after = rules.determine(state, fulfilment, unfulfilled, pursued, made_on=DAY, on=DAY)
        assert after == (rules.KEPT if fulfilment == "kept" else rules.BROKEN)


def test_determination_before_made_refused():
    with pytest.raises(Invalid):
        rules.determine(rules.VERIFYING, "kept", None, None, made_on=DAY,
                        on=DAY - timedelta(days=1))


def test_initial_state_and_overdue():
    assert rules.initial_state(True, "none") == rules.VERIFYING
    assert rules.initial_state(False, "public") == rules.PUBLISHED
    assert rules.initial_state(False, "none") == rules.MADE
    assert rules.is_overdue(rules.VERIFYING, DAY, DAY + timedelta(days=1))
    assert not rules.is_overdue(rules.VERIFYING, DAY, DAY)
    assert not rules.is_overdue(rules.KEPT, DAY, DAY + timedelta(days=9))


@given(st.sampled_from(list(rules.DISCLOSURES)), st.booleans(), st.booleans())
def test_visibility(disclosure, accepting, shared):
    assert rules.visible_to(disclosure, "public") == (disclosure == "public")
    assert rules.visible_to(disclosure, "own")
    dept = rules.visible_to(disclosure, "X", accepting=accepting, shared=shared)
    expected = {"public": True, "scoped": accepting or shared, "none": accepting}[disclosure]
    assert dept == expected


def test_rules_data_loads_with_legal_basis():
    data = load_rules()
    assert {k.id for k in data.kinds} == set(rules.KINDS)
    assert all(k.legal_basis and t.legal_basis for k in data.kinds for t in data.templates)
    cert = data.template("certification_general")
    assert cert is not None and "国办发〔2020〕42号" in cert.cite()
    assert data.kind("repair").consequence == "restore_penalty_maximum"


def test_rules_data_without_legal_basis_refused(tmp_path: Path):
    from xinyong.commitments.model import DATA

    raw = yaml.safe_load(DATA.read_text("utf-8"))
    del raw["kinds"][0]["legal_basis"]
    bad = tmp_path / "c.yaml"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    with pytest.raises(ConfigError):
        load_rules(bad)
