"""The PDF report: Article + Extraction -> report.pdf and a first-page preview report.png.

Stages, each a function so tests can stop at any of them:
`build_context` (pdf_context) -> `render_html` -> `layout` (a WeasyPrint Document: pages to
inspect) -> `write_pdf` (bytes, metadata from the article, never from the clock) ->
`preview_png` (pypdfium2). Pure: nothing is written to disk; editorial.store writes the files.
The stylesheet and its fonts are parsed once per process and reused for every article.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
from PIL import Image
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from editorial.config import TEMPLATES_DIR, Settings
from editorial.errors import RenderError
from editorial.model import Article, Extraction, RenderedFile
from editorial.render import pdf_tags, weasyprint_fix
from editorial.render.fetcher import SafeFetcher
from editorial.render.fonts import font_configuration
from editorial.render.pdf_context import ReportContext, build_context
from editorial.render.templating import render

__all__ = ["VARIANTS", "layout", "preview_png", "render_html", "render_pdf", "write_pdf"]

weasyprint_fix.apply()  # one layout less for every page holding a page reference
pdf_tags.apply()  # links that say where they go, table scopes, lists and captions (PDF/UA)

STYLESHEET = TEMPLATES_DIR / "report.css"
TEMPLATE = "report.html"
# The preview is shown 280 CSS px wide at most (the newsletter; 160 on the web page, 150 in the
# download app): 600 px is over twice that, for high-density screens, at a third of the pixels
# (and of the time) of the 1,000 px it was.
PREVIEW_WIDTH_PX = 600
# Name accepted on the command line -> WeasyPrint options. Every variant but "none" is tagged.
VARIANTS: dict[str, dict[str, object]] = {
    "pdf/ua-1": {"pdf_variant": "pdf/ua-1", "pdf_tags": True},
    "pdf/a-3b": {"pdf_variant": "pdf/a-3b", "pdf_tags": True},
    "none": {"pdf_tags": False},
}


@dataclass(frozen=True)
class Styles:
    """The parsed stylesheet and the font configuration that holds its @font-face fonts."""

    css: CSS
    fonts: FontConfiguration


@lru_cache(maxsize=2)
def _styles(path: Path, mtime_ns: int) -> Styles:
    fonts = font_configuration()
    css = CSS(
        filename=str(path),
        base_url=TEMPLATES_DIR.as_uri() + "/",
        url_fetcher=SafeFetcher(),
        font_config=fonts,
    )
    return Styles(css=css, fonts=fonts)


def styles() -> Styles:
    """The report stylesheet, parsed once per process (again only if the file changes)."""
    return _styles(STYLESHEET, STYLESHEET.stat().st_mtime_ns)


def render_html(context: ReportContext) -> str:
    return render(TEMPLATE, r=context)


def layout(html: str, *, source_dir: Path, variant: str = "pdf/ua-1") -> Document:
    """Lay out and paginate the report; the Document's pages can be inspected before writing."""
    options = _variant_options(variant)
    style = styles()
    try:
        document = HTML(
            string=html,
            base_url=TEMPLATES_DIR.as_uri() + "/",
            url_fetcher=SafeFetcher(roots=(source_dir,)),
        ).render(font_config=style.fonts, stylesheets=[style.css], **options)
    except FatalURLFetchingError as exc:  # a BaseException: never let it escape
        raise RenderError(f"PDF layout failed fetching a resource: {exc}") from None
    except Exception as exc:
        raise RenderError(f"PDF layout failed: {type(exc).__name__}: {exc}") from exc
    return document


def _variant_options(variant: str) -> dict[str, object]:
    try:
        return dict(VARIANTS[variant])
    except KeyError:
        known = ", ".join(sorted(VARIANTS))
        raise RenderError(f"unknown PDF variant {variant!r} (known: {known})") from None


def write_pdf(document: Document, context: ReportContext, *, variant: str = "pdf/ua-1") -> bytes:
    """PDF bytes with the article's metadata. Same inputs, same bytes: no clock, no random id."""
    meta = document.metadata
    meta.title = context.title
    meta.authors = [context.author] if context.author else []
    meta.description = context.standfirst or None
    meta.keywords = list(context.keywords)
    meta.lang = context.lang
    meta.generator = context.brand
    meta.created = context.date_iso or None
    meta.modified = context.date_iso or None
    options = _variant_options(variant)
    words = pdf_tags.LinkWords(page=context.t["report.page"], anchor_pages=anchor_pages(document))
    try:
        with pdf_tags.describing_links(words):
            data = document.write_pdf(**options)
    except FatalURLFetchingError as exc:
        raise RenderError(f"PDF writing failed fetching a resource: {exc}") from None
    except Exception as exc:
        raise RenderError(f"PDF writing failed: {type(exc).__name__}: {exc}") from exc
    if not isinstance(data, bytes):
        raise RenderError("PDF writing returned no bytes")
    return data


def anchor_pages(document: Document) -> dict[str, int]:
    """Each anchor's page number (1-based), as laid out."""
    return {name: i for i, page in enumerate(document.pages, start=1) for name in page.anchors}


def preview_png(pdf: bytes, *, width: int = PREVIEW_WIDTH_PX) -> bytes:
    """The first page as a PNG `width` pixels wide.

    A page of text and flat colour (no raster image on it) is saved with a palette of 256
    colours (fast octree, no dithering): a third of the bytes and of the encoding time of the
    RGB image, and no pixel off by more than 14 of 255 (anti-aliased edges) on the pages
    compared (`tests/test_pdf.py`). A page with a photograph stays RGB: a palette would band it."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        scale = width / page.get_width()
        bitmap = page.render(scale=scale, may_draw_forms=False)
        image = bitmap.to_pil()
        photo = next(iter(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=8)),
                     None)  # fmt: skip
        if photo is None:
            image = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE,
                                   dither=Image.Dither.NONE)  # fmt: skip
        out = io.BytesIO()
        image.save(out, format="PNG", compress_level=3)  # level 3: the fastest here, and smaller
        page.close()
    finally:
        document.close()
    return out.getvalue()


def render_pdf(
    article: Article,
    extraction: Extraction,
    *,
    settings: Settings,
    source_dir: Path,
    variant: str | None = None,
) -> tuple[RenderedFile, ...]:
    """report.pdf (tagged, PDF/UA-1 unless told otherwise) and report.png (its first page)."""
    chosen = variant or settings.pdf_variant
    _variant_options(chosen)  # fail before any work on an unknown variant
    context = build_context(article, extraction, brand=settings.brand.name, source_dir=source_dir)
    document = layout(render_html(context), source_dir=source_dir, variant=chosen)
    pages = len(document.pages)
    if pages > settings.limits.max_pages:
        raise RenderError(
            f"too many pages: {pages} > limits.max_pages = {settings.limits.max_pages}"
        )
    pdf = write_pdf(document, context, variant=chosen)
    return (
        RenderedFile(name="report.pdf", data=pdf, media_type="application/pdf"),
        RenderedFile(name="report.png", data=preview_png(pdf), media_type="image/png"),
    )
