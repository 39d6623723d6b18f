"""Where the time goes: pyinstrument profiles of a worker's start-up, the pure core, and the
Prefect path.

Usage: python bench/profiling.py [--articles 20] [--part startup,core,prefect] [--api-url URL]

- startup: what each worker does before its first article (imports, spaCy models, renderers);
- core:    `editorial.pipeline.produce` + `publish` over the first ARTICLES corpus articles in this
           one process (no pool, no Prefect), after one warm-up article;
- prefect: `editorial run CORPUS` (the Prefect flow) in this process. pyinstrument samples the
           main thread only: it shows imports, the temporary server's start, the flow engine and
           the waiting; the workers' own time is in the `core` profile. With --api-url the run uses
           that server instead of a temporary one.

Each part writes bench/out/profile-PART.html (open in a browser) and .txt (the call tree), and
prints a flat summary: self time by library and the costliest functions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(1, str(ROOT))  # the project, after bench/ (the script's folder)

import corpus  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

OUT = ROOT / "bench" / "out"
LIBRARIES = ("weasyprint", "pydyf", "fontTools", "tinycss2", "cssselect2", "html5lib", "PIL",
             "pypdfium2", "spacy", "thinc", "numpy", "srsly", "catalogue", "confection", "jinja2",
             "markupsafe", "css_inline", "nh3", "pydantic", "prefect", "httpx", "httpcore",
             "anyio", "sqlalchemy", "aiosqlite", "uvicorn", "starlette", "fastapi", "rich",
             "concurrent", "multiprocessing", "threading", "importlib", "editorial", "flows",
             "twitter_text", "lingua", "pypandoc", "subprocess", "json", "re")  # fmt: skip


def library(frame: Any) -> str:
    path = (frame.file_path or "").replace("\\", "/")
    if "<frozen importlib" in path or "importlib" in path.split("/")[-2:-1]:
        return "import machinery"
    for lib in LIBRARIES:
        if f"/{lib}/" in path or path.endswith(f"/{lib}.py"):
            return lib
    if "site-packages/" in path:
        return path.split("site-packages/")[1].split("/")[0]
    return "python stdlib" if "/lib/python3" in path else (path.rsplit("/", 1)[-1] or "?")


def flatten(root: Any) -> tuple[dict[str, float], dict[str, float], float]:
    """Self time by library and by function, and the total, from a pyinstrument frame tree.

    Time in built-ins and pyinstrument's synthetic `[self]` frames goes to the nearest caller
    that has a Python file, so a C call inside WeasyPrint counts as WeasyPrint."""
    by_lib: dict[str, float] = defaultdict(float)
    by_fn: dict[str, float] = defaultdict(float)
    if root is None:
        return by_lib, by_fn, 0.0
    stack: list[tuple[Any, Any]] = [(root, root)]
    while stack:
        frame, owner = stack.pop()
        path = frame.file_path or ""
        if path and not path.startswith("<") and not frame.is_synthetic:
            owner = frame
        children = list(frame.children)
        own = frame.time - sum(c.time for c in children)
        if own > 0:
            by_lib[library(owner)] += own
            by_fn[f"{owner.function} ({owner.file_path_short}:{owner.line_no})"] += own
        stack += [(c, owner) for c in children]
    return by_lib, by_fn, root.time


def report(profiler: Profiler, part: str, per: int = 1, top: int = 15) -> None:
    session = profiler.last_session
    assert session is not None
    OUT.mkdir(parents=True, exist_ok=True)
    html, txt = OUT / f"profile-{part}.html", OUT / f"profile-{part}.txt"
    html.write_text(profiler.output_html(), "utf-8")
    txt.write_text(profiler.output_text(unicode=True, color=False, show_all=False), "utf-8")
    # Every frame, for grepping what the short tree hides (library internals).
    (OUT / f"profile-{part}-all.txt").write_text(
        profiler.output_text(unicode=True, color=False, show_all=True), "utf-8")  # fmt: skip
    root = session.root_frame()
    by_lib, by_fn, total = flatten(root)
    unit = f" per article ({per} articles)" if per > 1 else ""
    print(f"\n{part}: {total:.2f} s sampled{unit and ''}; profile in {html} and {txt}")
    print(f"  self time by library{unit}:")
    for name, t in sorted(by_lib.items(), key=lambda kv: -kv[1])[:top]:
        print(f"    {t / per * 1000:9.1f} ms  {100 * t / total:5.1f}%  {name}")
    print(f"  costliest functions (self time){unit}:")
    for name, t in sorted(by_fn.items(), key=lambda kv: -kv[1])[:top]:
        print(f"    {t / per * 1000:9.1f} ms  {100 * t / total:5.1f}%  {name[:110]}")
    sys.stdout.flush()


def profile_startup() -> None:
    profiler = Profiler(interval=0.001)
    profiler.start()
    from editorial.extract.nlp import warm_up

    for lang in ("en", "fr"):
        t = time.perf_counter()
        warm_up((lang,))
        print(f"  model {lang}: {time.perf_counter() - t:.2f} s (includes import spacy for the first)")
    for module in ("editorial.render.pdf", "editorial.render.newsletter", "editorial.render.social"):
        t = time.perf_counter()
        __import__(module)
        print(f"  import {module}: {time.perf_counter() - t:.2f} s")
    profiler.stop()
    report(profiler, "startup")


def profile_core(files: list[Path]) -> None:
    from editorial import cache, outcomes
    from editorial.config import load_settings
    from editorial.stages import Job, produce, stage_ingest

    settings = load_settings()
    out = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    # Warm-up outside the profile: one article per language (each spaCy model loads on its
    # first article; the French one takes seconds), fonts, templates, stylesheets.
    warm, seen = [], set()
    for f in files:
        job = Job(source=str(f))
        lang = stage_ingest(job, settings).language
        if lang not in seen:
            seen.add(lang)
            warm.append(f)
            outcomes.publish(job, produce(job, settings), "warm", out)
    files = [f for f in files if f not in warm]
    stages: dict[str, float] = defaultdict(float)
    profiler = Profiler(interval=0.001)
    t0 = time.perf_counter()
    profiler.start()
    for f in files:
        job = Job(source=str(f))
        key = cache.job_key(job, settings)
        produced = produce(job, settings)
        t = time.perf_counter()
        outcomes.publish(job, produced, key, out)
        stages["write"] += time.perf_counter() - t
        for k, v in produced.timings.items():
            stages[k] += v
    profiler.stop()
    wall = time.perf_counter() - t0
    n = len(files)
    print(f"\ncore: {n} articles in {wall:.2f} s on one core = {wall / n:.3f} s per article")
    for k, v in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(f"    {v / n * 1000:9.1f} ms  {100 * v / wall:5.1f}%  stage {k}")
    report(profiler, "core", per=n)
    shutil.rmtree(out, ignore_errors=True)


def profile_prefect(corpus_dir: Path, api_url: str | None) -> None:
    import run

    base_env = run.base_env

    os.environ.update({k: v for k, v in base_env().items() if k.startswith(("PREFECT_", "DO_NOT"))})
    if api_url:
        os.environ["PREFECT_API_URL"] = api_url
    out = Path(tempfile.mkdtemp(prefix="bench-profile-prefect-"))
    profiler = Profiler(interval=0.001)
    t0 = time.perf_counter()
    profiler.start()
    from flows.cli import main

    rc = main(["run", str(corpus_dir), "--out", str(out), "--quiet"])
    profiler.stop()
    print(f"\nprefect: `editorial run` over {corpus_dir.name}: {time.perf_counter() - t0:.2f} s, "
          f"exit {rc}")  # fmt: skip
    report(profiler, "prefect")
    shutil.rmtree(out, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=20)
    p.add_argument("--part", default="startup,core", help="any of startup,core,prefect")
    p.add_argument("--api-url", default=None, help="a running Prefect server for the prefect part")
    args = p.parse_args(argv)
    parts = {x.strip() for x in args.part.split(",")}
    n = args.articles + 2  # +2: a warm-up article per language
    corpus_dir = OUT / f"corpus-{n}"
    entries = corpus.build(n, corpus_dir)
    files = [corpus_dir / e.file for e in entries]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; corpus {corpus_dir}")
    if "startup" in parts:
        profile_startup()
    if "core" in parts:
        profile_core(files)
    if "prefect" in parts:
        profile_prefect(corpus_dir, args.api_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
