"""The catalog as data: the shipped files load; bad entries are refused with a clear message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xinyong.catalog import load_catalog
from xinyong.catalog.loader import DATA_DIR
from xinyong.cli.main import app
from xinyong.core.errors import ConfigError


def test_shipped_catalog_has_the_dual_publicity_types():
    cat = load_catalog()
    assert set(cat.record_types) >= {"licence", "penalty"}
    penalty = cat.get("penalty")
    assert penalty.field("document_number").code == "CF_WSH"
    assert penalty.field("subject_name").code == "CF_XDR_MC"
    assert penalty.field("fine_amount").header == "罚款金额(万元)"
    assert cat.get("licence").field("valid_to").code == "XK_YXQZI"
    for rt in cat.record_types.values():
        assert rt.legal_basis and rt.owner_department_class and rt.publication.window


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(DATA_DIR, target)
    return target


def test_record_type_without_legal_basis_is_refused(tmp_path):
    d = _copy(tmp_path)
    text = (d / "penalty.yaml").read_text("utf-8")
    start = text.index("legal_basis:")
    end = text.index("owner_department_class:")
    (d / "penalty.yaml").write_text(text[:start] + text[end:], "utf-8")
    with pytest.raises(ConfigError) as exc:
        load_catalog(d)
    assert "penalty.yaml" in exc.value.message and "legal basis" in exc.value.message


def test_unknown_field_type_is_refused(tmp_path):
    d = _copy(tmp_path)
    text = (d / "licence.yaml").read_text("utf-8")
    (d / "licence.yaml").write_text(text.replace("code: XK_NR, type: string",
                                                 "code: XK_NR, type: money"), "utf-8")
    with pytest.raises(ConfigError) as exc:
        load_catalog(d)
    assert "licence.yaml" in exc.value.message
    assert "unknown field type 'money'" in exc.value.message


def test_dangling_reference_is_refused(tmp_path):
    d = _copy(tmp_path)
    text = (d / "penalty.yaml").read_text("utf-8")
    (d / "penalty.yaml").write_text(text.replace("not_before: decision_date}",
                                                 "not_before: decided_on}", 1), "utf-8")
    with pytest.raises(ConfigError) as exc:
        load_catalog(d)
    assert "unknown field 'decided_on'" in exc.value.message


def test_adding_a_record_type_is_adding_a_file(tmp_path):
    d = _copy(tmp_path)
    text = (d / "licence.yaml").read_text("utf-8")
    (d / "confirmation.yaml").write_text(text.replace("id: licence", "id: confirmation")
                                         .replace("name: 行政许可", "name: 行政确认"), "utf-8")
    assert load_catalog(d).get("confirmation").name == "行政确认"


def test_catalog_check_command(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(app, ["catalog", "check"])
    assert ok.exit_code == 0 and "penalty" in ok.output
    d = _copy(tmp_path)
    text = (d / "licence.yaml").read_text("utf-8")
    (d / "licence.yaml").write_text(text.replace("type: date", "type: day", 1), "utf-8")
    bad = runner.invoke(app, ["catalog", "check", str(d)])
    assert bad.exit_code == 2
    assert "unknown field type 'day'" in bad.output
