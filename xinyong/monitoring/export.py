"""The scorecard as XLSX (for the leading group's meeting), through the one tabular writer."""

from __future__ import annotations

import io

from xinyong.documents.tabular import Column, XlsxWriter
from xinyong.monitoring.model import DIMENSION_LABELS, format_value
from xinyong.monitoring.service import Scorecard


def scorecard_xlsx(card: Scorecard) -> bytes:
    book = XlsxWriter()
    head = [Column(DIMENSION_LABELS[card.scope] + "代码"), Column("名称", width=30),
            Column("未达标项数")]
    for ind in card.indicators:
        head.append(Column(ind.name, comment=f"目标：{ind.target.label(ind.unit)}；"
                           f"来源：{ind.source}", width=18))
    sheet = book.sheet(f"{card.period.label}考核", head)
    for row in card.rows:
        cells = []
        for c in row.cells:
            f = c.figure
            if f is None:
                cells.append("")
            elif f.no_data:
                cells.append("暂无数据")
            else:
                mark = "（未达标）" if f.met is False else ""
                cells.append(format_value(f.value, c.indicator.unit) + mark)
        sheet.row([row.key, row.name, row.shortfalls, *cells])
    basis = book.sheet("指标说明", [Column("指标"), Column("目标"), Column("来源", width=40),
                                    Column("法律依据", width=40), Column("生效日期")])
    for ind in card.indicators:
        lb = ind.legal_basis
        basis.row([ind.name, ind.target.label(ind.unit), ind.source,
                   f"《{lb.title}》{lb.document_number or ''}", lb.effective_from])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
