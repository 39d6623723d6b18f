"""The newsletter: email-safe HTML under Gmail's clipping size, a text version laid out for text,
and an .eml that parses back as multipart/alternative."""

from __future__ import annotations

import email
from email import policy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editorial.config import Settings
from editorial.model import Article, Block, EntitySummary, Extraction, Quote, RenderedFile
from editorial.render.newsletter import (
    MAX_HTML_BYTES,
    newsletter_warnings,
    render_newsletter,
    sanitize,
    unsubscribe_url,
)

from .conftest import ROOT, SAMPLE, eval_sources, ingest_and_extract

GOLDENS = Path(__file__).resolve().parent / "goldens" / "newsletter"
DEFAULT = Settings()
BASE = Settings.model_validate({"brand": {"url": "https://news.example.org"}})
UTM = "utm_source=newsletter&utm_medium=email&utm_campaign="


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    return parser


def files_of(article: Article, extraction: Extraction, cfg: Settings = DEFAULT) -> dict[str, RenderedFile]:
    files = {f.name: f for f in render_newsletter(article, extraction, settings=cfg)}
    assert list(files) == ["newsletter.html", "newsletter.txt", "newsletter.eml"]
    return files


def check_email_safe(html: str, article: Article) -> Tags:
    assert len(html.encode("utf-8")) < MAX_HTML_BYTES
    doc = parse(html)
    names = [t for t, _ in doc.tags]
    assert "script" not in names and "form" not in names and "iframe" not in names
    assert "<script" not in html.lower()
    for tag, attrs in doc.tags:
        assert not [a for a in attrs if a.lower().startswith("on")], (tag, attrs)
        if tag == "link":
            assert "stylesheet" not in (attrs.get("rel") or ""), attrs
        if tag == "img":
            assert attrs.get("alt"), attrs
        for name in ("href", "src"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), attrs
        if tag == "table":
            assert attrs.get("role") == "presentation", attrs
    html_attrs = dict(doc.tags[0][1]) if doc.tags[0][0] == "html" else {}
    assert html_attrs.get("lang") == article.language
    metas = {a.get("name"): a.get("content") for t, a in doc.tags if t == "meta"}
    assert metas.get("color-scheme") == "light dark"
    assert "@media (prefers-color-scheme: dark)" in html and "max-width: 480px" in html
    assert "@import" not in html
    containers = [a for t, a in doc.tags if t == "table" and a.get("width") == "600"]
    assert containers, "a 600 px container table"
    return doc


def check_eml(data: bytes, article: Article, cfg: Settings) -> email.message.EmailMessage:
    msg = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(msg, email.message.EmailMessage)
    assert msg.get_content_type() == "multipart/alternative"
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert "\n" not in msg["Subject"] and "\r" not in msg["Subject"]
    assert msg["From"] == cfg.newsletter.sender and msg["To"] == cfg.newsletter.recipient
    assert msg["List-Unsubscribe"] == f"<{unsubscribe_url(cfg.newsletter)}>, <{cfg.newsletter.unsubscribe_mailto}>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert b"\r\n" in data and all(len(line) <= 998 for line in data.split(b"\r\n"))
    return msg


# ------------------------------------------------------------------ hand-made articles


def make_article(*, title: str = "Can France become a global AI hub?", language: str = "en",
                 paragraphs: tuple[tuple[str, str], ...] = (), standfirst: str = "France has the talent.") -> Article:
    blocks = [Block(kind="title", text=title, start=0, end=1),
              Block(kind="standfirst", text=standfirst, start=0, end=1)]
    blocks += [Block(kind="paragraph", text=t, html=h, start=0, end=1) for t, h in paragraphs]
    return Article(source="t.txt", source_name="t.txt", format="md", slug="hand-made", title=title,
                   standfirst=standfirst, language=language, date="2026-11-20", author="A. Writer",  # type: ignore[arg-type]
                   blocks=tuple(blocks), text="\n\n".join(b.text for b in blocks), content_hash="ab" * 32)


