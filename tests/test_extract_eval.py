"""The eval set (tests/eval, 19 English + 13 French Wikinews articles) scored against the
issues' targets (3, then 14). Each article goes through ingest + extract as `editorial extract`
does."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from editorial.extract import extract
from editorial.ingest import ingest
from editorial.model import Extraction

EVAL = Path(__file__).parent / "eval"
TARGETS = {
    "quote_overlap_PRF": 0.96,  # issue 14
    "quote_exact_PRF": 0.90,
    "speaker_acc_strict": 0.93,  # issue 14
    "cue_acc": 0.93,  # issue 14
    "entity_mention_PRF": 0.85,
    "entity_canonical_PRF": 0.87,  # issue 14; measured .872 (en) / .880 (fr) in issue 14b
    "entity_count_acc": 0.85,
}
CEILINGS = {"speaker_wrong_rate": 0.03}  # issue 14: a wrong name printed, at most 3%


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_score", EVAL / "score.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_score", mod)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def extractions() -> dict[Path, Extraction]:
    return {
        txt: extract(ingest(txt, language=lang))  # type: ignore[arg-type]
        for lang in ("en", "fr")
        for txt in sorted((EVAL / lang).glob("*.txt"))
    }


@pytest.fixture(scope="module")
def scores(
    tmp_path_factory: pytest.TempPathFactory, extractions: dict[Path, Extraction]
) -> dict[str, dict[str, object]]:
    out = tmp_path_factory.mktemp("pred")
    for txt, ex in extractions.items():
        (out / f"{txt.stem}.json").write_text(ex.model_dump_json(), encoding="utf-8")
    scorer = _scorer()
    return {lang: scorer.score(str(out), lang) for lang in ("en", "fr")}


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("metric", list(TARGETS))
def test_eval_meets_targets(scores: dict[str, dict[str, object]], lang: str, metric: str) -> None:
    value = scores[lang][metric]
    v = float(value[2]) if isinstance(value, tuple) else float(value)  # type: ignore[arg-type]
    target = TARGETS[metric]
    assert v >= target, f"{lang} {metric} = {v:.3f} < {target:.2f}"


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("metric", list(CEILINGS))
def test_eval_below_ceilings(scores: dict[str, dict[str, object]], lang: str, metric: str) -> None:
    v = float(scores[lang][metric])  # type: ignore[arg-type]
    assert v <= CEILINGS[metric], f"{lang} {metric} = {v:.3f} > {CEILINGS[metric]:.2f}"


@pytest.mark.slow
def test_offsets_point_at_the_quote_in_the_file(extractions: dict[Path, Extraction]) -> None:
    """A `.txt` source: `start`/`end` index the file's text, and every quote has a record."""
    for txt, ex in extractions.items():
        text = txt.read_text(encoding="utf-8")
        for q in ex.quotes:
            assert text[q.start : q.end] == q.text, (txt.name, q.text)
            assert q.attribution.basis in ("cue", "pronoun", "description", "carried",
                                           "colon_dash", "none")  # fmt: skip
            assert q.speaker or not q.speaker_named
        assert ex.low_confidence == sum(q.attribution.confidence < 0.5 for q in ex.quotes)


def test_eval_set_is_complete() -> None:
    assert len(list((EVAL / "en").glob("*.json"))) == 19
    assert len(list((EVAL / "fr").glob("*.json"))) == 13
    assert "CC BY 2.5" in (EVAL / "SOURCES.md").read_text(encoding="utf-8")
