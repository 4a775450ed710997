"""What a document says, not how it looks: the platform's PDF documents are built from these
values and rendered by the one renderer in `xinyong.documents.pdf`.

A document has a head (issuing authority, title, document number), a body of blocks in
order, a signature with the authority's seal and the issue date, an optional QR code and a
footer line on every page. Every text is plain text: no markup is interpreted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Align = Literal["left", "center", "right"]


def cn_date(day: date) -> str:
    """The date as official documents print it: 2026年3月1日 (no zero padding)."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Heading:
    """A section heading; `numbered` headings get 一、二、三… in document order."""

    text: str
    numbered: bool = True


@dataclass(frozen=True)
class Paragraph:
    """Running text. `indent`: the first line starts two characters in (正文首行缩进);
    `keep_with_next`: never the last thing on a page (an address line before its text).
    `link`: the paragraph is a link to this address (clickable in viewers)."""

    text: str
    indent: bool = True
    align: Align = "left"
    margin: float = 0.0  # left indent of every line, in characters
    link: str | None = None
    keep_with_next: bool = False


@dataclass(frozen=True)
class KeyValues:
    """Labelled facts, one per line: 决定书文号：示市监罚〔2026〕12号. A long value wraps
    under itself, not under the label."""

    items: tuple[tuple[str, str], ...]
    margin: float = 2.0  # characters


@dataclass(frozen=True)
class Items:
    """A numbered (1. 2. 3.) or plain list; each item wraps under its own text."""

    items: tuple[str, ...]
    numbered: bool = True
    margin: float = 2.0  # characters


@dataclass(frozen=True)
class Table:
    """A ruled table. The header row is repeated at the top of every page the table runs
    onto. `widths` are relative column widths (default: equal); a row is never split."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] | None = None
    caption: str | None = None


@dataclass(frozen=True)
class Spacer:
    height_mm: float = 4.0


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart drawn as vector rectangles (prints like the table it sits
    beside): one bar per (label, share of the longest bar 0..1 or None: no data, value as
    printed). Kept on one page."""

    bars: tuple[tuple[str, float | None, str], ...]
    caption: str | None = None


Block = Heading | Paragraph | KeyValues | Items | Table | Spacer | BarChart


@dataclass(frozen=True)
class Signature:
    """The issuing block at the end: authority name with its seal (（盖章）) and the date.
    It is kept on the page of the text before it: a page never holds only the signature."""

    authority: str
    on: date
    seal_label: str = "（盖章）"


@dataclass(frozen=True)
class QrCode:
    """A QR code printed beside the signature (report verification): `payload` is what it
    encodes (usually an address), `caption` the line printed under it."""

    payload: str
    caption: str = ""


@dataclass(frozen=True)
class Document:
    """One document. `issued_on` is also the PDF's creation date, so the same content gives
    the same bytes whenever it is rendered (an issued document can be fingerprinted)."""

    title: str
    authority: str  # the issuing authority, printed above the title and in the signature
    issued_on: date
    blocks: tuple[Block, ...]
    number: str | None = None  # document number, printed under the title
    signature: Signature | None = None  # None: Signature(authority, issued_on)
    sign: bool = True  # False: no signature block at all (a report, a list)
    footer: str = ""  # printed on every page before "第 1 页 共 N 页"
    qr: QrCode | None = None
    subject: str = ""  # PDF metadata
    keywords: tuple[str, ...] = field(default_factory=tuple)

    @property
    def effective_signature(self) -> Signature | None:
        if not self.sign:
            return None
        return self.signature or Signature(self.authority, self.issued_on)