EXTRACTION = Extraction(
    language="en",
    quotes=(Quote(text="Paris is actually ahead of San Francisco from a purely technical standpoint,",
                  speaker="Alexandre Lavallee", start=0, end=1, group=1),
            Quote(text="Without open source, I would not be here today,", speaker="Alexandre Lavallee",
                  start=2, end=3, group=2)),
    entity_summary=(EntitySummary(canonical="France", label="LOC", count=3),),
)
HOSTILE = make_article(paragraphs=(
    ("Click here now. Then more.",
     'Click <a href="javascript:alert(1)" onclick="x()">here</a> <script>alert(1)</script>now. '
     '<img src="x" onerror="alert(1)">Then <a href="https://example.com/a">more</a>.'),
    ("Second paragraph bold.", 'Second <span style="x">paragraph</span> <b onmouseover="y">bold</b>.'),
))


def test_article_html_is_sanitised_before_the_template() -> None:
    html = files_of(HOSTILE, EXTRACTION)["newsletter.html"].data.decode()
    check_email_safe(html, HOSTILE)
    assert "alert" not in html and "onerror" not in html and "onmouseover" not in html
    assert "paragraph</span>" not in html and "Second paragraph <b>bold</b>." in html
    assert 'href="https://example.com/a"' in html and "<b" in html
    assert sanitize('<p onclick="x">a</p><iframe src="y"></iframe>') == "a"


def test_title_with_markup_is_escaped_and_subject_has_no_newline() -> None:
    article = make_article(title="<script>alert(1)</script> Paris\r\nBcc: victim@example.org")
    files = files_of(article, EXTRACTION)
    html = files["newsletter.html"].data.decode()
    assert "<script" not in html and "&lt;script&gt;" in html
    msg = check_eml(files["newsletter.eml"].data, article, DEFAULT)
    assert msg["Subject"] == "<script>alert(1)</script> Paris Bcc: victim@example.org"
    assert msg["Bcc"] is None


def test_relative_links_without_base_url() -> None:
    doc = parse(files_of(HOSTILE, EXTRACTION)["newsletter.html"].data.decode())
    hrefs = [a.get("href") for t, a in doc.tags if t == "a"]
    srcs = [a["src"] for t, a in doc.tags if t == "img"]
    assert "report.pdf" in hrefs and srcs == ["report.png"]
    assert not [h for h in hrefs if h and "utm_" in h]


def test_links_carry_utm_with_base_url() -> None:
    files = files_of(HOSTILE, EXTRACTION, BASE)
    doc = parse(files["newsletter.html"].data.decode())
    hrefs = [a.get("href") or "" for t, a in doc.tags if t == "a"]
    assert f"https://news.example.org/hand-made/report.pdf?{UTM}hand-made" in hrefs
    assert f"https://news.example.org/hand-made/?{UTM}hand-made" in hrefs
    ours = [h for h in hrefs if h.startswith("https://news.example.org")]
    assert ours and all(f"{UTM}hand-made" in h for h in ours)
    assert [a["src"] for t, a in doc.tags if t == "img"] == ["https://news.example.org/hand-made/report.png"]
    text = files["newsletter.txt"].data.decode()
    assert f"https://news.example.org/hand-made/report.pdf?{UTM}hand-made" in text


def test_text_version_is_laid_out_for_text() -> None:
    text = files_of(HOSTILE, EXTRACTION)["newsletter.txt"].data.decode()
    assert "<" not in text.replace("<script>", "") and "&amp;" not in text and "&lt;" not in text
    lines = text.splitlines()
    title = lines.index("Can France become a global AI hub?")
    assert set(lines[title + 1]) == {"="}
    assert "    “Paris is actually ahead of San Francisco from a purely technical" in text
    assert "      — Alexandre Lavallee" in text
    assert "report.pdf" in text and "Unsubscribe: https://example.org/unsubscribe" in text
    assert all(len(line) <= 72 or "://" in line for line in lines)


def test_summary_is_cut_on_a_sentence_boundary() -> None:
    long_para = " ".join(f"This is sentence {i} of the lead, with a few more words." for i in range(40))
    article = make_article(paragraphs=((long_para, ""),))
    cfg = Settings.model_validate({"newsletter": {"summary_words": 40}})
    text = files_of(article, EXTRACTION, cfg)["newsletter.txt"].data.decode()
    brief = text.split("IN BRIEF")[1].split("WHAT THEY SAID")[0]
    assert " ".join(brief.split()).endswith("of the lead, with a few more words.")
    assert 20 <= len(brief.split()) <= 40


