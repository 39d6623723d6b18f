"""The download app's "Add an article" page without a Prefect server: names sanitised, no
silent overwrite, size limit, CSRF token and cross-site POSTs refused, a clear page when no
run can be created."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from editorial.config import load_settings
from editorial.errors import EditorialError
from editorial.upload import safe_file_name, save_upload


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Mon Article (v2).TXT", "mon-article-v2.txt"),
        ("../../etc/passwd.md", "passwd.md"),
        ("C:\\Users\\x\\Report.DOCX", "report.docx"),
        (".hidden.html", "hidden.html"),
        ("notes.markdown", "notes.md"),
        ("ééé.odt", "eee.odt"),
        ("%%%.txt", "article.txt"),
    ],
)
def test_file_names_are_sanitised(given: str, expected: str) -> None:
    assert safe_file_name(given) == expected


@pytest.mark.parametrize("given", ["run.exe", "a.txt.review.yaml", "noext", "x.pdf"])
def test_other_types_are_refused(given: str) -> None:
    with pytest.raises(EditorialError, match="not a file type we publish"):
        safe_file_name(given)


def test_never_overwrites_another_article_without_saying_so(tmp_path: Path) -> None:
    first = save_upload(tmp_path, "a.txt", b"one", replace=False, max_bytes=100)
    assert first.rel == "sources/a.txt" and first.note == "saved as sources/a.txt"
    same = save_upload(tmp_path, "a.txt", b"one", replace=False, max_bytes=100)
    assert same.path == first.path and "already holds this file" in same.note
    other = save_upload(tmp_path, "a.txt", b"two", replace=False, max_bytes=100)
    assert other.rel == "sources/a-2.txt" and "already exists" in other.note
    assert (tmp_path / "a.txt").read_bytes() == b"one"
    replaced = save_upload(tmp_path, "a.txt", b"three", replace=True, max_bytes=100)
    assert replaced.path == first.path and "replaced" in replaced.note
    with pytest.raises(EditorialError, match="the limit is 100"):
        save_upload(tmp_path, "b.txt", b"x" * 101, replace=False, max_bytes=100)


def test_add_page_csrf_and_limits(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from editorial.web import create_app

    sources = tmp_path / "sources"
    sources.mkdir()
    settings = load_settings()
    app = create_app(tmp_path / "out", settings=settings, auth_string="", token="",
                     sources_dir=sources, prefect_api="http://127.0.0.1:9/api")  # fmt: skip
    c = TestClient(app)
    page = c.get("/add")
    assert page.status_code == 200 and "Add and publish" in page.text
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert token
    files = {"file": ("Story.md", b"# Title\n\nSome text.\n", "text/markdown")}
    assert c.post("/add", data={"csrf": "wrong"}, files=files).status_code == 403
    cross = c.post("/add", data={"csrf": token.group(1)}, files=files,
                   headers={"Sec-Fetch-Site": "cross-site"})  # fmt: skip
    assert cross.status_code == 403
    assert not list(sources.iterdir())
    big = {"file": ("big.txt", b"x" * (settings.limits.max_input_bytes + 1), "text/plain")}
    assert c.post("/add", data={"csrf": token.group(1)}, files=big).status_code == 413
    bad = c.post("/add", data={"csrf": token.group(1)},
                 files={"file": ("x.exe", b"MZ", "application/octet-stream")})  # fmt: skip
    assert bad.status_code == 400 and "not a file type we publish" in bad.text
    url = c.post("/add", data={"csrf": token.group(1), "url": "http://10.20.30.40/a"})
    assert url.status_code == 400 and "10.20.30.40" in url.text  # refused by the fetch policy
    assert not list(sources.iterdir())
    # No Prefect server at that address: the file is saved and the page says no run started.
    ok = c.post("/add", data={"csrf": token.group(1)}, files=files)
    assert ok.status_code == 502 and "saved as sources/story.md" in ok.text
    assert (sources / "story.md").read_bytes() == files["file"][1]
    # Without a Prefect API the app stays read-only.
    ro = TestClient(create_app(tmp_path / "out", settings=settings, auth_string="", token=""))
    assert ro.post("/add").status_code == 405 and ro.get("/add").status_code == 404
