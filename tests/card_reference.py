"""The quote cards as they were drawn until issue 18, kept as the reference the Pillow cards
(editorial/render/cards.py) are compared with: templates/cards/quote.html + card.css laid out by
WeasyPrint on one page of the card's size, then rasterised with pypdfium2. The text size is the
largest that keeps every text box on the page. Test code only: nothing in editorial/ imports it."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from itertools import combinations
from typing import Any

import pypdfium2
from PIL import Image
from weasyprint import CSS, HTML
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from editorial.config import TEMPLATES_DIR, Settings
from editorial.errors import RenderError
from editorial.model import Article, Extraction, Language, RenderedFile
from editorial.render.fetcher import SafeFetcher
from editorial.render.i18n import words
from editorial.render.posttext import clean, fit_words, quoted, sentence_end
from editorial.render.selection import strongest_quotes
from editorial.render.templating import render

PX_PER_PT = 4 / 3  # CSS px are 0.75 pt


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


TEMPLATE = "cards/quote.html"
TEMPLATE_FILE = TEMPLATES_DIR / TEMPLATE
STYLESHEET = TEMPLATES_DIR / "cards" / "card.css"


def card_html(ctx: CardContext) -> str:
    return render(TEMPLATE, ctx=ctx)


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    """One font configuration per process: the card fonts are loaded once."""
    return FontConfiguration()


@lru_cache(maxsize=2)
def _stylesheet(mtime_ns: int) -> CSS:
    return CSS(filename=str(STYLESHEET), url_fetcher=SafeFetcher(), font_config=font_config())


def stylesheet() -> CSS:
    """card.css parsed once per process (again only if the file changes): a card is laid out
    several times while its size is chosen, and parsing the sheet was a third of each layout."""
    return _stylesheet(STYLESHEET.stat().st_mtime_ns)


BLEND_STEPS = 12  # shades between two design colours: what anti-aliased edges are made of
_HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")


def design_colours(*texts: str) -> tuple[tuple[int, int, int], ...]:
    """Every #rgb / #rrggbb colour written in `texts`, in order, once each."""
    found = []
    for text in texts:
        for code in _HEX.findall(text):
            code = "".join(c * 2 for c in code) if len(code) == 3 else code
            found.append((int(code[0:2], 16), int(code[2:4], 16), int(code[4:6], 16)))
    return tuple(dict.fromkeys(found))


def blend_palette(
    colours: tuple[tuple[int, int, int], ...], steps: int = BLEND_STEPS
) -> Image.Image:
    """A palette image: the colours, and `steps` blends between every two of them (at most 256)."""
    shades = list(colours)
    for a, b in combinations(colours, 2):
        for k in range(1, steps):
            shades.append(tuple(round(a[j] + (b[j] - a[j]) * k / steps) for j in range(3)))  # type: ignore[arg-type]
    shades = list(dict.fromkeys(shades))[:256]
    if not shades:
        raise RenderError("the card stylesheet names no colour")
    flat = [v for shade in shades for v in shade]
    image = Image.new("P", (1, 1))
    image.putpalette(flat + flat[:3] * (256 - len(shades)))
    return image


@lru_cache(maxsize=2)
def _palette(mtimes: tuple[int, int]) -> Image.Image:
    return blend_palette(
        design_colours(STYLESHEET.read_text("utf-8"), TEMPLATE_FILE.read_text("utf-8"))
    )


def palette() -> Image.Image:
    """The cards' palette, from the colours card.css and quote.html use (again if they change).
    A card is flat design colours and anti-aliased text between them: mapping it to this fixed
    palette takes 1.7 ms where a fast-octree quantisation took 7.8 ms, with the same look (mean
    error 0.14 vs 0.10 per channel, out of 255, on 48 bench cards). A colour outside the design
    (a colour emoji font, should one be installed) would map to the nearest shade."""
    return _palette((STYLESHEET.stat().st_mtime_ns, TEMPLATE_FILE.stat().st_mtime_ns))


def layout(ctx: CardContext) -> Any:
    """The WeasyPrint document of one card (raises RenderError, never a BaseException)."""
    fetcher = SafeFetcher()
    try:
        return HTML(
            string=card_html(ctx), base_url=str(TEMPLATES_DIR / "cards") + "/", url_fetcher=fetcher
        ).render(font_config=font_config(), stylesheets=[stylesheet()])
    except FatalURLFetchingError as exc:  # a BaseException: keep it inside our error handling
        raise RenderError(f"card resource refused: {exc}") from None
    except Exception as exc:
        raise RenderError(f"card layout failed: {exc}") from exc


Rect = tuple[float, float, float, float]  # left, top, right, bottom (CSS px)
# px kept free between zones; the title line has a rule 20 px above its text
ZONE_GAP = {("brand", "main"): 16, ("main", "foot"): 44, ("brand", "foot"): 16}


def text_rects(document: Any) -> list[tuple[str, str, Rect]]:
    """(zone, text, rectangle) of every text box on the first page; the zone is the nearest
    ancestor's data-zone attribute ("" outside any zone)."""
    found: list[tuple[str, str, Rect]] = []

    def walk(box: Any, zone: str) -> None:
        element = getattr(box, "element", None)
        if element is not None and getattr(box, "element_tag", "") != "":
            zone = element.get("data-zone") or zone
        if isinstance(box, boxes.TextBox):
            x, y = box.position_x, box.position_y
            found.append((zone, box.text, (x, y, x + box.width, y + box.height)))
        for child in getattr(box, "children", ()):
            walk(child, zone)

    walk(document.pages[0]._page_box, "")
    return found


