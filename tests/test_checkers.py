"""Outside checkers on what we send and publish: the Nu HTML Checker (vnu-jar) and axe-core
(pinned in tools/package.json, installed by `make checkers`), on the newsletter and the web page
of the sample and of two evaluation articles (English, French), in light and dark.

Newsletter: Nu errors other than mail-client CSS extensions (mso-*, -ms-*) fail, and so does any
serious or critical axe violation (contrast included). Web page: no Nu error, no axe violation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from editorial.config import Settings
from editorial.render.newsletter import render_newsletter
from editorial.render.webpage import render_webpage

from . import checkers
from .conftest import SAMPLE, eval_sources, ingest_and_extract

ARTICLES = [SAMPLE, next(p for p in eval_sources() if p.parent.name == "en"),
            next(p for p in eval_sources() if p.parent.name == "fr")]  # fmt: skip
BASE = Settings.model_validate({"brand": {"url": "https://news.example.org"}})

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("checkers"),
    pytest.mark.skipif(bool(checkers.available()), reason=f"missing: {checkers.available()}"),
]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("checked")
    found = []
    for path in ARTICLES:
        article, extraction = ingest_and_extract(path)
        folder = out / article.slug
        folder.mkdir()
        files = render_newsletter(article, extraction, settings=BASE) + render_webpage(
            article, extraction, settings=BASE, source_dir=path.parent
        )
        for f in files:
            if f.name.endswith(".html"):
                (folder / f.name).write_bytes(f.data)
                found.append(folder / f.name)
    return found


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=checkers.CHROMIUM, headless=True,
                              args=checkers.CHROMIUM_ARGS)  # fmt: skip
        yield b
        b.close()


def test_nu_html_checker(pages: list[Path]) -> None:
    messages = checkers.nu(pages)
    errors = [m for m in messages if m.type == "error"]
    unexpected = [f"{m.file}: {m.message}" for m in errors if not m.mail_css]
    assert not unexpected, unexpected
    # What is left is Outlook's and IE's CSS in the newsletter, never in the web page.
    assert all(m.file == "newsletter.html" for m in errors)
    assert len({m.file for m in messages}) <= 1


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe(pages: list[Path], browser, scheme: str) -> None:  # type: ignore[no-untyped-def]
    for page in pages:
        violations = checkers.axe(browser, page, scheme=scheme)
        if page.name == "index.html":
            assert violations == [], (page.parent.name, violations)
        else:
            serious = [v for v in violations if v["impact"] in ("serious", "critical")]
            assert serious == [], (page.parent.name, serious)
            # The email is marked up as role="article" (what mail clients expect inside their
            # own page), so axe's landmark rules, moderate, are all that may remain.
            assert {v["id"] for v in violations} <= {"landmark-one-main", "region"}


def test_narrow_screen_has_no_horizontal_scroll(pages: list[Path], browser) -> None:  # type: ignore[no-untyped-def]
    for path in pages:
        page = browser.new_page(viewport={"width": 375, "height": 800})
        try:
            page.goto(path.as_uri())
            width = page.evaluate("document.documentElement.scrollWidth")
        finally:
            page.close()
        assert width <= 375, (path, width)
