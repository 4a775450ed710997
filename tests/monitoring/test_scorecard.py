"""The scorecard (API, page, XLSX), a shortfall followed to its records, the charts, and the
public turnaround figures."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import Engine, func, select

from tests.accounts.helpers import ACTORS, client_as
from tests.monitoring.dataset import D1, D2, D3, build
from tests.monitoring.test_indicators import ADMIN
from xinyong import monitoring
from xinyong.accounts import Role
from xinyong.audit import AuditEntry
from xinyong.core.db import unit_of_work
from xinyong.core.settings import Settings


def _computed(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        build(session)
        monitoring.compute(session, ADMIN, "2026-11")


def test_scorecard_shortfall_drill_and_xlsx(engine: Engine, settings: Settings) -> None:
    _computed(engine)
    with client_as(settings, ACTORS[Role.ADMIN]) as c:
        card = c.get("/api/v1/monitoring/scorecard?period=2026-11&scope=department").json()
        rows = {r["key"]: r for r in card["rows"]}
        assert set(rows) == {D1, D2, D3}
        d2 = {cell["indicator_id"]: cell for cell in rows[D2]["cells"]}
        assert d2["double_publicity_timeliness"]["met"] is False
        assert d2["case_submissions_department"]["shown"] == "0"
        # The late row behind D2's timeliness shortfall, one click away.
        page = c.get("/monitoring?period=2026-11")
        assert page.status_code == 200 and "未达标" in page.text and "<svg" in page.text
        href = (f"/monitoring/drill?indicator=double_publicity_timeliness&amp;period=2026-11"
                f"&amp;dimension=department&amp;key={D2}")
        assert href in page.text
        drill = c.get(href.replace("&amp;", "&"))
        assert drill.status_code == 200 and "示范企业2有限公司" in drill.text
        api = c.get("/api/v1/monitoring/drill", params={
            "indicator": "double_publicity_timeliness", "period": "2026-11",
            "dimension": "department", "key": D2}).json()
        assert api["total"] == 1 and api["rows"][0][4] == "2026-10-20"
        # D3 sent no case: its checks awaiting feedback are the records behind it.
        missing = c.get("/api/v1/monitoring/drill", params={
            "indicator": "case_submissions_department", "period": "2026-11",
            "dimension": "department", "key": D3}).json()
        assert missing["total"] == 1
        overdue = c.get("/api/v1/monitoring/drill", params={
            "indicator": "objections_on_time", "period": "2026-11", "dimension": "county",
            "key": "350203"}).json()
        assert overdue["total"] == 2 and "张*" in str(overdue["rows"])  # person masked
        x = c.get("/monitoring/scorecard.xlsx?period=2026-11&scope=county")
        assert x.status_code == 200
        ws = load_workbook(io.BytesIO(x.content)).worksheets[0]
        values = [[cell.value for cell in row] for row in ws.iter_rows()]
        assert values[0][:3] == ["县（市、区）代码", "名称", "未达标项数"]
        assert {v[0] for v in values[1:]} == {"350203", "350206"}
        charts = c.get("/api/v1/monitoring/charts?period=2026-11").json()
        timeliness = next(ch for ch in charts
                          if ch["indicator_id"] == "double_publicity_timeliness")
        assert timeliness["points"][-1]["value"] == 1 / 3
        assert len(timeliness["points"]) == 12
        spread = c.get("/api/v1/monitoring/charts?period=2026-11&breakdown=county").json()
        by_county = next(ch for ch in spread
                         if ch["indicator_id"] == "double_publicity_timeliness")
        assert [(p["label"], p["value"]) for p in by_county["points"]] == [
            ("350203", 1 / 3), ("350206", None)]
    with unit_of_work(engine) as session:
        actions = set(session.scalars(select(AuditEntry.action)))
        assert {"monitoring.scorecard.read", "monitoring.drill.read",
                "monitoring.charts.read"} <= actions
    with client_as(settings, ACTORS[Role.DATA_OFFICER]) as c:
        assert c.get("/api/v1/monitoring/scorecard?period=2026-11").status_code == 403


def test_public_turnaround_figures(engine: Engine, settings: Settings) -> None:
    _computed(engine)
    with unit_of_work(engine) as session:
        before = session.scalar(select(func.count()).select_from(AuditEntry))
    with client_as(settings, ACTORS[Role.PUBLIC]) as c:
        rows = {r["department_code"]: r
                for r in c.get("/api/v1/monitoring/turnaround?period=2026-11").json()}
        d1 = rows[D1]["figures"]
        assert d1["double_publicity_timeliness"]["value"] == 0.5
        assert d1["objections_on_time"]["value"] == 0.5
        assert d1["repairs_on_time"]["value"] == 1.0
        assert rows[D2]["figures"]["effective_objection_ratio"]["value"] == 0.0
        page = c.get("/figures?period=2026-11")
        assert page.status_code == 200
        assert "示范市市场监督管理局" in page.text and "50.00%" in page.text
        assert c.get("/figures?period=2026-10").status_code == 200
    with unit_of_work(engine) as session:  # public figures: no audit entry
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == before
