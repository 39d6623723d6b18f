"""`editorial serve`: a Prefect server, the deployments and the download app, in one command.

Three child processes, started in this order and stopped in the reverse one (the deployments
before the server, or the runner hangs talking to a server that is gone):

1. `prefect server start` (SQLite under .prefect/ unless server.database_url is set; through
   `flows.prefectserver`, which begins its SQLite write transactions IMMEDIATE), ready when
   `/api/health` answers;
2. the download app (`python -m editorial.web`), ready when its `/health` answers;
3. the deployments (`python -m flows.deployments serve`, `pause_on_shutdown=False` so the
   schedule survives a restart), ready when both deployments exist on the server;
4. a warm task worker (`python -m flows.warmworker`): a batch, scheduled or from
   `editorial run`, hands its articles to its pool (models already loaded).

Each child runs in its own session, so Ctrl-C reaches only this process, which then stops
them in order. Their output goes to `<PREFECT_HOME>/logs/*.log`.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from editorial.config import PROJECT_ROOT, Settings, load_settings
from flows.params import DOWNLOAD_URL_ENV, OUTPUT_DIR_ENV, WARM_STORAGE_ENV

__all__ = ["Services", "prefect_env", "serve", "urls"]

STOP_TIMEOUT = 20.0


class ServeError(RuntimeError):
    """A service did not start; the message says which and where its log is."""


@dataclass(frozen=True)
class Urls:
    ui: str  # the Prefect UI
    api: str  # PREFECT_API_URL for clients
    download: str  # the download app, as people see it


def _client_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def urls(settings: Settings, host: str, prefect_port: int, download_port: int) -> Urls:
    ui = f"http://{_client_host(host)}:{prefect_port}"
    download = settings.server.download_url or f"http://{_client_host(host)}:{download_port}"
    return Urls(ui=ui, api=f"{ui}/api", download=download.rstrip("/"))


def prefect_env(settings: Settings, u: Urls, *, home: Path) -> dict[str, str]:
    """Environment for the server and every Prefect client we start: offline, CSRF on,
    CORS limited to the UI's own origin (plus server.cors_origins), optional Basic auth."""
    origins = ",".join(dict.fromkeys([u.ui, *settings.server.cors_origins]))
    env = {
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": u.api,
        "PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED": "true",
        "PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS": origins,
        "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
        "PREFECT_SERVER_UI_STATIC_DIRECTORY": str(home / "ui"),
    }
    if settings.server.database_url:
        env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = settings.server.database_url
    if settings.server.auth_string:
        env["PREFECT_SERVER_API_AUTH_STRING"] = settings.server.auth_string
        env["PREFECT_API_AUTH_STRING"] = settings.server.auth_string
    return env


# The new UI initialises an analytics SDK with a key built into its bundle whatever
# PREFECT_SERVER_ANALYTICS_ENABLED says (that setting only gates the events it sends), and the
# SDK fetches its remote configuration from the vendor's host on every page load. The server
# serves the UI from a copy under PREFECT_HOME (PREFECT_SERVER_UI_STATIC_DIRECTORY): in that
# copy the key is emptied (the UI then skips the SDK) and index.html gets a Content-Security-
# Policy that keeps the page's connections to its own origin.
_ANALYTICS_KEY = re.compile(r"(function \w+\(\)\{return)`[0-9a-f]{32}`(\}function \w+\(\)\{let e=\w+"
                            r"\(\);return e\?\(\w+\(e,\{trackingOptions)")  # fmt: skip
_UI_CSP = '<meta http-equiv="Content-Security-Policy" content="connect-src \'self\'">'


