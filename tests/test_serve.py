"""`editorial serve` against a real Prefect server it starts: deployments, a run triggered
through the API with the form's parameters, its artifacts, the PDF download, a bad parameter,
and a clean stop on Ctrl-C that leaves the schedule active.

One `editorial serve` is shared by every module of the "prefect-server" group (this one, the
deployments and browser tests): `served` starts it on first use and stops it with SIGINT when
the last user is done.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import ROOT, SAMPLE

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("prefect-server")]

SLUG = "can-france-become-a-global-ai-hub"
TITLE = "Can France become a global AI Hub?"
ARTICLE = f"sources/{SAMPLE.name}"
START_TIMEOUT = 300.0
TEST_CRON = "0 3 1 1 *"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    proc: subprocess.Popen[bytes]
    ui: str
    api: str
    download: str
    home: Path
    out: Path
    log: Path
    ready_seconds: float

    def output(self) -> str:
        return self.log.read_text("utf-8", "replace")


def start_serve(tmp: Path, extra_env: dict[str, str] | None = None) -> Served:
    """`editorial serve` on free ports, with its own PREFECT_HOME and outputs folder
    (`extra_env`: more variables for it, e.g. EDITORIAL_SERVER_DATABASE_URL)."""
    pport, dport = free_port(), free_port()
    home, out, log = tmp / "prefect-home", tmp / "outputs", tmp / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "EDITORIAL_"))}
    env.update(DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_HOME=str(home),
               EDITORIAL_OUTPUT_DIR=str(out), PYTHONUNBUFFERED="1",
               # A schedule that does not fire during the tests (and shows the override works).
               EDITORIAL_SCHEDULE_CRON=TEST_CRON)  # fmt: skip
    env.update(extra_env or {})
    editorial = Path(sys.executable).parent / "editorial"
    t0 = time.monotonic()
    with open(log, "wb") as f:
        proc = subprocess.Popen([str(editorial), "serve", "--prefect-port", str(pport),
                                 "--download-port", str(dport)], cwd=ROOT, env=env, stdout=f,
                                stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    served = Served(proc, f"http://127.0.0.1:{pport}", f"http://127.0.0.1:{pport}/api",
                    f"http://127.0.0.1:{dport}", home, out, log, 0.0)  # fmt: skip
    while "Ctrl-C stops them all" not in served.output():
        if proc.poll() is not None or time.monotonic() - t0 > START_TIMEOUT:
            stop_serve(served)
            pytest.fail(f"editorial serve did not start:\n{served.output()}")
        time.sleep(0.5)
    served.ready_seconds = time.monotonic() - t0
    return served


def stop_serve(served: Served) -> int:
    """Ctrl-C (SIGINT to the process only, as a terminal would send it) and wait."""
    if served.proc.poll() is None:
        served.proc.send_signal(signal.SIGINT)
        try:
            served.proc.wait(120)
        except subprocess.TimeoutExpired:
            os.killpg(served.proc.pid, signal.SIGKILL)
            served.proc.wait()
            return -9
    return served.proc.returncode


class _Shared:
    served: Served | None = None
    users = 0


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The shared `editorial serve`; on the last teardown: stopped with Ctrl-C, exit 0, every
    port closed, schedule still active (pause_on_shutdown=False)."""
    if _Shared.served is None:
        _Shared.served = start_serve(tmp_path_factory.mktemp("serve"))
    _Shared.users += 1
    try:
        yield _Shared.served
    finally:
        _Shared.users -= 1
        if _Shared.users == 0:
            s, _Shared.served = _Shared.served, None
            assert stop_serve(s) == 0, s.output()
            assert "Stopping the task worker, the deployments" in s.output()
            for url in (s.ui, s.download):
                with pytest.raises(httpx.TransportError):
                    httpx.get(url, timeout=2)
            db = sqlite3.connect(s.home / "prefect.db")
            try:
                assert db.execute("select count(*) from deployment where paused").fetchone() == (0,)
                assert db.execute("select active from deployment_schedule").fetchall() == [(1,)]
            finally:
                db.close()


@contextlib.contextmanager
def client(served: Served) -> Iterator[Any]:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: served.api}), get_client(sync_client=True) as c:
        yield c


def run_manual(served: Served, request: dict[str, Any], timeout: float = 400) -> Any:
    """Trigger publish-article/manual through the API and wait for its final state."""
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: served.api}):
        return run_deployment("publish-article/manual", parameters={"request": request},
                              timeout=timeout, poll_interval=1)  # fmt: skip


@dataclass
class Published:
    flow_run: Any
    seconds: float


class _Run:
    published: Published | None = None


@pytest.fixture(scope="session")
def published(served: Served) -> Published:
    """The sample, published once through the manual deployment with every output."""
    if _Run.published is None:
        t0 = time.monotonic()
        run = run_manual(served, {"article": ARTICLE, "outputs": ["pdf", "newsletter", "social"],
                                  "language": "auto", "force": True, "pdf_variant": "default"})  # fmt: skip
        _Run.published = Published(run, time.monotonic() - t0)
    return _Run.published


def artifacts_of(served: Served, flow_run_id: Any) -> dict[str, Any]:
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with client(served) as c:
        arts = c.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
    return {a.key: a for a in arts if a.key}


# ---------------------------------------------------------------- tests


