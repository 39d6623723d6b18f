"""The text of the quote cards: the typefaces with their fallbacks, shaped widths (HarfBuzz
through Pillow's libraqm layout), and lines broken where Pango breaks them."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from editorial.config import TEMPLATES_DIR
from editorial.errors import RenderError

RGB = tuple[int, int, int]

FONTS = TEMPLATES_DIR / "fonts"
# Each list is the font-family fallback of card.css for that text (file names: the templates'
# fonts first, then DejaVu as fontconfig finds it); a character goes to the first that has it.
SERIF_ITALIC = ("EBGaramond12-Italic.otf", "DejaVuSerif-Italic.ttf", "DejaVuSans.ttf")
SERIF = ("EBGaramond12-Regular.otf", "DejaVuSerif.ttf", "DejaVuSans.ttf")
SANS = ("Inter-Regular.otf", "DejaVuSans.ttf")
SANS_SEMIBOLD = ("Inter-SemiBold.otf", "DejaVuSans-Bold.ttf")
SANS_BOLD = ("Inter-Bold.otf", "DejaVuSans-Bold.ttf")
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))


@dataclass(frozen=True)
class Style:
    faces: tuple[str, ...]
    size: float  # px
    line_height: float  # times the size
    colour: RGB
    tracking: float = 0.0  # letter-spacing, times the size
    upper: bool = False


# ---------------------------------------------------------------- fonts


@lru_cache(maxsize=32)
def font_path(name: str) -> Path | None:
    """A font file by name: the templates' fonts, else the system's (None when absent)."""
    if (FONTS / name).is_file():
        return FONTS / name
    for folder in SYSTEM_FONT_DIRS:
        for found in sorted(folder.rglob(name)) if folder.is_dir() else ():
            return found
    return None


@lru_cache(maxsize=16)
def faces(names: tuple[str, ...]) -> tuple[Path, ...]:
    found = tuple(p for p in map(font_path, names) if p is not None)
    if not found or found[0].parent != FONTS:
        raise RenderError(f"card font {names[0]} missing from {FONTS}")
    return found


@lru_cache(maxsize=16)
def coverage(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


@lru_cache(maxsize=16)
def vertical_metrics(path: Path) -> tuple[float, float]:
    """Ascent and descent in em, as Pango reads them (hhea)."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        em = font["head"].unitsPerEm
        return font["hhea"].ascent / em, -font["hhea"].descent / em


@lru_cache(maxsize=64)
def font(path: Path, size: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)


def _joins(ch: str) -> bool:
    """Characters that belong to the one before (combining marks, ZWJ, selectors, skin tones)."""
    code = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Me", "Cf")
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
    )


@lru_cache(maxsize=4096)
def runs(text: str, names: tuple[str, ...]) -> tuple[tuple[str, Path], ...]:
    """The text cut into runs of one font each: the first font of the list with the
    character, else the first font (its .notdef, as fontconfig would fall back to)."""
    paths = faces(names)
    out: list[tuple[str, Path]] = []
    for ch in text:
        if out and _joins(ch):
            path = out[-1][1]
        else:
            path = next((p for p in paths if ord(ch) in coverage(p)), paths[0])
        if out and out[-1][1] == path:
            out[-1] = (out[-1][0] + ch, path)
        else:
            out.append((ch, path))
    return tuple(out)


@lru_cache(maxsize=8192)
def width(text: str, style: Style) -> float:
    """Advance width in px (shaped; letter-spacing after every character, as WeasyPrint)."""
    total = sum(font(path, style.size).getlength(run) for run, path in runs(text, style.faces))
    return total + style.tracking * style.size * len(text)


# ---------------------------------------------------------------- line breaking


@lru_cache(maxsize=1024)
def break_marks(text: str, language: str) -> tuple[tuple[bool, ...], tuple[bool, ...]]:
    """Pango's line-break analysis (UAX #14, the rules WeasyPrint breaks lines by): for each
    position, may a line break before it, and is it a grapheme boundary (overflow-wrap:
    anywhere breaks there when nothing else fits)."""
    from weasyprint.text.line_break import get_log_attrs

    attrs = get_log_attrs(text, language)
    n = len(text)
    return (
        tuple(bool(attrs[i].is_line_break) for i in range(n + 1)),
        tuple(bool(attrs[i].is_cursor_position) for i in range(n + 1)),
    )


def _split_anywhere(text: str, style: Style, room: float, cursor: tuple[bool, ...]) -> list[str]:
    """An unbreakable word wider than the line, cut at grapheme boundaries (at least one
    grapheme a line)."""
    pieces: list[str] = []
    start = 0
    while start < len(text):
        end = start + 1
        while end < len(text) and not cursor[end]:
            end += 1
        best = end
        while end < len(text):
            end += 1
            while end < len(text) and not cursor[end]:
                end += 1
            if width(text[start:end], style) > room:
                break
            best = end
        pieces.append(text[start:best])
        start = best
    return pieces


def wrap(text: str, style: Style, room: float, language: str) -> list[str]:
    """The lines of `text` in `room` px, broken greedily where Pango allows (trailing spaces
    hang, as in CSS)."""
    if style.upper:
        text = text.upper()
    if not text:
        return []
    can_break, cursor = break_marks(text, language)
    cuts = [i for i in range(1, len(text)) if can_break[i]]
    lines: list[str] = []
    line = ""
    line_start = 0
    for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True):
        segment = text[start:end]
        candidate = line + segment
        if width(candidate.rstrip(" "), style) <= room + 0.01:
            line = candidate
            continue
        if line:
            lines.append(line.rstrip(" "))
        line, line_start = segment, start
        if width(segment.rstrip(" "), style) > room + 0.01:
            offset = line_start
            pieces = _split_anywhere(segment.rstrip(" "), style, room, cursor[offset:])
            lines += pieces[:-1]
            line = pieces[-1] + segment[len(segment.rstrip(" ")) :]
    if line.strip(" ") or not lines:
        lines.append(line.rstrip(" "))
    return lines
