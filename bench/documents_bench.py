"""Render time of a typical two-page document through xinyong.documents.render_pdf.

The document is shaped like the credit report that will use the renderer: head, key-value
facts, two headings, a 30-row table and a signature with a QR code, about 700 distinct
characters. Every render varies the subject's name and the table's rows, so that neither the
per-document font subset cache nor the layout can be reused between renders; the glyph cache
(per process) is warm after the first render, as in a running server.

    .venv/bin/python bench/documents_bench.py --renders 300
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date
from io import BytesIO

from pypdf import PdfReader

from xinyong.documents import (
    Document,
    Heading,
    KeyValues,
    Paragraph,
    QrCode,
    Table,
    render_pdf,
)

# common characters of company names and penalty texts, to vary the content
POOL = ("示范市华盛恒达建材食品物流科技贸易发展有限责任公司集团股份经营部商行工程建设咨询服务"
        "环境保护安全生产市场监督管理税务卫生健康文化旅游交通运输农业农村水利自然资源")
FACT = "经查，当事人{n}在经营活动中存在违法行为，依据相关法律法规予以警告并处罚款{m}元。"


def document(rng: random.Random, i: int) -> Document:
    name = "示范市" + "".join(rng.choice(POOL) for _ in range(6)) + "有限公司"
    rows = tuple((str(k), f"示市监罚〔2026〕{rng.randint(1, 999)}号",
                  f"2026年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
                  FACT.format(n="".join(rng.choice(POOL) for _ in range(3)),
                              m=rng.randint(1000, 99999)))
                 for k in range(1, 31))
    return Document(
        title="公共信用信息报告", authority="示范市公共信用信息中心", issued_on=date(2026, 12, 1),
        number=f"示信报〔2026〕{i}号", footer=f"报告编号 XY-2026-{i:08d}",
        qr=QrCode(f"https://credit.example.gov.cn/verify/{i:08d}", "扫码核验本报告"),
        blocks=(
            Heading("主体基本信息"),
            KeyValues((("主体名称", name), ("统一社会信用代码", "91350203MA2XKL01X7"),
                       ("法定代表人", "王建国"), ("报告日期", "2026年12月1日"))),
            Paragraph("本报告依据示范市公共信用信息平台截至报告日期归集的信息生成，"
                      "仅反映报告日期当日的信用状况，供申请人在政府采购、招标投标等活动中使用。"),
            Heading("行政处罚信息"),
            Table(("序号", "决定书文号", "决定日期", "处罚内容"), rows, widths=(1, 4, 3, 8)),
            Paragraph("以上信息如有异议，可通过平台提出异议申请。"),
        ))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renders", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(7)
    t0 = time.perf_counter()
    first = render_pdf(document(rng, 0))
    cold = time.perf_counter() - t0
    pages = len(PdfReader(BytesIO(first)).pages)
    wall, cpu = [], []
    for i in range(1, args.renders + 1):
        doc = document(rng, i)
        t, c = time.perf_counter(), time.process_time()
        render_pdf(doc)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    print(f"pages {pages}, size {len(first) // 1024} KB, first render (fonts load) "
          f"{cold * 1000:.0f} ms; {len(wall)} warm renders: wall {_summary(wall)}; "
          f"CPU {_summary(cpu)}")


def _summary(times: list[float]) -> str:
    times = sorted(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    return (f"p50 {statistics.median(times) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
            f"max {times[-1] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
