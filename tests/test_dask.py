"""A batch fanned out to a local two-worker Dask cluster (prefect-dask's DaskTaskRunner) gives
the same outputs as the default worker-process runner."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from editorial.model import ArticleResult

from .conftest import FIXTURES, SAMPLE

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("prefect-harness"),
    pytest.mark.usefixtures("prefect_harness"),
]


def _tree(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".state" not in p.parts and p.name != "run-report.json"
    }


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_dask_batch_gives_the_same_outputs_as_the_default_runner(tmp_path: Path) -> None:
    from flows.publish import publish_sources

    src = tmp_path / "sources"
    src.mkdir()
    shutil.copy(SAMPLE, src / SAMPLE.name)
    shutil.copy(FIXTURES / "markdown.md", src / "markdown.md")
    shutil.copy(FIXTURES / "broken.docx", src / "broken.docx")
    outs = {}
    for runner in ("processes", "dask"):
        out = tmp_path / runner
        state = publish_sources(paths=[str(src)], out_dir=str(out), workers=2, runner=runner,
                                dask_address="", return_state=True)  # fmt: skip
        results = {Path(r.source).name: r for r in map(ArticleResult.model_validate,
                                                        state.result(raise_on_failure=False))}  # fmt: skip
        assert {n: r.status for n, r in results.items()} == {
            SAMPLE.name: "ok", "markdown.md": "ok", "broken.docx": "failed"}  # fmt: skip
        err = results["broken.docx"].error
        assert err and err.code == "invalid_container", runner
        assert "broken.docx" in (state.message or "")
        outs[runner] = _tree(out)
    default, dask = outs["processes"], outs["dask"]
    assert sorted(default) == sorted(dask)
    assert any(name.endswith("report.pdf") for name in default)
    for name in default:
        if name.endswith(".pdf"):  # PDFs carry ids that may differ run to run: compare the text
            assert _pdf_text(default[name]) == _pdf_text(dask[name]), name
        elif not name.endswith(".png"):
            assert default[name] == dask[name], name
