"""Render time of the sample article's PDF report in a warm process.

    .venv/bin/python bench/bench_pdf.py [--runs 9] [--article PATH]

Ingest and extraction run once, outside the timing. The first render (font loading, CSS parsing)
is reported apart; then the median of `--runs` warm renders, whole and per stage. The HarfBuzz
subset library (Debian libharfbuzz-subset0) roughly halves the PDF writing time; its presence is
printed with the result.
"""

from __future__ import annotations

import argparse
import ctypes.util
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The script's own folder comes first on sys.path; bench/ holds modules (profiling.py) that would
# shadow the standard library's, so the project root takes its place.
sys.path[0] = str(ROOT)

from editorial.config import Settings  # noqa: E402
from editorial.extract import extract  # noqa: E402
from editorial.ingest import ingest  # noqa: E402
from editorial.render import pdf  # noqa: E402
from editorial.render.pdf_context import build_context  # noqa: E402

SAMPLE = ROOT / "sources" / "can-france-become-a-global-ai-hub.txt"


def harfbuzz_subset() -> str:
    dpkg = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status} ${Version}", "libharfbuzz-subset0"],
        capture_output=True, text=True, check=False,
    )
    found = ctypes.util.find_library("harfbuzz-subset")
    status = dpkg.stdout.strip() if dpkg.returncode == 0 else "not installed"
    return f"libharfbuzz-subset0: {status}; library: {found or 'not found'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--article", type=Path, default=SAMPLE)
    args = parser.parse_args()

    article = ingest(args.article)
    extraction = extract(article)
    settings = Settings()
    source_dir = args.article.parent

    start = time.perf_counter()
    files = pdf.render_pdf(article, extraction, settings=settings, source_dir=source_dir)
    cold = time.perf_counter() - start

    whole: list[float] = []
    cpu: list[float] = []  # process CPU time: steadier than wall time on a shared machine
    stages: dict[str, list[float]] = {k: [] for k in ("context", "html", "layout", "write", "png")}
    for _ in range(args.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        pdf.render_pdf(article, extraction, settings=settings, source_dir=source_dir)
        whole.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    for _ in range(args.runs):
        t0 = time.perf_counter()
        context = build_context(article, extraction, brand=settings.brand.name, source_dir=source_dir)
        t1 = time.perf_counter()
        html = pdf.render_html(context)
        t2 = time.perf_counter()
        document = pdf.layout(html, source_dir=source_dir, variant=settings.pdf_variant)
        t3 = time.perf_counter()
        data = pdf.write_pdf(document, context, variant=settings.pdf_variant)
        t4 = time.perf_counter()
        pdf.preview_png(data)
        t5 = time.perf_counter()
        for key, value in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            stages[key].append(value)

    pages = len(pdf.layout(pdf.render_html(context), source_dir=source_dir).pages)
    print(f"article: {args.article.name} ({article.word_count} words, {pages} pages, "
          f"{len(files[0].data) // 1024} KiB PDF, {len(files[1].data) // 1024} KiB PNG)")
    print(harfbuzz_subset())
    print(f"first render (cold fonts and CSS): {cold * 1000:.0f} ms")
    print(f"warm render_pdf, median of {args.runs}: {statistics.median(whole) * 1000:.0f} ms "
          f"(min {min(whole) * 1000:.0f}, max {max(whole) * 1000:.0f}); "
          f"CPU time median {statistics.median(cpu) * 1000:.0f} ms")
    print(f"load average while measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("  stages (median ms): " + ", ".join(
        f"{k} {statistics.median(v) * 1000:.0f}" for k, v in stages.items()
    ))


if __name__ == "__main__":
    main()
