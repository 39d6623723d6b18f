"""The web-page bench: our HTML reader against trafilatura's default extraction, same pages.

Usage: python bench/web.py [--pages DIR] [--json OUT.json] [--show N]

Reads the saved pages of `<repo>/../shared/web-articles` at run time (they are never copied
into the repository) and scores, with that folder's own `score_web.py`, the body each reader
gives: for ours, the text of the article's body blocks (title and standfirst excluded) from
`editorial.ingest.ingest_bytes`; for trafilatura, `trafilatura.extract(html)` with its defaults.
Times are per page, in this process, after one warm-up page: `reader` is our reader alone
(boilerplate removal, blocks, metadata), `ingest` the whole ingest (decoding, language...).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(1, str(ROOT))
PAGES = ROOT.parent / "shared" / "web-articles"


def _scorer(folder: Path) -> Any:
    spec = importlib.util.spec_from_file_location("score_web", folder / "score_web.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(folder: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    gold = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    pages = {key: gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
             for key in sorted(gold)}  # fmt: skip
    return gold, pages


def ours(data: bytes) -> tuple[str, float, float]:
    """(body text, reader seconds, ingest seconds) of one page."""
    from editorial.config import Limits
    from editorial.errors import EditorialError
    from editorial.ingest import ingest_bytes, webpage
    from editorial.ingest.decode import decode

    limits = Limits()
    text, _ = decode(data)
    t0 = time.perf_counter()
    webpage.parse(text)
    t1 = time.perf_counter()
    try:
        article = ingest_bytes(data, "html", source="page.html", base_dir=Path("/nonexistent"),
                               limits=limits, language="en")  # fmt: skip
    except EditorialError:
        return "", t1 - t0, time.perf_counter() - t1
    t2 = time.perf_counter()
    body = "\n".join(b.text for b in article.body if b.kind != "image")
    return body, t1 - t0, t2 - t1


def theirs(data: bytes) -> tuple[str, float]:
    import trafilatura

    from editorial.ingest.decode import decode

    text, _ = decode(data)
    t0 = time.perf_counter()
    body = trafilatura.extract(text) or ""
    return body, time.perf_counter() - t0


def run(folder: Path = PAGES, *, show: int = 0) -> dict[str, Any]:
    """Scores and timings of both readers on every page of `folder`."""
    score = _scorer(folder)
    gold, pages = load(folder)
    first = next(iter(pages.values()))
    ours(first)  # warm-up: imports, lingua, trafilatura's first-call caches
    theirs(first)
    pred_ours: dict[str, Any] = {}
    pred_theirs: dict[str, Any] = {}
    t_reader: list[float] = []
    t_ingest: list[float] = []
    t_theirs: list[float] = []
    for key, data in pages.items():
        body, tr, ti = ours(data)
        pred_ours[key] = {"articleBody": body}
        t_reader.append(tr)
        t_ingest.append(ti)
        body2, tt = theirs(data)
        pred_theirs[key] = {"articleBody": body2}
        t_theirs.append(tt)
    result = {
        "pages": len(pages),
        "ours": {**score.score(gold, pred_ours), **_ms(t_reader), "ingest_ms": _med(t_ingest)},
        "trafilatura": {**score.score(gold, pred_theirs), **_ms(t_theirs)},
    }
    if show:
        worst = sorted(
            gold,
            key=lambda k: score.page_counts(gold[k]["articleBody"], pred_ours[k]["articleBody"])[0],
        )
        result["worst"] = [
            (
                k,
                [
                    round(x, 3)
                    for x in score.page_counts(gold[k]["articleBody"], pred_ours[k]["articleBody"])
                ],
            )  # fmt: skip
            for k in worst[:show]
        ]
    return result


def _med(values: list[float]) -> float:
    return round(1000 * statistics.median(values), 1)


def _ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"ms": _med(values), "p90_ms": round(1000 * ordered[int(0.9 * (len(ordered) - 1))], 1)}


def table(result: dict[str, Any]) -> str:
    lines = ["| reader | F1 | P | R | exact | ms/page (median) | p90 |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, label in (("ours", "editorial HTML reader"), ("trafilatura", "trafilatura.extract")):
        r = result[name]
        lines.append(f"| {label} | {r['f1']:.3f} | {r['precision']:.3f} | {r['recall']:.3f} | "
                     f"{r['exact']:.3f} | {r['ms']:.1f} | {r['p90_ms']:.1f} |")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", type=Path, default=PAGES)
    p.add_argument("--json", type=Path, default=None)
    p.add_argument("--show", type=int, default=0, help="list the N worst pages (ours)")
    args = p.parse_args(argv)
    if not (args.pages / "ground-truth.json").exists():
        print(f"bench/web.py: no pages at {args.pages}", file=sys.stderr)
        return 2
    result = run(args.pages, show=args.show)
    print(f"{result['pages']} pages from {args.pages}")
    print(table(result))
    print(f"whole ingest (ours): {result['ours']['ingest_ms']:.1f} ms/page median")
    for key, counts in result.get("worst", []):
        print(f"  {key}: tp/fp/fn {counts}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
