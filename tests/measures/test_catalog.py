from __future__ import annotations

import pytest
import yaml

from xinyong.core.errors import ConfigError
from xinyong.measures import default_measures, load_measures
from xinyong.measures.model import DATA_FILE


def test_the_shipped_catalog_loads_with_basis_for_every_measure():
    cat = default_measures()
    assert len(cat.measures) >= 20
    assert {m.kind for m in cat.measures.values()} == {"punishment", "incentive"}
    assert {m.category for m in cat.measures.values()} == {1, 2, 3}
    assert {m.tier for m in cat.measures.values()} == {"national", "local", "incentive"}
    assert all(m.legal_basis and m.departments and m.matters for m in cat.measures.values())


def _with(tmp_path, replace: str, by: str):
    text = DATA_FILE.read_text(encoding="utf-8")
    assert replace in text
    path = tmp_path / "measures.yaml"
    path.write_text(text.replace(replace, by, 1), encoding="utf-8")
    return path


def test_a_measure_without_legal_basis_is_refused_at_load(tmp_path):
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    del data["measures"][0]["legal_basis"]
    path = tmp_path / "measures.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_measures(path)
    assert exc.value.code == "measure_legal_basis_missing"
    assert "procurement_ban_serious" in exc.value.message
    data["measures"][0]["legal_basis"] = []
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError):
        load_measures(path)


def test_unknown_list_kind_basis_and_matter_are_refused(tmp_path):
    with pytest.raises(ConfigError) as exc:
        load_measures(_with(tmp_path, "{kind: judgment_defaulter, bases: [spc_defaulter_rules]}",
                            "{kind: blacklist_of_my_own, bases: [spc_defaulter_rules]}"))
    assert "blacklist_of_my_own" in exc.value.message
    with pytest.raises(ConfigError) as exc:
        load_measures(_with(tmp_path, "{kind: judgment_defaulter, bases: [spc_defaulter_rules]}",
                            "{kind: judgment_defaulter, bases: [my_notice]}"))
    assert "my_notice" in exc.value.message
    with pytest.raises(ConfigError) as exc:
        load_measures(_with(tmp_path, "matters: [land]", "matters: [parking]"))
    assert "parking" in exc.value.message


@pytest.mark.parametrize(("measure_id", "path", "words"), [
    ("key_supervision", ("triggers",), "triggers"),
    ("legal_rep_bar", ("targets",), "targets"),
    ("food_licence_bar", ("period",), "period"),
    ("food_licence_bar", ("licence_kinds",), "licence kinds"),
    ("bidding_major_violation", ("triggers", "records", 1, "laws"), "ties it to the law"),
    ("procurement_major_violation", ("triggers", "records", 0, "any_law"),
     "ties it to the law"),
    ("food_licence_bar", ("triggers", "records", 0, "penalty_kinds"), "penalty kinds"),
])
def test_a_measure_without_its_scope_does_not_load(tmp_path, measure_id, path, words):
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    m = next(x for x in data["measures"] if x["id"] == measure_id)
    target = m
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    out = tmp_path / "measures.yaml"
    out.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_measures(out)
    assert exc.value.code == "measure_scope_invalid"
    assert measure_id in exc.value.message and words in exc.value.message


def test_a_record_trigger_reading_a_field_the_catalog_lacks_is_refused(tmp_path):
    with pytest.raises(ConfigError) as exc:
        load_measures(_with(tmp_path, "licence_kinds: [food_production, food_operation]\n"
                                      "          laws: [食品安全法]",
                            "licence_kinds: [food_production, bakery]\n"
                            "          laws: [食品安全法]"))
    assert "bakery" in exc.value.message
