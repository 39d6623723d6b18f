"""`editorial serve` on a real PostgreSQL, and two process-pool workers publishing one batch.

A throwaway PostgreSQL cluster from Debian's `postgresql` package (`initdb` and `pg_ctl` into a
temporary folder, a free port on 127.0.0.1, password authentication over TCP, the socket in the
same folder; run as the `postgres` user when the tests run as root, since PostgreSQL refuses
root). On it:

- `editorial serve` keeps its deployments and runs in PostgreSQL (no SQLite file appears);
- the manual deployment publishes the sample and its PDF downloads; the scheduled deployment
  publishes a folder, then finds nothing changed;
- the two deployments registered with a process work pool, two `prefect worker start`
  processes ("two machines": each its own PREFECT_HOME, one checkout of the project they both
  run from, one outputs folder they share), a batch of runs created at once: every article is
  published by exactly one run on exactly one worker, both workers work at the same time, and
  the scheduled flow's change detection then finds every article unchanged (no state lost).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import ROOT, eval_sources
from .test_serve import (
    ARTICLE,
    SLUG,
    Served,
    artifacts_of,
    client,
    free_port,
    run_manual,
    start_serve,
    stop_serve,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("postgres")]

POOL = "editorial-pg-pool"
BATCH = 4  # articles published through the pool: two rounds of the two workers
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def pg_bin() -> Path:
    """The folder of Debian's PostgreSQL programs (initdb and pg_ctl are not on PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)  # fmt: skip
    if found:
        return found[-1].parent
    which = shutil.which("initdb")
    if which:
        return Path(which).parent
    pytest.fail("PostgreSQL is not installed: `make system` installs Debian's postgresql")


