"""The quarterly monitoring reports (seed 001: 行业信用状况监测报告, 区域信用环境状况监测报告)
as PDF through the one renderer (charts drawn as vector bars) and as XLSX through the one
writer, both from the same stored figures of the quarter and its months."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from xinyong.catalog import default_catalog
from xinyong.core import clock
from xinyong.core.errors import Conflict
from xinyong.documents import BarChart, Block, Document, Heading, Paragraph, Table, render_pdf
from xinyong.documents.tabular import Column, XlsxWriter
from xinyong.monitoring.model import (
    DIMENSION_LABELS,
    Indicator,
    format_value,
    load_indicators,
)
from xinyong.monitoring.period import Period
from xinyong.monitoring.service import Figure, department_names, figures

ReportKind = Literal["industry", "region"]
KINDS: dict[str, tuple[str, str]] = {
    # kind -> (title, the breakdown it is about)
    "industry": ("行业信用状况监测报告", "industry"),
    "region": ("区域信用环境状况监测报告", "county"),
}
INDUSTRY_LABELS = {"": "未分类"}


@dataclass(frozen=True)
class Section:
    indicator: Indicator
    total: Figure | None
    months: list[tuple[Period, Figure | None]]
    breakdown: list[tuple[str, Figure]]


@dataclass(frozen=True)
class Report:
    kind: str
    title: str
    period: Period
    dimension: str
    sections: list[Section]
    computed: bool = True


def build(session: Session, kind: str, period: str) -> Report:
    p = Period.parse(period)
    if p.kind != "quarter":
        raise Conflict("监测报告按季度编制：统计期应为 2026-Q4 这样的季度", code="report_quarter")
    title, dim = KINDS[kind]
    stored = figures(session, p.key)  # none: the report says the quarter is not computed
    by_month = {m.key: {(f.indicator_id, f.dimension, f.key): f
                        for f in figures(session, m.key, dimension="total")}
                for m in p.months()}
    names = department_names(session)
    if dim == "industry":
        classes = default_catalog().department_classes
        names = {k: v.label for k, v in classes.items()}
    sections = []
    for ind in load_indicators().values():
        if dim not in ind.dimensions:
            continue
        total = next((f for f in stored if f.indicator_id == ind.id
                      and f.dimension == "total"), None)
        rows = [(names.get(f.key, INDUSTRY_LABELS.get(f.key, f.key)), f) for f in stored
                if f.indicator_id == ind.id and f.dimension == dim]
        months = [(m, by_month[m.key].get((ind.id, "total", ""))) for m in p.months()]
        sections.append(Section(ind, total, months, rows))
    return Report(kind, title, p, dim, sections, computed=bool(stored))


def report_pdf(report: Report, authority: str) -> bytes:
    p = report.period
    blocks: list[Block] = []
    blocks.append(Paragraph(
        f"本报告依据平台按月、按季度计算并保存的信用监测指标数值编制，统计期为{p.label}"
        f"（{p.start.isoformat()}至{p.end.isoformat()}），按{DIMENSION_LABELS[report.dimension]}"
        "分列各项指标及其目标。各项指标的计算口径、来源和依据见文末。"))
    if not report.computed:
        blocks.append(Paragraph(f"本季度指标尚未计算（xinyong monitoring compute --period "
                                f"{p.key}），以下各项暂无数值。"))
    for s in report.sections:
        ind, unit = s.indicator, s.indicator.unit
        blocks.append(Heading(ind.name))
        total = s.total.shown(unit) if s.total else "—"
        months = "；".join(f"{m.label} {f.shown(unit) if f else '未计算'}" for m, f in s.months)
        blocks.append(Paragraph(f"全市{p.label}：{total}，目标 {ind.target.label(unit)}。"
                                f"各月：{months}。"))
        if s.breakdown:
            shortfalls = [label for label, f in s.breakdown if f.met is False]
            if shortfalls:
                blocks.append(Paragraph("未达到目标的：" + "、".join(shortfalls) + "。"))
            blocks.append(Table(
                ("名称", "分子", "分母", "数值", "是否达标"),
                tuple((label, str(f.numerator), "" if f.denominator is None
                       else str(f.denominator), f.shown(unit),
                       {True: "达标", False: "未达标", None: "—"}[f.met])
                      for label, f in s.breakdown), widths=(3, 1, 1, 1.4, 1)))
            values = [f.value for _k, f in s.breakdown if f.value is not None]
            top = max([*values, ind.target.value or 0, 1e-12])
            blocks.append(BarChart(tuple(
                (label, None if f.value is None else f.value / top,
                 format_value(f.value, unit) if not f.no_data else "暂无数据")
                for label, f in s.breakdown), caption=f"图：{ind.name}"))
    blocks.append(Heading("指标口径和依据"))
    blocks.append(Table(("指标", "目标", "来源", "依据"), tuple(
        (s.indicator.name, s.indicator.target.label(s.indicator.unit), s.indicator.source,
         f"《{s.indicator.legal_basis.title}》{s.indicator.legal_basis.document_number or ''}")
        for s in report.sections), widths=(2, 1, 2.5, 2.5)))
    doc = Document(title=f"{p.label}{report.title}", authority=authority,
                   issued_on=clock.today(), blocks=tuple(blocks), sign=False,
                   footer=f"{report.title}（{p.key}）", subject=report.title,
                   keywords=("信用监测", p.key))
    return render_pdf(doc)


def report_xlsx(report: Report) -> bytes:
    book = XlsxWriter()
    sheet = book.sheet(f"{report.period.key}{report.title}"[:31], [
        Column("指标", width=30), Column(DIMENSION_LABELS[report.dimension], width=24),
        Column("分子"), Column("分母"), Column("数值"), Column("目标"), Column("是否达标")])
    for s in report.sections:
        unit = s.indicator.unit
        rows: list[tuple[str, Figure]] = ([("全市", s.total)] if s.total else []) + s.breakdown
        for label, f in rows:
            sheet.row([s.indicator.name, label, f.numerator, f.denominator, f.shown(unit),
                       s.indicator.target.label(unit),
                       {True: "达标", False: "未达标", None: ""}[f.met]])
    months = book.sheet("各月趋势", [Column("指标", width=30), Column("月份"), Column("数值")])
    for s in report.sections:
        for m, mf in s.months:
            months.row([s.indicator.name, m.key, mf.shown(s.indicator.unit) if mf else "未计算"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
