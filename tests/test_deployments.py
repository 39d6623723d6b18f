"""The deployments: the manual form, the scheduled batch's change detection, and a process
work pool whose worker picks up a run triggered through the API."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from editorial.config import PROJECT_ROOT, load_settings
from editorial.model import ArticleResult

from .conftest import FIXTURES, SAMPLE
from .test_serve import Served, served  # noqa: F401 - the shared server fixture

ARTICLE = f"sources/{SAMPLE.name}"


# ---------------------------------------------------------------- the form (no server)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("../etc/passwd", "outside sources/"),
        ("/etc/passwd", "outside sources/"),
        (str(SAMPLE), "outside sources/"),  # absolute, even when it is the sample
        ("sources/../pyproject.toml", "outside sources/"),
        ("editorial.toml", "outside sources/"),
        ("sources/nope.txt", "does not exist"),
        ("sources/x.exe", "not a supported file"),
        ("", "no article given"),
    ],
)
def test_article_outside_sources_is_refused_with_a_clear_message(value: str, message: str) -> None:
    from flows.manual import publish_article_manual
    from flows.params import ArticleRequest

    with pytest.raises(ValueError) as err:
        ArticleRequest(article=value).checked_source()
    assert message in str(err.value)
    # Reaching the flow anyway: it fails with that one line and publishes nothing.
    state = publish_article_manual.fn(ArticleRequest(article=value))
    assert state.is_failed() and state.message == str(err.value)
    assert "\n" not in state.message


def test_a_url_the_fetch_policy_refuses_fails_the_run_with_one_line() -> None:
    from flows.manual import publish_article_manual
    from flows.params import ArticleRequest

    with pytest.raises(ValueError, match="not a web address"):
        ArticleRequest(url="file:///etc/passwd").checked_source()
    # A private address (no name to resolve: nothing leaves the machine) is refused.
    state = publish_article_manual.fn(ArticleRequest(url="http://10.20.30.40/a"))
    assert state.is_failed()
    assert state.message.startswith("fetch_refused: ") and "10.20.30.40" in state.message
    assert "\n" not in state.message


def test_form_lists_the_articles_as_a_required_choice() -> None:
    from flows.deployments import manual_schema

    form = manual_schema(["sources/a.txt", "sources/b.md"]).model_dump_for_openapi()
    article = form["definitions"]["ArticleRequest"]["properties"]["article"]
    assert article["enum"] == ["sources/a.txt", "sources/b.md"] and "default" not in article
    assert "article" in form["definitions"]["ArticleRequest"]["required"]


def test_article_form_defaults_and_normalisation() -> None:
    from flows.params import ArticleRequest

    req = ArticleRequest(article=f" sources\\{SAMPLE.name} ", outputs=["social", "pdf", "social"])
    assert req.checked_source() == ARTICLE
    assert req.formats == ("pdf", "social")
    assert req.language_override is None and req.variant is None and not req.force
    assert not ArticleRequest().review


def test_manual_parameters_render_as_a_form() -> None:
    from prefect.utilities.callables import parameter_schema

    from flows.manual import publish_article_manual

    schema = parameter_schema(publish_article_manual).model_dump_for_openapi()
    assert schema["required"] == ["request"]
    form = schema["definitions"]["ArticleRequest"]
    assert form["title"] == "Article to publish"
    props = form["properties"]
    assert props["language"]["enum"] == ["auto", "en", "fr"]
    assert props["pdf_variant"]["enum"] == ["default", "pdf/ua-1", "pdf/a-3b", "none"]
    assert props["outputs"]["items"]["enum"] == ["pdf", "newsletter", "social"]
    assert props["force"]["type"] == "boolean"
    assert "sources/" in props["article"]["description"]


def test_deployments_from_config() -> None:
    from prefect.client.schemas.objects import ConcurrencyLimitStrategy

    from flows.deployments import build_deployments

    settings = load_settings()
    scheduled, manual = build_deployments(settings, out_dir="/tmp/out")
    assert (scheduled.name, manual.name) == ("scheduled", "manual")
    [sched] = scheduled.schedules
    assert sched.schedule.cron == settings.schedule.cron
    assert sched.schedule.timezone == settings.schedule.timezone
    assert scheduled.parameters["out_dir"] == "/tmp/out"
    assert scheduled.concurrency_limit == 1
    assert scheduled.concurrency_options.collision_strategy == ConcurrencyLimitStrategy.CANCEL_NEW
    assert manual.concurrency_limit == settings.server.manual_concurrency
    assert manual.concurrency_options.collision_strategy == ConcurrencyLimitStrategy.ENQUEUE


def test_article_lock_names_are_valid_and_distinct() -> None:
    from flows.article import article_lock_name

    a, b = article_lock_name(ARTICLE), article_lock_name("sources/other.txt")
    assert a != b and a.startswith("article-can-france")
    assert article_lock_name("sources/" + "é" * 300 + ".txt").isascii()


# ---------------------------------------------------------------- the scheduled batch


@pytest.mark.slow
@pytest.mark.xdist_group("prefect-harness")
@pytest.mark.usefixtures("prefect_harness")
def test_rerun_with_nothing_changed_processes_nothing(tmp_path: Path) -> None:
    from flows.publish import publish_sources

    src = tmp_path / "sources"
    src.mkdir()
    shutil.copy(SAMPLE, src / SAMPLE.name)
    shutil.copy(FIXTURES / "markdown.md", src / "markdown.md")
    out = tmp_path / "out"

    def run() -> dict[str, str]:
        state = publish_sources(paths=[str(src)], out_dir=str(out), formats=["social"],
                                return_state=True)  # fmt: skip
        assert state.is_completed(), state.message
        return {Path(r.source).name: r.status
                for r in map(ArticleResult.model_validate, state.result())}  # fmt: skip

    assert run() == {SAMPLE.name: "ok", "markdown.md": "ok"}
    stamp = (out / ".state").stat().st_mtime_ns
    assert run() == {SAMPLE.name: "skipped", "markdown.md": "skipped"}
    assert (out / ".state").stat().st_mtime_ns == stamp  # nothing written for skipped articles
    os.utime(src / "markdown.md")  # a newer mtime alone is not a change: the content is hashed
    assert run() == {SAMPLE.name: "skipped", "markdown.md": "skipped"}
    with open(src / "markdown.md", "a", encoding="utf-8") as f:
        f.write("\nOne more paragraph, added by an editor.\n")
    assert run() == {SAMPLE.name: "skipped", "markdown.md": "ok"}


# ---------------------------------------------------------------- a process work pool


@pytest.mark.slow
@pytest.mark.xdist_group("prefect-server")
def test_process_work_pool_worker_picks_up_a_triggered_run(
    served: Served,  # noqa: F811
    tmp_path: Path,
) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deployments import MANUAL, deploy_to_pool

    pool = "editorial-test-pool"
    with temporary_settings({PREFECT_API_URL: served.api}):
        deploy_to_pool(load_settings(), pool=pool, which=(MANUAL,), suffix="-pool")
    out = tmp_path / "pool-out"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "EDITORIAL_"))}
    env.update(DO_NOT_TRACK="1", PREFECT_API_URL=served.api, PREFECT_HOME=str(served.home),
               PREFECT_WORKER_QUERY_SECONDS="2", EDITORIAL_OUTPUT_DIR=str(out))  # fmt: skip
    log = tmp_path / "worker.log"
    with open(log, "wb") as f:
        worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "prefect"), "worker", "start", "--pool", pool,
             "--type", "process", "--limit", "1"],
            cwd=PROJECT_ROOT, env=env, stdout=f, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        from prefect.deployments import run_deployment

        t0 = time.monotonic()
        with temporary_settings({PREFECT_API_URL: served.api}):
            run = run_deployment("publish-article/manual-pool", timeout=400, poll_interval=1,
                                 parameters={"request": {"article": ARTICLE, "outputs": ["social"],
                                                         "force": True}})  # fmt: skip
        print(f"\nwork-pool run: {time.monotonic() - t0:.1f} s to {run.state.type.value}")
        assert run.state.is_completed(), (run.state.message, log.read_text("utf-8", "replace"))
        assert run.work_pool_name == pool
        assert (out / "can-france-become-a-global-ai-hub" / "social.md").is_file()
    finally:
        os.killpg(worker.pid, signal.SIGINT)
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
