"""A batch fanned out to Dask (prefect-dask's DaskTaskRunner) gives the same outputs as the
default worker-process runner: on a local two-worker cluster the flow starts itself, and on a
cluster of separate `dask scheduler` and `dask worker` processes it is given the address of."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Batch:
    sources: Path
    outputs: dict[str, bytes]  # the default runner's, by relative name


def publish(src: Path, out: Path, runner: str, address: str) -> dict[str, bytes]:
    """The batch through `runner`; the statuses checked; the outputs by relative name."""
    from flows.publish import publish_sources

    state = publish_sources(paths=[str(src)], out_dir=str(out), workers=2, runner=runner,
                            dask_address=address, return_state=True)  # fmt: skip
    results = {Path(r.source).name: r for r in map(ArticleResult.model_validate,
                                                    state.result(raise_on_failure=False))}  # fmt: skip
    assert {n: r.status for n, r in results.items()} == {
        SAMPLE.name: "ok", "markdown.md": "ok", "broken.docx": "failed"}, runner  # fmt: skip
    err = results["broken.docx"].error
    assert err and err.code == "invalid_container", runner
    assert "broken.docx" in (state.message or "")
    return _tree(out)


@pytest.fixture(scope="module")
def default_batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    """Three articles (one broken) published by the default worker-process runner."""
    tmp = tmp_path_factory.mktemp("dask-batch")
    src = tmp / "sources"
    src.mkdir()
    shutil.copy(SAMPLE, src / SAMPLE.name)
    shutil.copy(FIXTURES / "markdown.md", src / "markdown.md")
    shutil.copy(FIXTURES / "broken.docx", src / "broken.docx")
    return Batch(src, publish(src, tmp / "processes", "processes", ""))


def assert_same_outputs(default: dict[str, bytes], dask: dict[str, bytes]) -> None:
    assert sorted(default) == sorted(dask)
    assert any(name.endswith("report.pdf") for name in default)
    for name in default:
        if name.endswith(".pdf"):  # PDFs carry ids that may differ run to run: compare the text
            assert _pdf_text(default[name]) == _pdf_text(dask[name]), name
        elif not name.endswith(".png"):
            assert default[name] == dask[name], name


def test_dask_batch_gives_the_same_outputs_as_the_default_runner(
    default_batch: Batch, tmp_path: Path
) -> None:
    """A local cluster the flow starts itself (no address)."""
    dask = publish(default_batch.sources, tmp_path / "dask", "dask", "")
    assert_same_outputs(default_batch.outputs, dask)


@contextlib.contextmanager
def dask_cluster(tmp: Path, workers: int = 2) -> Iterator[str]:
    """`dask scheduler` and `dask worker --nworkers N` as separate processes, as a remote
    cluster runs them (docs/scaling.md); yields the scheduler's address once N workers joined."""
    from distributed import Client

    from .test_serve import free_port

    address = f"tcp://127.0.0.1:{free_port()}"
    dask = str(Path(sys.executable).parent / "dask")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    argvs = {
        "scheduler": [dask, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                      "--no-dashboard"],
        "workers": [dask, "worker", address, "--nworkers", str(workers), "--nthreads", "1",
                    "--memory-limit", "2GiB", "--no-dashboard", "--local-directory", str(tmp)],
    }  # fmt: skip
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for name, argv in argvs.items():
            with open(tmp / f"{name}.log", "wb") as log:
                procs.append(subprocess.Popen(argv, cwd=tmp, env=env, stdout=log,
                                              stderr=subprocess.STDOUT, start_new_session=True))  # fmt: skip
        deadline = time.monotonic() + 90
        joined = 0
        while joined < workers:
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                logs = [(tmp / f"{n}.log").read_text("utf-8", "replace")[-1500:] for n in argvs]
                pytest.fail(
                    f"the Dask cluster did not start ({joined} workers):\n" + "\n".join(logs)
                )
            with contextlib.suppress(OSError, TimeoutError):
                with Client(address, timeout=5) as c:
                    joined = len(c.scheduler_info()["workers"])
            if joined < workers:
                time.sleep(0.5)
        yield address
    finally:
        for p in reversed(procs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def test_dask_cluster_with_its_own_scheduler_gives_the_same_outputs(
    default_batch: Batch, tmp_path: Path
) -> None:
    """The flow's Dask runner given the address of a scheduler in another process, whose
    workers are other processes again: what a remote cluster is, on one machine."""
    from distributed import Client

    with dask_cluster(tmp_path) as address:
        t0 = time.monotonic()
        dask = publish(default_batch.sources, tmp_path / "dask", "dask", address)
        print(f"\nbatch on a separate Dask scheduler: {time.monotonic() - t0:.1f} s")
        with Client(address, timeout=10) as c:
            # Both worker processes ran articles (the scheduler spread them).
            done = c.run(lambda dask_worker: len(dask_worker.state.log))
    assert_same_outputs(default_batch.outputs, dask)
    assert len(done) == 2 and all(n > 0 for n in done.values()), done
