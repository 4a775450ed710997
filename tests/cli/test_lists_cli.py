"""The lists and check commands of issue 15: a listing naming its legal representative by ID,
the decision with its consideration, a batch check whose file carries the representatives' ID
numbers (hashed as read), and confirming a name match."""

from __future__ import annotations

import csv
import json
from datetime import timedelta

from typer.testing import CliRunner

from tests.cli.test_cli import _env
from tests.factories import PERSON_ID
from tests.lists.helpers import ACME, OTHER, add_subject
from xinyong.cli.main import app
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.screening.tables import ScreeningCheck

runner = CliRunner()


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_listing_naming_its_representative_reaches_another_company(engine, settings,
                                                                       tmp_path):
    with unit_of_work(engine) as s:
        add_subject(s, ACME, "示范市华盛食品有限公司")
        add_subject(s, OTHER, "示范市远航物流有限公司", legal_rep="李四")
    env = _env(settings)
    entry = _json(runner.invoke(app, [
        "lists", "propose", "--kind", "serious_dishonesty", "--uscc", ACME,
        "--doc-type", "列入严重违法企业名单决定书", "--doc-number", "闽市监严列〔2026〕3号",
        "--doc-date", "2026-06-01", "--issuing-body", "福建省市场监督管理局",
        "--basis", "enterprise_disclosure_art17",
        "--facts", "被列入经营异常名录满3年仍未履行公示义务",
        "--person", "王建国", "--person-role", "法定代表人", "--person-id", PERSON_ID,
        "--json"], env=env))
    assert entry["state"] == "proposed"
    # Notified a month ago (the statement period has run), decided ten days ago.
    from xinyong.accounts import Actor, Role
    from xinyong.lists import decide, notify

    op = Actor(role=Role.ADMIN, name="op")
    with unit_of_work(engine) as s:
        notify(s, entry["id"], op, "送达", today=clock.today() - timedelta(days=30))
        decide(s, entry["id"], op, "listed", "未申辩", today=clock.today() - timedelta(days=10))
    path = tmp_path / "变更登记.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["统一社会信用代码", "名称", "法定代表人", "法定代表人身份证号码"])
        w.writerow([OTHER, "示范市远航物流有限公司", "王建国", PERSON_ID])
    rows = _json(runner.invoke(app, ["check", "--file", str(path), "--matter", "appointment",
                                     "--json"], env=env | {"COLUMNS": "400"}))
    assert "被列入严重违法企业名单的企业的法定代表人" in rows[0]["措施"]
    with unit_of_work(engine) as s:
        stored = s.get(ScreeningCheck, rows[0]["核查编号"])
        assert stored is not None and PERSON_ID not in str(stored.result)
        assert stored.query_representative_key and PERSON_ID not in str(vars(stored))


def test_check_confirm_prompts_the_measures_of_a_confirmed_variant(engine, settings):
    from tests.screening.test_prompting import ART17, _listed

    with unit_of_work(engine) as s:
        _listed(s, **ART17)
    env = _env(settings)
    first = _json(runner.invoke(app, ["check", "--name", "示范市华盛食品有限责任公司", "--matter",
                                      "procurement", "--json"], env=env))
    assert first["measures"] == [] and first["hits"][0]["needs_confirmation"]
    confirmed = _json(runner.invoke(app, [
        "check-confirm", str(first["id"]), str(first["hits"][0]["subject_id"]),
        "--reason", "核对营业执照代码一致", "--json"], env=env))
    assert [m["measure_id"] for m in confirmed["measures"]] == ["procurement_ban_serious"]


def test_lists_import_applies_a_file_of_decisions_or_names_each_refused_row(engine, settings,
                                                                          tmp_path):
    from tests.lists.test_received import ANNUAL

    with unit_of_work(engine) as s:
        add_subject(s, ACME, "宜昌市三峡禾丰商贸有限公司")
    env = _env(settings)
    header = ["操作", "统一社会信用代码", "企业名称", "列入原因", "决定书文号", "决定日期",
              "作出决定机关"]

    def write(name, *rows):
        path = tmp_path / name
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(rows)
        return str(path)

    day = (clock.today() - timedelta(days=30)).isoformat()
    bad = write("bad.csv", ["列入", ACME, "", "长期停业", "宜市监异列〔2026〕15号", day,
                            "宜昌市市场监督管理局"])
    refused = runner.invoke(app, ["lists", "import", bad, "--kind", "abnormal_operations",
                                  "--json"], env=env)
    assert refused.exit_code == 2
    body = json.loads(refused.stdout.strip().splitlines()[-1])
    assert [(p["row"], p["field"], p["rule"]) for p in body["errors"]] == [
        (2, "列入原因", "reason_unknown")]
    good = write("good.csv", ["列入", ACME, "", ANNUAL, "宜市监异列〔2026〕15号", day,
                              "宜昌市市场监督管理局"])
    done = _json(runner.invoke(app, ["lists", "import", good, "--kind", "abnormal_operations",
                                     "--department", "宜昌市市场监督管理局", "--json"], env=env))
    assert len(done["listed"]) == 1 and done["removed"] == []
    check = _json(runner.invoke(app, ["check", "--uscc", ACME, "--matter", "procurement",
                                      "--json"], env=env))
    assert [m["measure_id"] for m in check["measures"]] == ["abnormal_operations_restriction"]
    licensing = _json(runner.invoke(app, ["check", "--uscc", ACME, "--matter", "licensing",
                                          "--licence-kind", "other", "--json"], env=env))
    assert licensing["measures"] == []
