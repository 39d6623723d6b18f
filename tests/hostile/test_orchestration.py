"""ORCH: a bad article never takes the batch or the flow run down (H38, H49, H50, worker
crashes and hangs), with real worker processes and faults injected inside them."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from editorial import model, pipeline, stages
from editorial.store import RUN_REPORT, STATE_DIR
from editorial.workers import WorkerPool

from .conftest import GOOD_1, GOOD_2, settings
from .faults import FaultyPool
from .inputs import tiny_png

GOOD_3 = GOOD_1.replace("harbour", "bridge").replace("Brest", "Nantes")


def _sources(folder: Path, *bad: str) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good-1.md").write_text(GOOD_1, "utf-8")
    for name in bad:
        (folder / f"{name}.png").write_bytes(tiny_png())
        (folder / f"{name}.md").write_text(f"# Bad {name}\n\n{GOOD_2}\n\n![figure]({name}.png)\n", "utf-8")
    (folder / "good-2.txt").write_text(GOOD_2, "utf-8")
    (folder / "good-3.md").write_text(GOOD_3, "utf-8")
    return [str(folder / "good-1.md"), *(str(folder / f"{n}.md") for n in bad),
            str(folder / "good-2.txt"), str(folder / "good-3.md")]  # fmt: skip


def _run(pool: WorkerPool, sources: list[str]) -> dict[str, model.ArticleResult | stages.Produced]:
    todo = [(i, stages.Job(source=s), "") for i, s in enumerate(sources)]
    return {Path(job.source).stem: outcome for _, job, _, outcome in pipeline._stream(pool, todo)}


def test_h38_fatal_fetch_error_crash_and_bug_fail_only_their_article(tmp_path: Path) -> None:
    """FatalURLFetchingError (a BaseException), a worker killed by SIGKILL and a plain bug:
    each fails its own article with a stable code; every good article is produced."""
    sources = _sources(tmp_path / "src", "fatal", "crash", "raise")
    with FaultyPool(2, settings()) as pool:
        out = _run(pool, sources)
    for good in ("good-1", "good-2", "good-3"):
        assert isinstance(out[good], stages.Produced), out[good]
    codes = {k: v.error.code for k, v in out.items() if isinstance(v, model.ArticleResult) and v.error}
    assert codes == {"fatal": "render_failed", "crash": "render_failed", "raise": "internal_error"}
    for name in codes:
        assert f"{name}.md" in out[name].error.message  # type: ignore[union-attr]


@pytest.mark.slow
def test_hard_deadline_kills_only_the_runaway_worker(tmp_path: Path) -> None:
    """A stage stuck in C code (SIGALRM blocked): the pool's hard deadline kills that worker;
    the job fails with `timeout`; the jobs beside it are run again, not blamed."""
    sources = _sources(tmp_path / "src", "hang")
    s = settings()
    s = s.model_copy(update={"limits": s.limits.model_copy(update={"job_timeout": 20.0})})
    started = time.monotonic()
    with FaultyPool(2, s) as pool:
        out = _run(pool, sources)
    assert time.monotonic() - started < 120
    hang = out["hang"]
    assert isinstance(hang, model.ArticleResult) and hang.error and hang.error.code == "timeout"
    for good in ("good-1", "good-2", "good-3"):
        assert isinstance(out[good], stages.Produced), out[good]


@pytest.mark.slow
def test_h38_h50_flow_run_survives_a_fatal_error_without_retrying_it(
    tmp_path: Path, prefect_harness: None
) -> None:
    from flows import publish

    sources = _sources(tmp_path / "src", "fatal")
    pool = FaultyPool(2, settings())
    publish.prestarted_pool = pool
    try:
        state = publish.publish_sources(paths=[str(tmp_path / "src")], out_dir=str(tmp_path / "out"),
                                        return_state=True)  # fmt: skip
    finally:
        publish.prestarted_pool = None
        pool.close()
    assert not state.is_crashed(), state.message
    rows = {Path(r["source"]).name: r for r in state.result(raise_on_failure=False)}
    assert len(rows) == len(sources)
    assert rows["fatal.md"]["status"] == "failed"
    assert rows["fatal.md"]["error"]["code"] == "render_failed"
    assert "render_failed: " in (state.message or "") and "fatal.md" in (state.message or "")
    assert all(rows[n]["status"] == "ok" for n in ("good-1.md", "good-2.txt", "good-3.md"))
    # H50: the rejected article ran once (no retry for a deterministic failure)
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(
            id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))  # fmt: skip
    failed = [r for r in runs if r.state and r.state.is_failed()]
    assert failed and all(r.run_count == 1 for r in failed), [(r.name, r.run_count) for r in failed]


def _editorial(*args: str, cwd: Path) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).with_name("editorial")
    return subprocess.Popen([str(exe), *args], cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip


@pytest.mark.slow
def test_h49_kill_9_mid_batch_then_rerun(tmp_path: Path) -> None:
    """kill -9 the whole `editorial run` (parent and workers) once two articles are published:
    no partial or temp file anywhere; the rerun skips the finished ones and completes."""
    src, out = tmp_path / "sources", tmp_path / "outputs"
    src.mkdir()
    texts = [GOOD_1, GOOD_2, GOOD_3, GOOD_1.replace("May", "June"), GOOD_2.replace("Monday", "Friday")]
    for i, text in enumerate(texts):
        (src / f"a{i}.md").write_text(text.replace("# ", f"# {i} ", 1) if text.startswith("#")
                                      else f"# {i} {text}", "utf-8")  # fmt: skip
    proc = _editorial("run", str(src), "--out", str(out), "--no-prefect", "--workers", "1", cwd=tmp_path)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        states = list((out / STATE_DIR).glob("*.json")) if (out / STATE_DIR).is_dir() else []
        if len(states) >= 2 or proc.poll() is not None:
            break
        time.sleep(0.1)
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = {json.loads(p.read_text("utf-8"))["source"] for p in (out / STATE_DIR).glob("*.json")}
    assert 2 <= len(done_before) < 5
    rerun = subprocess.run([str(Path(sys.executable).with_name("editorial")), "run", str(src), "--out",
                            str(out), "--no-prefect", "--workers", "1"], cwd=tmp_path,
                           capture_output=True, timeout=400)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr.decode()[-2000:]
    report = json.loads((out / RUN_REPORT).read_text("utf-8"))
    status = {a["source"]: a["status"] for a in report["articles"]}
    assert all(status[s] == "skipped" for s in done_before), status
    assert sorted(status.values()).count("ok") == 5 - len(done_before)
    leftovers = [p for p in out.rglob("*") if p.name.startswith((".tmp-", ".old-"))]
    assert not leftovers
    for manifest in out.glob("*/manifest.json"):
        names = json.loads(manifest.read_text("utf-8"))["files"]
        assert all((manifest.parent / n).stat().st_size > 0 for n in names)


@pytest.fixture(autouse=True)
def _no_stray_claims() -> None:
    shutil.rmtree(Path("/nonexistent"), ignore_errors=True)
