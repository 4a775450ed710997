"""The fonts of the platform's PDF documents: Noto CJK as the system ships it, embedded.

Debian's fonts-noto-cjk installs CFF-outline OpenType collections (.ttc). Embedding a whole
CJK face would put ~20 MB into every document, so each document embeds only its own
characters: the glyphs are read from the system font once per process (cached), converted to
TrueType outlines (cubic to quadratic within one font unit, invisible at any print size) and
assembled, per document, into a small font holding exactly the characters the document uses,
in code point order. That font is embedded as a CIDFontType2 (FontFile2) with a ToUnicode map,
so text extracts and searches as written. The same characters always give the same font bytes.

A character the font lacks (some rare name characters, a code point no CJK font covers) is
printed as the font's empty box (.notdef) but still maps to its code point: the text is
copied, searched and extracted correctly, and a reader sees that a glyph is missing.

The font files are found at run time (XINYONG_PDF_FONT, a list of paths separated by ':');
nothing is downloaded and no font is shipped with the platform.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable
from fontTools.ttLib.tables._g_l_y_f import Glyph

from xinyong.core.errors import ConfigError

# Debian / Ubuntu (fonts-noto-cjk), then the paths other distributions use for the same files.
DEFAULT_FONT_PATHS: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)
GLYPH_CACHE_MAX = 12_000  # converted glyphs kept per face (~3 KB each)
_MAX_ERR = 1.0  # font units (1/1000 em): the cubic-to-quadratic tolerance


def font_paths(setting: str | None) -> tuple[str, ...]:
    """The candidate font files: the setting's list (':'-separated), else the defaults."""
    if setting and setting.strip():
        return tuple(p.strip() for p in setting.split(os.pathsep) if p.strip())
    return DEFAULT_FONT_PATHS


@dataclass(frozen=True)
class _Glyph:
    """A converted glyph, compiled once: its glyf bytes and the numbers the font's head,
    hhea and maxp tables need, so assembling a document's font never re-parses outlines."""

    data: bytes
    advance: int
    lsb: int
    bounds: tuple[int, int, int, int] | None  # xMin, yMin, xMax, yMax; None: empty glyph
    points: int
    contours: int


class Face:
    """One face of a system font, loaded lazily and shared by every render in the process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.index = _chinese_face(path)
        self._font = TTFont(str(path), fontNumber=self.index, lazy=True)
        self._lock = threading.Lock()  # fontTools' lazy tables are not thread-safe
        with self._lock:
            self.cmap: dict[int, str] = self._font.getBestCmap() or {}
            self.metrics: dict[str, tuple[int, int]] = dict(self._font["hmtx"].metrics)
            self._glyphs = self._font.getGlyphSet()
            self.upem = int(self._font["head"].unitsPerEm)
            hhea, os2, head = self._font["hhea"], self._font["OS/2"], self._font["head"]
            self.ascent, self.descent = int(hhea.ascent), int(hhea.descent)
            self._os2 = {"sTypoAscender": os2.sTypoAscender,
                         "sTypoDescender": os2.sTypoDescender,
                         "sTypoLineGap": os2.sTypoLineGap, "usWinAscent": os2.usWinAscent,
                         "usWinDescent": os2.usWinDescent, "usWeightClass": os2.usWeightClass,
                         "sxHeight": getattr(os2, "sxHeight", 0),
                         "sCapHeight": getattr(os2, "sCapHeight", 0), "fsType": 0}
            self._stamp = (int(head.created), int(head.modified))
            names = self._font["name"]
            self.family = str(names.getDebugName(1) or path.stem)
            self.style = str(names.getDebugName(2) or "Regular")
            self.ps_name = "".join(ch for ch in str(names.getDebugName(6) or path.stem)
                                   if ch.isalnum() or ch == "-")
            self._is_cff = "CFF " in self._font or "CFF2" in self._font
        self._cache: dict[int, _Glyph] = {}
        self._notdef = self._convert(".notdef")

    def has(self, cp: int) -> bool:
        return cp in self.cmap

    def advance(self, cp: int) -> int:
        """Advance width in font units; a missing character takes the box's width."""
        name = self.cmap.get(cp)
        return self.metrics[name][0] if name else self._notdef.advance

    def subset(self, codepoints: Iterable[int]) -> bytes:
        """A TrueType font with exactly these characters (and .notdef), glyphs in code point
        order: the same characters always give the same bytes."""
        return _build(self, tuple(sorted(set(codepoints))))

    # -- internals ------------------------------------------------------------------------

    def glyph(self, cp: int) -> _Glyph:
        hit = self._cache.get(cp)
        if hit is not None:
            return hit
        name = self.cmap.get(cp)
        g = self._convert(name) if name else self._notdef
        if len(self._cache) >= GLYPH_CACHE_MAX:
            self._cache.clear()  # crude but bounded; a working set refills it quickly
        self._cache[cp] = g
        return g

    def _convert(self, name: str) -> _Glyph:
        pen = TTGlyphPen(None)
        with self._lock:
            source = self._glyphs[name]
            if self._is_cff:
                source.draw(Cu2QuPen(pen, _MAX_ERR, reverse_direction=True))
            else:  # TrueType outlines: already quadratic; composites decomposed
                rec = DecomposingRecordingPen(self._glyphs)
                source.draw(rec)
                rec.replay(Cu2QuPen(pen, _MAX_ERR, reverse_direction=False))
            advance = self.metrics[name][0]
        glyph = pen.glyph()
        if not glyph.numberOfContours:
            return _Glyph(b"", advance, 0, None, 0, 0)
        bounds = tuple(int(v) for v in glyph.coordinates.calcIntBounds())
        data = glyph.compile(None)
        return _Glyph(data, advance, bounds[0], (bounds[0], bounds[1], bounds[2], bounds[3]),
                      len(glyph.coordinates), glyph.numberOfContours)

    def build_font(self, codepoints: tuple[int, ...]) -> bytes:
        names = [_glyph_name(cp) for cp in codepoints]
        parts = [(".notdef", self._notdef)] + [(n, self.glyph(cp))
                                              for n, cp in zip(names, codepoints, strict=True)]
        fb = FontBuilder(self.upem, isTTF=True)
        fb.setupGlyphOrder([n for n, _ in parts])
        fb.setupCharacterMap(dict(zip(codepoints, names, strict=True)))
        # the glyf table from compiled bytes (FontBuilder.setupGlyf would expand them)
        glyf = newTable("glyf")
        glyf.glyphs = {n: Glyph(g.data) for n, g in parts}
        glyf.glyphOrder = [n for n, _ in parts]
        fb.font["loca"] = newTable("loca")
        fb.font["glyf"] = glyf
        fb.setupHorizontalMetrics({n: (g.advance, g.lsb) for n, g in parts})
        fb.setupHorizontalHeader(ascent=self.ascent, descent=self.descent)
        fb.setupNameTable({"familyName": self.family, "styleName": self.style,
                           "psName": self.ps_name,
                           "copyright": "SIL Open Font License 1.1 (subset)"})
        fb.setupOS2(**self._os2)
        fb.setupPost(keepGlyphNames=False)
        fb.setupHead(unitsPerEm=self.upem, created=self._stamp[0], modified=self._stamp[1])
        _fill_bounds(fb.font, [g for _, g in parts])
        out = BytesIO()
        fb.font.save(out)
        return out.getvalue()