def test_french_newsletter() -> None:
    article = make_article(title="La France peut-elle devenir un pôle de l’IA ?", language="fr",
                           standfirst="La France a les talents.")
    ex = Extraction(language="fr", quotes=(Quote(text="Sans l’open source, je ne serais pas là,", speaker="A. L.", start=0, end=1),))
    files = files_of(article, ex)
    html = files["newsletter.html"].data.decode()
    check_email_safe(html, article)
    assert "Lire le rapport complet" in html and "«\u202fSans l’open source, je ne serais pas là\u202f»" in html
    assert "Se désabonner" in files["newsletter.txt"].data.decode()


def test_huge_article_stays_under_the_clipping_size() -> None:
    para = "Word " * 400 + "end."
    article = make_article(paragraphs=tuple((para, "<b>" + para + "</b>") for _ in range(200)),
                           standfirst="Stand " * 300)
    quotes = tuple(Quote(text="Quote " * 59, speaker="S" * 200, start=i, end=i + 1, group=i) for i in range(50))
    files = files_of(article, Extraction(language="en", quotes=quotes))
    check_email_safe(files["newsletter.html"].data.decode(), article)
    # a configured summary far beyond the limit is shortened, not refused
    cfg = Settings.model_validate({"newsletter": {"summary_words": 1_000_000}})
    html = files_of(article, Extraction(language="en", quotes=quotes), cfg)["newsletter.html"].data.decode()
    check_email_safe(html, article)
    assert "IN BRIEF" in html.upper()


def test_eml_is_deterministic_and_parses_back() -> None:
    a = files_of(HOSTILE, EXTRACTION)["newsletter.eml"].data
    b = files_of(HOSTILE, EXTRACTION)["newsletter.eml"].data
    assert a == b
    msg = check_eml(a, HOSTILE, DEFAULT)
    assert msg["Date"] == "Fri, 20 Nov 2026 00:00:00 +0000"
    html_part = list(msg.iter_parts())[1].get_content()
    expected = files_of(HOSTILE, EXTRACTION)["newsletter.html"].data.decode()
    assert html_part.replace("\r\n", "\n").rstrip("\n") == expected.rstrip("\n")


# ------------------------------------------------------------------ real articles


def test_sample_newsletter(update_goldens: bool) -> None:
    article, extraction = ingest_and_extract(SAMPLE)
    files = files_of(article, extraction)
    html = files["newsletter.html"].data.decode()
    check_email_safe(html, article)
    check_eml(files["newsletter.eml"].data, article, DEFAULT)
    assert article.title in html and "Read the full report" in html
    for name in ("newsletter.html", "newsletter.txt"):
        golden = GOLDENS / f"sample.{name.split('.')[1]}"
        actual = files[name].data.decode()
        if update_goldens or not golden.exists():
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(actual, encoding="utf-8")
        assert golden.read_text(encoding="utf-8") == actual, f"{name} differs (pytest --update-goldens)"


@pytest.mark.parametrize("path", eval_sources(), ids=lambda p: p.stem)
def test_eval_article_newsletter(path: Path) -> None:
    article, extraction = ingest_and_extract(path)
    files = files_of(article, extraction, BASE)
    check_email_safe(files["newsletter.html"].data.decode(), article)
    check_eml(files["newsletter.eml"].data, article, BASE)


def test_templates_use_only_their_context_fields() -> None:
    import dataclasses
    import re

    from editorial.render.newsletter import NewsletterContext, PullQuote

    fields = {f.name for f in dataclasses.fields(NewsletterContext)}
    for template in ("newsletter.html", "newsletter.txt.j2"):
        used = set(re.findall(r"ctx\.(\w+)", (ROOT / "templates" / template).read_text()))
        assert used <= fields, (template, used - fields)
    quote_fields = {f.name for f in dataclasses.fields(PullQuote)}
    for template in ("newsletter.html", "newsletter.txt.j2"):
        assert set(re.findall(r"quote\.(\w+)", (ROOT / "templates" / template).read_text())) <= quote_fields


TEXT = st.lists(st.sampled_from(list("ab <>&\"'=/;:éà日😀") + ["<script>", "onload=", "javascript:", "</td>"]),
                min_size=1, max_size=40).map("".join)


