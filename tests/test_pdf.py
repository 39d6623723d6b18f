"""The PDF report: real ingest, real spaCy, real WeasyPrint, poppler's pdffonts; no mocks.

Any WeasyPrint log message during a render fails the test unless the test expects it.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, fields
from functools import cached_property
from pathlib import Path

import jinja2
import jinja2.nodes
import pytest
from PIL import Image
from pypdf import PdfReader

from editorial.config import TEMPLATES_DIR, Limits, Settings
from editorial.errors import RenderError
from editorial.model import Article, Block, EntityMention, EntitySummary, Extraction, Quote
from editorial.render import pdf
from editorial.render.pdf_context import (
    ReportContext,
    build_context,
    css_string,
    format_date,
    speaker_role,
)
from editorial.render.pdf_typography import NBSP, NNBSP, quoted, smart_quotes, typeset
from editorial.render.templating import environment

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sources" / "can-france-become-a-global-ai-hub.txt"
FRENCH = Path("/work/shared/eval/fr/frwikinews_44374.txt")
SETTINGS = Settings()

# ---- helpers ----------------------------------------------------------------------------------


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith("weasyprint.progress"):
            self.messages.append(f"{record.levelname}: {record.getMessage()}")


@pytest.fixture
def weasy_logs() -> Iterator[list[str]]:
    """WeasyPrint's log messages during the test (a test that expects some reads this list)."""
    handler = _Capture()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


