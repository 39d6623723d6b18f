"""Cost per KB of input: time and peak memory of one article, by shape of input and size.

Usage: python bench/cost.py [--sizes 10,20,40,80] [--kinds prose,lines,...] [--formats ...]

Hostile inputs are cheap to make and can be expensive to process: work that grows faster than
the input (a quadratic loop or regex over the text) turns a few hundred KB into minutes and
makes the outcome depend on the machine's load (ok, `timeout` or `too_large` from one run to
the next). For every shape below and every size, one article is produced (`stages.produce`,
every stage and format) in a child forked from a warm parent (models loaded once), under the
worker's own limits (`limits.worker_memory_mb` as RLIMIT_AS, the stage time limits); the
child's peak RSS above the parent's is its memory. Printed per run: seconds, s/KB, peak MB,
MB/KB, the outcome, and the growth exponent between consecutive sizes (time ~ size^k: k near 1
is linear, near 2 quadratic). Results are appended to bench/out/cost.jsonl.

The inputs are synthetic shapes (prose with quotes and many people, 50,000 short lines,
headings only, one long line, the apposition pattern `speaker_role` reads), generated here:
no corpus text is used.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST = ["Anne", "Paul", "Claire", "Jean", "Marie", "Louis", "Sophie", "Marc", "Julie", "Pierre"]
LAST = ["Leroy", "Martin", "Dubois", "Moreau", "Laurent", "Simon", "Michel", "Garcia", "Roux"]


def _people(n: int) -> list[str]:
    return [f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}" for i in range(n)]


def prose(kb: int) -> str:
    people, parts, i = _people(90), ["# The council budget\n"], 0
    while sum(map(len, parts)) < kb * 1024:
        who = people[i % len(people)]
        parts.append(f'"We will publish the figures in June," said {who}, the treasurer of '
                     f"district {i}. {who.split()[1]} added that residents of Brest asked for "
                     "more buses and a new library.\n")  # fmt: skip
        i += 1
    return "\n".join(parts)


def lines(kb: int) -> str:
    return "# Lines\n\n" + "\n".join(f"w{i}" for i in range(kb * 1024 // 4))


def headings(kb: int) -> str:
    return "# Headings\n\nIntro text.\n\n" + "".join(f"## Heading {i}\n\n" for i in range(kb * 1024 // 16))


def one_line(kb: int) -> str:
    words = ("council budget residents buses library treasurer district figures " * (kb * 16))[: kb * 1024]
    return "# One line\n\n" + words


def roles(kb: int) -> str:
    return "# Roles\n\n" + '"Yes," said Jane Smith. ' + "Jane Smith is a x " * (kb * 1024 // 18)


KINDS = {"prose": prose, "lines": lines, "headings": headings, "one-line": one_line, "roles": roles}


def _child(path: Path, formats: tuple[str, ...], limit_mb: int, conn_w: int) -> None:
    from editorial.config import load_settings
    from editorial.outcomes import failed
    from editorial.stages import Job, produce

    limit = limit_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    job = Job(source=str(path), formats=formats)  # type: ignore[arg-type]
    try:
        produce(job, load_settings())
        code = "ok"
    except BaseException as exc:  # noqa: BLE001 - coded as the worker codes it
        result = failed(job, exc)
        code = result.error.code if result.error else "internal_error"
    os.write(conn_w, code.encode())
    os._exit(0)


def measure(path: Path, formats: tuple[str, ...], limit_mb: int, deadline: float) -> dict[str, object]:
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    r, w = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        _child(path, formats, limit_mb, w)
    os.close(w)
    code = "timeout (bench deadline)"
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - started > deadline:
            os.kill(pid, 9)
            _, status, usage = os.wait4(pid, 0)
            break
        time.sleep(0.05)
    seconds = time.monotonic() - started
    got = os.read(r, 100).decode()
    os.close(r)
    code = got or (code if seconds > deadline else f"died (status {status})")
    return {"seconds": seconds, "peak_mb": max(0, usage.ru_maxrss - base) / 1024, "outcome": code}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,20,40,80", help="KB, comma-separated")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--formats", default="pdf,newsletter,social")
    ap.add_argument("--deadline", type=float, default=300.0, help="seconds per article")
    args = ap.parse_args()
    from editorial.config import load_settings
    from editorial.extract.nlp import warm_up

    settings = load_settings()
    warm_up(("en",))
    from editorial.warmup import warm_up as warm_renderers

    warm_renderers(settings, ("en",))
    sizes = [int(s) for s in args.sizes.split(",")]
    formats = tuple(args.formats.split(","))
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    print("| kind | KB | s | s/KB | peak MB | MB/KB | outcome | time ~ size^k |")
    print("|---|---:|---:|---:|---:|---:|---|---:|")
    with tempfile.TemporaryDirectory(prefix="editorial-cost-") as tmp:
        for kind in args.kinds.split(","):
            previous: tuple[int, float] | None = None
            for kb in sizes:
                path = Path(tmp) / f"{kind}-{kb}.md"
                path.write_text(KINDS[kind](kb), "utf-8")
                real_kb = path.stat().st_size / 1024
                m = measure(path, formats, settings.limits.worker_memory_mb, args.deadline)
                s, mb = float(m["seconds"]), float(m["peak_mb"])  # type: ignore[arg-type]
                k = (f"{math.log(s / previous[1]) / math.log(real_kb / previous[0]):.2f}"
                     if previous and previous[1] > 0 else "")  # fmt: skip
                previous = (int(real_kb), s)
                print(f"| {kind} | {real_kb:.0f} | {s:.2f} | {s / real_kb:.3f} | {mb:.0f} | "
                      f"{mb / real_kb:.2f} | {m['outcome']} | {k} |", flush=True)  # fmt: skip
                with open(out / "cost.jsonl", "a", encoding="utf-8") as f:
                    f.write(json.dumps({"kind": kind, "kb": real_kb, **m, "formats": formats}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
