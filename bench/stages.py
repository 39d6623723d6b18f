"""What each stage costs on the sample, and the naive route a user could take instead.

Usage: python bench/stages.py [--repeats 7] [--article FILE] [--floor N [--compare-cards]]

Four groups of medians, printed as they are measured and saved to bench/out/stages.json:

1. start-up, each in a fresh interpreter: bare Python, `import editorial.pipeline`,
   `import spacy`, each spaCy model load, `import weasyprint` (with the PDF renderer),
   `import prefect`;
2. the stages on one article in a warm process (after one warm-up pass): ingest, extract,
   each renderer (with the PDF split into context+HTML, layout, write, preview, and the quote
   cards out of social), and writing the outputs through editorial.store;
3. the naive route: `pandoc ARTICLE -o out.pdf --pdf-engine=weasyprint` (PDF only, unstyled);
4. with --floor N: the floor and the overhead over it, per article, over N bench-corpus articles
   in one warm process (as a worker runs them: produce, publish, one garbage collection). The
   floor is what issue 18 accepts as the cost of an article: WeasyPrint laying out the report
   (`pdf.layout`) and writing its pages (`pdf.write_pdf`), and spaCy reading the text
   (`Language.pipe`). Everything else is overhead, shown by part. CPU time of this process
   (`time.process_time`): the machine is shared, wall times are not. --compare-cards also times
   the WeasyPrint quote cards of before issue 18 (tests/card_reference.py) on each article,
   interleaved with the Pillow ones, outside the totals.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(1, str(ROOT))  # the project, after bench/ (the script's folder)


import run as _run  # noqa: E402

base_env, pandoc_binary = _run.base_env, _run.pandoc_binary

SAMPLE = ROOT / "sources" / "can-france-become-a-global-ai-hub.txt"
OUT = ROOT / "bench" / "out"

# Each snippet runs in a fresh interpreter and prints the seconds of its last statement.
STARTUP: dict[str, tuple[str, str]] = {
    "python (bare interpreter)": ("", "pass"),
    "import editorial.pipeline": ("", "import editorial.pipeline"),
    "import spacy": ("", "import spacy"),
    "import spacy.lang.fr (tokenizer exception regexes)": ("import spacy", "import spacy.lang.fr"),
    "load English model (excluding unused components)": (
        "import spacy; from editorial.extract import nlp", "nlp.load('en')"),
    "load French model (excluding unused components)": (
        "import spacy; from editorial.extract import nlp", "nlp.load('fr')"),
    "import weasyprint": ("", "import weasyprint"),
    "import editorial.render.pdf (weasyprint + renderer)": ("", "import editorial.render.pdf"),
    "import prefect": ("", "import prefect"),
    "import flows.publish (prefect + flows)": ("", "import flows.publish"),
}  # fmt: skip


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:8.1f} ms  (min {min(values) * 1000:.1f}, n={len(values)})"


def startup(repeats: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {}
    for label, (setup, stmt) in STARTUP.items():
        code = (f"import time, sys; sys.path.insert(0, {str(ROOT)!r}); {setup or 'pass'}\n"
                f"t = time.process_time(); {stmt}; print(time.process_time() - t)")  # fmt: skip
        values = []
        wall = []
        for _ in range(repeats):
            t = time.perf_counter()
            r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env=base_env(), cwd=ROOT)  # fmt: skip
            wall.append(time.perf_counter() - t)
            if r.returncode != 0:
                print(f"  {label}: failed: {r.stderr.strip().splitlines()[-1:]}", flush=True)
                break
            values.append(float(r.stdout.strip().splitlines()[-1]))
        if values:
            if label.startswith("python"):
                values = wall  # the whole interpreter start and exit
            results[label] = values
            print(f"  {label:55} {median_ms(values)}", flush=True)
    return results


def stages(article_path: Path, repeats: int) -> dict[str, list[float]]:
    from editorial import cache, outcomes, stages
    from editorial.config import load_settings

    settings = load_settings()
    job = stages.Job(source=str(article_path))
    steps: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}

    def timed(name: str, keep: bool, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        t, c = time.perf_counter(), time.process_time()
        value = fn(*args, **kw)
        if keep:
            steps.setdefault(name, []).append(time.perf_counter() - t)
            cpu.setdefault(name, []).append(time.process_time() - c)
        return value

    out = Path(tempfile.mkdtemp(prefix="bench-stages-"))
    for k in range(repeats + 1):
        keep = k > 0  # pass 0 warms models, fonts, templates
        article = timed("ingest (pandoc + parse)", keep, stages.stage_ingest, job, settings)
        extraction = timed("extract (spaCy + quotes + entities)", keep,
                           stages.stage_extract, article, settings)  # fmt: skip
        files: list[Any] = []
        for fmt in stages.render_order(job):
            files += timed(f"render {fmt}", keep, stages.stage_render, fmt, article, extraction,
                           job, settings, tuple(files))  # fmt: skip
        pdf_parts(article, extraction, settings, article_path.parent, timed, keep)
        cards_part(article, extraction, settings, timed, keep)
        produced = stages.Produced(article, extraction, tuple(files))
        key = timed("job key (hash source + templates)", keep, cache.job_key, job, settings)
        timed("write outputs (editorial.store, fsync)", keep,
              outcomes.publish, job, produced, key, out)  # fmt: skip
        timed("freshness check (rerun skip)", keep, cache.is_fresh, job, key, out)
    shutil.rmtree(out, ignore_errors=True)
    words = len(article.text.split())
    print(f"  {'(wall median, min, runs; then CPU median of this process)':55}")
    for name, values in steps.items():
        print(f"  {name:55} {median_ms(values)}  cpu {statistics.median(cpu[name]) * 1000:7.1f} ms",
              flush=True)  # fmt: skip
    ext = statistics.median(cpu["extract (spaCy + quotes + entities)"])
    print(f"  ({words} words: extraction at {words / ext:,.0f} words per CPU-second)", flush=True)
    return {"wall": steps, "cpu": cpu}  # type: ignore[dict-item]


def pdf_parts(article: Any, extraction: Any, settings: Any, source_dir: Path,
              timed: Callable[..., Any], keep: bool) -> None:  # fmt: skip
    """The PDF renderer step by step (skipped if its functions change shape)."""
    try:
        from editorial.render import pdf
        from editorial.render.pdf_context import build_context
    except ImportError:
        return
    try:
        ctx = timed("  pdf: context", keep, build_context, article, extraction,
                    brand=settings.brand.name, source_dir=source_dir)  # fmt: skip
        html = timed("  pdf: HTML (Jinja)", keep, pdf.render_html, ctx)
        doc = timed("  pdf: WeasyPrint layout", keep, pdf.layout, html, source_dir=source_dir,
                    variant=settings.pdf_variant)  # fmt: skip
        data = timed("  pdf: write PDF (tagged)", keep, pdf.write_pdf, doc, ctx,
                     variant=settings.pdf_variant)  # fmt: skip
        timed("  pdf: preview PNG (pypdfium2)", keep, pdf.preview_png, data)
        if keep and len(steps_pages) == 0:
            steps_pages.append(len(doc.pages))
    except (TypeError, AttributeError) as exc:
        print(f"  (pdf split skipped: {exc})", flush=True)


steps_pages: list[int] = []


def cards_part(article: Any, extraction: Any, settings: Any, timed: Callable[..., Any],
               keep: bool) -> None:  # fmt: skip
    try:
        from editorial.render import cards
    except ImportError:
        return
    try:
        timed("  social: quote cards (layout + PNG)", keep, cards.render_cards, article, extraction,
              settings=settings)  # fmt: skip
    except (TypeError, AttributeError) as exc:
        print(f"  (cards split skipped: {exc})", flush=True)


def naive(article_path: Path, repeats: int) -> list[float]:
    import resource

    env = base_env()
    values, cpu = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            r = subprocess.run([str(pandoc_binary()), str(article_path), "-o", f"{tmp}/out.pdf",
                                "--pdf-engine=weasyprint"], env=env, capture_output=True)  # fmt: skip
            values.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            if r.returncode != 0:
                print(f"  naive route failed: {r.stderr.decode()[-300:]}", flush=True)
                return []
    print(f"  {'pandoc ARTICLE -o out.pdf --pdf-engine=weasyprint':55} {median_ms(values)}"
          f"  cpu {statistics.median(cpu) * 1000:7.1f} ms", flush=True)  # fmt: skip
    return values


class CpuMeter:
    """CPU seconds spent inside wrapped functions, per name, for the current article. A call
    inside another wrapped call counts for both (the parts below say which nest)."""

    def __init__(self) -> None:
        self.now: dict[str, float] = {}
        self.undo: list[Callable[[], None]] = []

    def wrap(self, owner: Any, attr: str, name: str) -> None:
        original = getattr(owner, attr)

        def add(c: float) -> None:
            self.now[name] = self.now.get(name, 0.0) + time.process_time() - c

        def steps(gen: Any) -> Any:  # a generator's time is in its steps, not in the call
            while True:
                c = time.process_time()
                try:
                    item = next(gen)
                except StopIteration:
                    add(c)
                    return
                add(c)
                yield item

        def timed(*args: Any, **kw: Any) -> Any:
            c = time.process_time()
            try:
                value = original(*args, **kw)
            finally:
                add(c)
            return steps(value) if inspect.isgenerator(value) else value

        setattr(owner, attr, timed)
        self.undo.append(lambda: setattr(owner, attr, original))

    def wrap_render(self, module: Any) -> None:
        """stage_render, per format."""
        original = module.stage_render

        def timed(fmt: str, *args: Any, **kw: Any) -> Any:
            c = time.process_time()
            try:
                return original(fmt, *args, **kw)
            finally:
                key = f"render {fmt}"
                self.now[key] = self.now.get(key, 0.0) + time.process_time() - c

        module.stage_render = timed
        self.undo.append(lambda: setattr(module, "stage_render", original))

    def restore(self) -> None:
        for undo in reversed(self.undo):
            undo()


FLOOR_PARTS = ("pdf layout (WeasyPrint)", "pdf write (WeasyPrint)", "spaCy reading (Language.pipe)")
# (part, the wrapped part it is inside of: its time is taken out of that one's "rest")
OVERHEAD_PARTS = (
    ("ingest", ""),
    ("extract", ""),
    ("render article", ""),
    ("render pdf", ""),
    ("pdf preview PNG", "render pdf"),
    ("render newsletter", ""),
    ("render social", ""),
    ("social: quote cards", "render social"),
    ("render web", ""),
    ("job key", ""),
    ("publish (store, fsync)", ""),
    ("gc.collect", ""),
)


def floor(n: int, compare_cards: bool) -> dict[str, Any]:
    import gc

    import corpus
    import spacy.language

    from editorial import cache, outcomes, stages
    from editorial.config import load_settings
    from editorial.render import cards, pdf

    settings = load_settings()
    corpus_dir = OUT / f"corpus-{n + 2}"
    files = [corpus_dir / e.file for e in corpus.build(n + 2, corpus_dir)]
    out = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    reference: Any = None
    if compare_cards:
        sys.path.insert(0, str(ROOT / "tests"))
        reference = __import__("card_reference")
    # Warm-up outside the measure: one article per language (models, fonts, stylesheets).
    seen: set[str] = set()
    for f in list(files):
        job = stages.Job(source=str(f))
        lang = stages.stage_ingest(job, settings).language
        if lang not in seen:
            seen.add(lang)
            files.remove(f)
            outcomes.publish(job, stages.produce(job, settings), "warm", out)
            if reference is not None:
                produced = stages.produce(job, settings)
                reference.render_cards(produced.article, produced.extraction, settings=settings)
    files = files[:n]
    gc.collect()
    gc.freeze()
    meter = CpuMeter()
    meter.wrap(pdf, "layout", "pdf layout (WeasyPrint)")
    meter.wrap(pdf, "write_pdf", "pdf write (WeasyPrint)")
    meter.wrap(pdf, "preview_png", "pdf preview PNG")
    meter.wrap(spacy.language.Language, "pipe", "spaCy reading (Language.pipe)")
    meter.wrap(stages, "stage_ingest", "ingest")
    meter.wrap(stages, "stage_extract", "extract")
    meter.wrap(cards, "render_cards", "social: quote cards")
    meter.wrap_render(stages)
    rows: list[dict[str, float]] = []
    try:
        for f in files:
            meter.now = {}
            job = stages.Job(source=str(f))
            c = time.process_time()
            key = cache.job_key(job, settings)
            meter.now["job key"] = time.process_time() - c
            produced = stages.produce(job, settings)
            p = time.process_time()
            outcomes.publish(job, produced, key, out)
            meter.now["publish (store, fsync)"] = time.process_time() - p
            g = time.process_time()
            gc.collect()
            meter.now["gc.collect"] = time.process_time() - g
            meter.now["total"] = time.process_time() - c
            if reference is not None:  # not in the total: the cards as they were drawn before
                r = time.process_time()
                reference.render_cards(produced.article, produced.extraction, settings=settings)
                meter.now["(before issue 18) WeasyPrint quote cards"] = time.process_time() - r
                gc.collect()
            rows.append(dict(meter.now))
    finally:
        meter.restore()
        shutil.rmtree(out, ignore_errors=True)
    return floor_report(rows)


def floor_report(rows: list[dict[str, float]]) -> dict[str, Any]:
    def med(name: str) -> float:
        return statistics.median(r.get(name, 0.0) for r in rows)

    for r in rows:
        r["floor"] = sum(r.get(k, 0.0) for k in FLOOR_PARTS)
        r["overhead"] = r["total"] - r["floor"]
        r["render pdf, rest"] = (r.get("render pdf", 0.0) - r.get("pdf preview PNG", 0.0)
                                 - r.get("pdf layout (WeasyPrint)", 0.0)
                                 - r.get("pdf write (WeasyPrint)", 0.0))  # fmt: skip
        r["extract, rest"] = r.get("extract", 0.0) - r.get("spaCy reading (Language.pipe)", 0.0)
        r["render social, rest"] = r.get("render social", 0.0) - r.get("social: quote cards", 0.0)
    n = len(rows)
    print(f"  {n} articles, CPU per article (median; mean in brackets):", flush=True)

    def line(label: str, name: str) -> None:
        mean = sum(r.get(name, 0.0) for r in rows) / n
        print(f"    {label:52} {med(name) * 1000:7.1f} ms  ({mean * 1000:6.1f})", flush=True)

    print("    floor:")
    for k in FLOOR_PARTS:
        line(k, k)
    line("= floor", "floor")
    print("    overhead:")
    for k in ("ingest", "extract, rest", "render article", "render pdf, rest", "pdf preview PNG",
              "render newsletter", "render social, rest", "social: quote cards", "render web",
              "job key", "publish (store, fsync)", "gc.collect"):  # fmt: skip
        line(k, k)
    line("= overhead (total - floor)", "overhead")
    line("total (job key + produce + publish + gc)", "total")
    if any("(before issue 18) WeasyPrint quote cards" in r for r in rows):
        line("(before issue 18) WeasyPrint quote cards", "(before issue 18) WeasyPrint quote cards")
    ratio = sum(r["overhead"] for r in rows) / max(1e-9, sum(r["floor"] for r in rows))
    print(f"    overhead over the floor: {100 * ratio:.0f}% (sums over the articles); "
          f"total {sum(r['total'] for r in rows) / n:.3f} CPU-s per article (mean)", flush=True)  # fmt: skip
    return {"rows": rows, "overhead_over_floor": ratio}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--article", type=Path, default=SAMPLE)
    p.add_argument("--skip-startup", action="store_true")
    p.add_argument("--floor", type=int, default=0, metavar="N",
                   help="only the floor and overhead over N corpus articles (part 4)")
    p.add_argument("--compare-cards", action="store_true")
    args = p.parse_args(argv)
    if args.floor:
        print(f"load average {os.getloadavg()[0]:.1f}; floor and overhead, one warm process:",
              flush=True)  # fmt: skip
        measured = {"floor": floor(args.floor, args.compare_cards)}
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "stages-floor.json").write_text(json.dumps(measured, indent=1) + "\n", "utf-8")
        print(f"saved {OUT / 'stages-floor.json'}", flush=True)
        return 0
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(above the core count, expect inflated times)", flush=True)  # fmt: skip
    result: dict[str, Any] = {"article": str(args.article), "repeats": args.repeats}
    if not args.skip_startup:
        print("start-up, fresh interpreter each time:", flush=True)
        result["startup"] = startup(args.repeats)
    print(f"stages, warm process, {args.article.name}:", flush=True)
    result["stages"] = stages(args.article, args.repeats)
    result["pdf_pages"] = steps_pages[:1]
    print("naive route:", flush=True)
    result["naive"] = naive(args.article, args.repeats)
    total = sum(statistics.median(v) for k, v in result["stages"]["cpu"].items()
                if k.startswith(("ingest", "extract", "render", "write")))  # fmt: skip
    if result["naive"]:
        nv = statistics.median(result["naive"])
        print(f"one article, all stages warm: {total:.2f} CPU-s vs naive {nv:.2f} s wall; "
              f"with two workers the floor is ~{total / 2:.2f} s per article "
              f"({nv / (total / 2):.1f}x the naive route)", flush=True)  # fmt: skip
    result["load_after"] = os.getloadavg()[0]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "stages.json").write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    print(f"saved {OUT / 'stages.json'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
