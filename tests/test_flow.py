"""The Prefect flows under a real (temporary) Prefect server."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from editorial.model import ArticleResult

from .conftest import FIXTURES, SAMPLE

pytestmark = [pytest.mark.xdist_group("prefect-harness"), pytest.mark.usefixtures("prefect_harness")]


def test_publish_sources_flow_runs_every_article_and_isolates_failures(tmp_path: Path) -> None:
    from flows.publish import publish_sources

    src = tmp_path / "sources"
    src.mkdir()
    shutil.copy(SAMPLE, src / SAMPLE.name)
    shutil.copy(FIXTURES / "broken.docx", src / "broken.docx")
    out = tmp_path / "out"
    state = publish_sources(paths=[str(src)], out_dir=str(out), formats=["pdf", "social"],
                            return_state=True)  # fmt: skip
    assert state.is_failed()
    assert "broken.docx" in (state.message or "") and "invalid_container" in (state.message or "")
    results = [ArticleResult.model_validate(r) for r in state.result(raise_on_failure=False)]
    assert sorted(r.status for r in results) == ["failed", "ok"]
    assert (out / "can-france-become-a-global-ai-hub" / "report.pdf").exists()
    report = json.loads((out / "run-report.json").read_text("utf-8"))
    assert report["summary"]["ok"] == 1

    # Second run, nothing changed: the good article is skipped, the broken one retried.
    (src / "broken.docx").unlink()
    state = publish_sources(paths=[str(src)], out_dir=str(out), formats=["pdf", "social"],
                            return_state=True)  # fmt: skip
    assert state.is_completed()
    results = [ArticleResult.model_validate(r) for r in state.result()]
    assert [r.status for r in results] == ["skipped"]


def test_publish_article_flow_stage_by_stage(tmp_path: Path) -> None:
    from flows.article import publish_article

    src = tmp_path / "sources"
    src.mkdir()
    shutil.copy(FIXTURES / "markdown.md", src / "markdown.md")
    result = publish_article(article=str(src / "markdown.md"), out_dir=str(tmp_path / "out"),
                             formats=["newsletter"])  # fmt: skip
    assert result.status == "ok"
    assert "newsletter.html" in result.files
    assert result.slug == "tidal-power-the-quiet-revolution"
