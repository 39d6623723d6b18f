"""Quote/speaker/entity quality on the eval set (tests/eval): extract, score, print a table.

Usage: python bench/quality.py [--eval DIR] [--out DIR] [--direct]

Each eval text goes through `editorial.ingest.ingest` then `editorial.extract.extract`, as
`editorial extract` does (`--direct` skips ingest and extracts the raw text); predictions are
written as `<id>.json` and scored with the eval set's own `score.py`, per language.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
# bench/ holds a profiling.py that would shadow the standard library module spaCy imports
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from editorial.extract import extract, extract_text  # noqa: E402
from editorial.model import Extraction, Language  # noqa: E402

METRICS = (
    ("quote F1, overlap", "quote_overlap_PRF", 0.95),
    ("quote F1, exact", "quote_exact_PRF", 0.90),
    ("speaker accuracy, strict", "speaker_acc_strict", 0.90),
    ("cue accuracy", "cue_acc", 0.90),
    ("entity mention F1", "entity_mention_PRF", 0.85),
    ("entity canonical F1", "entity_canonical_PRF", 0.85),
    ("entity count accuracy", "entity_count_acc", 0.85),
)


def load_scorer(eval_dir: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_score", eval_dir / "score.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def extract_file(path: Path, lang: Language, direct: bool) -> Extraction:
    if not direct:
        try:
            from editorial.ingest import ingest
        except ImportError:
            direct = True
    if direct:
        return extract_text(path.read_text(encoding="utf-8"), lang)
    return extract(ingest(path, language=lang))


def run(eval_dir: Path, out_dir: Path, direct: bool = False) -> dict[str, dict[str, object]]:
    scorer = load_scorer(eval_dir)
    results: dict[str, dict[str, object]] = {}
    for lang in ("en", "fr"):
        words, seconds = 0, 0.0
        for txt in sorted((eval_dir / lang).glob("*.txt")):
            t0 = time.perf_counter()
            ex = extract_file(txt, lang, direct)  # type: ignore[arg-type]
            seconds += time.perf_counter() - t0
            words += len(txt.read_text(encoding="utf-8").split())
            (out_dir / f"{txt.stem}.json").write_text(ex.model_dump_json(indent=1), "utf-8")
        res = scorer.score(str(out_dir), lang)
        res["words_per_s"] = words / seconds if seconds else 0.0
        results[lang] = res
    return results


def value(res: dict[str, object], key: str) -> float:
    v = res[key]
    return float(v[2]) if isinstance(v, tuple) else float(v)  # type: ignore[arg-type]


def table(results: dict[str, dict[str, object]]) -> str:
    lines = ["| metric | English | French | target |", "|---|---|---|---|"]
    for name, key, target in METRICS:
        cells = []
        for lang in ("en", "fr"):
            v = value(results[lang], key)
            cells.append(f"{v:.3f}" + ("" if v >= target else " (below)"))
        lines.append(f"| {name} | {cells[0]} | {cells[1]} | >= {target:.2f} |")
    wps = " | ".join(f"{float(results[lang]['words_per_s']):,.0f}" for lang in ("en", "fr"))  # type: ignore[arg-type]
    lines.append(f"| words/s (warm, one process) | {wps} | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval", type=Path, default=ROOT / "tests" / "eval")
    ap.add_argument("--out", type=Path, default=None, help="keep predictions here")
    ap.add_argument("--direct", action="store_true", help="extract raw text, skip ingest")
    ap.add_argument("--json", action="store_true", help="print raw scores as JSON too")
    args = ap.parse_args(argv)
    from editorial.extract.nlp import warm_up

    warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        results = run(args.eval, out, args.direct)
    print(table(results))
    if args.json:
        print(json.dumps(results, indent=1, default=list))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
