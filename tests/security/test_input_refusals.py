"""Issue 14, findings 10 and 12: inputs that crashed (500, tracebacks) or were accepted are
refused cleanly, naming the problem: lone surrogates in JSON, month=9999-12, a random-bytes,
empty, truncated or corrupt XLSX and impossible dates on the command line (exit 2), and
decision dates before the configurable earliest date (row, field, rule)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.accounts.helpers import ACTORS, client_as
from tests.cli.test_cli import _env
from tests.factories import PROVIDER, penalty, write_xlsx
from tests.ingest.helpers import push
from xinyong.accounts import Role
from xinyong.cli.main import app

runner = CliRunner()
LONE = "\ud800"


def _raw_json(client, url: str, body: object):
    # ensure_ascii: the lone surrogate goes over the wire as the escape \ud800.
    return client.post(url, content=json.dumps(body), headers={"content-type":
                                                                "application/json"})


def test_unstorable_text_is_refused_with_422(engine, settings):
    admin = client_as(settings, ACTORS[Role.ADMIN])
    for url, body in [
            (f"/api/v1/batches/penalty?provider={PROVIDER}", [penalty(violation_facts=LONE)]),
            (f"/api/v1/batches/penalty?provider={PROVIDER}&atomic=false",
             [penalty(document_number=LONE)]),
            (f"/api/v1/batches/penalty?provider={PROVIDER}", [{LONE: "x"}]),
            ("/api/v1/checks", {"matter": LONE, "name": "华盛"}),
            ("/api/v1/checks/batch", {"matter": "bidding", "applicants": [{"name": LONE}]})]:
        r = _raw_json(admin, url, body)
        assert r.status_code == 422, (url, r.text)
        assert r.json()["code"] == "text_invalid"
    # NUL: no PostgreSQL text holds it, in a body, a query or a path.
    for r in (_raw_json(admin, "/api/v1/checks", {"matter": "bidding", "name": "华\x00盛"}),
              admin.get("/api/v1/publication/late?provider=%00"),
              admin.post("/api/v1/accounts/a%00/keys", json={})):
        assert r.status_code == 422 and r.json()["code"] == "text_invalid", r.text
    r = _raw_json(admin, f"/api/v1/batches/penalty?provider={PROVIDER}&atomic=false",
                  [penalty(violation_facts="当事人\x01拒不整改")])
    assert r.status_code == 200 and r.json()["errors"][0]["rule"] == "control_character"
    # A surrogate pair (an emoji spelled as two escapes) is ordinary text.
    r = _raw_json(admin, "/api/v1/checks", {"matter": "bidding", "name": "华盛\ud83d\ude00"})
    assert r.status_code == 200, r.text


def test_the_routes_of_notices_departments_reviews_and_staff_pages_refuse_it_too(engine,
                                                                                   settings):
    """The guard is the app's: routes added since (issue 21's notices and staff pages, the
    departments, 重错码 reviews, column filters) refuse NUL and lone surrogates as well."""
    admin = client_as(settings, ACTORS[Role.ADMIN])
    for url, body in [("/api/v1/notices", {"title": LONE, "body": "正文"}),
                      ("/api/v1/departments", {"code": PROVIDER, "name": "局\x00",
                                               "department_class": "enforcement"}),
                      ("/api/v1/subject-reviews/1/resolution",
                       {"action": "distinct", "reason": LONE})]:
        r = _raw_json(admin, url, body)
        assert r.status_code == 422 and r.json()["code"] == "text_invalid", (url, r.text)
    for r in (admin.get("/api/v1/columns/penalty?region=35%00"),
              admin.get("/api/v1/quality/end-dates?provider=%00"),
              admin.post("/notices/manage", data={"title": "标题\x00", "body": "正文"})):
        assert r.status_code == 422, r.text
    # A multipart upload's text fields are the service's to check: refused, never a 500.
    r = admin.post("/uploads", data={"record_type": "penalty", "provider": "\x00"},
                   files={"file": ("处罚.json", b"[]", "application/json")})
    assert r.status_code == 422, r.text


@pytest.mark.parametrize("url", ["/api/v1/measures/report?month=9999-12",
                                 "/api/v1/measures/stats?month=9999-12",
                                 "/api/v1/measures/report?month=2026-13"])
def test_impossible_months_are_422(engine, settings, url):
    r = client_as(settings, ACTORS[Role.ADMIN]).get(url)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"].endswith("month")


def _broken_xlsx(tmp_path: Path) -> dict[str, Path]:
    good = write_xlsx(tmp_path / "good.xlsx", "penalty", [penalty()]).read_bytes()
    corrupt = bytearray(good)
    at = corrupt.find(b"xl/worksheets/sheet1.xml") + 60
    corrupt[at:at + 300] = bytes(b ^ 0x55 for b in corrupt[at:at + 300])
    files = {"random": bytes(range(256)) * 8, "empty": b"", "truncated": good[:len(good) // 2],
             "corrupt": bytes(corrupt)}
    out = {}
    for name, content in files.items():
        out[name] = tmp_path / f"{name}.xlsx"
        out[name].write_bytes(content)
    return out


def test_broken_xlsx_files_are_refused_without_a_traceback(engine, settings, tmp_path):
    for name, path in _broken_xlsx(tmp_path).items():
        for args in (["ingest", str(path), "--type", "penalty", "--provider", PROVIDER],
                     ["check", "--matter", "bidding", "--file", str(path)]):
            result = runner.invoke(app, args, env=_env(settings))
            assert result.exit_code == 2, (name, args[0], result.output)
            # A clean exit (typer.Exit), not an exception escaping the command.
            assert isinstance(result.exception, SystemExit), (name, result.exception)
            assert "不是有效的XLSX文件" in result.output, (name, result.output)


@pytest.mark.parametrize(("args", "option"), [
    (["ingest", "x.csv", "--type", "penalty", "--provider", PROVIDER,
      "--received-on", "2026-13-01"], "--received-on"),
    (["publication", "end", "1", "--reason", "repaired", "--on", "2026-02-30"], "--on"),
    (["objections", "report", "--since", "yesterday"], "--since")])
def test_impossible_dates_on_the_command_line_exit_2_naming_the_option(engine, settings,
                                                                       args, option):
    result = runner.invoke(app, args, env=_env(settings))
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert option in result.output and "YYYY-MM-DD" in result.output


def test_decision_dates_before_the_earliest_date_are_refused(engine, settings):
    summary, problems = push(engine, settings, "penalty", [
        penalty(decision_date="0001-01-01", document_number="A"),
        penalty(decision_date="1900-01-01", document_number="B"),
        penalty(decision_date="1949-10-01", document_number="C",
                penalty_valid_until="1950-01-01")])
    assert (summary.accepted, summary.rejected) == (1, 2)
    assert {(p.row, p.field, p.rule) for p in problems} == {
        (1, "处罚决定日期", "date_too_early"), (2, "处罚决定日期", "date_too_early")}
    assert "1949-10-01" in problems[0].message
    # The limit is a setting (XINYONG_EARLIEST_DECISION_DATE).
    stricter = settings.model_copy(update={"earliest_decision_date": date(2000, 1, 1)})
    r = client_as(stricter, ACTORS[Role.ADMIN]).post(
        f"/api/v1/batches/penalty?provider={PROVIDER}",
        json=[penalty(decision_date="1999-12-31", document_number="D")])
    assert r.status_code == 422
    assert [(e["field"], e["rule"]) for e in r.json()["errors"]] == [
        ("处罚决定日期", "date_too_early")]
