"""The HTML reader on saved pages (our own small fixtures), languages, and the editor's warnings."""

from __future__ import annotations

import json
import re
import socket
import threading
from pathlib import Path

import pytest

from editorial.errors import UnsupportedLanguage
from editorial.ingest import ingest, ingest_bytes, webpage
from editorial.ingest.language import detect
from tests.conftest import FIXTURES

WEB = FIXTURES / "web"


def test_saved_page_keeps_the_article_and_drops_the_page() -> None:
    a = ingest(WEB / "saved-article.html")
    assert a.title == "Harbour reopens after the storms"  # not "... | The Coastal Courier"
    assert a.author == "Jeanne Martin" and a.date == "2026-03-09"
    assert a.site == "The Coastal Courier" and a.language == "en"
    assert a.canonical_url == "https://news.example.org/2026/03/harbour-reopens"
    assert a.image == "https://cdn.example.org/img/harbour.jpg"
    assert a.image_alt == "Fishing boats moored in the harbour at dawn"
    assert a.standfirst.startswith("Brest's harbour master says")
    kinds = [b.kind for b in a.body]
    assert kinds == ["paragraph", "paragraph", "heading", "paragraph", "list_item", "list_item",
                     "list_item", "blockquote", "paragraph"]  # fmt: skip
    assert a.body[0].text.startswith("The harbour of Brest reopened on Monday")
    assert a.body[-1].text.startswith("The ferry to the islands")
    for junk in ("cookies", "Share", "Facebook", "Related stories", "comments", "Reader123",
                 "Newsletter", "Sign up", "All rights reserved", "Subscribe", "Weather"):  # fmt: skip
        assert junk not in a.text, junk


def test_saved_page_inline_html_is_sanitised() -> None:
    a = ingest(WEB / "saved-article.html")
    html = "".join(b.html for b in a.blocks)
    assert '<a href="https://example.org/council"' in html and "<em>rescue crews</em>" in html
    for bad in ("<script", "<img", "<iframe", "onerror", "127.0.0.1", "<button", "<form"):
        assert bad not in html and bad not in a.text


