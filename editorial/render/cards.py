"""Quote cards: an HTML/CSS template laid out by WeasyPrint on one page of the card's size, then
rasterised with pypdfium2. The text size is the largest that keeps every text box on the page."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

import pypdfium2
from weasyprint import HTML
from weasyprint.formatting_structure import boxes
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


LANDSCAPE = Shape(1200, 630, (60, 54, 48, 44, 40, 36, 33, 30, 27, 24))
SQUARE = Shape(1080, 1080, (72, 64, 58, 52, 46, 42, 38, 34, 30, 27, 24))
SHAPES = (LANDSCAPE, SQUARE)
TITLE_CHARS = 110  # the title line under the quote is cut to whole words beyond this
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


@dataclass(frozen=True)
class CardSet:
    files: tuple[RenderedFile, ...]
    alt: str  # one alt text: both shapes show the same words
    quote: str
    speaker: str


def card_name(shape: Shape) -> str:
    return f"cards/quote-{shape.width}x{shape.height}.png"


def card_html(ctx: CardContext) -> str:
    return render("cards/quote.html", ctx=ctx)


def layout(ctx: CardContext) -> object:
    """The WeasyPrint document of one card (raises RenderError, never a BaseException)."""
    fetcher = SafeFetcher()
    try:
        return HTML(
            string=card_html(ctx), base_url=str(TEMPLATES_DIR / "cards") + "/", url_fetcher=fetcher
        ).render()
    except FatalURLFetchingError as exc:  # a BaseException: keep it inside our error handling
        raise RenderError(f"card resource refused: {exc}") from None
    except Exception as exc:
        raise RenderError(f"card layout failed: {exc}") from exc


def overflow(document: object) -> list[str]:
    """Text boxes not entirely inside the card (a second page counts as overflow)."""
    pages = document.pages  # type: ignore[attr-defined]
    problems = [f"{len(pages)} pages"] if len(pages) != 1 else []
    page = pages[0]
    for box in page._page_box.descendants():
        if not isinstance(box, boxes.TextBox):
            continue
        right = box.position_x + box.width
        bottom = box.position_y + box.height
        if box.position_x < -0.5 or box.position_y < -0.5 or right > page.width + 0.5 or bottom > page.height + 0.5:
            problems.append(f"{box.text[:30]!r} at ({box.position_x:.0f},{box.position_y:.0f})-({right:.0f},{bottom:.0f})")
    return problems


def fitted(ctx_for: object, sizes: tuple[int, ...]) -> tuple[CardContext, object] | None:
    """The largest size whose layout fits (binary search over `sizes`, largest first)."""
    make = ctx_for  # Callable[[int], CardContext]
    lo, hi = 0, len(sizes) - 1
    best: tuple[CardContext, object] | None = None
    while lo <= hi:
        mid = (lo + hi) // 2
        ctx = make(sizes[mid])  # type: ignore[operator]
        doc = layout(ctx)
        if overflow(doc):
            lo = mid + 1
        else:
            best = (ctx, doc)
            hi = mid - 1
    return best


def png(document: object, shape: Shape) -> bytes:
    pdf_bytes = document.write_pdf()  # type: ignore[attr-defined]
    pdf = pypdfium2.PdfDocument(pdf_bytes)
    try:
        page = pdf[0]
        image = page.render(scale=shape.width / page.get_width()).to_pil()
        if image.size != (shape.width, shape.height):
            image = image.resize((shape.width, shape.height))
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        pdf.close()


def alt_text(language: Language, quote: str, speaker: str, title: str, brand: str) -> str:
    table = words(language)
    said = f"{quote} — {speaker}" if speaker else quote
    if not quote:
        return f"{table['social.card_alt_title']}: {sentence_end(title)} {brand}"
    return f"{table['social.card_alt']}: {sentence_end(said)} {table['social.card_from']} {sentence_end(title)} {brand}"


def render_cards(
    article: Article, extraction: Extraction, *, settings: Settings
) -> CardSet:
    """Both card shapes with the strongest quote that fits both at a readable size (else a
    title card), and the alt text describing them."""
    title = fit_words(clean(article.title), lambda t: len(t) <= TITLE_CHARS)
    brand = settings.brand.name
    candidates = [(quoted(q.text, article.language), fit_words(q.speaker, lambda s: len(s) <= SPEAKER_CHARS))
                  for q in strongest_quotes(extraction, 4)]
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    for quote, speaker in [*candidates, ("", "")]:
        laid = []
        for shape in SHAPES:
            def make(size: int, shape: Shape = shape, quote: str = quote, speaker: str = speaker) -> CardContext:
                return CardContext(
                    width=shape.width, height=shape.height, font_size=size, language=article.language,
                    quote=quote, speaker=speaker, title=title if quote else fit_words(clean(article.title), lambda t: len(t) <= 160),
                    brand=brand, words=words(article.language),
                )

            found = fitted(make, shape.sizes)
            if found is None:
                break
            laid.append((shape, found[1]))
        if len(laid) == len(SHAPES):
            files = tuple(RenderedFile(name=card_name(s), data=png(doc, s), media_type="image/png") for s, doc in laid)
            return CardSet(files=files, alt=alt_text(article.language, quote, speaker, clean(article.title), brand),
                           quote=quote, speaker=speaker)
    raise RenderError("no card layout fits, not even the title alone")
