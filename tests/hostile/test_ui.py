"""UI: the download app serves only files of known articles (H52 + URL fuzz) and the Prefect
server refuses requests without credentials (H51)."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editorial import store
from editorial.config import load_settings
from editorial.model import RenderedFile

from .conftest import MARKER

web = pytest.importorskip("editorial.web", reason="the download app (issue 6) is not there yet")

ARTICLES = {
    "council-budget": {"report.pdf": b"%PDF-1.7 council", "newsletter.html": b"<p>council</p>",
                       "cards/quote-1200x630.png": b"\x89PNG council"},
    "harbour": {"report.pdf": b"%PDF-1.7 harbour", "social.md": b"harbour posts"},
}  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("site")
    out = root / "outputs"
    for slug, files in ARTICLES.items():
        store.publish(out, slug, [RenderedFile(name=n, data=d, media_type="x") for n, d in files.items()],
                      {"source": f"sources/{slug}.md", "slug": slug, "title": slug})  # fmt: skip
    # secrets around and inside the served tree
    (root / ".env").write_text(MARKER, "utf-8")
    (root / "secret.pdf").write_text(MARKER, "utf-8")
    (out / "secret.pdf").write_text(MARKER, "utf-8")
    (out / store.STATE_DIR).mkdir(exist_ok=True)
    (out / store.STATE_DIR / "x.json").write_text(json.dumps({"source": MARKER}), "utf-8")
    (out / "council-budget" / "unlisted.pdf").write_text(MARKER, "utf-8")
    (out / "harbour" / "leak.pdf").symlink_to(root / "secret.pdf")
    # a manifest that lists files it should not: outside names and a symlink out
    m = json.loads((out / "harbour" / "manifest.json").read_text("utf-8"))
    m["files"] += ["leak.pdf", "../secret.pdf", "/etc/passwd", "../../.env"]
    (out / "harbour" / "manifest.json").write_text(json.dumps(m), "utf-8")
    from fastapi.testclient import TestClient

    app = web.create_app(out, settings=load_settings(), auth_string="", token="")
    return out, TestClient(app)


def served_ok(client: object, path: str) -> tuple[int, bytes]:
    status, body, _ = request(client, path)
    return status, body


def request(client: object, path: str) -> tuple[int, bytes, str]:
    """(status, body, the path the server actually saw after the client normalised it)."""
    r = client.get(path, follow_redirects=False)  # type: ignore[attr-defined]
    return r.status_code, r.content, r.request.url.raw_path.decode()


def allowed(path: str) -> bytes | None:
    """The bytes the app may answer `path` with, from the test's own table."""
    for slug, files in ARTICLES.items():
        for name, data in files.items():
            if path == f"/articles/{slug}/{name}":
                return data
    return None


@pytest.mark.parametrize("path", [
    "/download?file=../../.env", "/articles/harbour/../../.env", "/articles/harbour/..%2F..%2F.env",
    "/articles/harbour/%2e%2e/%2e%2e/.env", "/articles/..%2F/secret.pdf", "/articles/harbour/leak.pdf",
    "/articles/harbour/%2Fetc%2Fpasswd", "/articles/harbour//etc/passwd", "/articles/.state/x.json",
    "/articles/council-budget/unlisted.pdf", "/articles/council-budget/manifest.json",
    "/articles/harbour/report.pdf%00.png", "/articles/harbour\\..\\..\\.env", "/secret.pdf",
    "/articles/other-tenant/report.pdf", "/articles/harbour/REPORT.PDF", "/articles/%68arbour/../../secret.pdf",
])  # fmt: skip
def test_h52_only_indexed_files_are_served(site: tuple[Path, object], path: str) -> None:
    _, client = site
    status, body = served_ok(client, path)
    assert status in (404, 405, 400, 307, 308) or (status == 200 and allowed(path) is not None), (path, status)
    assert MARKER.encode() not in body