@settings(max_examples=30, deadline=None)
@given(title=TEXT, standfirst=TEXT, para=TEXT, quote=TEXT, speaker=TEXT)
def test_random_text_never_becomes_markup(title: str, standfirst: str, para: str, quote: str, speaker: str) -> None:
    article = make_article(title=title.strip() or "t", standfirst=standfirst, paragraphs=((para, para),))
    ex = Extraction(language="en", quotes=(Quote(text=quote, speaker=speaker, start=0, end=1),))
    files = files_of(article, ex)
    html = files["newsletter.html"].data.decode()
    check_email_safe(html, article)
    doc = parse(html)
    assert {t for t, _ in doc.tags} <= {"html", "head", "meta", "title", "style", "body", "div", "table", "tbody",
                                       "tr", "td", "h1", "h2", "p", "a", "img", "b", "br", "span"}
    check_eml(files["newsletter.eml"].data, article, DEFAULT)


# ------------------------------------------------------------------ sendable .eml (issue 16)


def test_eml_has_a_date_and_the_preview_inline() -> None:
    article = make_article(paragraphs=(("France has talent.", ""),))
    article = article.model_copy(update={"date": ""})
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    files = {f.name: f for f in render_newsletter(article, Extraction(language="en"), settings=BASE,
                                                  published="2026-12-01T08:30:00+01:00", preview=png)}  # fmt: skip
    msg = email.message_from_bytes(files["newsletter.eml"].data, policy=policy.default)
    assert msg["Date"] == "Tue, 01 Dec 2026 08:30:00 +0100"
    text, related = msg.iter_parts()
    assert related.get_content_type() == "multipart/related"
    html_part, image = related.iter_parts()
    cid = image["Content-ID"].strip("<>")
    assert image.get_content_type() == "image/png" and image.get_content() == png
    html = html_part.get_content()
    assert f'src="cid:{cid}"' in html
    # The .html file keeps the published URL; every link of both is absolute with brand.url.
    page = files["newsletter.html"].data.decode()
    assert 'src="https://news.example.org/hand-made/report.png"' in page
    hrefs = [a.get("href") or "" for t, a in parse(html).tags if t == "a"]
    assert hrefs and all(h.startswith(("https://", "mailto:")) for h in hrefs), hrefs
    # Same inputs, same bytes.
    again = render_newsletter(article, Extraction(language="en"), settings=BASE,
                              published="2026-12-01T08:30:00+01:00", preview=png)  # fmt: skip
    assert again[2].data == files["newsletter.eml"].data


def test_warnings_name_what_is_still_an_example() -> None:
    article = make_article()
    found = newsletter_warnings(article, DEFAULT)
    assert any("brand.url" in w for w in found)
    for key in ("sender", "unsubscribe_url", "postal_address"):
        assert any(f"newsletter.{key}" in w for w in found), key
    configured = Settings.model_validate({
        "brand": {"url": "https://news.example.org"},
        "newsletter": {"sender": "News <news@news.example.org>", "postal_address": "1 Rue, Paris",
                       "unsubscribe_url": "https://news.example.org/u?id={subscriber}"},
    })  # fmt: skip
    assert newsletter_warnings(article, configured) == ()
    undated = article.model_copy(update={"date": ""})
    assert any("Date" in w for w in newsletter_warnings(undated, configured))
    assert newsletter_warnings(undated, configured, published="2026-12-01") == ()


@pytest.mark.parametrize("tag", ["*|UNIQID|*", "{{ contact.ID }}", "%recipient.id%"])
def test_merge_tag_is_written_as_configured(tag: str) -> None:
    cfg = Settings.model_validate({"newsletter": {"subscriber_merge_tag": tag}})
    files = files_of(make_article(), Extraction(language="en"), cfg)
    html = files["newsletter.html"].data.decode()
    hrefs = [a.get("href") for t, a in parse(html).tags if t == "a"]
    assert f"https://example.org/unsubscribe?id={tag}" in hrefs
    assert f"id={tag}" in files["newsletter.txt"].data.decode()


def test_outlook_gets_a_vml_button_and_the_preheader_hides() -> None:
    html = files_of(make_article(), Extraction(language="en"))["newsletter.html"].data.decode()
    assert "<!--[if mso]><v:roundrect" in html and 'href="report.pdf"' in html
    pre = next(a for t, a in parse(html).tags if t == "div" and a.get("class") == "preheader")
    style = pre.get("style") or ""
    for rule in ("display: none", "max-height: 0", "mso-hide: all", "opacity: 0"):
        assert rule in style, rule
