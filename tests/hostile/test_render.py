"""PDF/SANITIZE: the fetcher is the one door to files and the network (H28-H36 and variants),
checked on its own and against the real renderers with unsanitised HTML behind the door."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from editorial.config import TEMPLATES_DIR, load_settings
from editorial.ingest.sanitize import clean_inline_html, safe_href
from editorial.model import Article, Block, Extraction
from editorial.render.fetcher import ResourceRefused, SafeFetcher

from .conftest import MARKER, Goods, Listener, batch_case, embedded_files, leaks, plant_marker
from .inputs import build, png_header_only, tiny_png


@pytest.fixture
def article_dir(tmp_path: Path) -> Path:
    d = tmp_path / "article"
    d.mkdir()
    plant_marker(d)
    (d / "photo.png").write_bytes(tiny_png())
    (tmp_path / "outside.png").write_bytes(tiny_png())
    (d / "link-out.png").symlink_to(tmp_path / "outside.png")
    (d / "link-secret.png").symlink_to(d / "secret.txt")
    os.mkfifo(d / "fifo.png")
    return d


def refused(fetcher: SafeFetcher, url: str) -> bool:
    try:
        fetcher.fetch(url)
    except ResourceRefused:
        return True
    except BaseException as exc:  # a fatal or unexpected error is a failure of the promise
        pytest.fail(f"{url}: {type(exc).__name__}: {exc}")
    return False


def test_fetcher_allows_images_beside_the_article_and_template_files(article_dir: Path) -> None:
    f = SafeFetcher(roots=(article_dir,))
    r = f.fetch((article_dir / "photo.png").as_uri())
    assert r.content_type == "image/png"
    assert f.fetch((TEMPLATES_DIR / "report.css").as_uri()).read()


@pytest.mark.parametrize("name", ["secret.txt", "config.toml", ".env", "secret.png", "notes.html",
                                  "link-out.png", "link-secret.png", "fifo.png", "missing.png",
                                  "../outside.png", "%2e%2e/outside.png"])  # fmt: skip
def test_h28_h29_h31_fetcher_refuses_everything_else_in_the_folder(article_dir: Path, name: str) -> None:
    f = SafeFetcher(roots=(article_dir,))
    assert refused(f, article_dir.as_uri() + "/" + name)
    assert f.refused


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "file:///dev/urandom", "file:///dev/zero", "file:///proc/self/environ",
    "file://localhost/etc/passwd", "file://evil.example/share/x.png", "http://127.0.0.1:9/x.png",
    "https://127.0.0.1:9/x.png", "ftp://127.0.0.1:9/x", "data:text/plain,TOPSECRET-42",
    "data:image/svg+xml;base64,PHN2Zy8+", "gopher://127.0.0.1:9/", "jar:file:///x!/y",
    "file:///etc/passwd%00.png", "FILE:///etc/passwd", "//127.0.0.1:9/x.png", "x.png",
])  # fmt: skip
def test_h30_h32_fetcher_refuses_other_schemes_hosts_and_devices(article_dir: Path, url: str) -> None:
    assert refused(SafeFetcher(roots=(article_dir,)), url)


def test_h32_fetcher_refuses_oversized_resources(article_dir: Path) -> None:
    big = article_dir / "big.png"
    big.write_bytes(tiny_png() + b"\0" * 2000)
    assert refused(SafeFetcher(roots=(article_dir,), max_bytes=1000), big.as_uri())


def test_h38_fetcher_never_raises_a_base_exception(article_dir: Path, listener: Listener) -> None:
    for url in ("file:///etc/shadow", listener.url(), "data:,x", "not a url", "file:///\x00"):
        assert refused(SafeFetcher(roots=(article_dir,)), url)
    assert listener.hits() == []


def test_h23_h29_h31_sanitiser_drops_relative_and_script_urls() -> None:
    assert safe_href("javascript:alert(1)") == ""
    assert safe_href("java\tscript:alert(1)") == ""
    assert safe_href(" JAVASCRIPT:alert(1)") == ""
    assert safe_href("secret.txt") == ""
    assert safe_href("//127.0.0.1/x") == ""
    assert safe_href("https://example.org/a?b=c") == "https://example.org/a?b=c"
    cleaned = clean_inline_html('<a rel="attachment" href="secret.txt">x</a><link rel=attachment '
                                'href=config.toml><img src=../../etc/passwd><b style="font-size:1e9px">y</b>'
                                '<a href="https://ok.example/">ok</a>')  # fmt: skip
    assert "secret.txt" not in cleaned and "attachment" not in cleaned and "<link" not in cleaned
    assert "<img" not in cleaned and "style" not in cleaned and 'href="https://ok.example/"' in cleaned


def _raw_article(folder: Path, html: str) -> Article:
    title, body = "Raw HTML behind the sanitiser", "The council met on Tuesday and agreed the budget."
    blocks = (Block(kind="title", text=title, start=0, end=len(title)),
              Block(kind="paragraph", text=body, start=len(title) + 2, end=len(title) + 2 + len(body),
                    html=html + body))  # fmt: skip
    return Article(source=str(folder / "raw.md"), source_name="raw.md", format="md", slug="raw",
                   title=title, language="en", blocks=blocks, text=f"{title}\n\n{body}",
                   content_hash="0" * 64)  # fmt: skip


def test_h28_h30_the_fetcher_alone_stops_attachments_and_requests(article_dir: Path, listener: Listener) -> None:
    """Defence in depth: even HTML that skipped the sanitiser cannot embed a file or make a
    request through the real PDF renderer."""
    from editorial.render.pdf import render_pdf

    evil = (
        f'<a rel="attachment" href="secret.txt">a</a><link rel="attachment" href="{article_dir.as_uri()}/secret.txt">'
        '<link rel="attachment" href="file:///etc/passwd"><a rel="attachment" href="config.toml">b</a>'
        f'<img src="{listener.url("/raw.png")}"><link rel="stylesheet" href="{listener.url("/raw.css")}">'
        f'<img src="secret.png"><img src="link-out.png"><object data="{listener.url("/o")}"></object>'
        f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{listener.url("/svg.png")}"/></svg>'
    )
    files = {f.name: f.data for f in render_pdf(_raw_article(article_dir, evil), Extraction(language="en"),
                                                settings=load_settings(), source_dir=article_dir)}  # fmt: skip
    assert not leaks(files) and not embedded_files(files)
    assert listener.hits() == []


@pytest.mark.parametrize("case", ["H33", "H34", "H35"])
def test_h33_h34_h35_bad_images_and_styles_in_a_batch(goods: Goods, tmp_path: Path, case: str) -> None:
    """Bombs and absurd styles: safe output (or an article error), and the good articles of the
    same process come out as they do alone."""
    out = batch_case(goods, build(case, tmp_path / case))
    assert out.ok or out.code == "render_failed", out.message
    assert not leaks(out.files)


def test_h33_expat_is_new_enough_for_amplification_limits() -> None:
    import pyexpat

    major, minor, _ = pyexpat.version_info
    assert (major, minor) >= (2, 4), pyexpat.EXPAT_VERSION


def test_h34_pillow_refuses_decompression_bombs() -> None:
    import io

    from PIL import Image

    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(png_header_only(30_000, 30_000))).load()


def test_listener_sees_a_request(listener: Listener) -> None:
    """The SSRF tests mean something: a real request does show up."""
    before = len(listener.hits())
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as s:
        s.sendall(b"GET /control HTTP/1.0\r\n\r\n")
        s.recv(100)
    import time

    for _ in range(50):
        if len(listener.hits()) > before:
            break
        time.sleep(0.05)
    assert len(listener.hits()) == before + 1
    # forget the control request so the "no request" tests stay exact
    listener.log.write_text("\n".join(listener.hits()[:before]) + ("\n" if before else ""), "utf-8")


def test_leak_detector_finds_a_marker_in_compressed_pdf_streams_and_mime_parts() -> None:
    import base64
    import zlib

    pdf = b"%PDF-1.7\n1 0 obj<</Filter/FlateDecode>>stream\n" + zlib.compress(MARKER.encode()) + b"\nendstream"
    eml = b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(b"xx " + MARKER.encode() * 3)
    assert leaks({"a.pdf": pdf}) == ["a.pdf"]
    assert leaks({"n.eml": eml}) == ["n.eml"]
