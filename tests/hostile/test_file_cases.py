"""Every hostile file of hostile-inputs.md in one real batch (pool + store), then one test per
case on that batch's results: the expected outcome, the three batch promises, no leak."""

from __future__ import annotations

from pathlib import Path

import pytest

from editorial.ingest import SUPPORTED
from editorial.names import printable
from editorial.store import RUN_REPORT

from .conftest import (
    MARKER,
    SLOW_CASES,
    Goods,
    HostileBatch,
    Listener,
    comparable,
    embedded_files,
    leaks,
    read_tree,
    sha,
)
from .inputs import FILE_CASES, expected

CASES = [c for c in FILE_CASES if c not in SLOW_CASES]


@pytest.mark.parametrize("case", CASES)
def test_file_case(hostile_batch: HostileBatch, case: str) -> None:
    result = hostile_batch.results[case]
    path = hostile_batch.paths[case]
    want = expected(case).split("|")
    got = result.error.code if result.error else "ok"
    assert got in want, f"{case}: expected {want}, got {got}: {result.error}"
    if result.error:
        # a stable code and one line naming the file
        assert printable(path.name) in result.error.message and "\n" not in result.error.message
        # earlier good output for that article is intact
        if path.suffix not in SUPPORTED:
            return  # no earlier version can exist under this name
        assert case in hostile_batch.previous, "the earlier good version was not published"
        slug_dirs = [d for d in hostile_batch.out.iterdir() if d.is_dir() and
                     read_tree(d) == hostile_batch.previous[case]]  # fmt: skip
        assert slug_dirs, f"{case}: the earlier output was changed or removed"
    else:
        files = read_tree(hostile_batch.out / result.slug)
        assert "report.pdf" in files and files["report.pdf"].startswith(b"%PDF")
        assert not leaks(files), f"{case}: {MARKER} leaked into {leaks(files)}"
        assert not embedded_files(files), f"{case}: a file was embedded in the PDF"
    # the source file is unchanged
    if case in hostile_batch.sources_before:
        assert sha(path) == hostile_batch.sources_before[case]


def test_good_articles_come_out_as_they_do_alone(hostile_batch: HostileBatch, goods: Goods) -> None:
    for path, alone in zip(goods.paths, goods.alone, strict=True):
        assert comparable(hostile_batch.goods[path.name]) == comparable(alone), path.name


def test_nothing_leaks_anywhere_in_the_outputs(hostile_batch: HostileBatch) -> None:
    everything = {str(p): p.read_bytes() for p in hostile_batch.out.rglob("*") if p.is_file()}
    assert not leaks(everything)
    assert not embedded_files(everything)
    assert not [p for p in hostile_batch.out.rglob("*") if p.name.startswith((".tmp-", ".old-"))]


def test_no_network_request_from_any_stage(hostile_batch: HostileBatch, listener: Listener) -> None:
    assert listener.hits() == []


def test_run_report_has_a_code_and_message_per_failure(hostile_batch: HostileBatch) -> None:
    import json

    report = json.loads((hostile_batch.out / RUN_REPORT).read_text("utf-8"))
    failed = [a for a in report["articles"] if a["status"] == "failed"]
    assert failed and all(a["error"]["code"] and printable(Path(a["source"]).name) in a["error"]["message"]
                          for a in failed)  # fmt: skip


def test_the_batch_stays_within_its_budget(hostile_batch: HostileBatch) -> None:
    # 40-odd hostile articles, two workers: nothing may run away (minutes means a hang)
    assert hostile_batch.seconds < 240, hostile_batch.seconds
