"""Server-rendered SVG charts (no JavaScript, no CDN; they print): a bar chart of a trend or a
breakdown, with the target as a dashed line. Pure: labels and values in, SVG text out."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from xinyong.monitoring.model import format_value

W, H, LEFT, BOTTOM, TOP = 640, 260, 56, 64, 28
BAR, MISS, BELOW = "#2f6f9f", "#c8c8c8", "#c0392b"


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float | None], unit: str,
              *, target: float | None = None, met: Sequence[bool | None] | None = None) -> str:
    """A bar per label; a missing value is a grey stub marked 无数据; bars below target red."""
    scale = 100.0 if unit == "percent" else (100000.0 if unit == "per100k" else 1.0)
    shown = [v * scale for v in values if v is not None]
    top = max([*shown, (target or 0) * scale, 1e-9])
    top = top * 1.1 if unit != "percent" else max(100.0, top)
    plot_w, plot_h = W - LEFT - 16, H - BOTTOM - TOP
    n = max(len(labels), 1)
    step = plot_w / n
    bw = max(4.0, step * 0.6)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" '
           f'height="{H}" role="img" aria-label="{escape(title)}" class="chart" '
           'font-family="sans-serif" font-size="11">',
           f'<title>{escape(title)}</title>',
           f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
           f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{W - 16}" y2="{TOP + plot_h}" '
           'stroke="#333"/>',
           f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#333"/>']
    for frac in (0.0, 0.5, 1.0):
        y = TOP + plot_h * (1 - frac)
        tick = top * frac / scale
        out.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">'
                   f'{escape(format_value(tick, unit))}</text>')
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + step * i + (step - bw) / 2
        if v is None:
            out.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - 2}" width="{bw:.1f}" height="2" '
                       f'fill="{MISS}"/><text x="{x + bw / 2:.1f}" y="{TOP + plot_h - 6}" '
                       'text-anchor="middle" fill="#777">无数据</text>')
        else:
            h = plot_h * (v * scale) / top
            colour = BELOW if met is not None and met[i] is False else BAR
            out.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bw:.1f}" '
                       f'height="{h:.1f}" fill="{colour}"><title>{escape(label)}：'
                       f'{escape(format_value(v, unit))}</title></rect>'
                       f'<text x="{x + bw / 2:.1f}" y="{TOP + plot_h - h - 3:.1f}" '
                       f'text-anchor="middle">{escape(format_value(v, unit))}</text>')
        out.append(f'<text x="{x + bw / 2:.1f}" y="{TOP + plot_h + 14}" text-anchor="end" '
                   f'transform="rotate(-35 {x + bw / 2:.1f} {TOP + plot_h + 14})">'
                   f'{escape(label[:14])}</text>')
    if target is not None:
        y = TOP + plot_h * (1 - target * scale / top)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - 16}" y2="{y:.1f}" '
                   'stroke="#e67e22" stroke-dasharray="6 4"/>'
                   f'<text x="{W - 16}" y="{y - 4:.1f}" text-anchor="end" fill="#e67e22">目标 '
                   f'{escape(format_value(target, unit))}</text>')
    out.append("</svg>")
    return "".join(out)
