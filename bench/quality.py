"""Quote/speaker/entity quality on the dev sets, per language, per set and per half.

Usage: python bench/quality.py [--eval DIR] [--polnear DIR] [--out DIR] [--direct] [--json]

Two development sets:

- the Wikinews eval set (`tests/eval`, English and French), scored with its own `score.py`;
- the PolNeAR dev split (`<repo>/../shared/polnear-dev`, English US political news), scored with
  its own `score_polnear.py`, both read at run time (PolNeAR texts never enter the repository).
  Skipped with a note when the folder is absent.

Each article goes through `editorial.ingest.ingest` then `editorial.extract.extract`, as
`editorial extract` does (`--direct` skips ingest and extracts the raw text). Every figure is
printed on the whole set and on its odd- and even-numbered articles (1-based, in file-name order
within each language): a change that helps one half and hurts the other is overfitting.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# bench/ holds a profiling.py that would shadow the standard library module spaCy imports
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from editorial.extract import extract, extract_text  # noqa: E402
from editorial.model import Extraction, Language  # noqa: E402

HALVES = ("all", "odd", "even")
METRICS = (  # (label, score.py key, target)
    ("quote F1, overlap", "quote_overlap_PRF", 0.96),
    ("quote F1, exact", "quote_exact_PRF", 0.90),
    ("speaker accuracy, strict", "speaker_acc_strict", 0.93),
    ("speaker wrong rate (lower is better)", "speaker_wrong_rate", -0.03),
    ("cue accuracy", "cue_acc", 0.93),
    ("entity mention F1", "entity_mention_PRF", 0.85),
    ("entity canonical F1", "entity_canonical_PRF", 0.87),
    ("entity count accuracy", "entity_count_acc", 0.85),
    ("quotes with start/end at their text", "offsets_ok", 1.0),
    ("low-confidence quotes (share)", "low_confidence_share", 0.0),
)
POLNEAR_METRICS = (
    ("detection F1", "detect_PRF", 0.97),
    ("exact F1", "exact_PRF", 0.0),
    ("cue accuracy", "cue_acc", 0.0),
    ("source linking (np head)", "source_link_acc_np", 0.95),
    ("  pronoun sources", "source_link_acc_np[pronoun]", 0.0),
    ("  proper-name sources", "source_link_acc_np[proper]", 0.0),
    ("  common-noun sources", "source_link_acc_np[common]", 0.0),
    ("full name strict", "fullname_strict_acc", 0.95),
    ("full name silver", "fullname_silver_acc", 0.0),
    ("start/end as given in the .txt", "pred_offsets_as_given", 1.0),
)


def load_module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
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


def half_of(n: int) -> str:
    return "odd" if n % 2 else "even"


def _offsets_ok(src: Path, ex: Extraction, direct: bool) -> tuple[int, int]:
    """(quotes whose source text at start:end is their text, quotes)."""
    text = src.read_text(encoding="utf-8")
    ok = sum(text[q.start : q.end] == q.text for q in ex.quotes) if not direct else 0
    return ok, len(ex.quotes)


def _subset_dir(tmp: Path, name: str, files: list[Path], extra: list[Path]) -> Path:
    """A folder holding links to `files` (and copies of `extra`), for a scorer that reads its
    gold from its own folder."""
    d = tmp / name
    d.mkdir(parents=True, exist_ok=True)
    for f in files:
        (d / f.name).symlink_to(f.resolve())
    for f in extra:
        shutil.copy(f, d / f.name)
    return d


def run_eval(eval_dir: Path, out_dir: Path, tmp: Path, direct: bool) -> dict[str, Any]:
    """{lang: {half: scores}} for the Wikinews eval set."""
    results: dict[str, Any] = {}
    for lang in ("en", "fr"):
        files = sorted((eval_dir / lang).glob("*.txt"))
        per: dict[str, list[Path]] = {h: [] for h in HALVES}
        stats: dict[str, list[float]] = {h: [0, 0, 0, 0] for h in HALVES}  # ok, n, low, seconds
        words = 0
        for n, txt in enumerate(files, 1):
            t0 = time.perf_counter()
            ex = extract_file(txt, lang, direct)  # type: ignore[arg-type]
            dt = time.perf_counter() - t0
            words += len(txt.read_text(encoding="utf-8").split())
            (out_dir / f"{txt.stem}.json").write_text(ex.model_dump_json(indent=1), "utf-8")
            ok, nq = _offsets_ok(txt, ex, direct)
            for h in ("all", half_of(n)):
                per[h].append(txt.with_suffix(".json"))
                s = stats[h]
                s[0], s[1], s[2], s[3] = s[0] + ok, s[1] + nq, s[2] + ex.low_confidence, s[3] + dt
        results[lang] = {}
        for h in HALVES:
            gold = _subset_dir(tmp, f"eval-{lang}-{h}", [], [eval_dir / "score.py"])
            (gold / lang).mkdir(exist_ok=True)
            for g in per[h]:
                (gold / lang / g.name).symlink_to(g.resolve())
            scorer = load_module(gold / "score.py", f"eval_score_{lang}_{h}")
            res = scorer.score(str(out_dir), lang)
            ok, nq, low, secs = stats[h]
            res["offsets_ok"] = ok / nq if nq else 1.0
            res["low_confidence_share"] = low / nq if nq else 0.0
            res["n_articles"] = len(per[h])
            if h == "all":
                res["words_per_s"] = words / secs if secs else 0.0
                res["seconds_per_article"] = secs / len(files) if files else 0.0
            results[lang][h] = res
    return results


def run_polnear(pn_dir: Path, out_dir: Path, tmp: Path, direct: bool) -> dict[str, Any]:
    """{half: scores} for the PolNeAR dev split (English), scored by its own scorer."""
    files = sorted(p for p in pn_dir.glob("*.txt"))
    secs = 0.0
    low = nq = 0
    for txt in files:
        t0 = time.perf_counter()
        ex = extract_file(txt, "en", direct)
        secs += time.perf_counter() - t0
        low, nq = low + ex.low_confidence, nq + len(ex.quotes)
        (out_dir / f"{txt.stem}.json").write_text(ex.model_dump_json(indent=1), "utf-8")
    results: dict[str, Any] = {}
    for h in HALVES:
        chosen = [f for n, f in enumerate(files, 1) if h == "all" or half_of(n) == h]
        links = [f.with_suffix(".json") for f in chosen] + chosen
        gold = _subset_dir(tmp, f"polnear-{h}", links, [])
        scorer = load_module(pn_dir / "score_polnear.py", f"polnear_score_{h}")
        res = scorer.score(str(out_dir), str(gold))
        res["n_articles"] = len(chosen)
        if h == "all":
            res["seconds_per_article"] = secs / len(files) if files else 0.0
            res["low_confidence_share"] = low / nq if nq else 0.0
        results[h] = res
    return results


def value(res: dict[str, Any], key: str) -> float:
    v = res[key]
    if isinstance(v, (tuple, list)):
        return float(v[2]) if len(v) == 3 else float(v[0])
    return float(v)


def _cell(v: float, target: float) -> str:
    below = (v > -target) if target < 0 else (target > 0 and v < target)
    return f"{v:.3f}" + (" (miss)" if below else "")


def _target(target: float) -> str:
    if target < 0:
        return f"<= {-target:.2f}"
    return f">= {target:.2f}" if target > 0 else ""


def table(results: dict[str, Any]) -> str:
    out: list[str] = []
    ev = results.get("eval")
    if ev:
        n = {lang: [ev[lang][h]["n_articles"] for h in HALVES] for lang in ("en", "fr")}
        out.append(
            "Wikinews eval set (tests/eval): articles "
            f"en {n['en'][0]} (odd {n['en'][1]}, even {n['en'][2]}), "
            f"fr {n['fr'][0]} (odd {n['fr'][1]}, even {n['fr'][2]})\n"
        )
        out.append("| metric | en | en odd | en even | fr | fr odd | fr even | target |")
        out.append("|---|---|---|---|---|---|---|---|")
        for name, key, target in METRICS:
            cells = [
                _cell(value(ev[lang][h], key), target) for lang in ("en", "fr") for h in HALVES
            ]
            out.append(f"| {name} | " + " | ".join(cells) + f" | {_target(target)} |")
        wps = [f"{float(ev[lang]['all']['words_per_s']):,.0f}" for lang in ("en", "fr")]
        spa = [f"{float(ev[lang]['all']['seconds_per_article']):.3f}" for lang in ("en", "fr")]
        out.append(f"| words/s (warm, one process) | {wps[0]} | | | {wps[1]} | | | |")
        out.append(f"| seconds per article (extract) | {spa[0]} | | | {spa[1]} | | | |")
    pn = results.get("polnear")
    if pn:
        n = [pn[h]["n_articles"] for h in HALVES]
        out.append(
            f"\nPolNeAR dev (../shared/polnear-dev, scored by score_polnear.py): articles {n[0]} "
            f"(odd {n[1]}, even {n[2]}), gold quotes {pn['all']['n_gold_quotes']}\n"
        )
        out.append("| metric | all | odd | even | target |")
        out.append("|---|---|---|---|---|")
        for name, key, target in POLNEAR_METRICS:
            cells = [_cell(value(pn[h], key), target) for h in HALVES]
            out.append(f"| {name} | " + " | ".join(cells) + f" | {_target(target)} |")
        low = float(pn["all"]["low_confidence_share"])
        out.append(f"| low-confidence quotes (share) | {low:.3f} | | | |")
        spa = float(pn["all"]["seconds_per_article"])
        out.append(f"| seconds per article (extract) | {spa:.3f} | | | |")
    elif "polnear_missing" in results:
        out.append(f"\nPolNeAR dev: skipped ({results['polnear_missing']} not found)")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--eval", type=Path, default=ROOT / "tests" / "eval")
    ap.add_argument("--polnear", type=Path, default=ROOT.parent / "shared" / "polnear-dev")
    ap.add_argument("--no-polnear", action="store_true", help="the Wikinews set only")
    ap.add_argument("--out", type=Path, default=None, help="keep predictions here")
    ap.add_argument("--direct", action="store_true", help="extract raw text, skip ingest")
    ap.add_argument("--json", action="store_true", help="print raw scores as JSON too")
    args = ap.parse_args(argv)
    from editorial.extract.nlp import warm_up

    warm_up()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        out = args.out or tmp / "pred"
        steps: list[tuple[str, Callable[[Path], Any]]] = [
            ("eval", lambda o: run_eval(args.eval, o, tmp, args.direct))
        ]
        if not args.no_polnear:
            if (args.polnear / "score_polnear.py").is_file():
                steps.append(("polnear", lambda o: run_polnear(args.polnear, o, tmp, args.direct)))
            else:
                results["polnear_missing"] = str(args.polnear)
        for name, step in steps:
            d = out / name
            d.mkdir(parents=True, exist_ok=True)
            results[name] = step(d)
    print(table(results))
    if args.json:
        print(json.dumps(results, indent=1, default=list))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