@dataclass
class Postgres:
    root: Path
    port: int
    url: str  # for EDITORIAL_SERVER_DATABASE_URL
    bin: Path
    as_owner: list[str]

    def psql(self, sql: str) -> str:
        """Rows of `sql` as the superuser through the socket, `|`-separated."""
        out = subprocess.run(
            [*self.as_owner, str(self.bin / "psql"), "-h", str(self.root), "-p", str(self.port),
             "-U", "postgres", "-d", "prefect", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-c", sql],
            check=True, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        return out.stdout.strip()


def _run(argv: list[str], log: Path) -> None:
    with open(log, "ab") as f:
        proc = subprocess.run(argv, stdout=f, stderr=subprocess.STDOUT, timeout=120)
    if proc.returncode:
        pytest.fail(f"{' '.join(argv[:4])}... failed ({proc.returncode}):\n{log.read_text()}")


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL cluster in a temporary folder, with a `prefect` role and database."""
    bindir = pg_bin()
    root = Path(tempfile.mkdtemp(prefix="editorial-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        import pwd

        owner = pwd.getpwnam("postgres")
        os.chown(root, owner.pw_uid, owner.pw_gid)
        as_owner = ["runuser", "-u", "postgres", "--"]
    port, password = free_port(), secrets.token_hex(12)
    log = root / "setup.log"
    data = root / "data"
    started = False
    try:
        _run([*as_owner, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8",
              "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256"], log)  # fmt: skip
        # fsync off: a throwaway cluster on a shared machine; nothing here survives the test.
        opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        _run([*as_owner, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"),
              "-w", "-t", "60", "-o", opts, "start"], log)  # fmt: skip
        started = True
        for sql in (f"CREATE ROLE prefect LOGIN PASSWORD '{password}'",
                    "CREATE DATABASE prefect OWNER prefect"):  # fmt: skip
            _run([*as_owner, str(bindir / "psql"), "-h", str(root), "-p", str(port), "-U",
                  "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql], log)  # fmt: skip
        yield Postgres(root, port, f"postgresql+asyncpg://prefect:{password}@127.0.0.1:{port}/prefect",
                       bindir, as_owner)  # fmt: skip
    finally:
        if started:
            subprocess.run([*as_owner, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                            "stop"], capture_output=True, timeout=120)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def served_pg(postgres: Postgres, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    served = start_serve(tmp_path_factory.mktemp("serve-pg"),
                         {"EDITORIAL_SERVER_DATABASE_URL": postgres.url})  # fmt: skip
    try:
        yield served
    finally:
        assert stop_serve(served) == 0, served.output()


# ---------------------------------------------------------------- the server on PostgreSQL


def test_serve_keeps_its_deployments_in_postgres(postgres: Postgres, served_pg: Served) -> None:
    print(f"\nserve on PostgreSQL ready in {served_pg.ready_seconds:.1f} s")
    rows = postgres.psql("SELECT f.name || '/' || d.name, d.paused FROM deployment d "
                         "JOIN flow f ON f.id = d.flow_id ORDER BY 1")  # fmt: skip
    assert rows.splitlines() == ["publish-article/manual|f", "publish-sources/scheduled|f"]
    assert postgres.psql("SELECT count(*) FROM deployment_schedule WHERE active") == "1"
    assert not (served_pg.home / "prefect.db").exists()  # nothing went to SQLite


def test_manual_and_scheduled_deployments_run_on_postgres(
    postgres: Postgres, served_pg: Served, tmp_path: Path
) -> None:
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    t0 = time.monotonic()
    run = run_manual(served_pg, {"article": ARTICLE, "outputs": ["pdf"], "force": True})
    print(f"\nmanual run on PostgreSQL: {time.monotonic() - t0:.1f} s")
    assert run.state.is_completed(), (run.state.message, served_pg.output()[-3000:])
    link = str(artifacts_of(served_pg, run.id)[f"pdf-{SLUG}"].data)
    m = re.fullmatch(r"\[Download PDF\]\((.+)\)", link)
    assert m, link
    r = httpx.get(m.group(1), timeout=30)
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")

    folder = tmp_path / "scheduled"
    folder.mkdir()
    for src in eval_sources()[:2]:
        shutil.copy(src, folder / src.name)

    t0 = time.monotonic()
    with temporary_settings({PREFECT_API_URL: served_pg.api}):
        first = run_deployment("publish-sources/scheduled", timeout=400, poll_interval=1,
                               parameters={"paths": [str(folder)], "formats": ["social"]})  # fmt: skip
    print(f"scheduled run on PostgreSQL: {time.monotonic() - t0:.1f} s")
    assert first.state.is_completed(), first.state.message
    assert first.state.message == "2 published, 0 unchanged"
    assert sorted(p.name for p in (served_pg.out).iterdir() if p.is_dir() and p.name != ".state") \
        == sorted([SLUG, *(_slug_of(served_pg.out, src) for src in folder.iterdir())])  # fmt: skip
    done = postgres.psql(f"SELECT count(*) FROM flow_run WHERE id IN ('{run.id}', "
                         f"'{first.id}') AND state_type = 'COMPLETED'")  # fmt: skip
    assert done == "2"


def _slug_of(out: Path, source: Path) -> str:
    from editorial import store

    return str(store.read_state(out, str(source)).get("slug", f"<no state for {source.name}>"))


# ---------------------------------------------------------------- two workers, one batch


def _worker_checkout(tmp: Path, articles: list[Path]) -> Path:
    """The project as a worker machine has it: its own copy of the code, templates and
    settings (imported first through PYTHONPATH), and its sources/."""
    checkout = tmp / "checkout"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("editorial", "flows", "templates"):
        shutil.copytree(ROOT / name, checkout / name, ignore=skip)
    for name in ("editorial.toml", "pyproject.toml"):
        shutil.copy(ROOT / name, checkout / name)
    (checkout / "sources").mkdir()
    for src in articles:
        shutil.copy(src, checkout / "sources" / src.name)
    return checkout


@contextlib.contextmanager
def pool_workers(served: Served, checkout: Path, out: Path, tmp: Path) -> Iterator[dict[str, Path]]:
    """Two `prefect worker start --pool POOL --limit 1`, each with its own PREFECT_HOME;
    yields their logs by worker name once both are online."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "EDITORIAL_"))}
    logs = {name: tmp / f"{name}.log" for name in ("worker-a", "worker-b")}
    procs = []
    try:
        for name, log in logs.items():
            env = base | {"DO_NOT_TRACK": "1", "PREFECT_API_URL": served.api,
                          "PREFECT_HOME": str(tmp / f"{name}-home"), "PREFECT_WORKER_QUERY_SECONDS": "1",
                          "EDITORIAL_OUTPUT_DIR": str(out), "PYTHONPATH": str(checkout)}  # fmt: skip
            with open(log, "wb") as f:
                procs.append(subprocess.Popen(
                    [str(Path(sys.executable).parent / "prefect"), "worker", "start", "--pool", POOL,
                     "--type", "process", "--limit", "1", "--name", name],
                    cwd=checkout, env=env, stdout=f, stderr=subprocess.STDOUT,
                    start_new_session=True))  # fmt: skip
        deadline = time.monotonic() + 120
        while True:
            with client(served) as c:
                online = {w.name for w in c.read_workers_for_work_pool(POOL)
                          if str(w.status).upper().endswith("ONLINE")}  # fmt: skip
            if online >= set(logs):
                break
            dead = [p for p in procs if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                pytest.fail("pool workers did not come online:\n" +
                            "\n".join(log.read_text("utf-8", "replace")[-2000:] for log in logs.values()))  # fmt: skip
            time.sleep(0.5)
        yield logs
    finally:
        for p in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGINT)
        for p in procs:
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def _wait_all(served: Served, ids: list[Any], timeout: float) -> list[Any]:
    deadline = time.monotonic() + timeout
    with client(served) as c:
        while True:
            runs = [c.read_flow_run(i) for i in ids]
            if all(r.state and r.state.type.value in FINAL for r in runs):
                return runs
            if time.monotonic() > deadline:
                pytest.fail(f"runs not finished after {timeout:.0f} s: "
                            f"{[(r.name, r.state and r.state.name) for r in runs]}")  # fmt: skip
            time.sleep(1.0)


def test_two_pool_workers_publish_a_batch_once_each(
    postgres: Postgres, served_pg: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from editorial.cache import is_fresh, job_key
    from editorial.config import load_settings
    from editorial.sources import discover
    from editorial.stages import Job
    from flows.deployments import MANUAL, deploy_to_pool

    articles = [p for p in eval_sources() if p.parent.name == "en"][:BATCH]
    checkout = _worker_checkout(tmp_path, articles)
    out = tmp_path / "shared-outputs"  # the folder every worker machine mounts
    with temporary_settings({PREFECT_API_URL: served_pg.api}):
        deploy_to_pool(load_settings(), pool=POOL, source=str(checkout), which=(MANUAL,),
                       suffix="-pool")  # fmt: skip
    with pool_workers(served_pg, checkout, out, tmp_path) as logs:
        t0 = time.monotonic()
        tag = uuid.uuid4().hex[:6]
        names = {f"batch-{tag}-{k}": src for k, src in enumerate(articles)}
        with temporary_settings({PREFECT_API_URL: served_pg.api}):
            created = [run_deployment("publish-article/manual-pool", timeout=0, flow_run_name=name,
                                      parameters={"request": {"article": f"sources/{src.name}",
                                                              "outputs": ["social"]}})
                       for name, src in names.items()]  # fmt: skip
        runs = _wait_all(served_pg, [r.id for r in created], timeout=600)
        took = time.monotonic() - t0
        print(f"\n{BATCH} articles on two pool workers: {took:.1f} s")
        worker_text = {n: log.read_text("utf-8", "replace") for n, log in logs.items()}
        for r in runs:
            assert r.state.is_completed(), (r.name, r.state.message, worker_text)

        # Each run started exactly once, on exactly one worker, and both workers took part.
        with client(served_pg) as c:
            history = {r.id: c.read_flow_run_states(r.id) for r in runs}
        for r in runs:
            kinds = [s.type.value for s in history[r.id]]
            assert kinds.count("RUNNING") == 1 and kinds.count("COMPLETED") == 1, (r.name, kinds)
        ran_on = {name: {n for n in names if f"Flow run '{n}' submitted to infrastructure" in text}
                  for name, text in worker_text.items()}  # fmt: skip
        assert ran_on["worker-a"].isdisjoint(ran_on["worker-b"]), ran_on
        assert ran_on["worker-a"] | ran_on["worker-b"] == set(names), ran_on
        assert ran_on["worker-a"] and ran_on["worker-b"], ran_on
        spans = sorted((min(s.timestamp for s in history[r.id] if s.type.value == "RUNNING"),
                        max(s.timestamp for s in history[r.id] if s.type.value == "COMPLETED"))
                       for r in runs)  # fmt: skip
        assert any(b[0] < a[1] for a, b in zip(spans, spans[1:], strict=False)), spans

        # Every article once in the shared folder, nothing half-written left behind.
        folders = {p.name for p in out.iterdir() if p.is_dir() and p.name != ".state"}
        assert len(folders) == BATCH, folders
        assert not [p for p in out.iterdir() if p.name.startswith((".tmp-", ".old-"))]
        for name in folders:
            assert (out / name / "social.md").is_file() and (out / name / "manifest.json").is_file()
        assert len(list((out / ".state").glob("*.json"))) == BATCH

        # The scheduled flow's decision, made where the workers run, finds every article
        # unchanged: no state was lost (the same calls as publish_sources; a pool run of it
        # would cost another fresh process).
        monkeypatch.chdir(checkout)
        settings = load_settings()
        jobs = [Job(source=s, formats=("social",)) for s in discover(["sources"])]
        assert len(jobs) == BATCH
        assert [is_fresh(job, job_key(job, settings), out) for job in jobs] == [True] * BATCH
    rows = postgres.psql(
        "SELECT count(*) FROM flow_run r JOIN work_queue q ON q.id = r.work_queue_id "
        "JOIN work_pool p ON p.id = q.work_pool_id "
        f"WHERE p.name = '{POOL}' AND r.state_type = 'COMPLETED'"
    )
    assert rows == str(BATCH)
