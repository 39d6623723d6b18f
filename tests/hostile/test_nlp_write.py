"""NER and WRITE: huge texts and tokens, invisible characters, hostile titles (H37, H42-H47)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from editorial import pipeline, stages
from editorial.ingest import ingest, make_slug

from .conftest import Goods, isolated, produce_outcome
from .inputs import BODY


def _produce_with_limits(source: str, env: dict[str, str]):  # type: ignore[no-untyped-def]
    os.environ.update(env)
    return produce_outcome(source)


@pytest.mark.parametrize("title", ["..", "!!!", '""', "   ", "\u200b", "...---..."])
def test_h42_empty_slugs_fall_back(tmp_path: Path, title: str) -> None:
    p = tmp_path / "!!!.md"
    p.write_text(f"---\ntitle: '{title}'\n---\n\n{BODY}\n", "utf-8")
    a = ingest(p)
    assert a.slug and a.slug not in (".", "..") and "/" not in a.slug and not a.slug.startswith(".")
    assert make_slug(title, "!!!", digest="ab12cd34ef56") == "article-ab12cd34"


def test_h43_same_slug_in_one_batch_gives_two_outputs(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "one.md").write_text(f"# Hello World\n\n{BODY}\n", "utf-8")
    (src / "two.md").write_text(f"# hello-world!\n\n{BODY} Second.\n", "utf-8")
    out = tmp_path / "out"
    r1 = pipeline.process(stages.Job(source=str(src / "one.md"), formats=("social",)), out_dir=out)
    r2 = pipeline.process(stages.Job(source=str(src / "two.md"), formats=("social",)), out_dir=out)
    assert r1.slug == "hello-world" and r2.slug.startswith("hello-world-") and r1.slug != r2.slug
    assert (out / r1.slug / "social.json").exists() and (out / r2.slug / "social.json").exists()


@pytest.mark.parametrize("title", ["a" * 300, "word " * 2000, "\u00e9" * 10_000, "\U0001f600" * 500])
def test_h44_long_titles_give_short_slugs(tmp_path: Path, title: str) -> None:
    p = tmp_path / "long.md"
    p.write_text(f"# {title}\n\n{BODY}\n", "utf-8")
    a = ingest(p)
    assert 0 < len(a.slug) <= 80 and len(f"{a.slug}/report.pdf".encode()) < 255


def test_h45_a_million_characters_are_chunked_under_spacy_limits() -> None:
    from editorial.extract.chunking import split_chunks

    text = ("Anne Leroy met Paul Martin in Brest. " * 30 + "\n\n") * 900
    text = text[:1_000_001]
    chunks = split_chunks(text)
    assert all(len(c) <= 100_000 for _, c in chunks)
    assert "".join(c for _, c in chunks) == text
    assert all(text[o : o + len(c)] == c for o, c in chunks)


def test_h45_h37_runaway_nlp_and_render_hit_their_limits(tmp_path: Path) -> None:
    """20,000 paragraphs (H37) under small limits: an article error (timeout / too many pages),
    in about the time of the limits, never a hang or a crash."""
    p = tmp_path / "long.md"
    p.write_text("# Long\n\n" + "the council met on monday\n\n" * 20_000, "utf-8")
    env = {"EDITORIAL_LIMITS_NLP_TIMEOUT": "3", "EDITORIAL_LIMITS_RENDER_TIMEOUT": "5",
           "EDITORIAL_LIMITS_MAX_PAGES": "20"}  # fmt: skip
    status, out = isolated(_produce_with_limits, str(p), env, deadline=90)
    assert status == "ok", out
    assert out.code in ("timeout", "render_failed", "too_large"), out
    assert "long.md" in out.message and out.seconds < 60


def test_h46_giant_tokens_are_cut_before_nlp_with_a_warning(tmp_path: Path) -> None:
    p = tmp_path / "token.txt"
    p.write_text("Token\n\n" + BODY + "\n\n" + "a" * 999_999 + "\n\nhttp://" + "a." * 250_000, "utf-8")
    a = ingest(p)
    assert max(len(w) for w in a.text.split()) <= 1_000
    assert sum("cut a 1,000+ character word" in w for w in a.warnings) == 2


def test_h46_giant_tokens_in_a_batch(goods: Goods, tmp_path: Path) -> None:
    from .conftest import batch_case

    p = tmp_path / "token.txt"
    p.write_text("Token\n\n" + BODY + "\n\n" + "a" * 999_999, "utf-8")
    out = batch_case(goods, p)
    assert out.ok and out.seconds < 60, out.message


def test_h47_ner_sees_names_split_by_invisible_characters(tmp_path: Path) -> None:
    from editorial.extract import extract

    p = tmp_path / "zw.txt"
    p.write_text("Summit\n\nBarack\u00a0Obama met An\u200dgela Mer\u200ckel in Ber\u2060lin on Monday. "
                 "\"We agreed,\" said Angela Merkel.\n", "utf-8")  # fmt: skip
    names = {e.canonical for e in extract(ingest(p)).entity_summary}
    assert any("Merkel" in n for n in names), names