def test_reading_a_page_makes_no_request(tmp_path: Path) -> None:
    """Stylesheets, scripts, iframes and images of the page point at a live listener: it must
    see nothing (the reader never fetches, images are never downloaded)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    port = sock.getsockname()[1]
    hits: list[int] = []

    def accept() -> None:
        for _ in range(15):
            try:
                conn, _ = sock.accept()
                hits.append(1)
                conn.close()
            except OSError:
                pass

    page = (WEB / "saved-article.html").read_text("utf-8").replace("127.0.0.1:9", f"127.0.0.1:{port}")
    page = page.replace("https://cdn.example.org/img/", f"http://127.0.0.1:{port}/img/")
    thread = threading.Thread(target=accept)
    thread.start()
    a = ingest_bytes(page.encode(), "html", source="p.html", base_dir=tmp_path, limits=_limits())
    # Without a declared date, trafilatura's metadata heuristics (htmldate) run too.
    bare = re.sub(r'<script type="application/ld\+json">.*?</script>', "", page, flags=re.S)
    bare = bare.replace(' datetime="2026-03-09"', "")
    b = ingest_bytes(bare.encode(), "html", source="q.html", base_dir=tmp_path, limits=_limits())
    thread.join()
    sock.close()
    assert a.title and b.title and hits == []


def test_fragments_and_bare_documents_still_go_through_pandoc() -> None:
    assert not webpage.looks_like_page("<p>a</p><iframe src='http://127.0.0.1/x'></iframe>")
    assert not webpage.looks_like_page((FIXTURES / "webpage.html").read_text("utf-8"))
    assert webpage.looks_like_page((WEB / "saved-article.html").read_text("utf-8"))


def test_index_page_warning() -> None:
    a = ingest(WEB / "index-page.html")
    assert any("index or search page" in w for w in a.warnings)
    assert not any("index" in w for w in ingest(WEB / "saved-article.html").warnings)


def test_body_much_shorter_than_the_page_warning(tmp_path: Path) -> None:
    menu = "".join(f"<li><a href='/s{i}'>Section number {i} of the site menu</a></li>" for i in range(150))
    page = (f"<html><head><title>Short note</title></head><body><nav><ul>{menu}</ul></nav>"
            "<article><h1>Short note</h1><p>The office is closed on Friday for the holiday, "
            f"the manager said in a note to staff this morning.</p></article><footer><ul>{menu}</ul></footer>"
            "</body></html>")  # fmt: skip
    a = ingest_bytes(page.encode(), "html", source="n.html", base_dir=tmp_path, limits=_limits())
    assert any("much shorter than the page" in w for w in a.warnings), a.warnings


def test_announced_list_with_no_list_warns_once_per_paragraph(tmp_path: Path) -> None:
    text = ("Title here\n\nThe council met on Monday.\n\nThree factors explain it:\n\n"
            "The budget was approved after a long debate that lasted until the evening.\n")  # fmt: skip
    a = ingest_bytes(text.encode(), "txt", source="t.txt", base_dir=tmp_path, limits=_limits())
    assert [w for w in a.warnings if "announces a list" in w] == [
        "a paragraph announces a list but no list follows it: \u2026'Three factors explain it:'"
    ]
    md = "# Title here\n\nThe council met on Monday.\n\nThree factors explain it:\n\n- one\n- two\n"
    b = ingest_bytes(md.encode(), "md", source="t.md", base_dir=tmp_path, limits=_limits())
    assert not [w for w in b.warnings if "announces a list" in w]


def test_a_page_in_german_is_an_unsupported_language() -> None:
    with pytest.raises(UnsupportedLanguage) as err:
        ingest(WEB / "seite-deutsch.html")
    assert err.value.code == "unsupported_language"
    assert "detected German (de); this newsroom publishes en, fr; use --language" in str(err.value)
    assert "seite-deutsch.html" in str(err.value)
    forced = ingest(WEB / "seite-deutsch.html", language="en")
    assert forced.language == "en" and forced.title == "Der Hafen öffnet wieder"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A cidade de Lisboa apresentou na segunda-feira um novo plano para os transportes "
         "públicos. Segundo a câmara, serão construídas mais de vinte novas linhas de elétrico "
         "até 2030, sobretudo para ligar melhor os bairros periféricos.", "pt"),
        ("La ciudad de Madrid presentó el lunes un nuevo plan para el transporte público. Según "
         "el ayuntamiento, se construirán más de veinte nuevas líneas de tranvía antes de 2030 "
         "para conectar mejor los barrios periféricos.", "es"),
    ],
)  # fmt: skip
def test_other_languages_are_named(text: str, code: str) -> None:
    with pytest.raises(UnsupportedLanguage) as err:
        detect(text)
    assert f"({code})" in str(err.value)


def test_english_french_and_short_texts_are_still_read() -> None:
    assert detect("The harbour reopened on Monday after a week of storms, the mayor said.") == "en"
    assert detect("Le port a rouvert lundi après une semaine de tempêtes, a dit la maire.") == "fr"
    assert detect("Body line") == "en"  # too short to judge: not refused


def test_ingest_command_writes_one_json_per_source(tmp_path: Path) -> None:
    from flows.cli import main

    assert main(["ingest", str(WEB / "saved-article.html"), "--out", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "saved-article.json").read_text("utf-8"))
    assert set(data) == {"title", "standfirst", "author", "date", "site", "language",
                         "canonical_url", "image", "body", "warnings"}  # fmt: skip
    assert data["title"] == "Harbour reopens after the storms" and data["site"] == "The Coastal Courier"
    assert data["body"][0].startswith("The harbour of Brest") and len(data["body"]) == 9
    assert data["image"]["alt"] == "Fishing boats moored in the harbour at dawn"


def test_ingest_command_summary(capsys: pytest.CaptureFixture[str]) -> None:
    from flows.cli import main

    assert main(["ingest", str(WEB / "saved-article.html"), str(WEB / "seite-deutsch.html")]) == 1
    out, err = capsys.readouterr()
    assert "Harbour reopens after the storms" in out and "9 blocks" in out
    assert "unsupported_language" in err and "seite-deutsch.html" in err


def _limits():  # type: ignore[no-untyped-def]
    from editorial.config import Limits

    return Limits()


def test_a_page_of_thousands_of_blocks_is_read_in_bounded_time(tmp_path: Path) -> None:
    """trafilatura's fallbacks are quadratic in blocks (20,000 paragraphs took 71 s): skipped."""
    import time

    para = "<p>The council met on Monday and approved the budget for the harbour repairs.</p>"
    page = "<html><body><nav>n</nav><h1>Budget</h1>" + para * 16_000 + "</body></html>"
    t0 = time.monotonic()
    webpage.parse(page)
    assert time.monotonic() - t0 < 15  # with the fallbacks: 30-70 s here


def test_a_page_saved_complete_keeps_its_figures_with_captions(tmp_path: Path) -> None:
    """"Save page, complete" puts the images in a folder beside the page: those figures are kept
    (the files beside the article, as for Markdown), remote ones are not."""
    from PIL import Image

    (tmp_path / "saved-article_files").mkdir()
    Image.new("RGB", (40, 30), "navy").save(tmp_path / "saved-article_files" / "harbour.png")
    page = (WEB / "saved-article.html").read_text("utf-8").replace(
        'src="https://cdn.example.org/img/harbour.jpg"', 'src="saved-article_files/harbour.png"'
    )
    (tmp_path / "saved-article.html").write_text(page, "utf-8")
    a = ingest(tmp_path / "saved-article.html")
    [img] = [b for b in a.body if b.kind == "image"]
    assert img.src == "saved-article_files/harbour.png"
    assert img.text == "Fishing boats moored in the harbour at dawn."
    assert [b.kind for b in a.body if b.kind != "image"] == [b.kind for b in ingest(WEB / "saved-article.html").body]