def test_scheduled_deployment_exists_with_its_cron(served: Served) -> None:
    from editorial.config import load_settings

    settings = load_settings()
    assert settings.schedule.cron != TEST_CRON
    with client(served) as c:
        dep = c.read_deployment_by_name("publish-sources/scheduled")
        manual = c.read_deployment_by_name("publish-article/manual")
    assert not dep.paused
    [sched] = dep.schedules
    assert sched.active
    assert sched.schedule.cron == TEST_CRON
    assert sched.schedule.timezone == settings.schedule.timezone
    assert dep.parameters["paths"] == list(settings.schedule.paths)
    # The manual deployment's parameter is a pydantic model: a form in the UI.
    schema = manual.parameter_openapi_schema
    assert schema["properties"]["request"]["$ref"].endswith("/ArticleRequest")
    fields = schema["definitions"]["ArticleRequest"]["properties"]
    assert set(fields) == {"article", "outputs", "language", "force", "pdf_variant"}
    assert manual.global_concurrency_limit and manual.global_concurrency_limit.limit >= 1
    print(f"\nserve ready in {served.ready_seconds:.1f} s")


def test_triggered_run_completes_and_its_pdf_downloads(
    served: Served, published: Published
) -> None:
    from pypdf import PdfReader

    run = published.flow_run
    print(f"\ntriggered run: {published.seconds:.1f} s to Completed")
    assert run.state.is_completed(), run.state.message
    assert run.name == f"publish {SAMPLE.name}"
    arts = artifacts_of(served, run.id)
    link = arts[f"pdf-{SLUG}"]
    m = re.fullmatch(r"\[Download PDF\]\((.+)\)", str(link.data))
    assert m, link.data
    url = m.group(1)
    assert url == f"{served.download}/articles/{SLUG}/report.pdf"
    r = httpx.get(url, timeout=30)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("attachment")
    assert r.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(r.content))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert TITLE in text
    # The quotes table and the social/newsletter markdown.
    assert arts[f"quotes-{SLUG}"].type == "table"
    assert "speaker" in str(arts[f"quotes-{SLUG}"].data)
    social = str(arts[f"social-{SLUG}"].data)
    assert f"{served.download}/articles/{SLUG}/report.png" in social and "## x" in social


def test_invalid_article_fails_with_a_clear_message(served: Served) -> None:
    for bad, words in [("../etc/passwd", "outside sources/"),
                       ("/etc/passwd", "outside sources/"),
                       ("sources/does-not-exist.txt", "does not exist")]:  # fmt: skip
        run = run_manual(served, {"article": bad}, timeout=120)
        assert run.state.is_failed(), (bad, run.state)
        assert words in (run.state.message or ""), (bad, run.state.message)
        assert bad in (run.state.message or "")


def test_api_has_csrf_protection_and_explicit_cors(served: Served) -> None:
    r = httpx.post(f"{served.api}/deployments/filter", json={})
    assert r.status_code == 403, r.text
    pre = {"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}
    r = httpx.options(f"{served.api}/deployments/filter", headers=pre)
    assert r.headers.get("access-control-allow-origin") not in ("*", "http://evil.example")
    r = httpx.options(f"{served.api}/deployments/filter", headers={**pre, "Origin": served.ui})
    assert r.headers.get("access-control-allow-origin") == served.ui


def test_download_app_index_lists_the_published_article(
    served: Served, published: Published
) -> None:
    html = httpx.get(served.download + "/").text
    assert TITLE in html and "status-ok" in html
    assert f"/articles/{SLUG}/report.pdf" in html and f"/articles/{SLUG}/report.png" in html


def test_editorial_run_hands_its_articles_to_the_warm_publisher(
    served: Served, tmp_path: Path
) -> None:
    """With `serve` running, `editorial run` neither imports Prefect nor starts workers: the
    warm publisher in serve's task-worker process runs the flow (recorded on serve's server)
    and streams the results back."""
    import json
    import shutil

    src = tmp_path / "sources"
    src.mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "texte.txt", src / "texte.txt")
    info = json.loads((served.home / "publisher.json").read_text("utf-8"))
    assert info["url"].startswith("http://127.0.0.1:")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "EDITORIAL_"))}
    env.update(DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_HOME=str(served.home))  # fmt: skip
    out = tmp_path / "out"
    # The CLI's own code, with an import hook that fails the run if Prefect gets imported.
    code = (
        "import sys, builtins\n"
        "real = builtins.__import__\n"
        "def guard(name, *a, **k):\n"
        "    if name == 'prefect' or name.startswith(('prefect.', 'weasyprint', 'spacy')):\n"
        "        raise SystemExit(f'imported {name}')\n"
        "    return real(name, *a, **k)\n"
        "builtins.__import__ = guard\n"
        "from flows.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "run", str(src), "--out", str(out), "--formats", "social",
         "--quiet"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=400,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (out / "le-port-rouvre-ses-portes" / "social.json").is_file()
    report = json.loads((out / "run-report.json").read_text("utf-8"))
    assert report["summary"]["ok"] == 1
    with client(served) as c:
        names = [r.name for r in c.read_task_runs(limit=200)]
    assert "publish texte.txt" in names, names

    # A request without the client header (what a browser page could send) is refused.
    r = httpx.post(info["url"] + "/publish", json={"paths": [str(src)]}, timeout=10)
    assert r.status_code == 403
