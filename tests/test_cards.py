"""Quote cards: the right pixel sizes, and every glyph inside the card, checked twice: in
WeasyPrint's layout boxes and in the characters of the PDF that becomes the PNG."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from editorial.config import Settings
from editorial.model import Article, Block, Extraction, Quote
from editorial.render import cards

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sources" / "can-france-become-a-global-ai-hub.txt"
SHOTS = Path("/tmp/cards")
DEFAULT = Settings()


def article(title: str = "Can France become a global AI hub?", language: str = "en") -> Article:
    blocks = (Block(kind="title", text=title, start=0, end=1), Block(kind="paragraph", text="Body.", start=0, end=1))
    return Article(source="t.txt", source_name="t.txt", format="txt", slug="t", title=title,
                   language=language, blocks=blocks, text=title, content_hash="0" * 64)  # type: ignore[arg-type]


def extraction(*quotes: tuple[str, str]) -> Extraction:
    return Extraction(language="en", quotes=tuple(
        Quote(text=t, speaker=s, start=i, end=i + 1, group=i + 1) for i, (t, s) in enumerate(quotes)))


def glyphs_outside(document: object) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Characters of the card's PDF whose box leaves the page (pypdfium2, PDF points)."""
    pdf = pypdfium2.PdfDocument(document.write_pdf())  # type: ignore[attr-defined]
    try:
        page = pdf[0]
        width, height = page.get_size()
        text = page.get_textpage()
        out = []
        for i in range(text.count_chars()):
            left, bottom, right, top = text.get_charbox(i)
            if left < -0.5 or bottom < -0.5 or right > width + 0.5 or top > height + 0.5:
                out.append((text.get_text_range(i, 1), (left, bottom, right, top)))
        assert text.count_chars() > 0
        return out
    finally:
        pdf.close()


def check_laid_out(laid: cards.LaidOut) -> None:
    assert [s for s, _, _ in laid.pages] == [cards.LANDSCAPE, cards.SQUARE]
    for shape, ctx, doc in laid.pages:
        assert cards.overflow(doc) == [], (shape, ctx.font_size)
        assert glyphs_outside(doc) == [], shape
        assert ctx.font_size >= min(shape.sizes)


def save(name: str, files: tuple) -> None:  # type: ignore[type-arg]
    SHOTS.mkdir(parents=True, exist_ok=True)
    for f in files:
        (SHOTS / f"{name}-{Path(f.name).name}").write_bytes(f.data)


def test_sample_cards() -> None:
    from editorial.extract import extract
    from editorial.ingest import ingest

    a = ingest(SAMPLE)
    ex = extract(a)
    laid = cards.lay_out_cards(a, ex, settings=DEFAULT)
    check_laid_out(laid)
    assert laid.quote and laid.alt.startswith("Quote card: ")
    card_set = cards.render_cards(a, ex, settings=DEFAULT)
    sizes = {f.name: Image.open(io.BytesIO(f.data)).size for f in card_set.files}
    assert sizes == {"cards/quote-1200x630.png": (1200, 630), "cards/quote-1080x1080.png": (1080, 1080)}
    assert all(f.data.startswith(b"\x89PNG") for f in card_set.files)
    save("sample", card_set.files)


def test_cards_keep_to_the_design_palette() -> None:
    """The PNG is indexed on the fixed palette: the design colours exactly, the rest blends."""
    assert cards.design_colours("a { color: #14213d; } b { color: #fff }", "#14213d") == (
        (20, 33, 61), (255, 255, 255))  # fmt: skip
    card_set = cards.render_cards(article(), extraction(("We will build it here.", "Ada")), settings=DEFAULT)
    css = cards.STYLESHEET.read_text("utf-8") + cards.TEMPLATE_FILE.read_text("utf-8")
    design = set(cards.design_colours(css))
    for f in card_set.files:
        image = Image.open(io.BytesIO(f.data))
        assert image.mode == "P"
        used = {rgb for _, rgb in image.convert("RGB").getcolors(maxcolors=256) or []}
        assert used, "more than 256 colours in an indexed image"
        assert (20, 33, 61) in used and (224, 165, 38) in used  # background and accent, exact
        assert design & used and len(used) > len(design & used)  # anti-aliasing: the blends


@pytest.mark.parametrize(
    ("name", "quote", "speaker", "title"),
    [
        ("long", " ".join(["extraordinarily"] * 59), "Maria-Magdalena von Hohenzollern-Sigmaringen", "T " * 60),
        ("word", "a" * 140 + " and more", "X", "Supercalifragilisticexpialidocious" * 4),
        ("cjk", "我们正在进入人工智能的元年" * 6, "李小龙", "人工智能" * 20),
        ("emoji", "We did it 🎉🚀👨‍👩‍👧 again and again 🇫🇷", "Zoë 😀", "Title 👍🏽"),
        ("url", "See https://example.com/" + "x" * 120 + " for details", "Web", "A title"),
    ],
)
def test_hard_text_stays_inside(name: str, quote: str, speaker: str, title: str) -> None:
    laid = cards.lay_out_cards(article(title), extraction((quote, speaker)), settings=DEFAULT)
    check_laid_out(laid)
    save(name, cards.render_cards(article(title), extraction((quote, speaker)), settings=DEFAULT).files)


def test_no_quote_gives_a_title_card() -> None:
    laid = cards.lay_out_cards(article("Paris, year zero of AI"), extraction(), settings=DEFAULT)
    check_laid_out(laid)
    assert laid.quote == "" and laid.alt == "Title card: Paris, year zero of AI. Editorial."


def test_french_card_alt_and_marks() -> None:
    a = article("La France, pôle de l’IA ?", language="fr")
    laid = cards.lay_out_cards(a, extraction(("Nous sommes en l’an zéro,", "Alexandre Lavallée")), settings=DEFAULT)
    assert laid.quote == "«\u202fNous sommes en l’an zéro\u202f»"
    assert laid.alt == ("Carte citation\u00a0: «\u202fNous sommes en l’an zéro\u202f» — Alexandre Lavallée. "
                        "Extrait de «\u202fLa France, pôle de l’IA\u202f?\u202f», Editorial.")


def test_card_html_is_escaped() -> None:
    ctx = cards.CardContext(width=1200, height=630, font_size=40, language="en", quote="<img src=x onerror=y>",
                            speaker="<b>", title="<script>", brand="B")
    html = cards.card_html(ctx)
    assert "<img src=x" not in html and "<script>" not in html and "&lt;script&gt;" in html


WORDS = st.one_of(
    st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzé"), min_size=1, max_size=14),
    st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=30, max_size=70),
    st.sampled_from(["日本語", "😀", "👨‍👩‍👧", "https://example.com/a/very/long/path"]),
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(quote=st.lists(WORDS, min_size=1, max_size=60), speaker=st.lists(WORDS, max_size=6),
       title=st.lists(WORDS, min_size=1, max_size=30))
def test_random_cards_stay_inside(quote: list[str], speaker: list[str], title: list[str]) -> None:
    laid = cards.lay_out_cards(article(" ".join(title)), extraction((" ".join(quote), " ".join(speaker))),
                               settings=DEFAULT)
    check_laid_out(laid)
