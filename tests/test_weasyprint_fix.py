"""editorial.render.weasyprint_fix on reports with page references back and forth: a contents
list (forward), "who is quoted" (back, some on the quote's own page). The same text on every
page with and without the fixes, and fewer page layouts (counted by wrapping WeasyPrint's
make_page, which still does all the work)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import weasyprint.layout.page as page_layout
from pypdf import PdfReader

from editorial.config import Settings
from editorial.model import Extraction
from editorial.render import pdf, weasyprint_fix
from editorial.render.pdf_context import build_context
from tests.test_pdf import entities_in, quote_in, sectioned_article


@pytest.fixture
def count_layouts(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], tuple[int, list[str]]]]:
    made: list[int] = []
    make_page = page_layout.make_page

    def counting(*args: object, **kw: object) -> object:
        made.append(1)
        return make_page(*args, **kw)

    monkeypatch.setattr(page_layout, "make_page", counting)

    def run(html: str) -> tuple[int, list[str]]:
        made.clear()
        document = pdf.layout(html, source_dir=Path("."))
        texts = [page.extract_text() for page in PdfReader(io.BytesIO(document.write_pdf())).pages]
        return len(made), texts

    yield run
    weasyprint_fix.apply()


def report_html(sections: int, paragraphs: int) -> str:
    article = sectioned_article(sections=sections, paragraphs=paragraphs)
    quote = quote_in(article, "We have never moved so many boxes in one year,", "Maria Keller")
    mentions, summary = entities_in(article, {"Maria Keller": "PERSON", "harbour authority": "ORG"})
    extraction = Extraction(language="en", quotes=(quote,), entities=mentions, entity_summary=summary)
    context = build_context(article, extraction, brand=Settings().brand.name, source_dir=Path("."))
    assert context.toc and context.speakers
    return pdf.render_html(context)


@pytest.mark.parametrize(("sections", "paragraphs", "saved"), [(5, 7, 2), (12, 4, 3)])
def test_same_pages_fewer_layouts(count_layouts: Callable[[str], tuple[int, list[str]]],
                                  sections: int, paragraphs: int, saved: int) -> None:  # fmt: skip
    assert weasyprint_fix.is_applied()  # pinned WeasyPrint: the fixes must be on
    html = report_html(sections, paragraphs)
    fixed = count_layouts(html)
    weasyprint_fix.remove()
    assert not weasyprint_fix.is_applied()
    plain = count_layouts(html)
    weasyprint_fix.apply()
    assert fixed[1] == plain[1]  # every page number, contents and "who is quoted", the same
    assert fixed[0] == plain[0] - saved, (fixed[0], plain[0])
    assert fixed[0] >= len(fixed[1])
    contents = next(t for t in fixed[1] if "CONTENTS" in t.upper())
    assert "Section 1: the harbour" in contents and any(c.isdigit() for c in contents)
    who = [t for t in fixed[1] if "Who is quoted" in t][-1]
    assert re.search(r"p\.\s*\d", who), who
