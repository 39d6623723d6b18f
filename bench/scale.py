"""The scale-out benchmark: change detection over many unchanged sources, a big batch on the
default runner, and a batch on a separate Dask scheduler beside the process pool.

Usage:
    python bench/scale.py detect [--n 10000]      # cheap: seeds outputs, publishes nothing
    python bench/scale.py big    [--n 10000]      # `editorial run` on N articles: hours here
    python bench/scale.py dask   [--n 1000]       # Dask cluster vs process pool, same corpus
    python bench/scale.py smoke                   # all three at a few articles (a minute or two)

- detect: the scheduled flow's change detection over N sources that have not changed. The
  outputs of N published articles are seeded rather than rendered (rendering 10,000 articles
  is what `big` measures): one real article is produced and published through the store, and
  every other source gets what the publisher leaves for it (its own content key, state file and
  manifest, and the same list of files, hard-linked from the real one). Then it times
  (a) the decision alone in this process (discover, content key, freshness: what the flow
  does first) and (b) `publish_sources` itself in a fresh process against a real
  `prefect server start`, as a scheduled run of the deployment runs, which must answer
  "0 published, N unchanged".
- big: `editorial run CORPUS` (the default runner: Prefect's temporary server, the warm
  worker-process pool), cold then again with nothing changed: wall time, peak RSS of the
  process tree, and the size of Prefect's SQLite database after the cold run.
- dask: the same corpus through `publish_sources(runner="dask", dask_address=...)` on a
  `dask scheduler` process with `dask worker --nworkers W --nthreads 1` processes, then through
  the default process runner, both against one real Prefect server: articles per second of
  each, and whether the outputs are the same (file lists and bytes; PDFs by their text, PNGs
  by their presence).

Results are appended to bench/out/scale.jsonl and summarised in bench/out/scale.md.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(1, str(ROOT))

import corpus  # noqa: E402
from run import BIN, EDITORIAL, PrefectServer, _free_port, base_env, kill_group, timed  # noqa: E402

OUT = BENCH / "out"
RESULTS = OUT / "scale.jsonl"
SUMMARY = OUT / "scale.md"
WORK = OUT / "scale"
MIB = 1024**2


def record(kind: str, **data: Any) -> dict[str, Any]:
    row = {"kind": kind, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "commit": _commit(), "load1": round(os.getloadavg()[0], 2), **data}  # fmt: skip
    OUT.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(json.dumps(row) + "\n")
    print("  " + json.dumps(row), flush=True)
    return row


def _commit() -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10).stdout.strip()  # fmt: skip
    return "?"


def _size(path: Path) -> int:
    """Bytes under `path` (a file or a folder), hard links counted once."""
    if path.is_file():
        return path.stat().st_size
    seen: set[tuple[int, int]] = set()
    total = 0
    for p in path.rglob("*"):
        if p.is_file():
            st = p.stat()
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total


# ---------------------------------------------------------------- the flow, in its own process


def flow_main(argv: list[str]) -> int:
    """`python bench/scale.py _flow ...`: one `publish_sources` run against PREFECT_API_URL,
    as a deployment's run process would do it; prints one JSON line."""
    p = argparse.ArgumentParser()
    p.add_argument("--paths", nargs="+", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--runner", default="processes")
    p.add_argument("--address", default="")
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    from flows.publish import publish_sources

    imported = time.perf_counter() - t0
    state = publish_sources(paths=args.paths, out_dir=args.out, workers=args.workers,
                            runner=args.runner, dask_address=args.address, return_state=True)  # fmt: skip
    rows = state.result(raise_on_failure=False)
    counts = {s: sum(r["status"] == s for r in rows) for s in ("ok", "failed", "skipped")}
    print(json.dumps({"import_s": round(imported, 2), "flow_s": round(time.perf_counter() - t0 - imported, 2),
                      "message": state.message, "counts": counts}))  # fmt: skip
    return 0


def run_flow(server: PrefectServer, *, paths: list[Path], out: Path, log: Path, timeout: float,
             runner: str = "processes", address: str = "", workers: int = 2) -> dict[str, Any]:  # fmt: skip
    env = base_env() | {"PREFECT_API_URL": server.url, "PREFECT_HOME": str(server.home),
                        "EDITORIAL_PUBLISHER": "off"}  # fmt: skip
    cmd = [sys.executable, str(BENCH / "scale.py"), "_flow", "--paths", *map(str, paths),
           "--out", str(out), "--runner", runner, "--address", address, "--workers", str(workers)]  # fmt: skip
    t = timed(cmd, env=env, log=log, timeout=timeout)
    lines = [ln for ln in log.read_text("utf-8", "replace").splitlines() if ln.startswith("{")]
    if t.rc != 0 or t.timed_out or not lines:
        tail = log.read_text("utf-8", "replace")[-2000:]
        raise SystemExit(f"the flow failed (rc {t.rc}, timed out {t.timed_out}); {log}:\n{tail}")
    return {**json.loads(lines[-1]), "wall_s": round(t.wall, 2), "cpu_s": t.cpu,
            "peak_rss_mib": round(t.peak_rss / MIB)}  # fmt: skip


# ---------------------------------------------------------------- detect


def seed_outputs(sources: list[str], out: Path) -> float:
    """Outputs for `sources` as if each had been published with every format: one article
    really produced and published, the others given their own key, state and manifest and
    the same files (hard links). Returns the seconds it took."""
    from editorial import outcomes, store
    from editorial.cache import job_key
    from editorial.config import load_settings
    from editorial.stages import Job, produce

    t0 = time.perf_counter()
    settings = load_settings()
    shutil.rmtree(out, ignore_errors=True)
    first = Job(source=sources[0])
    model = outcomes.publish(first, produce(first, settings), job_key(first, settings), out)
    assert model.status == "ok", model
    template = store.read_manifest(out / model.slug)
    for k, source in enumerate(sources[1:], 1):
        job = Job(source=source)
        key = job_key(job, settings)
        slug = f"{model.slug[:60]}-{k:05d}"
        folder = out / slug
        for name in template["files"]:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            os.link(out / model.slug / name, folder / name)
        manifest = {**template, "source": source, "slug": slug, "key": key}
        (folder / store.MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        )
        result = model.model_copy(update={"source": source, "slug": slug})
        store.write_json(
            store.state_path(out, source), {"key": key, **result.model_dump(mode="json")}
        )
    return time.perf_counter() - t0


def decide(paths: list[Path], out: Path) -> tuple[float, int, int]:
    """What the scheduled flow does before publishing anything: (seconds, sources, changed)."""
    from editorial import cache, sources
    from editorial.config import load_settings
    from editorial.stages import Job

    t0 = time.perf_counter()
    settings = load_settings()
    jobs = [Job(source=s) for s in sources.discover(paths)]
    changed = sum(not cache.is_fresh(job, cache.job_key(job, settings), out) for job in jobs)
    return time.perf_counter() - t0, len(jobs), changed


def bench_detect(n: int) -> dict[str, Any]:
    print(f"detect: {n:,} unchanged sources", flush=True)
    src = OUT / f"corpus-{n}"
    corpus.build(n, src)
    out = WORK / f"detect-n{n}"
    files = sorted(str(p) for p in src.glob("*.txt"))
    seeded = seed_outputs(files, out)
    print(
        f"  seeded {n:,} articles' outputs in {seeded:.1f} s ({_size(out) / MIB:.0f} MiB)",
        flush=True,
    )
    runs = [decide([src], out) for _ in range(3)]
    changed = runs[-1][2]
    if changed:
        raise SystemExit(f"{changed} seeded sources look changed: the seeding is wrong")
    server = PrefectServer()
    try:
        flow = run_flow(server, paths=[src], out=out, log=WORK / f"detect-n{n}.log", timeout=1800)
    finally:
        server.stop()
    if flow["message"] != f"0 published, {n} unchanged":
        raise SystemExit(f"the scheduled flow did not find everything unchanged: {flow}")
    return record("detect", n=n, decide_s=[round(r[0], 3) for r in runs], flow=flow,
                  seed_s=round(seeded, 1), outputs_mib=round(_size(out) / MIB))  # fmt: skip


# ---------------------------------------------------------------- big


def bench_big(n: int, workers: int | None) -> dict[str, Any]:
    print(f"big: `editorial run` on {n:,} articles (default runner)", flush=True)
    src = OUT / f"corpus-{n}"
    corpus.build(n, src)
    home = WORK / f"big-n{n}-prefect-home"
    out = WORK / f"big-n{n}"
    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    # No server running: `editorial run` starts Prefect's temporary one, its SQLite in home.
    env = base_env() | {"PREFECT_HOME": str(home), "EDITORIAL_PUBLISHER": "off",
                        "EDITORIAL_SERVER_PREFECT_PORT": str(_free_port())}  # fmt: skip
    cmd = [str(EDITORIAL), "run", str(src), "--quiet", "--out", str(out)]
    if workers:
        cmd += ["--workers", str(workers)]
    phases = {}
    for phase in ("cold", "rerun"):
        t = timed(cmd, env=env, log=WORK / f"big-n{n}-{phase}.log", timeout=max(600.0, n * 3.0))
        report = json.loads((out / "run-report.json").read_text("utf-8"))["summary"]
        phases[phase] = {"wall_s": round(t.wall, 1), "rc": t.rc, "timed_out": t.timed_out,
                         "cpu_s": t.cpu, "peak_rss_mib": round(t.peak_rss / MIB), "summary": report,
                         "articles_per_s": round(n / t.wall, 2)}  # fmt: skip
        if phase == "cold":
            db = home / "prefect.db"
            phases[phase]["prefect_db_mib"] = round(
                sum(_size(p) for p in home.glob("prefect.db*") if p.is_file()) / MIB, 1
            ) if db.exists() else None  # fmt: skip
            phases[phase]["outputs_mib"] = round(_size(out) / MIB)
        if t.rc not in (0, 1) or t.timed_out:
            break
    return record("big", n=n, workers=workers, **phases)


# ---------------------------------------------------------------- dask


@contextlib.contextmanager
def dask_cluster(workers: int, log_dir: Path) -> Iterator[str]:
    """`dask scheduler` + `dask worker --nworkers N --nthreads 1`, separate processes."""
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {k: v for k, v in base_env().items() if not k.startswith("PREFECT_")}
    argvs = {
        "dask-scheduler": [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                           str(port), "--no-dashboard"],
        "dask-workers": [str(BIN / "dask"), "worker", address, "--nworkers", str(workers),
                         "--nthreads", "1", "--memory-limit", "2GiB", "--no-dashboard",
                         "--local-directory", str(log_dir)],
    }  # fmt: skip
    procs = []
    try:
        for name, argv in argvs.items():
            with open(log_dir / f"{name}.log", "wb") as f:
                procs.append(subprocess.Popen(argv, cwd=log_dir, env=env, stdout=f,
                                              stderr=subprocess.STDOUT, start_new_session=True))  # fmt: skip
        deadline, joined = time.monotonic() + 120, 0
        while joined < workers:
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise SystemExit(f"the Dask cluster did not start; see {log_dir}/dask-*.log")
            with contextlib.suppress(OSError, TimeoutError), Client(address, timeout=5) as c:
                joined = len(c.scheduler_info()["workers"])
            time.sleep(0.5)
        yield address
    finally:
        for p in reversed(procs):
            kill_group(p, grace=20)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(
        pg.extract_text() or "" for pg in PdfReader(io.BytesIO(path.read_bytes())).pages
    )


def compare_outputs(a: Path, b: Path) -> list[str]:
    """Differences between two output folders (PDFs by text, PNGs by presence)."""

    def listing(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*")
                if p.is_file() and ".state" not in p.parts
                and p.name not in ("run-report.json", ".lock")}  # fmt: skip (.lock: the writer's pid)

    names_a, names_b = listing(a), listing(b)
    diffs = [f"only in {a.name}: {n}" for n in sorted(names_a - names_b)]
    diffs += [f"only in {b.name}: {n}" for n in sorted(names_b - names_a)]
    for name in sorted(names_a & names_b):
        if name.endswith(".png"):
            continue
        if name.endswith(".pdf"):
            same = _pdf_text(a / name) == _pdf_text(b / name)
        else:
            same = (a / name).read_bytes() == (b / name).read_bytes()
        if not same:
            diffs.append(f"differs: {name}")
    return diffs


def bench_dask(n: int, workers: int) -> dict[str, Any]:
    print(f"dask: {n:,} articles, Dask cluster ({workers} worker processes) vs process pool",
          flush=True)  # fmt: skip
    src = OUT / f"corpus-{n}"
    corpus.build(n, src)
    work = WORK / f"dask-n{n}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    timeout = max(600.0, n * 5.0)
    server = PrefectServer()
    try:
        with dask_cluster(workers, work) as address:
            dask = run_flow(server, paths=[src], out=work / "dask", log=work / "dask.log",
                            timeout=timeout, runner="dask", address=address, workers=workers)  # fmt: skip
        pool = run_flow(server, paths=[src], out=work / "processes", log=work / "processes.log",
                        timeout=timeout, runner="processes", workers=workers)  # fmt: skip
    finally:
        server.stop()
    diffs = compare_outputs(work / "processes", work / "dask")
    for r in (dask, pool):
        r["articles_per_s"] = round(n / r["wall_s"], 2)
    return record("dask", n=n, workers=workers, dask=dask, processes=pool,
                  same_outputs=not diffs, differences=diffs[:20])  # fmt: skip


# ---------------------------------------------------------------- summary


def write_summary() -> None:
    rows = [json.loads(ln) for ln in RESULTS.read_text("utf-8").splitlines() if ln.strip()]
    lines = ["# Scale benchmarks (bench/scale.py)", "",
             "| when | commit | load | what | N | result |", "|---|---|---:|---|---:|---|"]  # fmt: skip
    for r in rows:
        if r["kind"] == "detect":
            f = r["flow"]
            what = "change detection, nothing changed"
            res = (f"decision {min(r['decide_s']):.2f} s in-process; scheduled flow {f['flow_s']:.1f} s "
                   f"(process {f['wall_s']:.1f} s, peak {f['peak_rss_mib']} MiB): {f['message']}")  # fmt: skip
        elif r["kind"] == "big":
            c, re_ = r.get("cold", {}), r.get("rerun", {})
            what = "`editorial run`, default runner"
            res = (f"cold {c.get('wall_s')} s ({c.get('articles_per_s')} articles/s, peak "
                   f"{c.get('peak_rss_mib')} MiB, Prefect DB {c.get('prefect_db_mib')} MiB, "
                   f"{c.get('summary')}); unchanged {re_.get('wall_s')} s")  # fmt: skip
        else:
            d, p = r["dask"], r["processes"]
            what = f"batch flow, Dask ({r['workers']} workers) vs process pool"
            res = (f"Dask {d['wall_s']} s ({d['articles_per_s']} articles/s), process pool "
                   f"{p['wall_s']} s ({p['articles_per_s']} articles/s); same outputs: "
                   f"{r['same_outputs']}")  # fmt: skip
        lines.append(f"| {r['at']} | {r['commit']} | {r['load1']} | {what} | {r['n']:,} | {res} |")
    SUMMARY.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"wrote {SUMMARY}")
    import sections  # the same table in BENCHMARKS.md, as its own section

    body = "\n".join(["## Scale (`bench/scale.py`)", "", *lines[2:]])
    sections.write("scale", "bench/scale.py", body)
    print(f"wrote the scale section of {sections.REPORT}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_flow"]:
        return flow_main(argv[1:])
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("what", choices=["detect", "big", "dask", "smoke"])
    p.add_argument("--n", type=int, default=None, help="articles (detect/big: 10000, dask: 1000)")
    p.add_argument("--workers", type=int, default=2, help="worker processes (pool and Dask)")
    args = p.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    if args.what == "detect":
        bench_detect(args.n or 10_000)
    elif args.what == "big":
        bench_big(args.n or 10_000, args.workers)
    elif args.what == "dask":
        bench_dask(args.n or 1_000, args.workers)
    else:
        n = args.n or 6
        bench_detect(max(n, 50))
        bench_big(n, args.workers)
        bench_dask(n, args.workers)
    write_summary()
    return 0


if __name__ == "__main__":
    sys.exit(main())
