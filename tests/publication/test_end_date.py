"""One end date per record (#13): the provider's 公示截止期 ends the window where it lies
within the rule's minimum and maximum; elsewhere the rule wins and the row is a quality
warning. Pages, API and CSV show the same date, the last day shown (公示截止日期); the raw
provider field is not shown. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.accounts.helpers import ACTORS, client_as
from tests.factories import COMPANY, PROVIDER, penalty, write_csv
from tests.ingest.helpers import push
from xinyong.accounts import Role
from xinyong.api.app import create_app
from xinyong.catalog import default_catalog
from xinyong.core.db import unit_of_work
from xinyong.ingest import Record, provider_quality
from xinyong.ingest.quality import list_end_date_warnings
from xinyong.ingest.runner import FileBatch, run_file_batch
from xinyong.publication.rules import add_months, period_end, provider_last_day
from xinyong.repair.notices import latest_notice, notice_content

AS_OF = {"as_of": "2026-12-01"}
# 一般 (warning + fine, inferred) decided 2026-11-20 under Order 36: 3 to 12 months.
MIN_END, MAX_END = "2027-02-19", "2027-11-19"


@given(st.dates(date(2000, 1, 1), date(2090, 12, 31)), st.integers(1, 60))
def test_a_same_date_n_months_later_is_the_civil_code_end_of_that_period(decided, months):
    assert provider_last_day(add_months(decided, months), decided) == period_end(decided,
                                                                                  months)


@given(st.dates(date(2000, 1, 1), date(2090, 12, 31)), st.integers(0, 2000))
def test_any_other_date_is_the_last_public_day_as_written(decided, days):
    day = decided + timedelta(days=days)
    months = (day.year - decided.year) * 12 + day.month - decided.month
    if months >= 1 and add_months(decided, months) == day:
        return
    assert provider_last_day(day.isoformat(), decided) == day
    assert provider_last_day(None, decided) is None


def _shown(settings, number: str) -> tuple[str, str, str, list[str]]:
    """(API publish_until, CSV 公示截止日期, page text, API field headers) of one record."""
    client = TestClient(create_app(settings))
    items = client.get(f"/api/v1/subjects/{COMPANY}/records", params=AS_OF).json()["items"]
    item = next(i for i in items if i["document_number"] == number)
    rows = list(csv.reader(io.StringIO(client.get(
        "/api/v1/columns/penalty/export.csv", params=AS_OF).content.decode("utf-8-sig"))))
    header, body = rows[0], [r for r in rows[1:] if number in r]
    assert "公示截止期" not in header  # the raw provider field is not a column
    page = client.get(f"/records/{item['id']}", params=AS_OF).text
    return (item["publish_until"], body[0][header.index("公示截止日期")], page,
            [f["header"] for f in item["fields"]])


def test_a_provider_date_within_the_rule_is_the_end_shown_everywhere(engine, settings):
    summary, problems = push(engine, settings, "penalty", [
        penalty(publish_until="2027-05-20"),  # six months as the Civil Code counts them
        penalty(document_number="示市监处罚〔2026〕2号", publish_until="2027-08-31"),
        penalty(document_number="示市监处罚〔2026〕3号", publish_until="2027-11-20")])
    assert (summary.accepted, summary.end_dates_overridden, problems) == (3, 0, [])
    expected = {"示市监处罚〔2026〕1号": "2027-05-19", "示市监处罚〔2026〕2号": "2027-08-31",
                "示市监处罚〔2026〕3号": MAX_END}
    for number, end in expected.items():
        api, csv_end, page, headers = _shown(settings, number)
        assert api == csv_end == end
        assert end in page and "公示截止期" not in headers
        assert "<dt>公示截止期</dt>" not in page and "2027-05-20" not in page
    # The repair notice (两书同达) says the same end.
    with unit_of_work(engine) as s:
        record = s.scalar(select(Record).where(Record.natural_key == "示市监处罚〔2026〕1号"))
        notice = latest_notice(s, record.id)
        content = notice_content(s, notice, platform_name="p", base_url="http://x")
    assert (content.publish_until, content.max_end) == (date(2027, 5, 19), date(2027, 11, 19))


def test_a_provider_date_outside_the_rule_is_a_warning_and_the_rule_wins(engine, settings,
                                                                          tmp_path):
    path = write_csv(tmp_path / "处罚.csv", "penalty", [
        penalty(publish_until="2029-01-01"),  # beyond the maximum
        penalty(document_number="示市监处罚〔2026〕2号", publish_until="2026-12-01")])  # < min
    summary, errors = run_file_batch(engine, default_catalog(), settings, FileBatch(
        path, "penalty", PROVIDER, "tester", date(2026, 11, 27)))
    assert (summary.accepted, summary.rejected, summary.end_dates_overridden) == (2, 0, 2)
    assert any("公示截止期" in w for w in summary.warnings)
    assert errors is not None
    lines = list(csv.reader(errors.read_text(encoding="utf-8-sig").splitlines()))
    assert [(r[0], r[1], r[2], r[5]) for r in lines[1:]] == [
        ("2", "公示截止期", "publish_until_outside_rule", "警告（已导入）"),
        ("3", "公示截止期", "publish_until_outside_rule", "警告（已导入）")]
    assert MAX_END in lines[1][3] and MIN_END in lines[1][3]
    for number in ("示市监处罚〔2026〕1号", "示市监处罚〔2026〕2号"):
        api, csv_end, _page, _h = _shown(settings, number)
        assert api == csv_end == MAX_END
    with unit_of_work(engine) as s:
        [q] = provider_quality(s)
        assert q.end_dates_overridden == 2
        warnings, total = list_end_date_warnings(s)
        assert total == 2 and {w.given for w in warnings} == {"2029-01-01", "2026-12-01"}
    listed = client_as(settings, ACTORS[Role.ADMIN]).get("/api/v1/quality/end-dates").json()
    assert listed["total"] == 2 and listed["items"][0]["publish_until"] == MAX_END


def test_an_update_with_a_bad_date_warns_and_an_api_push_lists_the_warning(engine, settings):
    push(engine, settings, "penalty", [penalty()])
    summary, problems = push(engine, settings, "penalty", [penalty(publish_until="2030-01-01")])
    assert summary.updated == 1 and summary.end_dates_overridden == 1
    assert [(p.rule, p.level) for p in problems] == [("publish_until_outside_rule", "warning")]
    officer = client_as(settings, ACTORS[Role.ADMIN])
    body = officer.post("/api/v1/batches/penalty", params={"provider": PROVIDER},
                        json=[penalty(document_number="示市监处罚〔2026〕5号",
                                      publish_until="2030-01-01")]).json()
    assert body["accepted"] == 1 and body["errors"][0]["level"] == "warning"
