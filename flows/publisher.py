"""The warm publisher: `editorial run` hands its articles to the process `make serve` keeps warm.

`make serve`'s task-worker process (`flows.taskworker`) holds a warm worker pool (models loaded,
WeasyPrint's fonts and stylesheets ready). It also listens on 127.0.0.1 (a free port) and
writes where in `$PREFECT_HOME/publisher.json`. `editorial run` finds it there and posts its
request instead of importing Prefect, starting worker processes and loading models itself: the
`publish-sources` flow then runs in the warm process, recorded on serve's Prefect server like
any other run, and each article's result streams back as one JSON line (the terminal's progress
bar), then the final list. One article takes about a second this way instead of 3-6 s.

Only local clients that send the `X-Editorial-Client` header are served (a browser page cannot
send it without a CORS preflight, which is refused), with serve's Basic credentials when
`server.auth_string` is set. Runs are served one at a time.

The client half (`find`, `publish`) imports neither Prefect nor FastAPI.
"""

import base64
import json
import os
import threading
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

CLIENT_HEADER = "X-Editorial-Client"
STATE_FILE = "publisher.json"


def state_file(prefect_home: str | None = None) -> Path:
    home = prefect_home or os.environ.get("PREFECT_HOME") or str(Path.home() / ".prefect")
    return Path(home) / STATE_FILE


def _headers(auth_string: str) -> dict[str, str]:
    headers = {CLIENT_HEADER: "cli", "Content-Type": "application/json"}
    if auth_string:
        headers["Authorization"] = "Basic " + base64.b64encode(auth_string.encode()).decode()
    return headers


# ---------------------------------------------------------------- client (the CLI)


def find(auth_string: str = "", timeout: float = 0.5) -> str | None:
    """The URL of a running warm publisher, or None (no serve running, it does not answer, or
    EDITORIAL_PUBLISHER=off: the test suite sets it so that a developer's `make serve` never
    runs the tests' articles)."""
    if os.environ.get("EDITORIAL_PUBLISHER", "").lower() in ("off", "0", "no", "false"):
        return None
    try:
        info = json.loads(state_file().read_text("utf-8"))
        url = str(info["url"])
        request = urllib.request.Request(f"{url}/health", headers=_headers(auth_string))
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return url if response.status == 200 else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def publish(
    url: str,
    request: dict[str, Any],
    *,
    on_result: Callable[[dict[str, Any]], None],
    auth_string: str = "",
    timeout: float = 3600.0,
) -> dict[str, Any]:
    """Post a run and follow it: `on_result` gets each article's result as it is published;
    returns the final line ({"results": [...], "message": ..., "flow_run_id": ...})."""
    body = json.dumps(request).encode("utf-8")
    req = urllib.request.Request(
        f"{url}/publish", data=body, headers=_headers(auth_string), method="POST"
    )
    with urllib.request.urlopen(req, timeout=timeout) as response:
        for raw in response:
            line = json.loads(raw)
            if line.get("event") == "result":
                on_result(line["result"])
            elif line.get("event") == "done":
                return dict(line)
    raise ConnectionError("the warm publisher closed the connection before the run finished")


# ---------------------------------------------------------------- server (in flows.taskworker)


