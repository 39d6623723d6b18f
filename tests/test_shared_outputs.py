"""One outputs folder written by several processes or machines at once (docs/scaling.md,
"Outputs on a folder shared between machines"): what each writer may assume about the others."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from editorial import store
from editorial.errors import EditorialError
from editorial.model import RenderedFile


def _paused_files(started: threading.Event, go: threading.Event) -> Iterator[RenderedFile]:
    """Two files, with a pause between them: a publish caught while it writes its staging."""
    yield RenderedFile(name="report.pdf", data=b"%PDF-1.7 first", media_type="application/pdf")
    started.set()
    assert go.wait(10)
    yield RenderedFile(name="social.md", data=b"# second\n", media_type="text/markdown")


def test_two_writers_of_different_articles_both_publish(tmp_path: Path) -> None:
    """Per-article folders and per-source state files: no writer overwrites another's."""
    from editorial.model import ArticleResult

    started, go = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def slow() -> None:
        try:
            store.publish(tmp_path, "first", _paused_files(started, go), {"source": "a"})
            store.write_state(tmp_path, ArticleResult(source="a", slug="first", status="ok"), "k1")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    t = threading.Thread(target=slow)
    t.start()
    assert started.wait(10)
    files = [RenderedFile(name="social.md", data=b"other\n", media_type="text/markdown")]
    store.publish(tmp_path, "second", files, {"source": "b"})
    store.write_state(tmp_path, ArticleResult(source="b", slug="second", status="ok"), "k2")
    go.set()
    t.join()
    assert not errors
    for slug, names in (("first", ["report.pdf", "social.md"]), ("second", ["social.md"])):
        assert store.read_manifest(tmp_path / slug)["files"] == names
        assert all((tmp_path / slug / n).is_file() for n in names)
    assert store.read_state(tmp_path, "a")["key"] == "k1"
    assert store.read_state(tmp_path, "b")["key"] == "k2"


@pytest.mark.xfail(strict=True, reason="store.recover() assumes no other writer: a batch that "
                   "starts while another process publishes removes its staging folder")  # fmt: skip
def test_a_batch_starting_does_not_break_another_writers_publish(tmp_path: Path) -> None:
    """A scheduled batch calls `store.recover(out)` first. On a shared folder another machine
    (or, on one machine, a manual run or a task worker) may be half-way through a publish:
    its article must still come out whole, or fail loudly; never published with a file its
    manifest lists but that is not there."""
    started, go = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            store.publish(tmp_path, "article", _paused_files(started, go), {"source": "s"})
        except EditorialError as exc:
            errors.append(exc)

    t = threading.Thread(target=writer)
    t.start()
    assert started.wait(10)
    store.recover(tmp_path)  # what a batch starting elsewhere does first
    go.set()
    t.join()
    if errors:
        return  # failed loudly: acceptable (the article is published again by the next run)
    listed = store.read_manifest(tmp_path / "article")["files"]
    assert all((tmp_path / "article" / n).is_file() for n in listed), listed