def quiet_ui(static_dir: Path) -> int:
    """Patch the served UI copy so it makes no request off this origin; returns the number
    of files changed (0 when already done or when a new Prefect UI has no such key)."""
    changed = 0
    for js in sorted(static_dir.glob("*/assets/*.js")):
        text = js.read_text("utf-8")
        patched = _ANALYTICS_KEY.sub(r"\1``\2", text)
        if patched != text:
            js.write_text(patched, "utf-8")
            changed += 1
    for html in sorted(static_dir.glob("*/index.html")):
        text = html.read_text("utf-8")
        if _UI_CSP not in text and "<head>" in text:
            html.write_text(text.replace("<head>", "<head>" + _UI_CSP, 1), "utf-8")
            changed += 1
    return changed


def _auth_headers(settings: Settings) -> dict[str, str]:
    if not settings.server.auth_string:
        return {}
    token = base64.b64encode(settings.server.auth_string.encode()).decode()
    return {"Authorization": f"Basic {token}"}


def _get_ok(url: str, headers: dict[str, str]) -> bool:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=2) as r:
            return bool(r.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _set_parent_death_signal() -> None:
    """Linux: a child gets SIGTERM if `editorial serve` dies without stopping it."""
    os.setsid()
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Child:
    name: str
    proc: subprocess.Popen[bytes]
    log: Path
    stop_signal: int = signal.SIGTERM


@dataclass
class Services:
    """The running children, stopped in reverse order of start."""

    log_dir: Path
    children: list[Child] = field(default_factory=list)

    def start(self, name: str, argv: list[str], env: dict[str, str], *,
              stop_signal: int = signal.SIGTERM) -> Child:  # fmt: skip
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_dir / f"{name}.log"
        with open(log, "ab") as out:
            proc = subprocess.Popen(argv, env={**os.environ, **env}, cwd=PROJECT_ROOT,
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    preexec_fn=_set_parent_death_signal)  # fmt: skip
        child = Child(name, proc, log, stop_signal)
        self.children.append(child)
        return child

    def wait_until(self, child: Child, ready: Callable[[], bool], timeout: float) -> float:
        """Seconds until `ready()`; ServeError if the child exits or time runs out."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if child.proc.poll() is not None:
                raise ServeError(f"{child.name} exited with status {child.proc.returncode}; "
                                 f"see {child.log}\n{_tail(child.log)}")  # fmt: skip
            if ready():
                return time.monotonic() - t0
            time.sleep(0.25)
        raise ServeError(f"{child.name} not ready after {timeout:.0f} s; see {child.log}")

    def dead(self) -> Child | None:
        return next((c for c in self.children if c.proc.poll() is not None), None)

    def stop(self) -> None:
        for child in reversed(self.children):
            if child.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.proc.pid, child.stop_signal)
                try:
                    child.proc.wait(STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(child.proc.pid, signal.SIGKILL)
                    child.proc.wait()
        self.children.clear()


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text("utf-8", "replace").splitlines()[-lines:])
    except OSError:
        return ""


def _deployments_ready(api: str, headers: dict[str, str]) -> Callable[[], bool]:
    from flows.deployments import MANUAL, SCHEDULED

    def ready() -> bool:
        if not _get_ok(f"{api}/deployments/name/{SCHEDULED}", headers):
            return False
        try:  # the manual form lists the articles (flows.deployments.watch_sources)
            req = urllib.request.Request(f"{api}/deployments/name/{MANUAL}", headers=headers)
            with urllib.request.urlopen(req, timeout=2) as r:
                schema = json.loads(r.read()).get("parameter_openapi_schema") or {}
        except (OSError, ValueError):
            return False
        form = schema.get("definitions", {}).get("ArticleRequest", {})
        return "enum" in form.get("properties", {}).get("article", {})

    return ready


def serve(
    host: str | None = None,
    prefect_port: int | None = None,
    download_port: int | None = None,
    *,
    out_dir: str | None = None,
    on_ready: Callable[[Urls], None] | None = None,
    stop_when: Callable[[], bool] | None = None,
) -> int:
    """Start the services, print where they are, run until Ctrl-C or SIGTERM.

    Returns 0 after a clean stop, 1 when a service failed to start or died. `on_ready` and
    `stop_when` are for tests (called once ready; polled every second)."""
    settings = load_settings()
    host = host or settings.server.host
    pport = prefect_port or settings.server.prefect_port
    dport = download_port or settings.server.download_port
    out = Path(out_dir or os.environ.get(OUTPUT_DIR_ENV) or PROJECT_ROOT / "outputs").resolve()
    home = Path(os.environ.get("PREFECT_HOME") or PROJECT_ROOT / ".prefect")
    u = urls(settings, host, pport, dport)
    env = prefect_env(settings, u, home=home)
    headers = _auth_headers(settings)
    services = Services(log_dir=home / "logs")
    stopping = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        t0 = time.monotonic()
        server = services.start(
            "prefect-server",
            # `prefect server start`, its SQLite writes begun IMMEDIATE (flows.prefectserver).
            [sys.executable, "-m", "flows.prefectserver", "--host", host, "--port", str(pport),
             "--analytics-off"],
            env,
        )  # fmt: skip
        took = services.wait_until(server, lambda: _get_ok(f"{u.api}/health", headers), 90)
        print(f"Prefect server ready in {took:.1f} s", flush=True)
        quiet_ui(home / "ui")
        web = services.start(
            "download-app",
            [sys.executable, "-m", "editorial.web", "--host", host, "--port", str(dport),
             "--out", str(out), "--prefect-api", u.api, "--prefect-ui", u.ui],
            {"DO_NOT_TRACK": "1"},
        )  # fmt: skip
        local_download = f"http://{_client_host(host)}:{dport}"
        services.wait_until(web, lambda: _get_ok(f"{local_download}/health", {}), 30)
        runner = services.start(
            "deployments",
            [sys.executable, "-m", "flows.deployments", "serve", "--out", str(out)],
            # INFO: the runs' logs are what an editor reads in the UI.
            {
                **env,
                OUTPUT_DIR_ENV: str(out),
                DOWNLOAD_URL_ENV: u.download,
                WARM_STORAGE_ENV: str(home),
                "PREFECT_LOGGING_LEVEL": "INFO",
            },  # fmt: skip
            stop_signal=signal.SIGINT,
        )
        services.wait_until(runner, _deployments_ready(u.api, headers), 90)
        services.start(
            "task-worker",
            [sys.executable, "-m", "flows.warmworker"],
            {
                **env,
                WARM_STORAGE_ENV: str(home),
                "EDITORIAL_SERVER_WORKERS": str(settings.server.workers),
            },  # fmt: skip
            stop_signal=signal.SIGINT,
        )
        took = time.monotonic() - t0
        print(
            f"Ready in {took:.1f} s.\n"
            f"  Prefect UI:   {u.ui}\n"
            f"  Downloads:    {u.download}   (serving {out})\n"
            f"  Deployments:  publish-sources/scheduled (cron {settings.schedule.cron!r}, "
            f"{settings.schedule.timezone}), publish-article/manual\n"
            f"  Task worker:  {settings.server.workers} warm worker process(es) for batches\n"
            f"  Logs:         {services.log_dir}/\n"
            "Ctrl-C stops them all.",
            flush=True,
        )
        if on_ready:
            on_ready(u)
        while not stopping and not (stop_when and stop_when()):
            dead = services.dead()
            if dead:
                print(f"editorial serve: {dead.name} exited ({dead.proc.returncode}); "
                      f"see {dead.log}", file=sys.stderr)  # fmt: skip
                return 1
            time.sleep(1.0)
        return 0
    except ServeError as exc:
        print(f"editorial serve: {exc}", file=sys.stderr)
        return 1
    finally:
        if services.children:
            print("Stopping the task worker, the deployments, the download app, then the "
                  "server...", flush=True)  # fmt: skip
        services.stop()
        for s, handler in old.items():
            signal.signal(s, handler)
