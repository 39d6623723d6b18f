"""The sample newsletter in headless Chromium at 600 px and 375 px, light and dark: no horizontal
overflow, the dark rules apply, the preheader stays hidden, the preview image loads. Screenshots
are written to /tmp/newsletter-<width>-<scheme>.png for people to look at."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from editorial.config import Settings
from editorial.extract import extract
from editorial.ingest import ingest
from editorial.render.newsletter import render_newsletter

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sources" / "can-france-become-a-global-ai-hub.txt"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SHOTS = Path("/tmp")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium"),
]


def preview_png(article, extraction) -> bytes:  # type: ignore[no-untyped-def]
    """The real first-page preview (the report renderer's), as the newsletter links it."""
    from editorial.render.pdf import render_pdf

    files = render_pdf(article, extraction, settings=Settings(), source_dir=SAMPLE.parent)
    return next(f.data for f in files if f.name == "report.png")


@pytest.fixture(scope="module")
def newsletter_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    article = ingest(SAMPLE)
    extraction = extract(article)
    out = tmp_path_factory.mktemp("newsletter")
    for f in render_newsletter(article, extraction, settings=Settings()):
        (out / f.name).write_bytes(f.data)
    (out / "report.png").write_bytes(preview_png(article, extraction))
    return out


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [600, 375])
def test_newsletter_renders(newsletter_dir: Path, browser, width: int, scheme: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        page.goto((newsletter_dir / "newsletter.html").as_uri())
        page.wait_for_load_state("load")
        shot = SHOTS / f"newsletter-{width}-{scheme}.png"
        page.screenshot(path=str(shot), full_page=True)
        shutil.copy(shot, newsletter_dir / shot.name)
        metrics = page.evaluate(
            """() => {
              const img = document.querySelector('img.preview-img');
              const container = document.querySelector('table.container');
              const pre = document.querySelector('.preheader');
              return {
                scroll: document.documentElement.scrollWidth,
                container: container.getBoundingClientRect().width,
                widest: Math.max(...[...document.querySelectorAll('body *')].map(
                    e => e.getBoundingClientRect().right)),
                background: getComputedStyle(document.body).backgroundColor,
                card: getComputedStyle(container).backgroundColor,
                title: getComputedStyle(document.querySelector('h1')).color,
                preheader: pre.getBoundingClientRect().height,
                image: img.naturalWidth,
              };
            }"""
        )
    finally:
        page.close()
    assert metrics["scroll"] <= width, metrics
    assert metrics["widest"] <= width + 0.5, metrics
    assert metrics["container"] <= min(width, 600), metrics
    assert metrics["preheader"] == 0, metrics
    assert metrics["image"] > 0, "the report preview loads"
    if scheme == "dark":
        assert (
            metrics["background"] == "rgb(13, 17, 23)" and metrics["card"] == "rgb(22, 27, 34)"
        ), metrics
        assert metrics["title"] == "rgb(230, 233, 239)", metrics
    else:
        assert (
            metrics["background"] == "rgb(238, 240, 243)"
            and metrics["card"] == "rgb(255, 255, 255)"
        ), metrics
    if width == 375:
        assert metrics["container"] == width, "the container fills a phone screen"
