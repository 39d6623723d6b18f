"""The article web page (outputs/<slug>/index.html): what link previews and search engines read,
absolute URLs with brand.url, the article and the people quoted, and the download app serving it
at /<slug>/. The outside checkers (Nu, axe) run on it in tests/test_checkers.py."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

from editorial.config import Settings
from editorial.render.webpage import render_webpage, web_warnings

from .conftest import SAMPLE, ingest_and_extract

BASE = Settings.model_validate({"brand": {"url": "https://news.example.org/"}})


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[str, str]] = []
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if tag == "script":
            self._script = a.get("type", "")

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts.append((self._script, data))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def meta(self, key: str) -> str:
        return next((a.get("content", "") for t, a in self.tags if t == "meta"
                     and key in (a.get("property"), a.get("name"))), "")  # fmt: skip


def page(settings: Settings = BASE, **kw: bool) -> tuple[str, Page]:
    article, extraction = ingest_and_extract(SAMPLE)
    (f,) = render_webpage(article, extraction, settings=settings, source_dir=SAMPLE.parent, **kw)
    assert f.name == "index.html" and f.media_type == "text/html"
    html = f.data.decode()
    p = Page()
    p.feed(html)
    return html, p


def test_link_previews_and_search_engines() -> None:
    html, p = page()
    url = "https://news.example.org/can-france-become-a-global-ai-hub/"
    assert p.tags[0] == ("html", {"lang": "en", "dir": "ltr"})
    assert p.meta("og:type") == "article" and p.meta("og:url") == url
    assert p.meta("og:title") == "Can France become a global AI Hub?"
    assert p.meta("og:description").startswith("France has the mathematical talent")
    assert p.meta("og:image") == url + "cards/quote-1200x630.png"
    assert (p.meta("og:image:width"), p.meta("og:image:height")) == ("1200", "630")
    assert p.meta("twitter:card") == "summary_large_image" and p.meta("twitter:image") == p.meta("og:image")
    assert ("link", {"rel": "canonical", "href": url}) in p.tags
    (kind, data), = p.scripts
    assert kind == "application/ld+json"
    news, faq = json.loads(data)
    assert news["@type"] == "NewsArticle" and news["headline"] == p.meta("og:title")
    assert news["image"] == [p.meta("og:image")] and news["publisher"]["name"] == "Editorial"
    assert faq["@type"] == "FAQPage" and len(faq["mainEntity"]) == 4
    assert all(q["acceptedAnswer"]["text"] for q in faq["mainEntity"])
    # Every link and image absolute; the PDF and its preview are there.
    urls = [a.get("href") or a.get("src") or "" for t, a in p.tags if t in ("a", "img", "link")]
    assert urls and all(u.startswith(("https://", "#")) for u in urls), urls
    assert any(u == url + "report.pdf" for u in urls) and any(u == url + "report.png" for u in urls)


def test_article_quotes_and_people() -> None:
    html, p = page()
    assert "<main" in html and "Who is quoted" in html and "Alexandre Lavallee" in html
    assert "Paris is actually ahead of San Francisco" in html
    ids = {a["id"] for _, a in p.tags if "id" in a}
    contexts = [a["href"] for t, a in p.tags if t == "a" and a.get("class") == "context"]
    assert contexts and all(h[1:] in ids for h in contexts)
    assert len(ids) == len([a for _, a in p.tags if "id" in a]), "ids are unique"


def test_without_brand_url_relative_and_warned() -> None:
    html, p = page(Settings())
    assert p.meta("og:url") == "" and p.meta("og:image") == ""
    assert not [a for t, a in p.tags if t == "link" and a.get("rel") == "canonical"]
    assert ("a", {"class": "button", "href": "report.pdf", "type": "application/pdf"}) in p.tags
    assert any("brand.url" in w for w in web_warnings(Settings())) and web_warnings(BASE) == ()


def test_no_pdf_no_card() -> None:
    html, p = page(has_pdf=False, has_card=False)
    assert "report.pdf" not in html and p.meta("og:image") == ""
    assert p.meta("twitter:card") == "summary"


def test_json_ld_cannot_close_its_script() -> None:
    from editorial.render.webpage import _ld_json

    text = str(_ld_json({"headline": "</script><script>alert(1)</script> & co"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["headline"] == "</script><script>alert(1)</script> & co"


def test_download_app_serves_the_page(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from editorial import store
    from editorial.model import RenderedFile
    from editorial.web import create_app

    html, _ = page(Settings())
    files = (RenderedFile(name="index.html", data=html.encode(), media_type="text/html"),
             RenderedFile(name="report.pdf", data=b"%PDF-1.7\n", media_type="application/pdf"))  # fmt: skip
    store.publish(tmp_path, "can-france", files, {"source": "s.txt", "slug": "can-france"})
    client = TestClient(create_app(tmp_path, settings=Settings()))
    r = client.get("/can-france/")
    assert r.status_code == 200 and r.text == html
    assert r.headers["content-type"].startswith("text/html")
    assert client.get("/can-france/report.pdf").status_code == 200
    assert client.get("/can-france/../secret").status_code == 404
    assert client.get("/nope/").status_code == 404
    assert client.get("/").status_code == 200


def test_produce_makes_the_page_and_reports_what_is_not_ready() -> None:
    """The stages wire it: index.html is always made, the .eml carries the PDF's preview, and
    the run report's warnings name brand.url and the example defaults."""
    import email
    from email import policy

    from editorial.stages import Job, produce, render_warnings

    produced = produce(Job(source=str(SAMPLE)), Settings())
    names = {f.name for f in produced.files}
    assert {"index.html", "report.pdf", "newsletter.eml"} <= names
    eml = next(f.data for f in produced.files if f.name == "newsletter.eml")
    msg = email.message_from_bytes(eml, policy=policy.default)
    assert [p.get_content_type() for p in msg.walk()] == [
        "multipart/alternative", "text/plain", "multipart/related", "text/html", "image/png"]  # fmt: skip
    warnings = produced.article.warnings
    assert sum("brand.url" in w for w in warnings) == 2  # the web page's and the newsletter's
    assert any("newsletter.sender" in w for w in warnings)
    assert render_warnings(Job(source=str(SAMPLE), formats=("pdf",)), produced.article, BASE) == ()