def overflow(document: Any) -> list[str]:
    """Why the card's text does not fit: a second page, a text box off the card, or the quote
    running into the title line. Empty when everything fits."""
    pages = document.pages
    problems = [f"{len(pages)} pages"] if len(pages) != 1 else []
    width, height = pages[0].width, pages[0].height
    rects = text_rects(document)
    for zone, text, (left, top, right, bottom) in rects:
        if left < -0.5 or top < -0.5 or right > width + 0.5 or bottom > height + 0.5:
            problems.append(
                f"{zone}: {text[:30]!r} off the card at ({left:.0f},{top:.0f})-({right:.0f},{bottom:.0f})"
            )
    extents = zone_extents(rects)
    order = [z for z in ("brand", "main", "foot") if z in extents]
    for upper, lower in zip(order, order[1:], strict=False):
        if extents[upper][1] + ZONE_GAP[(upper, lower)] > extents[lower][0]:
            problems.append(f"{upper} runs into {lower}")
    return problems


def zone_extents(rects: list[tuple[str, str, Rect]]) -> dict[str, tuple[float, float]]:
    """Top and bottom of the text of each zone."""
    out: dict[str, tuple[float, float]] = {}
    for zone, _, (_, top, _, bottom) in rects:
        if zone:
            low, high = out.get(zone, (top, bottom))
            out[zone] = (min(low, top), max(high, bottom))
    return out


def zone_box(document: Any, zone: str) -> Any:
    """The laid-out box of the element with `data-zone="zone"` on the first page, or None."""
    stack = [document.pages[0]._page_box]
    while stack:
        box = stack.pop()
        element = getattr(box, "element", None)
        if element is not None and element.get("data-zone") == zone:
            return box
        stack.extend(getattr(box, "children", ()))
    return None


def centred(ctx: CardContext, document: Any) -> tuple[CardContext, Any]:
    """The same card with the quote block moved down to the middle of the free space.

    The block is absolutely positioned and has no background, so moving its laid-out boxes
    draws exactly what a layout with `offset` px of padding above it would, without a second
    layout; the move is undone if anything would then overflow."""
    extents = zone_extents(text_rects(document))
    main = zone_box(document, "main")
    if "main" not in extents or main is None:
        return ctx, document
    top, bottom = extents["main"]
    floor = (
        extents["foot"][0] - ZONE_GAP[("main", "foot")] if "foot" in extents else ctx.height - 52
    )
    offset = int((floor - bottom) / 2)
    if offset < 4:
        return ctx, document
    main.translate(dy=offset)
    if overflow(document):
        main.translate(dy=-offset)
        return ctx, document
    return replace(ctx, offset=offset), document


def estimate(shape: Shape, text: str) -> int:
    """Index in `shape.sizes` of the largest size the text should fit at (a first guess)."""
    width = shape.width - 162
    height = shape.height - 118 - 112 - 70
    for i, size in enumerate(shape.sizes):
        per_line = max(1, int(width / (0.45 * size)))
        lines = -(-len(text) // per_line)
        if lines * 1.18 * size <= height:
            return i
    return len(shape.sizes) - 1


def fitted(
    make: Callable[[int], CardContext], shape: Shape, text: str
) -> tuple[CardContext, Any] | None:
    """The largest size in `shape.sizes` whose layout keeps every text box on the card:
    start from an estimate, then step up while it fits or down until it does."""
    sizes = shape.sizes
    i = estimate(shape, text)
    tried: dict[int, tuple[CardContext, Any] | None] = {}

    def attempt(k: int) -> tuple[CardContext, Any] | None:
        if k not in tried:
            ctx = make(sizes[k])
            doc = layout(ctx)
            tried[k] = None if overflow(doc) else (ctx, doc)
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


def png(document: Any, shape: Shape) -> bytes:
    # The PDF only lives to be rasterised here: its streams are not worth compressing.
    pdf_bytes = document.write_pdf(uncompressed_pdf=True)
    pdf = pypdfium2.PdfDocument(pdf_bytes)
    try:
        page = pdf[0]
        image = page.render(scale=shape.width / page.get_width()).to_pil()
        if image.size != (shape.width, shape.height):
            image = image.resize((shape.width, shape.height))
        out = io.BytesIO()
        # Flat colours and anti-aliased text: a palette image looks the same at a third of the
        # bytes (no dithering, so flat areas stay flat); the palette is fixed (`palette`).
        indexed = image.convert("RGB").quantize(palette=palette(), dither=Image.Dither.NONE)
        indexed.save(out, format="PNG", compress_level=3)  # optimize=True: 5x the CPU for 4%
        return out.getvalue()
    finally:
        pdf.close()


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
    """Both shapes laid out with the same words, before rasterising."""

    quote: str
    speaker: str
    alt: str
    pages: tuple[tuple[Shape, CardContext, Any], ...]  # (shape, context, WeasyPrint document)


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

        laid: list[tuple[Shape, CardContext, Any]] = []
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
        RenderedFile(name=card_name(shape), data=png(doc, shape), media_type="image/png")
        for shape, _, doc in laid.pages
    )
    return CardSet(files=files, alt=laid.alt, quote=laid.quote, speaker=laid.speaker)
