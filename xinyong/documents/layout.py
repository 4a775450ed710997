"""Page layout of a Document: line breaking by measured width with Chinese line-breaking rules
(避头尾: no line starts with a closing mark or ends with an opening one), boxes that keep
together, pages with repeated table headers. Pure geometry in points; `pdf.py` draws it.

Everything here is computed before drawing, so the page count is known when the footers
("第 1 页 共 N 页") are printed and the signature can be kept with the text before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from xinyong.documents.model import (
    BarChart,
    Document,
    Heading,
    Items,
    KeyValues,
    Paragraph,
    QrCode,
    Signature,
    Spacer,
    Table,
    cn_date,
)

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM  # A4
LEFT, RIGHT, TOP, BOTTOM = 26 * MM, 24 * MM, 22 * MM, 22 * MM
FOOTER_Y = PAGE_H - 12 * MM  # baseline of the footer line
BODY_W = PAGE_W - LEFT - RIGHT
BODY_H = PAGE_H - TOP - BOTTOM

BODY, LEADING = 11.0, 18.5
HEADING = 12.0
TABLE, TABLE_LEADING, CELL_PAD = 9.5, 14.0, 3.0
AUTHORITY, TITLE, FOOTER = 16.0, 20.0, 8.0
QR_SIZE = 24 * MM

# 避头: marks that never start a line; 避尾: marks that never end one (GB/T 15834 usage).
NO_START = frozenset("，。、：；！？）》」』】〕〉”’%‰…—·,.;:!?)]}")
NO_END = frozenset("（《「『【〔〈“‘([{")
_UNITS = re.compile(r"[\x21-\x7e]+|[ \t\u3000]+|.", re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")

Measure = Callable[[str, float, bool], float]  # (text, size, bold) -> width in points


@dataclass(frozen=True)
class Text:
    x: float
    dy: float  # baseline, from the top of the box
    text: str
    size: float
    bold: bool = False
    link: str | None = None
    width: float = 0.0  # for the link area


@dataclass(frozen=True)
class Rect:
    x: float
    dy: float
    w: float
    h: float
    fill: bool = False


@dataclass(frozen=True)
class Qr:
    x: float
    dy: float
    size: float
    payload: str


Op = Text | Rect | Qr


@dataclass
class Box:
    """A piece of a page that is never split: a line, a table row, the signature."""

    height: float
    ops: list[Op] = field(default_factory=list)
    keep_with_next: bool = False
    space: bool = False  # vertical space only: dropped at the top of a page
    header: Box | None = None  # a table row: the header row to repeat on a new page


@dataclass(frozen=True)
class Placed:
    y: float  # top of the box on its page
    box: Box


def clean(text: str) -> str:
    """Control characters have no glyph (viewers draw boxes); imported data does carry them."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def wrap(text: str, width: float, size: float, measure: Measure, *, bold: bool = False,
         first_indent: float = 0.0) -> list[str]:
    """Lines of at most `width` points: CJK breaks between any two characters, a run of
    ASCII (a word, a number, an address) stays whole unless it is wider than a line, spaces
    at a break vanish, closing marks hang at the end of the line rather than start the next,
    and an opening mark moves to the next line."""
    lines: list[str] = []
    for hard in clean(text).split("\n"):
        lines.extend(_wrap_line(hard, width, size, measure, bold,
                                first_indent if not lines else 0.0))
    return lines or [""]


def _wrap_line(text: str, width: float, size: float, measure: Measure, bold: bool,
               indent: float) -> list[str]:
    lines: list[str] = []
    current, used, avail = "", 0.0, width - indent
    for unit in _units(text, width, size, measure, bold):
        w = measure(unit, size, bold)
        if used + w <= avail + 0.01 or not current:
            current, used = current + unit, used + w
            continue
        if unit.isspace():
            lines.append(current.rstrip())
            current, used, avail = "", 0.0, width
            continue
        if unit[0] in NO_START and len(unit) == 1:
            current += unit  # hanging punctuation: may pass the margin by one mark
            lines.append(current.rstrip())
            current, used, avail = "", 0.0, width
            continue
        carry = ""
        while current and current[-1] in NO_END:
            current, carry = current[:-1], current[-1] + carry
        lines.append(current.rstrip())
        current = (carry + unit).lstrip()
        used, avail = measure(current, size, bold), width
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines


def _units(text: str, width: float, size: float, measure: Measure,
           bold: bool) -> Iterator[str]:
    for m in _UNITS.finditer(text.replace("\t", " ")):
        unit = m.group()
        if len(unit) > 1 and not unit.isspace() and measure(unit, size, bold) > width:
            yield from unit  # an address longer than a line breaks anywhere
        else:
            yield unit


