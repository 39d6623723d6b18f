"""URL and feed sources: fetched once into sources/web/, feeds polled for new and changed items.
A real HTTP server on 127.0.0.1 serves everything (allow-listed in the policy)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from editorial.config import Fetch, Settings
from editorial.remote import page_path, resolve_sources, sidecar
from tests.conftest import FIXTURES
from tests.webserver import Reply, Server, serve

SETTINGS = Settings(fetch=Fetch(allow_hosts=("127.0.0.1",), read_timeout=2, total_timeout=10))
PAGE = (FIXTURES / "web" / "saved-article.html").read_bytes()


@pytest.fixture
def server() -> Iterator[Server]:
    with serve() as s:
        yield s


def _page(etag: str = '"p1"') -> object:
    def reply(headers: dict[str, str]) -> Reply:
        if headers.get("if-none-match") == etag:
            return Reply(304)
        return Reply(body=PAGE, headers={"Content-Type": "text/html; charset=utf-8", "ETag": etag,
                                         "Last-Modified": "Mon, 09 Mar 2026 08:00:00 GMT"})  # fmt: skip

    return reply


def test_url_is_fetched_once_and_kept_under_sources_web(server: Server, tmp_path: Path) -> None:
    server.routes["/2026/03/harbour-reopens"] = _page()  # type: ignore[assignment]
    url = server.url("/2026/03/harbour-reopens")
    first = resolve_sources([url], SETTINGS, sources_dir=tmp_path)
    stored = tmp_path / "web" / f"127.0.0.1-{server.port}" / "2026-03-harbour-reopens.html"
    assert first.paths == [str(stored)] and first.fetched == [url] and not first.failures
    assert stored.read_bytes() == PAGE
    meta = json.loads(sidecar(stored).read_text("utf-8"))
    assert meta["url"] == url and meta["etag"] == '"p1"' and meta["last_modified"]
    assert meta["fetched_at"].endswith("Z")
    again = resolve_sources([url], SETTINGS, sources_dir=tmp_path)
    assert again.paths == [str(stored)] and again.fetched == []
    assert len(server.hits("/2026/03/harbour-reopens")) == 1  # no second request
    forced = resolve_sources([url], SETTINGS, sources_dir=tmp_path, force=True)
    hits = server.hits("/2026/03/harbour-reopens")
    assert len(hits) == 2 and hits[1]["if-none-match"] == '"p1"'  # a conditional GET
    assert forced.paths == [str(stored)] and forced.fetched == [] and stored.read_bytes() == PAGE


def test_one_failing_url_never_stops_the_others(server: Server, tmp_path: Path) -> None:
    server.routes["/ok"] = _page()  # type: ignore[assignment]
    server.routes["/boom"] = Reply(500, b"error")
    local = FIXTURES / "texte.txt"
    r = resolve_sources([server.url("/boom"), str(local), server.url("/ok"), "ftp://x/y"], SETTINGS,
                        sources_dir=tmp_path)  # fmt: skip
    assert r.paths == [str(local), str(page_path(server.url("/ok"), tmp_path))]
    codes = {url: exc.code for url, exc in r.failures}
    assert codes == {server.url("/boom"): "fetch_http_status", "ftp://x/y": "fetch_refused"}
    assert all(url in str(exc) for url, exc in r.failures)


def test_page_paths_stay_inside_sources_web(tmp_path: Path) -> None:
    for url in ["http://example.org/../../etc/passwd", "http://example.org/%2e%2e/%2e%2e/x",
                "http://EXAMPLE.org:8080/a/b?c=1", "https://example.org/", "http://example.org"]:  # fmt: skip
        p = page_path(url, tmp_path).resolve()
        assert p.is_relative_to((tmp_path / "web").resolve()) and p.suffix == ".html", url
    assert page_path("https://example.org/", tmp_path).name == "index.html"


def _rss(items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{g}</guid></item>" for g, t, link in items
    )
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Courier</title>'
            f"<link>http://example.org/</link><description>d</description>{body}</channel></rss>"
            ).encode()  # fmt: skip


def test_feed_new_items_then_nothing_then_a_changed_item(server: Server, tmp_path: Path) -> None:
    for name in ("one", "two"):
        server.routes[f"/news/{name}"] = _page(f'"{name}"')  # type: ignore[assignment]
    items = [("g1", "One", server.url("/news/one")), ("g2", "Two", server.url("/news/two"))]
    state = {"feed": _rss(items), "etag": '"f1"'}

    def feed(headers: dict[str, str]) -> Reply:
        if headers.get("if-none-match") == state["etag"]:
            return Reply(304)
        return Reply(body=state["feed"], headers={"Content-Type": "application/rss+xml",  # type: ignore[arg-type]
                                                  "ETag": str(state["etag"])})  # fmt: skip

    server.routes["/feed.xml"] = feed  # type: ignore[assignment]
    url = server.url("/feed.xml")
    first = resolve_sources([url], SETTINGS, sources_dir=tmp_path)
    assert [Path(p).name for p in first.paths] == ["news-one.html", "news-two.html"]
    assert not first.failures
    quiet = resolve_sources([url], SETTINGS, sources_dir=tmp_path)
    assert quiet.paths == [] and server.hits("/feed.xml")[1]["if-none-match"] == '"f1"'
    # The feed changes: item g2 has a new title; g1 is as before.
    state["feed"] = _rss([items[0], ("g2", "Two, updated", items[1][2])])
    state["etag"] = '"f2"'
    changed = resolve_sources([url], SETTINGS, sources_dir=tmp_path)
    assert [Path(p).name for p in changed.paths] == ["news-two.html"]
    assert len(server.hits("/news/one")) == 1  # never fetched again


def test_atom_feed_items_by_id(server: Server, tmp_path: Path) -> None:
    server.routes["/a/one"] = _page()  # type: ignore[assignment]
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Courier</title><id>urn:feed</id><updated>2026-03-09T08:00:00Z</updated>"
        f'<entry><title>One</title><id>urn:one</id><link href="{server.url("/a/one")}"/>'
        "<updated>2026-03-09T08:00:00Z</updated></entry></feed>"
    ).encode()
    server.routes["/atom"] = Reply(body=atom, headers={"Content-Type": "application/atom+xml"})
    r = resolve_sources([server.url("/atom")], SETTINGS, sources_dir=tmp_path)
    assert [Path(p).name for p in r.paths] == ["a-one.html"] and not r.failures


def test_run_with_only_a_failing_url_reports_it(server: Server, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from flows.cli import main

    monkeypatch.setenv("EDITORIAL_SOURCES_DIR", str(tmp_path / "sources"))
    monkeypatch.setenv("EDITORIAL_FETCH_ALLOW_HOSTS", "127.0.0.1")
    out = tmp_path / "out"
    assert main(["run", server.url("/missing"), "--out", str(out), "--no-prefect", "--quiet"]) == 1
    report = json.loads((out / "run-report.json").read_text("utf-8"))
    [row] = report["articles"]
    assert row["status"] == "failed" and row["error"]["code"] == "fetch_http_status"
    assert server.url("/missing") in row["error"]["message"]


def test_ingest_a_url(server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.cli import main

    monkeypatch.setenv("EDITORIAL_SOURCES_DIR", str(tmp_path / "sources"))
    monkeypatch.setenv("EDITORIAL_FETCH_ALLOW_HOSTS", "127.0.0.1")
    server.routes["/story"] = _page()  # type: ignore[assignment]
    assert main(["ingest", server.url("/story"), "--out", str(tmp_path / "out")]) == 0
    data = json.loads((tmp_path / "out" / "story.json").read_text("utf-8"))
    assert data["title"] == "Harbour reopens after the storms" and len(data["body"]) == 9
    assert (tmp_path / "sources" / "web" / f"127.0.0.1-{server.port}" / "story.html").exists()


def test_run_a_url_publishes_it_and_a_rerun_does_not_fetch(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.cli import main

    monkeypatch.setenv("EDITORIAL_SOURCES_DIR", str(tmp_path / "sources"))
    monkeypatch.setenv("EDITORIAL_FETCH_ALLOW_HOSTS", "127.0.0.1")
    server.routes["/2026/03/harbour"] = _page()  # type: ignore[assignment]
    out = tmp_path / "out"
    args = ["run", server.url("/2026/03/harbour"), "--out", str(out), "--no-prefect", "--quiet",
            "--formats", "newsletter", "--workers", "1"]  # fmt: skip
    assert main(list(args)) == 0
    report = json.loads((out / "run-report.json").read_text("utf-8"))
    [row] = report["articles"]
    assert row["status"] == "ok" and row["slug"] == "harbour-reopens-after-the-storms"
    html = (out / row["slug"] / "newsletter.html").read_text("utf-8")
    assert "Harbour reopens after the storms" in html and "cookies" not in html
    assert main(list(args)) == 0
    assert len(server.hits("/2026/03/harbour")) == 1  # the rerun read sources/web/
    assert json.loads((out / "run-report.json").read_text("utf-8"))["articles"][0]["status"] == "skipped"


def test_a_fetched_page_without_canonical_link_gets_its_url(server: Server, tmp_path: Path) -> None:
    from editorial.ingest import ingest

    bare = b"<html><head><title>Note</title></head><body><nav>n</nav><h1>Note</h1><p>" + (
        b"The harbour of Brest reopened on Monday after a week of storms, the mayor said. " * 3
    ) + b"</p></body></html>"
    server.routes["/note"] = Reply(body=bare, headers={"Content-Type": "text/html"})
    r = resolve_sources([server.url("/note")], SETTINGS, sources_dir=tmp_path)
    assert ingest(Path(r.paths[0])).canonical_url == server.url("/note")