@pytest.fixture(autouse=True)
def no_weasy_logs(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail on any WeasyPrint message unless the test asked for `weasy_logs` itself."""
    if "weasy_logs" in request.fixturenames:
        yield
        return
    handler = _Capture()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    assert not handler.messages, f"WeasyPrint logged: {handler.messages}"


@dataclass(frozen=True)
class Rendered:
    article: Article
    extraction: Extraction
    context: ReportContext
    html: str
    pages: int
    bookmarks: list[tuple[str, int, int]]  # (label, level, page number from 1)
    pdf: bytes
    png: bytes

    @cached_property
    def reader(self) -> PdfReader:
        return PdfReader(io.BytesIO(self.pdf))

    @cached_property
    def _texts(self) -> tuple[str, ...]:
        return tuple(
            " ".join((page.extract_text() or "").replace(NNBSP, " ").replace(NBSP, " ").split())
            for page in self.reader.pages
        )

    def page_text(self, number: int) -> str:
        """Text of page `number` (from 1), spaces normalised."""
        return self._texts[number - 1]

    def all_text(self) -> list[str]:
        return list(self._texts)


def flatten(tree: list, level: int = 1) -> list[tuple[str, int, int]]:  # type: ignore[type-arg]
    out = []
    for label, target, children, _state in tree:
        out.append((label, level, target[0] + 1))
        out.extend(flatten(children, level + 1))
    return out


def render_all(
    article: Article, extraction: Extraction, source_dir: Path, variant: str = "pdf/ua-1"
) -> Rendered:
    """Every stage, as render_pdf runs them, keeping what each one made. WeasyPrint must stay
    silent (this also guards the module-scoped fixtures, which the autouse fixture cannot)."""
    handler = _Capture()
    logging.getLogger("weasyprint").addHandler(handler)
    try:
        context = build_context(article, extraction, brand="Editorial", source_dir=source_dir)
        html = pdf.render_html(context)
        document = pdf.layout(html, source_dir=source_dir, variant=variant)
        bookmarks = flatten(document.make_bookmark_tree())
        data = pdf.write_pdf(document, context, variant=variant)
    finally:
        logging.getLogger("weasyprint").removeHandler(handler)
    assert not handler.messages, f"WeasyPrint logged: {handler.messages}"
    return Rendered(
        article, extraction, context, html, len(document.pages), bookmarks, data, pdf.preview_png(data)
    )


def make_article(
    blocks: list[tuple[str, str]] | list[tuple[str, str, dict[str, object]]],
    *,
    title: str = "A test article about harbours",
    standfirst: str = "",
    language: str = "en",
    author: str = "",
    date: str = "",
    tags: tuple[str, ...] = (),
) -> Article:
    """An Article built the way ingest builds one: block texts joined by blank lines, offsets."""
    items: list[tuple[str, str, dict[str, object]]] = [("title", title, {})]
    if standfirst:
        items.append(("standfirst", standfirst, {}))
    items += [(b[0], b[1], b[2] if len(b) > 2 else {}) for b in blocks]  # type: ignore[misc]
    built: list[Block] = []
    offset = 0
    for kind, text, extra in items:
        built.append(Block(kind=kind, text=text, start=offset, end=offset + len(text), **extra))  # type: ignore[arg-type]
        offset += len(text) + 2
    text = "\n\n".join(t for _, t, _ in items)
    return Article(
        source=f"/tmp/{title[:10]}.md", source_name="a.md", format="md", slug="test",
        title=title, standfirst=standfirst, author=author, date=date, language=language,  # type: ignore[arg-type]
        tags=tags, blocks=tuple(built), text=text,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )


def quote_in(article: Article, text: str, speaker: str = "", kind: str = "full", group: int = 0) -> Quote:
    start = article.text.index(text)
    return Quote(text=text, speaker=speaker, start=start, end=start + len(text), kind=kind,  # type: ignore[arg-type]
                 group=group, cue="said" if speaker else None)


def entities_in(article: Article, names: dict[str, str]) -> tuple[tuple[EntityMention, ...], tuple[EntitySummary, ...]]:
    mentions = []
    for name, label in names.items():
        for m in re.finditer(re.escape(name), article.text):
            mentions.append(EntityMention(text=name, label=label, canonical=name, start=m.start(), end=m.end()))  # type: ignore[arg-type]
    mentions.sort(key=lambda m: m.start)
    counts = {n: sum(1 for m in mentions if m.canonical == n) for n in names}
    summary = tuple(
        EntitySummary(canonical=n, label=names[n], count=c)  # type: ignore[arg-type]
        for n, c in sorted(counts.items(), key=lambda kv: -kv[1]) if c
    )
    return tuple(mentions), summary


SENTENCES = (
    "The harbour authority published its annual report on Tuesday, showing container traffic "
    "up by a fifth.",
    "Dock workers said the new cranes had changed the rhythm of every shift.",
    "Across the estuary, the fishing cooperative counted fewer boats than at any time since "
    "the war.",
    "Environmental groups questioned the dredging programme and its effect on the salt marshes.",
    "Municipal planners want the old warehouses turned into housing within a decade.",
    "Shipping lines, meanwhile, are negotiating longer berths and lower fees.",
)


def paragraph(i: int, n: int = 6) -> str:
    return " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(n))


def sectioned_article(sections: int = 5, paragraphs: int = 7) -> Article:
    blocks: list[tuple[str, str, dict[str, object]]] = []
    for s in range(sections):
        blocks.append(("heading", f"Section {s + 1}: the harbour in year {2020 + s}", {"level": 2, "anchor": f"section-{s + 1}"}))
        if s == 2:
            blocks.append(("heading", "A closer look at the cranes", {"level": 3, "anchor": "cranes"}))
        for p in range(paragraphs):
            blocks.append(("paragraph", paragraph(s * paragraphs + p), {}))
    blocks.append(("paragraph", '"We have never moved so many boxes in one year," said Maria Keller, the harbour master.', {}))
    return make_article(blocks, standfirst="How a small port became a large one, and what it cost.",
                        author="Jane Doe", date="2026-03-12", tags=("Ports", "Economy"))


# ---- fixtures: real pipeline ------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> Rendered:
    from editorial.extract import extract
    from editorial.ingest import ingest

    article = ingest(SAMPLE)
    return render_all(article, extract(article), SAMPLE.parent)


@pytest.fixture(scope="module")
def french() -> Rendered:
    from editorial.extract import extract
    from editorial.ingest import ingest

    if not FRENCH.exists():
        pytest.skip(f"{FRENCH} is not on this machine")
    article = ingest(FRENCH)
    assert article.language == "fr"
    return render_all(article, extract(article), FRENCH.parent)


@pytest.fixture(scope="module")
def sectioned(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    article = sectioned_article()
    quote = quote_in(article, "We have never moved so many boxes in one year,", "Maria Keller")
    mentions, summary = entities_in(article, {"Maria Keller": "PERSON", "harbour authority": "ORG"})
    extraction = Extraction(language="en", quotes=(quote,), entities=mentions, entity_summary=summary)
    return render_all(article, extraction, tmp_path_factory.mktemp("sectioned"))


# ---- the sample article -----------------------------------------------------------------------


def test_sample_render_pdf_returns_pdf_and_png(sample: Rendered, tmp_path: Path) -> None:
    files = pdf.render_pdf(sample.article, sample.extraction, settings=SETTINGS, source_dir=SAMPLE.parent)
    assert [(f.name, f.media_type) for f in files] == [
        ("report.pdf", "application/pdf"), ("report.png", "image/png")
    ]
    assert files[0].data.startswith(b"%PDF-1.7")
    assert files[0].data == sample.pdf  # reproducible: same article, same bytes
    image = Image.open(io.BytesIO(files[1].data))
    assert image.format == "PNG" and image.width == pdf.PREVIEW_WIDTH_PX == 600
    assert 840 <= image.height <= 852  # A4 portrait
    # It is the cover: the accent rule near the top, dark title type, mostly white paper.
    rgb = image.convert("RGB")
    column = [rgb.getpixel((300, y)) for y in range(48, 84)]
    assert any(r > 140 and g < 80 and b < 80 for r, g, b in column)  # the accent rule
    dark = sum(image.convert("L").crop((60, 150, 540, 270)).histogram()[:50])
    assert dark > 1_800  # the title
    assert not re.search(r"<h\d[^>]*>\s*</h\d>", sample.html)  # no empty heading


def test_sample_pages(sample: Rendered) -> None:
    texts = sample.all_text()
    assert 3 <= sample.pages <= 6, sample.pages
    assert len(sample.reader.pages) == sample.pages
    cover = texts[0]
    assert cover.startswith("EDITORIAL Can France become a global AI Hub?")
    assert "France has the mathematical talent" in cover  # standfirst
    assert "English" in cover and "min read" in cover
    assert "Page 1" not in cover  # no running header or footer on the cover
    quote = sample.context.cover_quote
    assert quote and quote.speaker == "Alexandre Lavallee"
    assert quote.text.startswith("\u201c") and quote.text.endswith("\u201d")
    assert quote.text[1:30] in cover and "ALEXANDRE LAVALLEE" in cover
    second = texts[1]
    assert "AT A GLANCE words 624" in second or "AT A GLANCE words" in second
    assert "Can France become a global AI Hub? EDITORIAL" in second  # running header
    assert "Most mentioned France" in second
    assert f"Page 2 of {sample.pages}" in second
    assert "lexandre Lavallee is an AI entrepreneur" in second  # the body starts on page 2
    assert "Questions and answers" in " ".join(texts[2:])
    assert any("Who is quoted" in t for t in texts[2:])
    assert "People, organisations, places" in texts[-1]
    for number, text in enumerate(texts[1:], start=2):
        assert f"Page {number} of {sample.pages}" in text


def test_sample_body_typography(sample: Rendered) -> None:
    body = " ".join(sample.all_text()[1:])
    assert '"' not in body  # straight quotes became typographic ones
    assert "\u201cAt Google, I had the chance" in body
    assert "France\u2019s AI ecosystem" in body
    # A pull quote between paragraphs, attributed.
    pulls = [i for i in sample.context.body if i.kind == "pullquote"]
    assert pulls and all(p.quote and p.quote.speaker for p in pulls)


def test_sample_faq_as_pairs(sample: Rendered) -> None:
    faq = [i for i in sample.context.body if i.kind == "faq"]
    assert len(faq) == 1 and len(faq[0].pairs) == 4
    assert all(len(p.answers) == 1 for p in faq[0].pairs)
    assert '<h3 class="question"' in sample.html


def test_sample_bookmarks(sample: Rendered) -> None:
    labels = [(label, level) for label, level, _ in sample.bookmarks]
    assert labels[0] == ("Can France become a global AI Hub?", 1)
    assert ("Questions and answers", 1) in labels
    assert ("Why do large tech companies innovate more slowly than AI startups?", 2) in labels
    assert labels[-2:] == [("Who is quoted", 1), ("People, organisations, places", 1)]
    top = [item for item in sample.reader.outline if not isinstance(item, list)]
    assert len(top) == 4  # title, FAQ (its questions nested), the two back sections
    for label, _, page in sample.bookmarks:
        assert label[:25] in sample.page_text(page).replace("\u2019", "'") or label[:25] in sample.page_text(page)


def test_sample_metadata(sample: Rendered) -> None:
    reader = sample.reader
    info = reader.metadata
    assert info is not None
    assert info["/Title"] == "Can France become a global AI Hub?"
    assert info["/Subject"].startswith("France has the mathematical talent")
    keywords = info["/Keywords"].split(", ")
    assert keywords[:3] == [e.canonical for e in sample.extraction.entity_summary[:3]]
    assert "/CreationDate" not in info  # the article has no date: none from the clock
    assert "/Author" not in info
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_sample_is_tagged_pdf_ua(sample: Rendered) -> None:
    root = sample.reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfuaid:part="1"' in xmp
    assert b"Can France become a global AI Hub?" in xmp
    roles = _structure_roles(root["/StructTreeRoot"])
    for role in ("/Document", "/H1", "/H2", "/H3", "/P", "/L", "/LI", "/Table", "/TH", "/TD",
                 "/Link", "/BlockQuote"):
        assert roles[role] >= 1, (role, roles)
    assert roles["/H1"] == 1


def _structure_roles(node: object) -> Counter[str]:
    """How many structure elements of each role (/S) the tagged PDF holds."""
    roles: Counter[str] = Counter()
    stack = [node]
    while stack:
        item = stack.pop()
        item = item.get_object() if hasattr(item, "get_object") else item
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if "/S" in item:
                roles[str(item["/S"])] += 1
            if "/K" in item:
                stack.append(item["/K"])
    return roles


def _pdffonts(data: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def test_sample_fonts_embedded_subset_and_ours(sample: Rendered, tmp_path: Path) -> None:
    rows = _pdffonts(sample.pdf, tmp_path)
    assert rows
    names = {row[0].split("+", 1)[1] for row in rows}
    assert {"EB-Garamond", "EB-Garamond-Italic", "Inter", "Inter-Bold"} <= names
    assert all(n.startswith(("EB-Garamond", "Inter")) for n in names), names  # no machine fonts
    for row in rows:
        emb, sub = row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), row


def test_quote_links_point_to_the_page_of_the_quote(sample: Rendered) -> None:
    texts = sample.all_text()
    who_page = next(i for i, t in enumerate(texts, start=1) if "Who is quoted" in t)
    who = " ".join(texts[who_page - 1:])
    speaker = sample.context.speakers[0]
    assert speaker.name == "Alexandre Lavallee"
    assert speaker.role.startswith("An AI entrepreneur")
    checked = 0
    for quote in speaker.quotes:
        if not quote.target:
            continue
        head = quote.text[1:30]
        match = re.search(re.escape(head) + r".*?\u201d\s*p\.\s*(\d+)", who)
        assert match, head
        page = int(match[1])
        assert head[:20] in texts[page - 1].replace("\u201c", ""), (head, page)
        checked += 1
    assert checked >= 3


def test_page_references_cost_one_layout_less_with_the_weasyprint_fix(
    sample: Rendered, monkeypatch: pytest.MonkeyPatch
) -> None:
    """editorial.render.weasyprint_fix: the same text on every page, fewer page layouts (counted
    by wrapping WeasyPrint's make_page, which still does all the work)."""
    import weasyprint.layout.page as page_layout

    from editorial.render import weasyprint_fix

    assert weasyprint_fix.is_applied()  # pinned WeasyPrint: the fix must be on
    made: list[int] = []
    make_page = page_layout.make_page

    def counting(*args: object) -> object:
        made.append(1)
        return make_page(*args)

    monkeypatch.setattr(page_layout, "make_page", counting)
    html, source_dir = sample.html, Path(sample.article.source).parent
    runs = {}
    try:
        for fixed in (True, False):
            weasyprint_fix.apply() if fixed else weasyprint_fix.remove()
            made.clear()
            document = pdf.layout(html, source_dir=source_dir)
            reader = PdfReader(io.BytesIO(document.write_pdf()))
            runs[fixed] = (len(made), [page.extract_text() for page in reader.pages])
    finally:
        weasyprint_fix.apply()
    assert not sample.context.toc and sample.context.speakers
    assert runs[True][1] == runs[False][1]  # the same page numbers everywhere
    assert runs[True][0] == runs[False][0] - 2, runs  # the "who is quoted" page: twice less
    assert runs[True][0] == len(runs[True][1])  # every page made once


# ---- sections, TOC, long articles -------------------------------------------------------------


def test_toc_page_numbers_match_section_pages(sectioned: Rendered) -> None:
    assert sectioned.context.toc
    texts = sectioned.all_text()
    toc_page = next(i for i, t in enumerate(texts, start=1) if "CONTENTS" in t or "Contents" in t)
    toc_text = texts[toc_page - 1]
    starts = {label: page for label, _, page in sectioned.bookmarks}
    for entry in sectioned.context.toc:
        match = re.search(re.escape(entry.text) + r"\s*(\d+)", toc_text)
        assert match, entry.text
        printed = int(match[1])
        assert printed == starts[entry.text], entry.text
        assert entry.text in texts[printed - 1].split("Contents")[-1] or printed != toc_page
    section_pages = [starts[f"Section {s}: the harbour in year {2019 + s}"] for s in range(1, 6)]
    assert section_pages == sorted(section_pages) and section_pages[-1] > section_pages[0]
    assert ("A closer look at the cranes", 2) in [(lbl, lvl) for lbl, lvl, _ in sectioned.bookmarks]


def test_sectioned_metadata_from_the_article(sectioned: Rendered) -> None:
    info = sectioned.reader.metadata
    assert info is not None
    assert info["/Author"] == "Jane Doe"
    assert info["/CreationDate"].startswith("D:20260312")
    assert info["/ModDate"].startswith("D:20260312")
    cover = sectioned.page_text(1)
    assert "PORTS · ECONOMY" in cover
    assert "By Jane Doe" in cover and "12 March 2026" in cover


@pytest.mark.slow
def test_long_article(tmp_path: Path) -> None:
    article = sectioned_article(sections=24, paragraphs=8)
    files = pdf.render_pdf(article, Extraction(language="en"), settings=SETTINGS, source_dir=tmp_path)
    reader = PdfReader(io.BytesIO(files[0].data))
    assert len(reader.pages) >= 30
    assert len([o for o in reader.outline if not isinstance(o, list)]) == 25  # title + sections
    last = " ".join((reader.pages[-1].extract_text() or "").split())
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in last


def test_page_limit(tmp_path: Path) -> None:
    article = sectioned_article(sections=2, paragraphs=6)
    limited = Settings(limits=Limits(max_pages=3))
    with pytest.raises(RenderError, match=r"too many pages: \d+ > limits.max_pages = 3"):
        pdf.render_pdf(article, Extraction(language="en"), settings=limited, source_dir=tmp_path)


def test_bare_article_has_no_empty_sections(tmp_path: Path) -> None:
    article = make_article([("paragraph", paragraph(0)), ("paragraph", paragraph(1))], title="Short")
    rendered = render_all(article, Extraction(language="en"), tmp_path)
    assert rendered.pages == 2
    text = " ".join(rendered.all_text())
    for absent in ("Who is quoted", "People, organisations", "Contents", "Most mentioned",
                   "Questions and answers"):
        assert absent not in text
    assert not rendered.context.toc and rendered.context.cover_quote is None
    assert not re.search(r"<h\d[^>]*>\s*</h\d>", rendered.html)  # no empty heading
    assert [label for label, _, _ in rendered.bookmarks] == ["Short"]


def test_image_with_caption(tmp_path: Path) -> None:
    Image.new("RGB", (640, 360), (164, 38, 44)).save(tmp_path / "harbour.png")
    article = make_article([
        ("paragraph", paragraph(0)),
        ("image", "The harbour at dawn, seen from the lighthouse.", {"src": "harbour.png"}),
        ("image", "A missing picture.", {"src": "missing.png"}),
        ("image", "Outside the folder.", {"src": "../../etc/passwd"}),
        ("paragraph", paragraph(1)),
    ])
    rendered = render_all(article, Extraction(language="en"), tmp_path)
    figures = [i for i in rendered.context.body if i.kind == "figure"]
    assert len(figures) == 1 and figures[0].src == (tmp_path / "harbour.png").as_uri()
    assert "The harbour at dawn, seen from the lighthouse." in rendered.page_text(2)
    assert "A missing picture" not in " ".join(rendered.all_text())
    resources = rendered.reader.pages[1]["/Resources"]
    assert any(x.get_object()["/Subtype"] == "/Image" for x in resources["/XObject"].values())


def test_lists_blockquotes_and_a_faq_under_its_own_heading(tmp_path: Path) -> None:
    article = make_article([
        ("heading", "The harbour", {"level": 2, "anchor": "harbour"}),
        ("paragraph", paragraph(0)),
        ("list_item", "Container traffic up by a fifth."),
        ("list_item", "Two new cranes, and a third on order."),
        ("blockquote", "The sea gives, and the sea takes; the harbour keeps the accounts."),
        ("heading", "FAQ", {"level": 2, "anchor": "faq"}),
        ("faq_question", "Why did traffic grow?"),
        ("faq_answer", paragraph(2, 2)),
        ("faq_answer", paragraph(3, 1)),
        ("faq_question", "What happens next?"),
        ("faq_answer", paragraph(3, 2)),
    ])
    rendered = render_all(article, Extraction(language="en"), tmp_path)
    text = " ".join(rendered.all_text())
    assert "– Container traffic up by a fifth. – Two new cranes" in text
    assert "The sea gives, and the sea takes" in text
    labels = [(label, level) for label, level, _ in rendered.bookmarks]
    assert labels == [
        ("A test article about harbours", 1), ("The harbour", 1), ("FAQ", 1),
        ("Why did traffic grow?", 2), ("What happens next?", 2),
    ]
    assert "Questions and answers" not in text  # the article's own FAQ heading is kept
    assert [e.text for e in rendered.context.toc] == ["The harbour", "FAQ"]
    faq = next(i for i in rendered.context.body if i.kind == "faq")
    assert [len(p.answers) for p in faq.pairs] == [2, 1]
    assert rendered.pages == 2  # a short contents list shares its page with the body


def test_broken_image_is_logged_not_fatal(tmp_path: Path, weasy_logs: list[str]) -> None:
    (tmp_path / "broken.png").write_bytes(b"not a png at all")
    article = make_article([("paragraph", paragraph(0)), ("image", "Broken.", {"src": "broken.png"})])
    files = pdf.render_pdf(article, Extraction(language="en"), settings=SETTINGS, source_dir=tmp_path)
    assert files[0].data.startswith(b"%PDF")
    assert any("broken.png" in m for m in weasy_logs), weasy_logs


# ---- variants ---------------------------------------------------------------------------------


def test_pdf_a_3b_is_tagged_and_archival(tmp_path: Path) -> None:
    article = sectioned_article(sections=2, paragraphs=2)
    files = pdf.render_pdf(article, Extraction(language="en"), settings=SETTINGS, source_dir=tmp_path,
                           variant="pdf/a-3b")
    reader = PdfReader(io.BytesIO(files[0].data))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="B"' in xmp
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert "/OutputIntents" in root
    again = pdf.render_pdf(article, Extraction(language="en"), settings=SETTINGS, source_dir=tmp_path,
                           variant="pdf/a-3b")
    assert again[0].data == files[0].data  # the file identifier is a hash, not random


def test_plain_variant_and_unknown_variant(tmp_path: Path) -> None:
    article = make_article([("paragraph", paragraph(0))])
    files = pdf.render_pdf(article, Extraction(language="en"), settings=SETTINGS, source_dir=tmp_path,
                           variant="none")
    root = PdfReader(io.BytesIO(files[0].data)).trailer["/Root"]
    assert "/StructTreeRoot" not in root
    with pytest.raises(RenderError, match="unknown PDF variant 'pdf/x-9'"):
        pdf.render_pdf(article, Extraction(language="en"), settings=SETTINGS, source_dir=tmp_path,
                       variant="pdf/x-9")


def test_settings_variant_is_the_default(tmp_path: Path) -> None:
    article = make_article([("paragraph", paragraph(0))])
    settings = Settings(pdf_variant="pdf/a-3b")
    files = pdf.render_pdf(article, Extraction(language="en"), settings=settings, source_dir=tmp_path)
    xmp = PdfReader(io.BytesIO(files[0].data)).trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp


# ---- French -----------------------------------------------------------------------------------


def test_french_labels_and_typography(french: Rendered) -> None:
    texts = french.all_text()
    raw = " ".join((french.reader.pages[i].extract_text() or "") for i in range(french.pages))
    assert french.reader.trailer["/Root"]["/Lang"] == "fr"
    assert "EN BREF" in texts[1] and "Les plus cités" in texts[1]
    assert f"Page 2 sur {french.pages}" in texts[1]
    assert any("Qui parle" in t for t in texts)
    assert any("Personnes, organisations, lieux" in t for t in texts)
    assert "min de lecture" in texts[0] and "Français" in texts[0]
    assert "juin 2012" in texts[0]
    assert f"«{NNBSP}" in raw and f"{NNBSP}»" in raw  # guillemets with narrow no-break spaces
    assert '"' not in raw
    for english in ("Who is quoted", "At a glance", "AT A GLANCE", "Contents", " of "):
        assert english not in " ".join(texts)


def test_french_hyphenation(french: Rendered, tmp_path: Path) -> None:
    """Justified French text breaks words with hyphens the source does not have."""
    path = tmp_path / "fr.pdf"
    path.write_bytes(french.pdf)
    text = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    source = " ".join(french.article.text.split())
    broken = [
        ln.split()[-1][:-1] + nxt.split()[0].rstrip(".,;:")
        for ln, nxt in zip(lines, lines[1:], strict=False)
        if ln.endswith("\u2010") and nxt  # WeasyPrint's hyphenation mark is U+2010
    ]
    assert broken and all(word in source for word in broken), broken
    assert broken, lines[:40]


def test_french_fonts_cover_everything(french: Rendered, tmp_path: Path) -> None:
    names = {row[0].split("+", 1)[1] for row in _pdffonts(french.pdf, tmp_path)}
    assert all(n.startswith(("EB-Garamond", "Inter")) for n in names), names


# ---- context, template and typography units ---------------------------------------------------


def test_template_and_context_agree() -> None:
    """Every `r.<name>` the template reads is a field of ReportContext, and every field is read."""
    env = environment()
    used: set[str] = set()
    for name in ("report.html", "report/body_item.html", "report/glance.html"):
        source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
        for node in env.parse(source).find_all(jinja2.nodes.Getattr):
            if isinstance(node.node, jinja2.nodes.Name) and node.node.name == "r":
                used.add(node.attr)
    declared = {f.name for f in fields(ReportContext)}
    assert used - declared == set()
    assert declared - used == set()


def test_i18n_report_tables_have_the_same_keys() -> None:
    import tomllib

    en = tomllib.loads((TEMPLATES_DIR / "i18n" / "en.toml").read_text("utf-8"))["report"]
    fr = tomllib.loads((TEMPLATES_DIR / "i18n" / "fr.toml").read_text("utf-8"))["report"]
    assert set(en) == set(fr)
    assert fr["who_is_quoted"] == "Qui parle" and fr["contents"] == "Sommaire"


def test_fonts_ship_with_their_licences() -> None:
    fonts = TEMPLATES_DIR / "fonts"
    files = sorted(p.name for p in fonts.glob("*.otf"))
    assert files == ["EBGaramond12-Italic.otf", "EBGaramond12-Regular.otf", "Inter-Bold.otf",
                     "Inter-Italic.otf", "Inter-Regular.otf", "Inter-SemiBold.otf"]
    for licence in ("OFL-EBGaramond.txt", "OFL-Inter.txt"):
        assert "SIL Open Font License" in (fonts / licence).read_text("utf-8")
    assert sum(p.stat().st_size for p in fonts.iterdir()) < 3_000_000
    css = (TEMPLATES_DIR / "report.css").read_text("utf-8")
    for name in files:
        assert f"url(fonts/{name})" in css


def test_french_typography_units() -> None:
    assert typeset('Il a dit : "bonjour" ! Pourquoi ?', "fr") == (
        f"Il a dit{NBSP}: «{NNBSP}bonjour{NNBSP}»{NNBSP}! Pourquoi{NNBSP}?"
    )
    assert typeset("<a href=\"http://x.org\">l'URL http://x.org</a>", "fr") == (
        "<a href=\"http://x.org\">l\u2019URL http://x.org</a>"
    )
    assert quoted("le montant est plutôt de 700 000 euros,", "fr") == (
        f"«{NNBSP}le montant est plutôt de 700{NNBSP}000 euros.{NNBSP}»"
    )
    assert smart_quotes("'Tis \"it\" (\"x\")", "en") == "\u2018Tis \u201cit\u201d (\u201cx\u201d)"


def test_speaker_role_and_dates() -> None:
    article = make_article([
        ("paragraph", "Maria Keller, the harbour master since 2019, said the port was full."),
        ("paragraph", "Tom Ng is a crane operator with twenty years on the docks."),
        ("paragraph", "Ana Ruiz, who runs the cooperative, disagreed."),
    ])
    assert speaker_role("Maria Keller", article) == "The harbour master since 2019"
    assert speaker_role("Tom Ng", article) == "A crane operator with twenty years on the docks"
    assert speaker_role("Ana Ruiz", article) == "Who runs the cooperative"
    assert speaker_role("Nobody Here", article) == ""
    before = make_article([("paragraph", "It was fine, according to museum curator Ann Lee. "
                                         "Kristen Wilkins, assistant professor of photography, agreed.")])
    assert speaker_role("Ann Lee", before) == "Museum curator"
    assert speaker_role("Kristen Wilkins", before) == "Assistant professor of photography"
    fr = make_article([("paragraph", "Jean Dupont, le porte-parole de la mairie, a démenti.")],
                      language="fr")
    assert speaker_role("Jean Dupont", fr) == "Le porte-parole de la mairie"
    from editorial.render.i18n import words

    assert format_date("2026-03-01", words("fr")) == "1er mars 2026"
    assert format_date("2026-03-12", words("en")) == "12 March 2026"
    assert format_date("2026-03", words("en")) == "March 2026"
    assert format_date("spring", words("en")) == "spring"


def test_css_strings_are_inert() -> None:
    assert css_string('</style>"\\') == '"\\3c /style\\3e \\22 \\5c "'
    article = make_article([("paragraph", paragraph(0))], title='Evil </style><script>x</script> "title"')
    context = build_context(article, Extraction(language="en"), brand="B&B <Co>", source_dir=Path("/tmp"))
    html = pdf.render_html(context)
    style = html[html.index("<style>"):html.index("</style>")]
    assert "<script" not in style and "&" not in style


def test_ids_are_unique(tmp_path: Path) -> None:
    article = make_article([
        ("heading", "Intro", {"level": 2, "anchor": "intro"}),
        ("paragraph", paragraph(0)),
        ("heading", "Intro", {"level": 2, "anchor": "intro"}),
        ("heading", "Clash", {"level": 2, "anchor": "r-who"}),
        ("faq_question", "One?"), ("faq_answer", "Yes."),
        ("paragraph", paragraph(1)),
        ("faq_question", "Two?"), ("faq_answer", "No."),
    ])
    rendered = render_all(article, Extraction(language="en"), tmp_path)
    ids = re.findall(r'\sid="([^"]+)"', rendered.html)
    assert len(ids) == len(set(ids)), ids
    assert {"intro", "intro-2", "r-who-2", "r-faq", "r-faq-2"} <= set(ids)


def test_unattributed_fragments_are_left_out(tmp_path: Path) -> None:
    article = make_article([("paragraph", 'The so-called "miracle" was a "plan," said Ana Ruiz.')])
    extraction = Extraction(language="en", quotes=(
        quote_in(article, "miracle", kind="fragment"),
        quote_in(article, "plan,", "Ana Ruiz", kind="fragment"),
    ))
    context = build_context(article, extraction, brand="E", source_dir=tmp_path)
    assert [s.name for s in context.speakers] == ["Ana Ruiz"]
    assert context.speakers[0].quotes[0].text == "\u201cplan.\u201d"


def test_the_drop_cap_only_on_a_lead_paragraph_that_reaches_its_third_line() -> None:
    from editorial.render.pdf_context import LEAD_MIN_CHARS, build_body

    long_lead = "The harbour opened again on Monday after three weeks of repairs to the old wall. " * 3
    for lead, capped in (("Group F: the harbour opened again.", False), (long_lead, True)):
        article = make_article([("paragraph", lead), ("paragraph", "The next paragraph follows.")])
        items, _ = build_body(article, Path("/tmp"))
        first = [i for i in items if i.kind == "paragraph"][0]
        assert first.lead is capped and ('class="initial' in str(first.html)) is capped
        assert (len(lead) >= LEAD_MIN_CHARS) is capped


def test_preview_of_a_text_page_is_a_faithful_palette_image(sample: Rendered) -> None:
    import pypdfium2
    from PIL import ImageChops

    preview = Image.open(io.BytesIO(sample.png))
    assert preview.mode == "P"  # no photograph on the cover: 256 colours
    document = pypdfium2.PdfDocument(sample.pdf)
    page = document[0]
    exact = page.render(scale=preview.width / page.get_width()).to_pil().convert("RGB")
    page.close()
    document.close()
    diff = ImageChops.difference(exact, preview.convert("RGB")).convert("L")
    assert diff.getextrema()[1] <= 16  # anti-aliased edges at most; flat areas exact
    hist = diff.histogram()
    assert sum(hist[4:]) < 0.05 * exact.width * exact.height, sum(hist[4:])
    assert sum(hist[8:]) < 0.01 * exact.width * exact.height, sum(hist[8:])


def test_preview_of_a_page_with_a_photograph_stays_rgb(tmp_path: Path) -> None:
    from weasyprint import HTML

    photo = Image.radial_gradient("L").resize((400, 300)).convert("RGB")
    photo = Image.merge("RGB", (photo.getchannel(0), Image.linear_gradient("L").resize((400, 300)),
                                photo.getchannel(2).point(lambda v: 255 - v)))  # fmt: skip
    photo.save(tmp_path / "photo.png")
    data = HTML(string='<h1>Harbour</h1><img src="photo.png" style="width: 12cm">',
                base_url=str(tmp_path) + "/").write_pdf()  # fmt: skip
    preview = Image.open(io.BytesIO(pdf.preview_png(data)))
    assert preview.mode == "RGB"  # a palette would band the photograph
    colours = preview.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 256
