"""The download app, served by a real uvicorn on a free port, over a hand-built outputs tree."""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from editorial import store
from editorial.model import ArticleResult, ErrorInfo, RenderedFile
from editorial.web import create_app, load_index, lookup

SLUG = "can-france-become-a-global-ai-hub"
SOURCE = "sources/can-france-become-a-global-ai-hub.txt"
PDF = b"%PDF-1.7\n% test\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_outputs(out: Path) -> Path:
    """One published article, one failed never-published source, and traps around them."""
    files = [
        RenderedFile(name="report.pdf", data=PDF, media_type="application/pdf"),
        RenderedFile(name="report.png", data=b"\x89PNG\r\n\x1a\n", media_type="image/png"),
        RenderedFile(name="newsletter.html", data=b"<p>hi</p>", media_type="text/html"),
        RenderedFile(name="newsletter.txt", data=b"hi", media_type="text/plain"),
        RenderedFile(
            name="newsletter.eml", data=b"Subject: hi\r\n\r\nhi", media_type="message/rfc822"
        ),
        RenderedFile(name="social.md", data=b"# posts", media_type="text/markdown"),
        RenderedFile(name="cards/quote-1200x630.png", data=b"\x89PNG", media_type="image/png"),
        RenderedFile(name="article.json", data=b"{}", media_type="application/json"),
    ]
    manifest = {"source": SOURCE, "slug": SLUG, "title": "Can France become a global AI Hub?",
                "date": "2025-01-02", "language": "en", "key": "k"}  # fmt: skip
    names = store.publish(out, SLUG, files, manifest)
    store.write_state(out, ArticleResult(source=SOURCE, slug=SLUG, title=manifest["title"],
                                         status="ok", files=names), key="k")  # fmt: skip
    store.write_state(out, ArticleResult(source="sources/broken.docx", status="failed",
                      error=ErrorInfo(code="invalid_container", message="sources/broken.docx: not a zip")),
                      key="")  # fmt: skip
    # Traps: a secret beside outputs, a symlink to it inside the article folder listed in a
    # forged manifest, a hidden folder with a manifest, and a folder whose manifest lies.
    (out.parent / "secret.txt").write_text("secret")
    (out / SLUG / "link.txt").symlink_to(out.parent / "secret.txt")
    forged = out / "forged"
    forged.mkdir()
    (forged / "manifest.json").write_text(
        '{"slug": "forged", "files": ["../secret.txt", "/etc/passwd", "link.txt", "ok.txt"]}'
    )
    (forged / "link.txt").symlink_to(out.parent / "secret.txt")
    (forged / "ok.txt").write_text("fine")
    hidden = out / ".hidden"
    hidden.mkdir()
    (hidden / "manifest.json").write_text('{"slug": ".hidden", "files": ["x.txt"]}')
    liar = out / "liar"
    liar.mkdir()
    (liar / "manifest.json").write_text('{"slug": "' + SLUG + '", "files": ["manifest.json"]}')
    return out


class Server:
    def __init__(self, app: object, port: int) -> None:
        import uvicorn

        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )  # type: ignore[arg-type]
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_outputs(tmp_path_factory.mktemp("web") / "outputs")


@pytest.fixture(scope="module")
def app_url(outputs: Path) -> Iterator[str]:
    with Server(create_app(outputs, auth_string="", token=""), free_port()) as s:
        yield s.url


def test_index_lists_articles_with_title_date_status_preview_and_links(app_url: str) -> None:
    r = httpx.get(app_url + "/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "Can France become a global AI Hub?" in html and "2025-01-02" in html
    assert "status-ok" in html
    assert f'src="/articles/{SLUG}/report.png"' in html
    for name in ("report.pdf", "newsletter.html", "newsletter.txt", "newsletter.eml", "social.md",
                 "cards/quote-1200x630.png"):  # fmt: skip
        assert f'href="/articles/{SLUG}/{name}"' in html, name
    assert "sources/broken.docx" in html and "invalid_container" in html
    assert "forged" in html  # listed: its manifest is readable; only its safe files are linked
    assert ".hidden" not in html
    assert "default-src 'none'" in r.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("name", "content_type", "attachment"),
    [
        ("report.pdf", "application/pdf", True),
        ("newsletter.eml", "message/rfc822", True),
        ("newsletter.html", "text/html; charset=utf-8", False),
        ("newsletter.txt", "text/plain; charset=utf-8", False),
        ("social.md", "text/markdown; charset=utf-8", False),
        ("cards/quote-1200x630.png", "image/png", False),
        ("article.json", "application/json", False),
    ],
)
def test_downloads_have_the_right_headers(
    app_url: str, name: str, content_type: str, attachment: bool
) -> None:
    r = httpx.get(f"{app_url}/articles/{SLUG}/{name}")
    assert r.status_code == 200
    assert r.headers["content-type"] == content_type
    disposition = r.headers.get("content-disposition", "")
    assert disposition.startswith("attachment") == attachment
    assert r.headers["x-content-type-options"] == "nosniff"
    if name == "report.pdf":
        assert r.content == PDF
        assert f'filename="{SLUG}-report.pdf"' in disposition