def _fill_bounds(font: TTFont, glyphs: list[_Glyph]) -> None:
    """head, hhea and maxp from the cached numbers: with recalcBBoxes off, saving the font
    copies each glyph's compiled bytes instead of decompiling and recompiling it."""
    font.recalcBBoxes = False
    boxes = [g.bounds for g in glyphs if g.bounds is not None] or [(0, 0, 0, 0)]
    head, hhea, maxp = font["head"], font["hhea"], font["maxp"]
    head.xMin, head.yMin = min(b[0] for b in boxes), min(b[1] for b in boxes)
    head.xMax, head.yMax = max(b[2] for b in boxes), max(b[3] for b in boxes)
    hhea.advanceWidthMax = max(g.advance for g in glyphs)
    inked = [g for g in glyphs if g.bounds is not None] or glyphs[:1]
    hhea.minLeftSideBearing = min(g.lsb for g in inked)
    hhea.minRightSideBearing = min(g.advance - (g.bounds[2] if g.bounds else 0) for g in inked)
    hhea.xMaxExtent = max((g.bounds[2] if g.bounds else 0) for g in inked)
    maxp.maxPoints = max(g.points for g in glyphs)
    maxp.maxContours = max(g.contours for g in glyphs)
    maxp.maxCompositePoints = maxp.maxCompositeContours = maxp.maxComponentElements = 0
    maxp.maxComponentDepth = 0
    maxp.maxZones = 1


@lru_cache(maxsize=64)
def _build(face: Face, codepoints: tuple[int, ...]) -> bytes:
    return face.build_font(codepoints)


def _glyph_name(cp: int) -> str:
    return f"uni{cp:04X}" if cp <= 0xFFFF else f"u{cp:05X}"


def _chinese_face(path: Path) -> int:
    """In a collection, the Simplified Chinese face (Noto CJK "… SC"); else the first."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    collection = TTCollection(str(path), lazy=True)
    try:
        for i, font in enumerate(collection.fonts):
            family = str(font["name"].getDebugName(1) or "")
            if family.endswith(" SC") or " SC " in family:
                return i
        return 0
    finally:
        collection.close()


@dataclass(frozen=True)
class FontSet:
    regular: Face
    bold: Face


def load_fonts(paths: Sequence[str]) -> FontSet:
    """The first existing file of `paths` as the regular face; its "-Bold" sibling, if
    installed, for titles and headings (else the regular face)."""
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            regular = _face(str(path))
            bold_path = path.with_name(path.name.replace("Regular", "Bold"))
            bold = _face(str(bold_path)) if bold_path != path and bold_path.is_file() \
                else regular
            return FontSet(regular, bold)
    raise ConfigError(
        "找不到生成 PDF 文书所需的中文字体。请安装 Debian 软件包 fonts-noto-cjk"
        "（apt-get install fonts-noto-cjk），或用 XINYONG_PDF_FONT 指定字体文件路径。"
        f"已查找：{'；'.join(paths) or '（空）'}", code="pdf_font_missing")


@lru_cache(maxsize=8)
def _face(path: str) -> Face:
    try:
        return Face(Path(path))
    except Exception as exc:  # a damaged or unsupported file: name it
        raise ConfigError(f"字体文件无法读取：{path}（{type(exc).__name__}：{exc}）",
                          code="pdf_font_unreadable") from exc


@lru_cache(maxsize=4)
def fonts_for(setting: str | None) -> FontSet:
    return load_fonts(font_paths(setting))