def _run_flow(request: dict[str, Any], pool: Any, emit: Callable[[dict[str, Any]], None]) -> None:
    """Run publish-sources in this process on the warm pool; emit results as they come."""
    from editorial import cache, sources, stages
    from editorial.config import load_settings
    from editorial.feeder import Feeder
    from editorial.model import ALL_FORMATS
    from flows import publish as flow_module

    settings = load_settings()
    formats = tuple(request.get("formats") or ALL_FORMATS)
    out = Path(request.get("out_dir") or "outputs")
    jobs = [
        stages.Job(source=s, formats=formats, force=bool(request.get("force")),  # type: ignore[arg-type]
                     pdf_variant=request.get("pdf_variant"), language=request.get("language"))
        for s in sources.discover(request["paths"])
    ]  # fmt: skip
    todo = [j for j in jobs if not cache.is_fresh(j, cache.job_key(j, settings), out)]
    feeder = Feeder(pool, todo)
    try:
        state = flow_module.run_watched(
            feeder, lambda r: emit({"event": "result", "result": r.model_dump(mode="json")}),
            paths=request["paths"], out_dir=str(out), formats=list(formats),
            force=bool(request.get("force")), workers=pool.workers,
            pdf_variant=request.get("pdf_variant"), language=request.get("language"),
        )  # fmt: skip
    finally:
        feeder.close()
    data = state.result(raise_on_failure=False)
    emit({"event": "done", "results": data if isinstance(data, list) else None,
          "message": state.message, "flow_run_id": str(state.state_details.flow_run_id or "")})  # fmt: skip


def app(pool_factory: Callable[[], Any], auth_string: str = "") -> Any:
    """The publisher's FastAPI app; `pool_factory()` returns the warm WorkerPool."""
    import queue

    from fastapi import FastAPI, HTTPException, Request
    from fastapi.responses import StreamingResponse
    from pydantic import BaseModel, ConfigDict

    class PublishRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        paths: list[str]
        out_dir: str = "outputs"
        formats: list[str] | None = None
        force: bool = False
        pdf_variant: str | None = None
        language: str | None = None

    api = FastAPI(title="editorial warm publisher", docs_url=None, redoc_url=None,
                  openapi_url=None)  # fmt: skip
    lock = threading.Lock()
    expected = _headers(auth_string).get("Authorization", "")

    def check(request: Request) -> None:
        if request.headers.get(CLIENT_HEADER) != "cli":
            raise HTTPException(403, f"the {CLIENT_HEADER} header is required")
        if expected and request.headers.get("Authorization") != expected:
            raise HTTPException(401, "credentials required (server.auth_string)")

    @api.get("/health")
    def health(request: Request) -> dict[str, Any]:
        check(request)
        return {"ok": True, "workers": pool_factory().workers}

    @api.post("/publish")
    def publish_endpoint(body: PublishRequest, request: Request) -> StreamingResponse:
        check(request)
        missing = [p for p in body.paths if not Path(p).exists()]
        if missing:
            raise HTTPException(400, f"no such file or folder: {', '.join(missing)}")
        lines: queue.Queue[dict[str, Any] | None] = queue.Queue()

        def work() -> None:
            with lock:  # one run at a time: the flow module's hooks are process-wide
                try:
                    _run_flow(body.model_dump(), pool_factory(), lines.put)
                except BaseException as exc:  # noqa: BLE001 - reported to the client
                    lines.put({"event": "done", "results": None,
                               "message": f"{type(exc).__name__}: {exc}"})  # fmt: skip
                finally:
                    lines.put(None)

        threading.Thread(target=work, name="editorial-publish", daemon=True).start()

        def stream() -> Iterator[bytes]:
            while (line := lines.get()) is not None:
                yield (json.dumps(line) + "\n").encode("utf-8")

        return StreamingResponse(stream(), media_type="application/x-ndjson")

    return api


def start(pool_factory: Callable[[], Any], *, host: str, auth_string: str = "") -> Any:
    """Serve the publisher in a background thread on a free port of `host`; record where."""
    import socket

    import uvicorn

    import flows.publish  # noqa: F401 - imported now, not on the first editor's run

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app(pool_factory, auth_string), log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="editorial-publisher",
                     daemon=True).start()  # fmt: skip
    url = f"http://{host}:{port}"
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"url": url, "pid": os.getpid()}), "utf-8")
    tmp.replace(path)
    return server


def forget() -> None:
    """Remove the record of this process's publisher (at shutdown)."""
    path = state_file()
    try:
        if json.loads(path.read_text("utf-8")).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError, AttributeError):
        pass
