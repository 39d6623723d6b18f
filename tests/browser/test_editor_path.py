"""The editor's path end to end in headless Chromium, on the shared `editorial serve`: the
download app's "Add an article" page, the run it creates paused for review in Prefect's new
UI, a speaker corrected in the Resume form, the PDF with the corrected speaker; choosing an
article from the form's list; an empty or unknown article refused. Every request the pages
make is recorded: none may leave the machine.

With EDITORIAL_SCREENSHOTS=<folder> (docs/img to refresh the docs) the screenshots of the
README and docs/operations.md are saved.
"""

from __future__ import annotations

import io
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from ..conftest import ROOT, SAMPLE
from ..test_serve import Served, client, served  # noqa: F401 - the shared server fixture
from .test_ui import browser, shot, submit_run_form, wait_for_settled_choices  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("prefect-server")]

CORRECTED = "Jeanne Correcteur"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:  # noqa: F811 - the shared browser fixture
    """A page whose every request is recorded; fails the test on any non-local host."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 860})
    urls: list[str] = []
    context.on("request", lambda r: urls.append(r.url))
    try:
        yield context.new_page()
    finally:
        context.close()
    outside = sorted({u for u in urls if (urlsplit(u).hostname or "") not in LOCAL_HOSTS
                      and urlsplit(u).scheme in ("http", "https", "ws", "wss")})  # fmt: skip
    assert urls, "no request recorded"
    assert not outside, f"the pages asked hosts outside this machine: {outside}"


@pytest.fixture
def upload(tmp_path: Path) -> Iterator[Path]:
    """The sample's text under a new name and title (its own slug), to upload; whatever the
    test saved under sources/ from it is removed afterwards."""
    name = f"e2e-upload-{uuid.uuid4().hex[:8]}"
    path = tmp_path / f"{name}.txt"
    text = SAMPLE.read_text("utf-8").split("\n", 1)[1]
    path.write_text(f"Uploaded for review {name[-8:]}\n{text}", "utf-8")
    try:
        yield path
    finally:
        for f in (ROOT / "sources").glob(f"{name}*"):
            f.unlink()


def _wait_state(served: Served, run_id: str, kinds: set[str], timeout: float = 300) -> Any:  # noqa: F811
    deadline = time.monotonic() + timeout
    while True:
        with client(served) as c:
            run = c.read_flow_run(run_id)
        if run.state and run.state.type.value in kinds:
            return run
        assert time.monotonic() < deadline, f"run {run.name} still {run.state}"
        time.sleep(0.5)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages
    )


def test_upload_review_correct_resume_download(
    page: Any,
    served: Served,  # noqa: F811
    upload: Path,
    tmp_path: Path,
) -> None:
    # The download app's "Add an article" page: upload with review on.
    page.goto(served.download + "/")
    page.get_by_role("link", name="Add an article").click()
    page.locator("#file").wait_for()
    shot(page, "6-add-article.png")
    page.set_input_files("#file", str(upload))
    page.check("#review")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/add/runs/[0-9a-f-]+.*"), timeout=60_000)
    run_id = urlsplit(page.url).path.rsplit("/", 1)[1]
    assert f"saved as sources/{upload.name}" in page.locator("body").inner_text()

    # The page follows the run until it waits for the review.
    page.locator("#state", has_text="paused").wait_for(timeout=300_000)
    assert page.locator("#run-link").get_attribute("href") == f"{served.ui}/runs/flow-run/{run_id}"
    run = _wait_state(served, run_id, {"PAUSED"})
    assert run.name == f"publish {upload.stem}"

    # In the new UI: the paused run, its Resume form with every quote's proposed speaker.
    # The add page refreshes itself every second while the run is not done: the UI and, at
    # the end, the finished add page open in pages of their own.
    ui = page.context.new_page()
    ui.goto(f"{served.ui}/v2/runs/flow-run/{run_id}")
    ui.get_by_text("Paused").first.wait_for(timeout=60_000)
    ui.get_by_text("waiting for a review").first.wait_for(timeout=60_000)
    shot(ui, "5-review-paused.png")
    ui.get_by_role("button", name="Open menu").last.click()
    ui.get_by_role("menuitem", name="Resume").click()
    dialog = ui.get_by_role("dialog")
    dialog.get_by_text("Review the quotes of").wait_for(timeout=60_000)
    speakers = dialog.locator("textarea")
    speakers.first.wait_for(timeout=60_000)
    assert speakers.count() >= 3
    values = speakers.evaluate_all("els => els.map(e => e.value)")
    assert "Alexandre Lavallee" in values
    # Change the speaker of "From a purely technical standpoint ...".
    box = dialog.get_by_label(re.compile(r"From a purely technical standpoint.*: speaker"))
    if box.count() != 1:  # a label not tied to its field: the first text field after it
        label = dialog.get_by_text(re.compile(r"From a purely technical standpoint.*: speaker"))
        box = label.first.locator("xpath=following::textarea[1]")
    box.scroll_into_view_if_needed()
    box.fill(CORRECTED)
    shot(ui, "5b-review-form.png")
    dialog.get_by_role("button", name="Resume").click()

    run = _wait_state(served, run_id, {"COMPLETED", "FAILED", "CRASHED"})
    assert run.state.is_completed(), run.state.message
    review = ROOT / "sources" / f"{upload.name}.review.yaml"
    assert CORRECTED in review.read_text("utf-8")

    # The run's artifacts in the UI.
    ui.goto(f"{served.ui}/v2/runs/flow-run/{run_id}")
    ui.get_by_role("tab", name="Artifacts").or_(
        ui.get_by_text("Artifacts", exact=True)
    ).first.click()
    ui.get_by_text("warnings-").first.wait_for(timeout=60_000)
    shot(ui, "3-run-artifacts.png")

    # Back on the add page: the run is done, with its downloads.
    done = page.context.new_page()
    done.goto(f"{served.download}/add/runs/{run_id}?source=sources/{upload.name}")
    done.locator("#pdf-link").wait_for(timeout=60_000)
    shot(done, "7-add-done.png")
    with done.expect_download() as info:
        done.click("#pdf-link")
    target = tmp_path / "report.pdf"
    info.value.save_as(target)
    text = _pdf_text(target.read_bytes())
    assert CORRECTED in text


def test_form_lists_the_articles_and_refuses_an_empty_one(
    page: Any,
    served: Served,  # noqa: F811
) -> None:
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    wait_for_settled_choices(served)
    with client(served) as c:
        dep = c.read_deployment_by_name("publish-article/manual")
    form = dep.parameter_openapi_schema["definitions"]["ArticleRequest"]
    assert f"sources/{SAMPLE.name}" in form["properties"]["article"]["enum"]
    assert "article" in form["required"]

    page.goto(f"{served.ui}/v2/deployments/deployment/{dep.id}")
    page.get_by_text("publish-article").first.wait_for(timeout=60_000)
    shot(page, "1-deployment.png")
    page.goto(f"{served.ui}/v2/deployments/deployment/{dep.id}/run")
    page.get_by_text("Review before publishing").first.wait_for(timeout=60_000)
    body = page.locator("body").inner_text()
    assert f"sources/{SAMPLE.name}" in body
    shot(page, "2-run-form.png")

    with client(served) as c:
        before = {r.id for r in c.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[dep.id])))}  # fmt: skip
    new = submit_run_form(page, served, dep.id, before)
    run = _wait_state(served, str(new[0].id), {"COMPLETED", "FAILED", "CRASHED"})
    assert run.state.is_completed(), run.state.message
    assert run.name == f"publish {SAMPLE.stem}"
    page.goto(served.download + "/")
    page.locator(f"#{SAMPLE.stem} img").wait_for(timeout=60_000)
    shot(page, "4-download-index.png")

    # An empty or unknown article cannot be submitted: the server refuses the run.
    api = served.api
    with httpx.Client(base_url=api, timeout=30) as h:
        token = h.get("/csrf-token", params={"client": "t"}).json()["token"]
        headers = {"Prefect-Csrf-Token": token, "Prefect-Csrf-Client": "t"}
        for bad in ({"article": ""}, {"article": "sources/nope.txt"}, {}):
            r = h.post(f"/deployments/{dep.id}/create_flow_run", headers=headers,
                       json={"parameters": {"request": {**dep.parameters["request"], **bad}}
                             if bad else {"request": {"outputs": ["pdf"]}}})  # fmt: skip
            assert r.status_code in (409, 422), (bad, r.status_code, r.text)
