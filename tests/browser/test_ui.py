"""End to end in headless Chromium (Debian's /usr/bin/chromium driven by Playwright's Python
package; no browser download): the download app's index and its PDF link, and the Prefect UI's
form for the manual deployment.

With EDITORIAL_SCREENSHOTS=<folder> the tests also save the "Download PDF" screenshot of
docs/operations.md (the others: test_editor_path.py).
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..test_serve import (  # noqa: F401 - shared fixtures
    SLUG,
    TITLE,
    Published,
    Served,
    client,
    published,
    served,
)

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("prefect-server")]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]  # fmt: skip
SHOTS = os.environ.get("EDITORIAL_SCREENSHOTS", "")


def shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (make test installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright Python package is not installed (pip install -e .[dev])")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 860})
    try:
        yield context.new_page()
    finally:
        context.close()


def test_index_pdf_link_downloads_the_report(
    page: Any,
    served: Served,  # noqa: F811
    published: Published,  # noqa: F811
    tmp_path: Path,
) -> None:
    from pypdf import PdfReader

    assert published.flow_run.state.is_completed()
    page.goto(served.download + "/")
    page.wait_for_selector(f"#{SLUG}")
    assert page.title().endswith("downloads")
    assert page.locator(f"#{SLUG} h2").inner_text() == TITLE
    assert page.locator(f"#{SLUG} img").evaluate("img => img.naturalWidth") > 100  # the preview
    with page.expect_download() as info:
        page.click(f'#{SLUG} a[data-file="report.pdf"]')
    download = info.value
    assert download.suggested_filename == f"{SLUG}-report.pdf"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    text = " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages
    )
    assert TITLE in text


def _wait_final(served: Served, flow_run_id: Any, timeout: float = 400) -> Any:  # noqa: F811
    deadline = time.monotonic() + timeout
    while True:
        with client(served) as c:
            run = c.read_flow_run(flow_run_id)
        if run.state and run.state.is_final():
            return run
        assert time.monotonic() < deadline, f"run {run.name} still {run.state}"
        time.sleep(2)


def wait_for_settled_choices(served: Served, timeout: float = 30) -> None:  # noqa: F811
    """Until the manual deployment's article choices are those of sources/ now, twice in a
    row: a test before this one added and removed an upload, and a form opened while serve
    re-registers the schema is reset under the editor's hands."""
    from flows.params import article_choices

    deadline = time.monotonic() + timeout
    seen = 0
    while seen < 2:
        assert time.monotonic() < deadline, "the article choices did not settle"
        with client(served) as c:
            dep = c.read_deployment_by_name("publish-article/manual")
        form = dep.parameter_openapi_schema["definitions"]["ArticleRequest"]
        seen = seen + 1 if form["properties"]["article"]["enum"] == article_choices() else 0
        time.sleep(1)


def submit_run_form(page: Any, served: Served, deployment_id: Any, before: set[Any]) -> list[Any]:  # noqa: F811
    """Click the form's Submit as an editor would and return the new runs of the deployment.

    The new UI fills the form's values in after it draws the fields: a click in between is
    refused by the form's own check (the required article still empty) and nothing is sent.
    So: wait for the page to go quiet, click, and if no run appears, look again once (a
    screenshot of the first attempt is kept in the test's folder)."""
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.client.schemas.sorting import FlowRunSort

    new: list[Any] = []
    for attempt in range(2):
        with contextlib.suppress(Exception):  # the UI polls: "quiet" may not come
            page.wait_for_load_state("networkidle", timeout=10_000)
        page.get_by_role("button", name="Submit").click()
        deadline = time.monotonic() + 30
        while not new and time.monotonic() < deadline:
            time.sleep(0.5)
            with client(served) as c:
                new = [r for r in c.read_flow_runs(
                    deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
                    sort=FlowRunSort.EXPECTED_START_TIME_DESC) if r.id not in before]  # fmt: skip
        if new:
            return new
        if attempt == 0:
            with contextlib.suppress(Exception):
                page.screenshot(path=str(served.log.parent / "submit-not-sent.png"))
    raise AssertionError("the UI did not create a flow run")


def test_prefect_ui_form_triggers_a_run_with_a_download_link(
    page: Any,
    served: Served,  # noqa: F811
    published: Published,  # noqa: F811
) -> None:
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    wait_for_settled_choices(served)
    with client(served) as c:
        dep = c.read_deployment_by_name("publish-article/manual")
        before = {r.id for r in c.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[dep.id])))}  # fmt: skip
    page.goto(f"{served.ui}/deployments/deployment/{dep.id}")
    page.get_by_text("publish-article").first.wait_for(timeout=60_000)

    # The form: every field of ArticleRequest, filled in with the defaults.
    page.goto(f"{served.ui}/deployments/deployment/{dep.id}/run")
    page.get_by_text("PDF variant").first.wait_for(timeout=60_000)
    body = page.locator("body").inner_text()
    for label in ("Outputs", "Language", "Force re-run", "PDF variant", "Review before publishing"):
        assert f"{label} (Optional)" in body, label
    assert "Article (Optional)" not in body  # required: a cleared choice cannot be submitted
    assert "One of the articles under sources/" in body
    assert f"sources/{SLUG}.txt" in body  # the choice list, opened on the sample

    # Submit it, as an editor would; the run appears and completes.
    new = submit_run_form(page, served, dep.id, before)
    run = _wait_final(served, new[0].id)
    assert run.state.is_completed(), run.state.message
    assert run.name == f"publish {SLUG}"

    # Its page lists the artifacts; the PDF one holds the "Download PDF" link.
    page.goto(f"{served.ui}/runs/flow-run/{run.id}")
    page.get_by_text("Artifacts", exact=True).first.click()
    page.get_by_text(f"pdf-{SLUG}").first.wait_for(timeout=60_000)
    page.get_by_text(f"pdf-{SLUG}").first.click()
    link = page.get_by_role("link", name="Download PDF")
    link.wait_for(timeout=60_000)
    assert link.get_attribute("href") == f"{served.download}/articles/{SLUG}/report.pdf"
    shot(page, "3b-download-link.png")
