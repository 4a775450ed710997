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


def test_unknown_list_kind_and_matter_are_refused(tmp_path):
    with pytest.raises(ConfigError) as exc:
        load_measures(_with(tmp_path, "triggers: {lists: [judgment_defaulter]}",
                            "triggers: {lists: [blacklist_of_my_own]}"))
    assert "blacklist_of_my_own" in exc.value.message
    with pytest.raises(ConfigError) as exc:
        load_measures(_with(tmp_path, "matters: [land]", "matters: [parking]"))
    assert "parking" in exc.value.message
