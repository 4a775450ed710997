"""Credit report generation (issue 17): per report p50/p99 for the signed JSON and the signed
PDF, next to the raw PDF library (fpdf2 alone, same lines, same embedded font subset, no
layout engine, no signature) in the same run.

1. The scratch database of bench/query_bench.py (N subjects, M penalty records with their
   publication judgements, bulk-loaded), migrated to the current head; reused if present.
2. For R subjects that have records, in one process (warm: fonts, keys):
   * json: `reports.issue` (read the subject's public records and lists, build the content,
     canonical JSON, Ed25519 JWS, store the issued report, audit entry, commit);
   * pdf: json + `Issued.pdf` (render through xinyong.documents, embed report.json, pyHanko
     CMS signature over the whole file);
   * raw: fpdf2 writing the same report lines with the same font subset, unsigned.

    .venv/bin/python bench/report_bench.py --subjects 100000 --records 500000 --reports 200
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fpdf import FPDF  # noqa: E402
from query_bench import generate  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from xinyong.accounts import PUBLIC  # noqa: E402
from xinyong.core.db import build_engine, unit_of_work, upgrade  # noqa: E402
from xinyong.core.settings import Settings  # noqa: E402
from xinyong.documents.pdf import _register, default_fonts  # noqa: E402
from xinyong.ingest.tables import Record  # noqa: E402
from xinyong.reports import issue  # noqa: E402
from xinyong.reports.pdfdoc import document  # noqa: E402
from xinyong.subjects.tables import Subject  # noqa: E402


def raw_pdf(content: dict[str, Any]) -> bytes:
    """The baseline: fpdf2 alone writes the report's lines (same text, same font subset)."""
    doc = document(content)
    lines: list[str] = [doc.authority, doc.title, doc.number or ""]
    for block in doc.blocks:
        for attr in ("text",):
            if hasattr(block, attr):
                lines.append(getattr(block, attr))
        if hasattr(block, "items"):
            for it in block.items:
                lines.append("：".join(it) if isinstance(it, tuple) else str(it))
        if hasattr(block, "rows"):
            lines += ["　".join(r) for r in block.rows]
    lines.append(doc.footer)
    pdf = FPDF(unit="pt", format="A4")
    fonts = default_fonts()
    _register(pdf, "docfont", "", fonts.regular, {ord(c) for line in lines for c in line})
    pdf.set_font("docfont", size=11)
    pdf.set_margins(74, 62, 68)
    pdf.add_page()
    for line in lines:
        pdf.multi_cell(0, 18.5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=500_000)
    parser.add_argument("--reports", type=int, default=200)
    args = parser.parse_args()
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    path = out / f"query_sqlite_{args.subjects}.db"
    url = f"sqlite:///{path}"
    engine = build_engine(url)
    if not path.exists():
        t = time.perf_counter()
        generate(engine, args.subjects, args.records)
        print(f"generated {args.subjects} subjects / {args.records} records in "
              f"{time.perf_counter() - t:.0f} s")
    upgrade(engine)
    settings = Settings(database_url=url, var_dir=out / "report_var",
                        secret_key="bench-secret-key-0123456789abcdef0123", environment="test")
    with unit_of_work(engine) as s:
        ids = list(s.scalars(select(Record.subject_id).group_by(Record.subject_id)
                             .having(func.count() >= 1).limit(args.reports * 20)))
        n_records = s.scalar(select(func.count()).select_from(Record))
        n_subjects = s.scalar(select(func.count()).select_from(Subject))
        rng = random.Random(5)
        pick = rng.sample(ids, min(args.reports, len(ids)))
        codes = [s.get(Subject, i).uscc for i in pick]  # type: ignore[union-attr]
    # warm-up: fonts, keys, catalog
    with unit_of_work(engine) as s:
        rep = issue(s, settings, PUBLIC, codes[0])
    rep.pdf(settings)
    raw_pdf(rep.content)
    js, pdf, raw, items, pages = [], [], [], [], []
    cjs, cpdf, craw = [], [], []
    for code in codes:
        t, c = time.perf_counter(), time.process_time()
        with unit_of_work(engine) as s:
            rep = issue(s, settings, PUBLIC, code)
        t_json, c_json = time.perf_counter() - t, time.process_time() - c
        t, c = time.perf_counter(), time.process_time()
        data = rep.pdf(settings)
        t_pdf, c_pdf = time.perf_counter() - t, time.process_time() - c
        t, c = time.perf_counter(), time.process_time()
        raw_pdf(rep.content)
        raw.append(time.perf_counter() - t)
        craw.append(time.process_time() - c)
        js.append(t_json)
        pdf.append(t_json + t_pdf)
        cjs.append(c_json)
        cpdf.append(c_json + c_pdf)
        items.append(sum(len(sec["items"]) for sec in rep.content["sections"]))
        pages.append(data.count(b"/Type /Page\n") or data.count(b"/Type/Page"))
    load = os.getloadavg()
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, load {load[0]:.1f}; "
          f"database sqlite {n_subjects} subjects / {n_records} records; "
          f"{len(codes)} reports, items per report median {statistics.median(items)}")
    for name, vals in (("json (issue+sign+store)", js), ("pdf (json + render + sign)", pdf),
                       ("raw fpdf2 baseline", raw), ("CPU json", cjs), ("CPU pdf", cpdf),
                       ("CPU raw fpdf2", craw)):
        print(f"{name:28s} p50 {pct(vals, 0.5):7.1f} ms  p99 {pct(vals, 0.99):7.1f} ms  "
              f"max {max(vals) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
