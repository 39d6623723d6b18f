"""Runs paused for review do not hold other runs back (issue 15), on the shared `editorial serve`.

A paused run keeps its process, which the runner counts against its limit, while Prefect gives
its deployment slot back. Before `flows.deployments.runner_limit` the runner's limit was the
manual runs that may work at once plus one: three reviews left waiting (three different
articles) and no other run started, the nightly batch included, until an editor resumed one.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, SAMPLE
from .test_serve import ARTICLE, Served, client, served  # noqa: F401 - the shared server fixture

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("prefect-server")]

WAITING = 3  # more than manual_concurrency (2): each waits on its own article


@pytest.fixture
def articles() -> Iterator[list[str]]:
    """Three new articles under sources/ (the sample's text, each its own title), removed after."""
    tag = uuid.uuid4().hex[:8]
    body = SAMPLE.read_text("utf-8").split("\n", 1)[1]
    paths = [ROOT / "sources" / f"e2e-waiting-{tag}-{n}.txt" for n in range(WAITING)]
    for n, path in enumerate(paths):
        path.write_text(f"Waiting for review {tag} {n}\n{body}", "utf-8")
    try:
        yield [f"sources/{p.name}" for p in paths]
    finally:
        for p in paths:
            for f in p.parent.glob(f"{p.name}*"):
                f.unlink()


def _wait(served: Served, run_id: Any, done: Any, what: str, timeout: float = 180) -> Any:  # noqa: F811
    deadline = time.monotonic() + timeout
    while True:
        with client(served) as c:
            run = c.read_flow_run(run_id)
        if run.state and done(run.state):
            return run
        assert time.monotonic() < deadline, f"run {run.name} not {what}: {run.state}"
        time.sleep(0.5)


def _start(served: Served, article: str, *, review: bool) -> Any:  # noqa: F811
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    request = {"article": article, "outputs": ["pdf"], "force": True, "review": review}
    with temporary_settings({PREFECT_API_URL: served.api}):
        return run_deployment("publish-article/manual", parameters={"request": request},
                              timeout=0).id  # fmt: skip


def test_runs_waiting_for_review_leave_room_for_another_run(
    served: Served,  # noqa: F811
    articles: list[str],
) -> None:
    from prefect.flow_runs import resume_flow_run

    # The form lists the new articles once serve has seen them (an unlisted one is refused).
    deadline = time.monotonic() + 60
    while True:
        with client(served) as c:
            schema = json.dumps(c.read_deployment_by_name("publish-article/manual")
                                .parameter_openapi_schema)  # fmt: skip
        if all(a in schema for a in articles):
            break
        assert time.monotonic() < deadline, "the form never listed the new articles"
        time.sleep(0.5)

    waiting = [_start(served, a, review=True) for a in articles]
    try:
        for run_id in waiting:
            _wait(served, run_id, lambda s: s.is_paused() or s.is_final(), "paused")
        t0 = time.monotonic()
        other = _start(served, ARTICLE, review=False)
        run = _wait(served, other, lambda s: s.is_final(), "finished", timeout=120)
        assert run.state.is_completed(), run.state.message
        assert time.monotonic() - t0 < 60
        with client(served) as c:
            states = [c.read_flow_run(r).state for r in waiting]
        assert all(s is not None and s.is_paused() for s in states), states
    finally:
        from prefect.settings import PREFECT_API_URL, temporary_settings

        for run_id in waiting:  # resumed as proposed: publishes, writes no corrections
            try:
                with temporary_settings({PREFECT_API_URL: served.api}):
                    resume_flow_run(run_id)
            except Exception:  # noqa: BLE001 - already finished or never paused
                continue
    for run_id in waiting:
        run = _wait(served, run_id, lambda s: s.is_final(), "finished")
        assert run.state.is_completed(), run.state.message
    assert not list(Path(ROOT / "sources").glob("e2e-waiting-*.review.yaml"))
