"""Producing ahead: the feeder keeps the warm workers busy while the orchestration catches up,
within a bounded window, and a large batch becomes a bounded number of Prefect tasks."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from editorial import pipeline, stages, warmup
from editorial.config import load_settings
from editorial.feeder import Feeder
from editorial.model import ArticleResult
from editorial.workers import PRELOAD_ENV, WorkerPool, batch_languages

from .conftest import FIXTURES

FORMATS = ("newsletter",)  # the cheapest renderer: these tests are about scheduling


def _articles(folder: Path, n: int) -> list[stages.Job]:
    folder.mkdir(parents=True, exist_ok=True)
    text = (FIXTURES / "texte.txt").read_text("utf-8")
    jobs = []
    for i in range(n):
        path = folder / f"article-{i:02d}.txt"
        path.write_text(text.replace("Le port", f"Le port numéro {i}", 1), "utf-8")
        jobs.append(stages.Job(source=str(path), formats=FORMATS))
    return jobs


def test_task_groups_bound_the_number_of_tasks() -> None:
    assert pipeline.task_groups(list(range(5)), 32) == [[0], [1], [2], [3], [4]]
    groups = pipeline.task_groups(list(range(100)), 32)
    assert len(groups) <= 32 and [x for g in groups for x in g] == list(range(100))
    assert max(map(len, groups)) - min(map(len, groups)) <= 4
    assert len(pipeline.task_groups(list(range(1000)), 32)) == 32


def test_feeder_produces_ahead_within_its_window(tmp_path: Path) -> None:
    settings = load_settings()
    jobs = _articles(tmp_path / "src", 5)
    broken = tmp_path / "src" / "broken.docx"
    shutil.copy(FIXTURES / "broken.docx", broken)
    jobs.insert(2, stages.Job(source=str(broken), formats=FORMATS))
    with WorkerPool(2, settings, languages=()) as pool:
        with Feeder(pool, jobs, ahead=3) as feeder:
            # Nobody takes anything: the feeder stops at its window.
            deadline = time.monotonic() + 120
            while sum(f.done() for f in feeder._futures.values()) < 3:
                assert time.monotonic() < deadline, "the feeder produced nothing"
                time.sleep(0.2)
            time.sleep(1.0)
            assert len(feeder._futures) == 3
            outcomes = [feeder.take(job) for job in jobs]
            # A job it was not given is produced directly.
            extra = _articles(tmp_path / "extra", 1)[0]
            direct = feeder.take(extra)
    produced = [o for o in outcomes if isinstance(o, stages.Produced)]
    failed = [o for o in outcomes if isinstance(o, ArticleResult)]
    assert len(produced) == 5 and isinstance(direct, stages.Produced)
    assert [f.error.code for f in failed if f.error] == ["invalid_container"]
    titles = [p.article.title for p in produced]
    assert len(set(titles)) == 5, titles  # each outcome is its own article's


def test_warm_up_articles_run_every_stage_in_both_languages(tmp_path: Path) -> None:
    settings = load_settings()
    warmup.warm_up(settings)  # never raises
    produced = []
    for lang, text in warmup.TEXTS.items():
        src = tmp_path / f"warmup-{lang}.txt"
        src.write_text(text, "utf-8")
        produced.append(stages.produce(stages.Job(source=str(src)), settings))
    assert [p.article.language for p in produced] == ["en", "fr"]
    assert all(p.extraction.quotes for p in produced)
    assert {f.name for f in produced[0].files} >= {"report.pdf", "newsletter.html", "social.json"}


@pytest.mark.xdist_group("prefect-harness")
@pytest.mark.usefixtures("prefect_harness")
def test_a_large_batch_runs_as_a_few_group_tasks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.client.orchestration import get_client

    from flows import publish

    monkeypatch.setattr(publish, "MAX_TASKS", 2)
    jobs = _articles(tmp_path / "src", 3)
    shutil.copy(FIXTURES / "broken.docx", tmp_path / "src" / "zz-broken.docx")
    out = tmp_path / "out"
    state = publish.publish_sources(paths=[str(tmp_path / "src")], out_dir=str(out),
                                    formats=list(FORMATS), return_state=True)  # fmt: skip
    assert state.is_failed() and "zz-broken.docx" in (state.message or "")
    results = [ArticleResult.model_validate(r) for r in state.result(raise_on_failure=False)]
    assert [r.status for r in results] == ["ok", "ok", "ok", "failed"]
    report = json.loads((out / "run-report.json").read_text("utf-8"))
    assert report["summary"] == {"ok": 3, "failed": 1, "skipped": 0}
    flow_run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    groups = sorted((r.name, r.state_type.value) for r in runs if r.name.startswith("publish "))
    assert [name.split(":")[0] for name, _ in groups] == [
        "publish 2 articles (1/2)", "publish 2 articles (2/2)"]  # fmt: skip
    # The group holding the broken file failed, naming it; its good article was published.
    assert dict(groups)[groups[1][0]] == "FAILED"
    assert len(jobs) == 3 and all((out / r.slug / "newsletter.html").is_file()
                                  for r in results if r.status == "ok")  # fmt: skip


PRELOAD_PROBE = """
import sys
from editorial import pipeline, stages
from editorial.feeder import Feeder
from editorial.workers import PRELOAD_ENV, WorkerPool, batch_languages
from editorial.config import Settings


def probe():
    from editorial.extract import nlp

    info = nlp.load.cache_info()
    return "editorial.worker_start" in sys.modules, info.hits, info.misses


if __name__ == "__main__":
    languages = tuple(sys.argv[1:])
    with WorkerPool(1, Settings(), languages=languages) as pool:
        print(pool._executor.submit(probe).result())
"""


@pytest.mark.parametrize(("languages", "expected"), [
    (("en", "fr"), (True, 2, 2)),  # loaded in the fork server (2 misses), found by the worker
    ((), (False, 0, 0)),  # a small run: no preload, each worker loads what it needs
])  # fmt: skip
def test_workers_are_forked_from_a_server_that_preloaded_them(
    tmp_path: Path, languages: tuple[str, ...], expected: tuple[bool, int, int]
) -> None:
    import os
    import subprocess
    import sys

    script = tmp_path / "probe.py"
    script.write_text(PRELOAD_PROBE, "utf-8")
    env = {k: v for k, v in os.environ.items() if k != PRELOAD_ENV}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    done = subprocess.run([sys.executable, str(script), *languages], env=env, capture_output=True,
                          text=True, timeout=300, check=True)  # fmt: skip
    assert done.stdout.strip() == repr(expected), done.stderr[-2000:]
    assert batch_languages(4, 2) == () and batch_languages(5, 2) == ("en", "fr")