class Layout:
    """Turns a Document into boxes, then boxes into pages."""

    def __init__(self, doc: Document, measure: Measure) -> None:
        self.doc = doc
        self.m = measure
        self.em = measure("中", BODY, False)

    # -- blocks -> boxes -------------------------------------------------------------------

    def boxes(self) -> list[Box]:
        out = self._head()
        numeral = 0
        for block in self.doc.blocks:
            if isinstance(block, Heading):
                label = block.text
                if block.numbered:
                    label = f"{_NUMERALS[numeral % len(_NUMERALS)]}、{block.text}"
                    numeral += 1
                out.append(Box(6.0, space=True))
                out += self._lines(label, HEADING, True, LEADING, 0, 0, keep_all=True)
            elif isinstance(block, Paragraph):
                out += self._paragraph(block)
            elif isinstance(block, KeyValues):
                for label, value in block.items:
                    out += self._hanging(f"{label}：", value, block.margin)
            elif isinstance(block, Items):
                for i, item in enumerate(block.items, start=1):
                    out += self._hanging(f"{i}. " if block.numbered else "· ", item,
                                         block.margin)
            elif isinstance(block, Table):
                out += self._table(block)
            elif isinstance(block, Spacer):
                out.append(Box(block.height_mm * MM, space=True))
            elif isinstance(block, BarChart):
                out += self._bar_chart(block)
        signature = self.doc.effective_signature
        if signature is not None or self.doc.qr is not None:
            # the signature stays with the last lines of the text before it
            for box in out[-2:]:
                if not box.space:
                    box.keep_with_next = True
            out.append(Box(10.0, space=False, keep_with_next=True))
            out.append(self._signature(signature, self.doc.qr))
        return out

    def _head(self) -> list[Box]:
        out = self._lines(self.doc.authority, AUTHORITY, True, AUTHORITY * 1.6, 0, 0,
                          align="center")
        out += self._lines(self.doc.title, TITLE, True, TITLE * 1.5, 0, 0, align="center")
        if self.doc.number:
            out += self._lines(self.doc.number, BODY, False, LEADING, 0, 0, align="center")
        out.append(Box(8.0, space=True))
        for box in out:
            box.keep_with_next = True
        return out

    def _paragraph(self, p: Paragraph) -> list[Box]:
        margin = p.margin * self.em
        boxes = self._lines(p.text, BODY, False, LEADING, margin,
                            2 * self.em if p.indent else 0.0, align=p.align, link=p.link)
        if p.keep_with_next:
            for box in boxes:
                box.keep_with_next = True
        return boxes

    def _lines(self, text: str, size: float, bold: bool, leading: float, margin: float,
               indent: float, *, align: str = "left", link: str | None = None,
               keep_all: bool = False) -> list[Box]:
        width = BODY_W - margin
        lines = wrap(text, width, size, self.m, bold=bold, first_indent=indent)
        boxes = []
        for i, line in enumerate(lines):
            w = self.m(line, size, bold)
            x = LEFT + margin + (indent if i == 0 else 0.0)
            if align == "center":
                x = LEFT + (BODY_W - w) / 2
            elif align == "right":
                x = LEFT + BODY_W - w
            baseline = (leading + size * 0.7) / 2
            boxes.append(Box(leading, [Text(x, baseline, line, size, bold, link, w)]))
        _keep_lines_together(boxes, keep_all)
        return boxes

    def _hanging(self, label: str, value: str, margin_chars: float) -> list[Box]:
        """`label` then `value`, the value's later lines aligned under its first."""
        margin = margin_chars * self.em
        label_w = self.m(label, BODY, False)
        if label_w > BODY_W / 3:  # a very long label: value on the lines below
            return self._lines(label + value, BODY, False, LEADING, margin, 0.0)
        lines = wrap(value, BODY_W - margin - label_w, BODY, self.m)
        baseline = (LEADING + BODY * 0.7) / 2
        boxes = [Box(LEADING, [Text(LEFT + margin, baseline, label, BODY)] if i == 0 else [])
                 for i in range(len(lines))]
        for box, line in zip(boxes, lines, strict=True):
            box.ops.append(Text(LEFT + margin + label_w, baseline, line, BODY))
        _keep_lines_together(boxes, False)
        return boxes

    def _table(self, t: Table) -> list[Box]:
        ncols = len(t.header)
        rel = t.widths or tuple(1.0 for _ in range(ncols))
        total = sum(rel)
        widths = [BODY_W * r / total for r in rel]
        out: list[Box] = []
        if t.caption:
            out += self._lines(t.caption, BODY, True, LEADING, 0, 0, align="center",
                               keep_all=True)
        header = self._row(t.header, widths, bold=True)
        header.keep_with_next = True
        out.append(header)
        for row in t.rows:
            box = self._row(tuple(row) + ("",) * (ncols - len(row)), widths, bold=False)
            box.header = header
            out.append(box)
        return out

    def _bar_chart(self, chart: BarChart) -> list[Box]:
        out: list[Box] = []
        if chart.caption:
            out += self._lines(chart.caption, BODY, True, LEADING, 0, 0, align="center",
                               keep_all=True)
            out[-1].keep_with_next = True
        label_w, value_w = BODY_W * 0.32, BODY_W * 0.16
        bar_w = BODY_W - label_w - value_w
        ops: list[Op] = []
        for i, (label, share, shown) in enumerate(chart.bars):
            dy = i * TABLE_LEADING
            baseline = dy + (TABLE_LEADING + TABLE * 0.7) / 2
            text = wrap(label, label_w - CELL_PAD, TABLE, self.m)[0]
            ops.append(Text(LEFT, baseline, text, TABLE))
            if share is not None and share > 0:
                w = max(bar_w * min(share, 1.0), 0.5)
                ops.append(Rect(LEFT + label_w, dy + 3.0, w, TABLE_LEADING - 6.0, fill=True))
            ops.append(Text(LEFT + label_w + bar_w + CELL_PAD, baseline, shown, TABLE))
        out.append(Box(len(chart.bars) * TABLE_LEADING + CELL_PAD, ops))
        return out

    def _row(self, cells: tuple[str, ...], widths: list[float], *, bold: bool) -> Box:
        wrapped = [wrap(c, w - 2 * CELL_PAD, TABLE, self.m, bold=bold)
                   for c, w in zip(cells, widths, strict=False)]
        height = max(len(lines) for lines in wrapped) * TABLE_LEADING + 2 * CELL_PAD
        ops: list[Op] = []
        x = LEFT
        for lines, w in zip(wrapped, widths, strict=False):
            ops.append(Rect(x, 0.0, w, height, fill=bold))
            for i, line in enumerate(lines):
                baseline = CELL_PAD + i * TABLE_LEADING + (TABLE_LEADING + TABLE * 0.7) / 2
                lx = x + CELL_PAD
                if bold:  # header cells centred
                    lx = x + (w - self.m(line, TABLE, True)) / 2
                ops.append(Text(lx, baseline, line, TABLE, bold))
            x += w
        return Box(height, ops)

    def _signature(self, sig: Signature | None, qr: QrCode | None) -> Box:
        ops: list[Op] = []
        height = 0.0
        if sig is not None:
            lines = [sig.authority + sig.seal_label, cn_date(sig.on)]
            widths = [self.m(line, BODY, False) for line in lines]
            centre = LEFT + BODY_W - 2 * self.em - max(widths) / 2
            for i, (line, w) in enumerate(zip(lines, widths, strict=True)):
                ops.append(Text(centre - w / 2, 14.0 + i * LEADING, line, BODY))
            height = 2 * LEADING + 6.0
        if qr is not None:
            ops.append(Qr(LEFT, 0.0, QR_SIZE, qr.payload))
            qh = QR_SIZE
            if qr.caption:
                for i, line in enumerate(wrap(qr.caption, QR_SIZE * 2.2, FOOTER, self.m)):
                    ops.append(Text(LEFT, QR_SIZE + 10.0 + i * FOOTER * 1.4, line, FOOTER))
                    qh = QR_SIZE + 12.0 + i * FOOTER * 1.4
            height = max(height, qh)
        return Box(height, ops)

    # -- boxes -> pages --------------------------------------------------------------------

    def pages(self) -> list[list[Placed]]:
        boxes = self.boxes()
        pages: list[list[Placed]] = [[]]
        y = TOP
        i = 0
        while i < len(boxes):
            group = _group(boxes, i)
            need = sum(b.height for b in group)
            first = boxes[i]
            if y + need > TOP + BODY_H and pages[-1] and need <= BODY_H:
                pages.append([])
                y = TOP
            for box in group if need <= BODY_H else [first]:
                if y + box.height > TOP + BODY_H and pages[-1]:
                    pages.append([])
                    y = TOP
                if not pages[-1]:
                    if box.space:
                        continue
                    if box.header is not None:
                        pages[-1].append(Placed(y, box.header))
                        y += box.header.height
                pages[-1].append(Placed(y, box))
                y += box.height
            i += len(group) if need <= BODY_H else 1
        return [p for p in pages if p] or [[]]


def _group(boxes: list[Box], start: int) -> list[Box]:
    """The box at `start` and every box chained to it by keep_with_next."""
    end = start
    while end < len(boxes) - 1 and boxes[end].keep_with_next:
        end += 1
    return boxes[start:end + 1]


def _keep_lines_together(boxes: list[Box], keep_all: bool) -> None:
    """No single first or last line of a paragraph alone on a page (孤行控制)."""
    n = len(boxes)
    for i, box in enumerate(boxes):
        if keep_all or (i < n - 1 and (n <= 3 or i == 0 or i == n - 2)):
            box.keep_with_next = True


_NUMERALS = "一二三四五六七八九十"
