"""The corrections file `<source>.review.yaml`: parsed safely, applied to the extraction by
every run, stale entries warned, malformed files refused by name, part of the content key,
never an article itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from editorial import cache, review, sources, stages, store
from editorial.config import load_settings
from editorial.errors import ReviewFileError
from editorial.model import Extraction, Quote

from .conftest import SAMPLE, ingest_and_extract


def _extraction() -> Extraction:
    return Extraction(language="en", quotes=(
        Quote(text="Without open source, nothing moves", speaker="Jane Roe", start=0, end=10),
        Quote(text="We will see", speaker="", start=20, end=30, floating=True),
        Quote(text="Without open source, nothing else either", speaker="Jane Roe", start=40, end=50),
    ))  # fmt: skip


def test_speaker_corrected_and_quote_dropped() -> None:
    entries = review.parse(
        b'quotes:\n  - match: "without open source, nothing moves"\n    speaker: "John Doe"\n'
        b"  - match: We will\n    drop: true\n",
        "a.txt.review.yaml",
    )
    fixed, warnings = review.apply(_extraction(), entries, "a.txt.review.yaml")
    assert warnings == ()
    assert [(q.text[:20], q.speaker) for q in fixed.quotes] == [
        ("Without open source,", "John Doe"), ("Without open source,", "Jane Roe")]  # fmt: skip


def test_stale_entry_is_a_warning_naming_it() -> None:
    entries = review.parse(b"quotes:\n- match: Nobody said this\n  speaker: X\n", "a.review.yaml")
    fixed, warnings = review.apply(_extraction(), entries, "a.txt.review.yaml")
    assert fixed == _extraction()
    assert len(warnings) == 1
    assert "'Nobody said this'" in warnings[0] and "a.txt.review.yaml" in warnings[0]


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"quotes: [\n", "not valid YAML (line"),
        (b"- a\n- b\n", "mapping with one key"),
        (b"quotes:\n- match: x\n", "exactly one of"),
        (b"quotes:\n- match: x\n  speaker: A\n  drop: true\n", "exactly one of"),
        (b"quotes:\n- match: ''\n  speaker: A\n", "non-empty 'match'"),
        (b"quotes:\n- match: x\n  speakr: A\n", "entry 1 must be"),
        (b"quotes: !!python/object/apply:os.system [echo hi]\n", "not valid YAML"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_malformed_file_is_refused_naming_it(data: bytes, why: str) -> None:
    with pytest.raises(ReviewFileError) as err:
        review.parse(data, "a.txt.review.yaml")
    assert "a.txt.review.yaml" in str(err.value) and why in str(err.value)
    assert err.value.code == "review_invalid"


def test_review_round_trip_makes_unique_matches() -> None:
    ext = _extraction()
    entries = review.corrections_from_review(ext.quotes, ["Jane Roe", "Ann Poe", "Jane Roe"],
                                             [True, True, False])  # fmt: skip
    assert [(e.speaker, e.drop) for e in entries] == [("Ann Poe", False), (None, True)]
    again = review.parse(review.dump(entries, header="written by a review"), "x")
    assert again == entries
    fixed, warnings = review.apply(ext, again, "x")
    assert warnings == ()
    assert [q.speaker for q in fixed.quotes] == ["Jane Roe", "Ann Poe"]  # the third one dropped


def test_every_run_applies_the_file_and_it_changes_the_content_key(tmp_path: Path) -> None:
    src = tmp_path / "sources"
    src.mkdir()
    article = src / SAMPLE.name
    shutil.copy(SAMPLE, article)
    settings = load_settings()
    job = stages.Job(source=str(article), formats=())
    key_before = cache.job_key(job, settings)
    _, extraction = ingest_and_extract(SAMPLE)
    first = next(q for q in extraction.quotes if q.speaker)
    path = store.write_review_file(article, review.dump(
        [review.Correction(match=first.text[:30], speaker="Corrected Person"),
         review.Correction(match="No such quote anywhere", drop=True)]))  # fmt: skip
    assert path == src / f"{SAMPLE.name}.review.yaml"
    assert sources.discover([src]) == [str(article)]  # the corrections file is no article
    assert cache.job_key(job, settings) != key_before
    produced = stages.produce(job, settings)
    speakers = [q.speaker for q in produced.extraction.quotes if q.text == first.text]
    assert speakers and set(speakers) == {"Corrected Person"}
    assert any("No such quote anywhere" in w for w in produced.article.warnings)
    path.write_text("quotes: 3\n", "utf-8")
    with pytest.raises(ReviewFileError, match=f"{SAMPLE.name}.review.yaml"):
        stages.produce(job, settings)
