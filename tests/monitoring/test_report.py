"""The quarterly monitoring reports: PDF (charts drawn in) and XLSX from the same stored
figures; a quarter not computed says so."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import Engine

from tests.accounts.helpers import ACTORS, client_as
from tests.monitoring.dataset import build
from tests.monitoring.test_indicators import ADMIN
from xinyong import monitoring
from xinyong.accounts import Role
from xinyong.core.db import unit_of_work
from xinyong.core.settings import Settings


def test_quarterly_reports_pdf_and_xlsx(engine: Engine, settings: Settings) -> None:
    with unit_of_work(engine) as session:
        build(session)
    with client_as(settings, ACTORS[Role.ADMIN]) as c:
        empty = c.get("/api/v1/monitoring/report?kind=region&period=2026-Q4")
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(empty.content)).pages)
        assert "尚未计算" in text
        assert c.get("/api/v1/monitoring/report?kind=region&period=2026-11").status_code == 422
    with unit_of_work(engine) as session:
        for period in ("2026-11", "2026-Q4"):
            monitoring.compute(session, ADMIN, period)
    with client_as(settings, ACTORS[Role.ADMIN]) as c:
        pdf = c.get("/api/v1/monitoring/report?kind=region&period=2026-Q4&format=pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "区域信用环境状况监测报告" in text and "350203" in text
        assert "双公示数据及时率" in text and "2026年11月" in text
        x = c.get("/monitoring/report?kind=industry&period=2026-Q4&format=xlsx")
        assert x.status_code == 200
        rows = [[cell.value for cell in r]
                for r in load_workbook(io.BytesIO(x.content)).worksheets[0].iter_rows()]
        timeliness = [r for r in rows if r[0] == "双公示数据及时率（作出决定之日起7个工作日内）"]
        assert ["全市", 1, 3] == timeliness[0][1:4]
        assert len({r[1] for r in timeliness}) == 3 and "enforcement" not in str(timeliness)