def test_h52_known_files_are_served_as_attachments(site: tuple[Path, object]) -> None:
    _, client = site
    r = client.get("/articles/harbour/report.pdf")  # type: ignore[attr-defined]
    assert r.status_code == 200 and r.content == ARTICLES["harbour"]["report.pdf"]
    assert r.headers["content-disposition"].startswith("attachment")


SEGMENTS = ["..", ".", "%2e%2e", "%2E%2e%2f", "%252e%252e", "..%2f", "..\\", "%00", "", "/", "//",
            "etc", "passwd", ".env", ".state", "secret.pdf", "report.pdf", "leak.pdf", "cards",
            "quote-1200x630.png", "harbour", "council-budget", "articles", "manifest.json",
            "\u2025", "%c0%ae%c0%ae", "~", "C:", "unlisted.pdf"]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(SEGMENTS) | st.text(max_size=8), min_size=1, max_size=6),
       st.booleans(), st.booleans())  # fmt: skip
def test_url_fuzz_serves_only_known_article_files(site: tuple[Path, object], parts: list[str],
                                                  under_articles: bool, encode: bool) -> None:  # fmt: skip
    _, client = site
    tail = "/".join(quote(p, safe="%/\\:~") if encode else p for p in parts)
    path = ("/articles/" if under_articles else "/") + tail
    if any(ch in path for ch in "?#") or any(ord(ch) < 33 or ord(ch) > 126 for ch in path):
        path = quote(path, safe="/%")
    try:
        status, body, seen = request(client, path)
    except Exception as exc:  # an unparsable URL may be rejected by the client itself
        assert "URL" in type(exc).__name__ or "Invalid" in str(exc), exc
        return
    assert MARKER.encode() not in body
    if status == 200 and seen.startswith("/articles/"):
        assert body in [d for files in ARTICLES.values() for d in files.values()], (path, seen)
    elif status == 200:
        assert seen.split("?")[0] in ("/", "/health", "/api/articles"), (path, seen)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_h51_prefect_server_refuses_requests_without_credentials(tmp_path: Path) -> None:
    """A real `prefect server start` with the environment `editorial serve` gives it."""
    from flows.serve import prefect_env, urls

    s = load_settings()
    s = s.model_copy(update={"server": s.server.model_copy(update={"auth_string": "admin:s3cret"})})
    port = _free_port()
    env = {**os.environ, **prefect_env(s, urls(s, "127.0.0.1", port, 0), home=tmp_path)}
    assert env["PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED"] == "true"
    assert env["PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS"] == f"http://127.0.0.1:{port}"
    assert s.server.host == "127.0.0.1"
    exe = Path(sys.executable).with_name("prefect")
    proc = subprocess.Popen([str(exe), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}/api"
    good = {"Authorization": "Basic " + base64.b64encode(b"admin:s3cret").decode()}

    def call(path: str, headers: dict[str, str], method: str = "GET", data: bytes | None = None) -> int:
        req = urllib.request.Request(base + path, headers={"Content-Type": "application/json", **headers},
                                     method=method, data=data)  # fmt: skip
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return int(r.status)
        except urllib.error.HTTPError as e:
            return int(e.code)

    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if call("/health", good) == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None:
                pytest.fail("prefect server exited")
            time.sleep(1)
        else:
            pytest.fail("prefect server did not start")
        fake_id = "00000000-0000-0000-0000-000000000000"
        wrong = {"Authorization": "Basic " + base64.b64encode(b"admin:x").decode()}
        # H51: the curl of the case, without credentials: refused (CSRF or auth answers first)
        assert call(f"/deployments/{fake_id}/create_flow_run", {}, "POST", b"{}") in (401, 403)
        assert call("/deployments/filter", {}, "POST", b"{}") in (401, 403)
        assert call("/admin/version", {}) == 401
        assert call("/admin/version", wrong) == 401
        assert call("/admin/version", good) == 200
        # with credentials but no CSRF token, a state-changing call is still refused
        assert call(f"/deployments/{fake_id}/create_flow_run", good, "POST", b"{}") == 403
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