@pytest.mark.parametrize(
    "path",
    [
        f"/articles/{SLUG}/manifest.json",  # exists, not listed
        f"/articles/{SLUG}/link.txt",  # symlink out of outputs, not listed
        f"/articles/{SLUG}/../../secret.txt",
        f"/articles/{SLUG}/%2e%2e/%2e%2e/secret.txt",
        f"/articles/{SLUG}/..%2f..%2fsecret.txt",
        f"/articles/{SLUG}/report.pdf%00.txt",
        "/articles/forged/../secret.txt",
        "/articles/forged/%2e%2e%2fsecret.txt",
        "/articles/forged/link.txt",  # listed in a forged manifest, but a symlink out
        "/articles/forged//etc/passwd",
        "/articles/.hidden/x.txt",
        "/articles/liar/manifest.json",
        "/articles/../secret.txt",
        "/articles/%2e%2e/secret.txt",
        "/articles/.state/x.json",
        "/secret.txt",
        "/articles/nope/report.pdf",
    ],
)
def test_nothing_outside_known_article_files_is_served(app_url: str, path: str) -> None:
    r = httpx.get(app_url + path)
    assert r.status_code == 404, (path, r.status_code)
    assert b"secret" not in r.content


def test_lookup_is_the_only_mapping_and_refuses_unknown_names(outputs: Path) -> None:
    index = load_index(outputs)
    assert set(index.entries) == {SLUG, "forged"}
    found = lookup(index, SLUG, "report.pdf")
    assert found and found.path == (outputs / SLUG / "report.pdf").resolve() and found.attachment
    assert lookup(index, "forged", "ok.txt") is not None
    for slug, name in [("forged", "link.txt"), ("forged", "../secret.txt"), ("forged", "/etc/passwd"),
                       (SLUG, "link.txt"), ("liar", "manifest.json"), ("", ""), (SLUG, "")]:  # fmt: skip
        assert lookup(index, slug, name) is None, (slug, name)


def test_only_get_and_head(app_url: str) -> None:
    assert httpx.post(app_url + "/").status_code == 405
    assert httpx.head(f"{app_url}/articles/{SLUG}/report.pdf").status_code == 200


def test_credentials_when_configured(outputs: Path) -> None:
    app = create_app(outputs, auth_string="editor:s3cret", token="tok")
    with Server(app, free_port()) as s:
        assert httpx.get(s.url + "/health").status_code == 200
        r = httpx.get(s.url + "/")
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic")
        assert httpx.get(f"{s.url}/articles/{SLUG}/report.pdf").status_code == 401
        assert httpx.get(s.url + "/", auth=("editor", "wrong")).status_code == 401
        assert httpx.get(s.url + "/", auth=("editor", "s3cret")).status_code == 200
        bearer = {"Authorization": "Bearer tok"}
        assert httpx.get(f"{s.url}/articles/{SLUG}/report.pdf", headers=bearer).status_code == 200
        bad = {"Authorization": "Basic " + base64.b64encode(b"x").decode() + "!!"}
        assert httpx.get(s.url + "/", headers=bad).status_code == 401


def test_index_follows_new_outputs(tmp_path: Path) -> None:
    out = build_outputs(tmp_path / "outputs")
    with Server(create_app(out, auth_string="", token=""), free_port()) as s:
        before = httpx.get(s.url + "/api/articles").json()
        store.publish(out, "second", [RenderedFile(name="report.pdf", data=PDF, media_type="application/pdf")],
                      {"source": "sources/second.md", "slug": "second", "title": "Second"})  # fmt: skip
        after = httpx.get(s.url + "/api/articles").json()
        assert {a["slug"] for a in after} - {a["slug"] for a in before} == {"second"}
        assert httpx.get(f"{s.url}/articles/second/report.pdf").content == PDF
