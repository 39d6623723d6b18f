"""Quote cards drawn with Pillow: HarfBuzz shaping through libraqm, the report's fonts, Pango's
line-break rules, and the boxes of the card design (templates/cards/card.css + quote.html) at
the positions WeasyPrint gave them. The text size is the largest that keeps every text box on
the card.

Until issue 18 the design was laid out by WeasyPrint and rasterised with pypdfium2 (71 ms of CPU
for the two cards of an article, most of it layout tried at several sizes, PDF writing and
rasterising); drawn here it costs about a tenth of that. tests/card_reference.py keeps that
renderer, and tests/test_cards.py compares the two card by card, pixel by pixel.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from itertools import combinations

from PIL import Image, ImageDraw

from editorial.config import Settings
from editorial.errors import RenderError
from editorial.model import Article, Extraction, Language, RenderedFile
from editorial.render.card_text import (
    RGB,
    SANS,
    SANS_BOLD,
    SANS_SEMIBOLD,
    SERIF,
    SERIF_ITALIC,
    Style,
    faces,
    font,
    runs,
    vertical_metrics,
    width,
    wrap,
)
from editorial.render.i18n import words
from editorial.render.posttext import clean, fit_words, quoted, sentence_end
from editorial.render.selection import strongest_quotes


@dataclass(frozen=True)
class Shape:
    width: int  # px
    height: int
    sizes: tuple[int, ...]  # quote font sizes to try, largest first


LANDSCAPE = Shape(1200, 630, (64, 58, 52, 48, 44, 40, 36, 33, 30, 27, 24))
SQUARE = Shape(1080, 1080, (88, 80, 72, 64, 58, 52, 46, 42, 38, 34, 30, 27, 24))
SHAPES = (LANDSCAPE, SQUARE)
TITLE_CHARS = 110  # the title line under the quote is cut to whole words beyond this
TITLE_CARD_CHARS = 160  # a title card (no quote fits) shows the title big, cut beyond this
SPEAKER_CHARS = 60


@dataclass(frozen=True)
class CardContext:
    width: int
    height: int
    font_size: int
    language: Language
    quote: str  # already in the language's quotation marks; "" for a title card
    speaker: str
    title: str
    brand: str
    words: dict[str, str] = field(default_factory=dict)
    offset: int = 0  # px above the quote block, to centre it vertically


@dataclass(frozen=True)
class CardSet:
    files: tuple[RenderedFile, ...]
    alt: str  # one alt text: both shapes show the same words
    quote: str
    speaker: str


def card_name(shape: Shape) -> str:
    return f"cards/quote-{shape.width}x{shape.height}.png"


# ---------------------------------------------------------------- the design (card.css)

BACKGROUND: RGB = (0x14, 0x21, 0x3D)
ACCENT: RGB = (0xE0, 0xA5, 0x26)
BODY: RGB = (0xF5, 0xF1, 0xE8)  # body text colour of the design (no text uses it)
WHITE: RGB = (0xFF, 0xFF, 0xFF)
RULE: RGB = (0x3A, 0x4A, 0x6B)
TITLE: RGB = (0xC9, 0xD1, 0xE0)
# In card.css order: the palette and its blends are the ones the WeasyPrint cards used.
DESIGN_COLOURS: tuple[RGB, ...] = (BODY, BACKGROUND, ACCENT, WHITE, RULE, TITLE)

BORDER = 18  # accent border down the left edge
INSET = 72  # .brand/.main/.foot: left and right, inside the border
BRAND_TOP, MAIN_TOP, FOOT_BOTTOM = 56, 116, 52
RULE_WIDTH, RULE_PAD = 2, 18  # the title line's border-top and padding-top
SPEAKER_GAP = 0.9  # em of the speaker's size above it
# px kept free between zones; the title line has a rule 20 px above its text
ZONE_GAP = {("brand", "main"): 16, ("main", "foot"): 44, ("brand", "foot"): 16}

BRAND = Style(SANS_BOLD, 24, 1.2, ACCENT, tracking=0.12, upper=True)
SPEAKER = Style(SANS_SEMIBOLD, 28, 1.2, ACCENT)
FOOT = Style(SANS, 22, 1.3, TITLE)


def quote_style(size: float) -> Style:
    return Style(SERIF_ITALIC, size, 1.18, WHITE)


def lead_style(size: float) -> Style:
    return Style(SERIF, size, 1.15, WHITE)


# ---------------------------------------------------------------- layout

Rect = tuple[float, float, float, float]  # left, top, right, bottom (px)


@dataclass(frozen=True)
class Line:
    zone: str
    text: str
    style: Style
    x: float
    top: float  # of the line box
    baseline: float
    rect: Rect  # the text box as WeasyPrint places it: line top, the font's ascent + descent


@dataclass(frozen=True)
class Card:
    """One card laid out: its lines and the title rule; `draw` makes the image."""

    width: int
    height: int
    lines: tuple[Line, ...]
    rule: Rect | None  # the line above the title

    def translate(self, zone: str, dy: float) -> Card:
        moved = tuple(
            replace(ln, top=ln.top + dy, baseline=ln.baseline + dy,
                    rect=(ln.rect[0], ln.rect[1] + dy, ln.rect[2], ln.rect[3] + dy))
            if ln.zone == zone else ln
            for ln in self.lines
        )  # fmt: skip
        return replace(self, lines=moved)


def set_lines(zone: str, text: str, style: Style, x: float, top: float, room: float,
              language: str) -> list[Line]:  # fmt: skip
    """`text` wrapped into line boxes from `top`. The glyphs sit on the baseline of the font's
    content area centred in the line box (half-leading above and below), as in CSS; the text
    box, as WeasyPrint's layout reports it (what the old cards' fit checks measured), starts at
    the line box's top and is the content area's height."""
    ascent, descent = vertical_metrics(faces(style.faces)[0])
    step = style.line_height * style.size
    half_leading = (step - (ascent + descent) * style.size) / 2
    out = []
    for k, text_line in enumerate(wrap(text, style, room, language)):
        line_top = top + k * step
        box = (x, line_top, x + width(text_line, style), line_top + (ascent + descent) * style.size)
        baseline = line_top + half_leading + ascent * style.size
        out.append(Line(zone, text_line, style, x, line_top, baseline, box))
    return out


def layout(ctx: CardContext) -> Card:
    """Where every line of the card goes (the boxes of templates/cards/quote.html)."""
    left = BORDER + INSET
    room = ctx.width - BORDER - 2 * INSET
    lang = ctx.language
    lines = set_lines("brand", ctx.brand, BRAND, left, BRAND_TOP, room, lang)
    top = MAIN_TOP + ctx.offset
    rule = None
    if ctx.quote:
        quote = set_lines("main", ctx.quote, quote_style(ctx.font_size), left, top, room, lang)
        lines += quote
        if ctx.speaker:
            step = quote_style(ctx.font_size).line_height * ctx.font_size
            below = top + len(quote) * step + SPEAKER_GAP * SPEAKER.size
            lines += set_lines("main", f"— {ctx.speaker}", SPEAKER, left, below, room, lang)
        foot = wrap(ctx.title, FOOT, room, lang)
        foot_top: float = ctx.height - FOOT_BOTTOM - RULE_WIDTH - RULE_PAD
        foot_top -= len(foot) * FOOT.line_height * FOOT.size
        rule = (left, foot_top, left + room, foot_top + RULE_WIDTH)
        lines += set_lines(
            "foot", ctx.title, FOOT, left, foot_top + RULE_WIDTH + RULE_PAD, room, lang
        )
    else:
        lines += set_lines("main", ctx.title, lead_style(ctx.font_size), left, top, room, lang)
    return Card(ctx.width, ctx.height, tuple(lines), rule)


def text_rects(card: Card) -> list[tuple[str, str, Rect]]:
    """(zone, text, rectangle) of every line of text."""
    return [(ln.zone, ln.text, ln.rect) for ln in card.lines]


def zone_extents(rects: list[tuple[str, str, Rect]]) -> dict[str, tuple[float, float]]:
    """Top and bottom of the text of each zone."""
    out: dict[str, tuple[float, float]] = {}
    for zone, _, (_, top, _, bottom) in rects:
        if zone:
            low, high = out.get(zone, (top, bottom))
            out[zone] = (min(low, top), max(high, bottom))
    return out


def overflow(card: Card) -> list[str]:
    """Why the card's text does not fit: a text box off the card, or one zone running into the
    next (the quote into the title line). Empty when everything fits."""
    problems = []
    rects = text_rects(card)
    for zone, text, (left, top, right, bottom) in rects:
        if left < -0.5 or top < -0.5 or right > card.width + 0.5 or bottom > card.height + 0.5:
            problems.append(
                f"{zone}: {text[:30]!r} off the card at ({left:.0f},{top:.0f})-({right:.0f},{bottom:.0f})"
            )
    extents = zone_extents(rects)
    order = [z for z in ("brand", "main", "foot") if z in extents]
    for upper, lower in zip(order, order[1:], strict=False):
        if extents[upper][1] + ZONE_GAP[(upper, lower)] > extents[lower][0]:
            problems.append(f"{upper} runs into {lower}")
    return problems


def centred(ctx: CardContext, card: Card) -> tuple[CardContext, Card]:
    """The same card with the quote block moved down to the middle of the free space (the
    move is undone if anything would then overflow)."""
    extents = zone_extents(text_rects(card))
    if "main" not in extents:
        return ctx, card
    _, bottom = extents["main"]
    floor = (
        extents["foot"][0] - ZONE_GAP[("main", "foot")] if "foot" in extents else ctx.height - 52
    )
    offset = int((floor - bottom) / 2)
    if offset < 4:
        return ctx, card
    moved = card.translate("main", offset)
    if overflow(moved):
        return ctx, card
    return replace(ctx, offset=offset), moved


def estimate(shape: Shape, text: str) -> int:
    """Index in `shape.sizes` of the largest size the text should fit at (a first guess)."""
    room = shape.width - 162
    height = shape.height - 118 - 112 - 70
    for i, size in enumerate(shape.sizes):
        per_line = max(1, int(room / (0.45 * size)))
        lines = -(-len(text) // per_line)
        if lines * 1.18 * size <= height:
            return i
    return len(shape.sizes) - 1


def fitted(
    make: Callable[[int], CardContext], shape: Shape, text: str
) -> tuple[CardContext, Card] | None:
    """The largest size in `shape.sizes` whose layout keeps every text box on the card:
    start from an estimate, then step up while it fits or down until it does."""
    sizes = shape.sizes
    i = estimate(shape, text)
    tried: dict[int, tuple[CardContext, Card] | None] = {}

    def attempt(k: int) -> tuple[CardContext, Card] | None:
        if k not in tried:
            ctx = make(sizes[k])
            card = layout(ctx)
            tried[k] = None if overflow(card) else (ctx, card)
        return tried[k]

    if attempt(i):
        while i > 0 and attempt(i - 1):
            i -= 1
        return attempt(i)
    while i < len(sizes) - 1:
        i += 1
        if attempt(i):
            return attempt(i)
    return None


# ---------------------------------------------------------------- drawing

BLEND_STEPS = 12  # shades between two design colours: what anti-aliased edges are made of


def blend_palette(colours: tuple[RGB, ...], steps: int = BLEND_STEPS) -> Image.Image:
    """A palette image: the colours, and `steps` blends between every two of them (at most 256)."""
    shades = list(colours)
    for a, b in combinations(colours, 2):
        for k in range(1, steps):
            shades.append(tuple(round(a[j] + (b[j] - a[j]) * k / steps) for j in range(3)))  # type: ignore[arg-type]
    shades = list(dict.fromkeys(shades))[:256]
    if not shades:
        raise RenderError("the card design names no colour")
    flat = [v for shade in shades for v in shade]
    image = Image.new("P", (1, 1))
    image.putpalette(flat + flat[:3] * (256 - len(shades)))
    return image


@lru_cache(maxsize=1)
def palette() -> Image.Image:
    """The cards' palette: the design colours and blends between them. A card is flat design
    colours and anti-aliased text between them: mapping it to this fixed palette takes 1.7 ms
    where a fast-octree quantisation took 7.8 ms, with the same look (mean error 0.14 vs 0.10
    per channel, out of 255, on 48 bench cards)."""
    return blend_palette(DESIGN_COLOURS)


def _fill_rows(draw: ImageDraw.ImageDraw, rect: Rect, colour: RGB, under: RGB) -> None:
    """A rectangle with whole-pixel sides and fractional top and bottom, its edge rows
    blended by coverage (as an anti-aliasing rasteriser draws it)."""
    left, top, right, bottom = rect
    for row in range(math.floor(top), math.ceil(bottom)):
        cover = min(bottom, row + 1) - max(top, row)
        shade = tuple(round(under[j] + (colour[j] - under[j]) * cover) for j in range(3))
        draw.rectangle((round(left), row, round(right) - 1, row), fill=shade)  # type: ignore[arg-type]


def draw(card: Card) -> Image.Image:
    image = Image.new("RGB", (card.width, card.height), BACKGROUND)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, BORDER - 1, card.height - 1), fill=ACCENT)
    if card.rule is not None:
        _fill_rows(pen, card.rule, RULE, BACKGROUND)
    for ln in card.lines:
        style = ln.style
        if style.tracking:
            spacing = style.tracking * style.size
            # Each character where the shaped text puts it (kerning kept), spaced out.
            for i, ch in enumerate(ln.text):
                x = ln.x + width(ln.text[:i], replace(style, tracking=0)) + i * spacing
                for run, path in runs(ch, style.faces):
                    pen.text((x, ln.baseline), run, font=font(path, style.size),
                             fill=style.colour, anchor="ls")  # fmt: skip
            continue
        x = ln.x
        for run, path in runs(ln.text, style.faces):
            face = font(path, style.size)
            pen.text((x, ln.baseline), run, font=face, fill=style.colour, anchor="ls")
            x += face.getlength(run)
    return image


def png(card: Card) -> bytes:
    out = io.BytesIO()
    # Flat colours and anti-aliased text: a palette image looks the same at a third of the
    # bytes (no dithering, so flat areas stay flat); the palette is fixed (`palette`).
    indexed = draw(card).quantize(palette=palette(), dither=Image.Dither.NONE)
    indexed.save(out, format="PNG", compress_level=3)  # optimize=True: 5x the CPU for 4%
    return out.getvalue()


# ---------------------------------------------------------------- the cards of an article


def alt_text(language: Language, quote: str, speaker: str, title: str, brand: str) -> str:
    table = words(language)
    said = f"{quote} — {speaker}" if speaker else quote
    if not quote:
        return f"{table['social.card_alt_title']}{table['social.colon']} {sentence_end(title)} {brand}."
    source = f"{table['social.card_from']} {quoted(title, language)}, {brand}."
    return f"{table['social.card_alt']}{table['social.colon']} {sentence_end(said)} {source}"


def _within(limit: int, text: str) -> bool:
    return len(text) <= limit


@dataclass(frozen=True)
class LaidOut:
    """Both shapes laid out with the same words, before drawing."""

    quote: str
    speaker: str
    alt: str
    pages: tuple[tuple[Shape, CardContext, Card], ...]


def lay_out_cards(article: Article, extraction: Extraction, *, settings: Settings) -> LaidOut:
    """The strongest quote that fits both shapes at a readable size (else a title card)."""
    title = clean(article.title)
    brand = settings.brand.name
    table = words(article.language)
    candidates = [
        (quoted(q.text, article.language), fit_words(q.speaker, lambda s: len(s) <= SPEAKER_CHARS))
        for q in strongest_quotes(extraction, 4)
    ]
    for quote, speaker in [*candidates, ("", "")]:
        shown_title = fit_words(title, partial(_within, TITLE_CHARS if quote else TITLE_CARD_CHARS))

        laid: list[tuple[Shape, CardContext, Card]] = []
        for shape in SHAPES:

            def make(
                size: int,
                shape: Shape = shape,
                quote: str = quote,
                speaker: str = speaker,
                shown_title: str = shown_title,
            ) -> CardContext:
                return CardContext(
                    width=shape.width,
                    height=shape.height,
                    font_size=size,
                    language=article.language,
                    quote=quote,
                    speaker=speaker,
                    title=shown_title,
                    brand=brand,
                    words=table,
                )

            found = fitted(make, shape, quote or shown_title)
            if found is None:
                break
            laid.append((shape, *centred(*found)))
        if len(laid) == len(SHAPES):
            alt = alt_text(article.language, quote, speaker, title, brand)
            return LaidOut(quote=quote, speaker=speaker, alt=alt, pages=tuple(laid))
    raise RenderError("no card layout fits, not even the title alone")


def render_cards(article: Article, extraction: Extraction, *, settings: Settings) -> CardSet:
    """Both card shapes as PNG files, and the alt text describing them."""
    laid = lay_out_cards(article, extraction, settings=settings)
    files = tuple(
        RenderedFile(name=card_name(shape), data=png(card), media_type="image/png")
        for shape, _, card in laid.pages
    )
    return CardSet(files=files, alt=laid.alt, quote=laid.quote, speaker=laid.speaker)
