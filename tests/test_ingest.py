"""Readers on the fixtures in tests/fixtures, with the real pandoc."""

from __future__ import annotations

from pathlib import Path

import pytest

from editorial.errors import InvalidContainer
from editorial.ingest import ingest

from .conftest import FIXTURES

HARBOUR = "Harbour strike ends after nine days"


@pytest.mark.parametrize("name", ["document.docx", "document.odt"])
def test_office_documents(name: str) -> None:
    a = ingest(FIXTURES / name)
    assert a.title == HARBOUR and a.slug == "harbour-strike-ends-after-nine-days"
    assert [b.kind for b in a.blocks][:3] == ["title", "standfirst", "heading"]
    assert a.language == "en" and a.format == name.rsplit(".", 1)[1] and not a.warnings


def test_docx_and_odt_give_the_same_article() -> None:
    d, o = ingest(FIXTURES / "document.docx"), ingest(FIXTURES / "document.odt")
    assert d.text == o.text and [b.kind for b in d.blocks] == [b.kind for b in o.blocks]


def test_markdown_front_matter_and_structure() -> None:
    a = ingest(FIXTURES / "markdown.md")
    assert a.title == "Tidal power: the quiet revolution"
    assert a.author == "Jeanne Martin" and a.date == "2024-03-05" and a.language == "en"
    assert a.tags == ("energy", "Brittany") and a.canonical_url == "https://example.org/tidal-power"
    assert a.standfirst.startswith("Brittany's tidal turbines")
    kinds = [b.kind for b in a.blocks]
    assert kinds.count("heading") == 2 and kinds.count("list_item") == 2
    emph = [b for b in a.blocks if "<em>silent</em>" in b.html]
    assert emph, "inline emphasis kept as sanitised HTML"
    assert "\u201c" not in a.text or '"' in a.text  # no smart quotes added


def test_plain_text_french() -> None:
    a = ingest(FIXTURES / "texte.txt")
    assert a.title == "Le port rouvre ses portes" and a.language == "fr"
    assert "\u00ab Nous avons obtenu" in a.text


def test_web_page_drops_script_and_keeps_safe_links() -> None:
    a = ingest(FIXTURES / "webpage.html")
    assert a.title == "City council approves the new tram line"
    assert "alert" not in a.text and all("<script" not in b.html for b in a.blocks)
    links = [b.html for b in a.blocks if "href" in b.html]
    assert links and 'href="https://example.org/venissieux"' in links[0]
    assert "<strong>carry 30,000 people a day</strong>" in links[0]


def test_offsets_index_the_text() -> None:
    for name in ("document.docx", "markdown.md", "texte.txt", "webpage.html"):
        a = ingest(FIXTURES / name)
        for b in a.blocks:
            assert a.text[b.start : b.end] == b.text, (name, b.kind)


def test_broken_docx_is_an_invalid_container() -> None:
    with pytest.raises(InvalidContainer) as err:
        ingest(FIXTURES / "broken.docx")
    assert err.value.code == "invalid_container" and "broken.docx" in str(err.value)


def test_content_hash_is_of_the_source_bytes() -> None:
    import hashlib

    a = ingest(FIXTURES / "texte.txt")
    assert a.content_hash == hashlib.sha256((FIXTURES / "texte.txt").read_bytes()).hexdigest()


def test_ingest_is_deterministic(tmp_path: Path) -> None:
    assert ingest(FIXTURES / "markdown.md") == ingest(FIXTURES / "markdown.md")
