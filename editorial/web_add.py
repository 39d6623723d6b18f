"""The download app's "Add an article" page: `/add` (the form), `POST /add` (save the file
under sources/ and create a run of publish-article/manual), `/add/runs/<id>` (the run's state,
refreshed until it is done, then links to its downloads).

Same credentials as the rest of the app (its middleware); CSRF: the form carries a token
bound to this server process, and a POST whose Origin or Sec-Fetch-Site says it comes from
another site is refused. The upload is limited to `limits.max_input_bytes`, like any source.
"""

# No `from __future__ import annotations`: FastAPI reads the routes' annotations (Request)
# at run time, and they are imported inside add_article_routes.

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from editorial import store
from editorial.config import Settings
from editorial.errors import EditorialError
from editorial.upload import (
    UPLOAD_SUFFIXES,
    PrefectApi,
    Saved,
    UploadError,
    check_url,
    parse_form,
    save_upload,
)

__all__ = ["AddContext", "add_article_routes"]

_PAGE_CSP = (
    "default-src 'none'; img-src 'self'; style-src 'self' 'unsafe-inline'; form-action 'self'"
)
_FORM_OVERHEAD = 64_000  # multipart boundaries and the small fields beside the file


@dataclass(frozen=True)
class AddContext:
    """Everything templates/web/add.html reads."""

    brand: str
    csrf: str
    accept: str
    max_mb: str
    error: str = ""
    note: str = ""
    article: str = ""
    run_name: str = ""
    run_url: str = ""
    state: str = ""  # the run's state type, e.g. SCHEDULED, RUNNING, PAUSED, COMPLETED
    state_message: str = ""
    refresh_url: str = ""
    slug: str = ""
    pdf_url: str = ""
    status_url: str = ""


def _same_site(headers: Any, host: str) -> bool:
    """False when the browser says the POST comes from another site. Sec-Fetch-Site decides
    when sent; the Origin otherwise ("null" under this app's no-referrer policy: the token
    alone decides then)."""
    site = headers.get("sec-fetch-site")
    if site:
        return bool(site in ("same-origin", "none"))
    origin = headers.get("origin")
    return origin in (None, "null") or urlsplit(origin).netloc == host


def _url_saver() -> Any:
    """The function that saves a web address as a source (editorial.remote, under the fetch
    policy): the page's bytes under sources/web/<host>/, a feed's first new item."""

    def save_url(url: str, sources_dir: Path, settings: Settings) -> Saved:
        from editorial import remote

        resolved = remote.resolve_sources([url], settings, sources_dir=sources_dir)
        if resolved.failures:
            raise resolved.failures[0][1]
        if not resolved.paths:
            raise UploadError("nothing new to publish at that address")
        path = Path(resolved.paths[0])
        rel = f"sources/{path.resolve().relative_to(sources_dir.resolve()).as_posix()}"
        note = f"fetched {rel}" if resolved.fetched else f"already saved as {rel}"
        return Saved(path=path, rel=rel, note=note)

    return save_url


def add_article_routes(
    app: Any,
    *,
    settings: Settings,
    out_dir: Path,
    sources_dir: Path,
    prefect_api: str,
    prefect_ui: str,
) -> None:
    """Add the three routes to the FastAPI `app`."""
    from fastapi import Request
    from fastapi.concurrency import run_in_threadpool
    from fastapi.responses import HTMLResponse, RedirectResponse, Response

    from editorial.render.templating import render

    secret = secrets.token_bytes(32)
    csrf = hmac.new(secret, b"add-article", hashlib.sha256).hexdigest()
    max_bytes = settings.limits.max_input_bytes
    base = AddContext(brand=settings.brand.name, csrf=csrf, accept=",".join(UPLOAD_SUFFIXES),
                      max_mb=f"{max_bytes / 1e6:g}")  # fmt: skip

    def page(ctx: AddContext, status: int = 200) -> HTMLResponse:
        return HTMLResponse(render("web/add.html", ctx=ctx), status_code=status,
                            headers={"Content-Security-Policy": _PAGE_CSP,
                                     "Cache-Control": "no-store"})  # fmt: skip

    def api() -> PrefectApi:
        return PrefectApi(prefect_api, settings.server.auth_string)

    @app.get("/add", response_class=HTMLResponse)
    def add_form() -> HTMLResponse:
        return page(base)

    @app.post("/add", response_class=HTMLResponse)
    async def add_submit(request: Request) -> Response:
        if not _same_site(request.headers, request.headers.get("host", "")):
            return page(_with(base, error="refused: the form was not sent from this site"), 403)
        length = int(request.headers.get("content-length") or 0)
        if length > max_bytes + _FORM_OVERHEAD:
            return page(_with(base, error=f"the file is larger than the limit "
                                          f"({max_bytes:,} bytes)"), 413)  # fmt: skip
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_bytes + _FORM_OVERHEAD:
                return page(_with(base, error=f"the file is larger than the limit "
                                              f"({max_bytes:,} bytes)"), 413)  # fmt: skip
        content_type = request.headers.get("content-type", "")
        return await run_in_threadpool(submit, content_type, body)  # blocking calls below

    def submit(content_type: str, body: bytes) -> Response:
        try:
            fields = parse_form(content_type, body)
            token = fields.get("csrf", ("", b""))[1].decode("utf-8", "replace")
            if not hmac.compare_digest(token, csrf):
                return page(_with(base, error="refused: the form expired; reload the page "
                                              "and send it again"), 403)  # fmt: skip
            review = fields.get("review", ("", b""))[1] == b"on"
            replace = fields.get("replace", ("", b""))[1] == b"on"
            url = fields.get("url", ("", b""))[1].decode("utf-8", "replace").strip()
            fname, data = fields.get("file", ("", b""))
            if url and not fname:
                save_url = _url_saver()
                if save_url is None:
                    raise UploadError("URL sources are not available yet")
                saved = save_url(check_url(url), sources_dir, settings)
            elif fname:
                saved = save_upload(sources_dir, fname, data, replace=replace,
                                    max_bytes=max_bytes)  # fmt: skip
            else:
                raise UploadError("choose a file to upload (or paste a web address)")
        except ValueError as exc:
            return page(_with(base, error=str(exc)), 400)
        except EditorialError as exc:
            return page(_with(base, error=str(exc)), 413 if exc.code == "too_large" else 400)
        client = api()
        try:
            dep = client.wait_for_choice(saved.rel)
            run = client.create_run(dep, {"article": saved.rel, "url": "", "review": review,
                                          "force": True})  # fmt: skip
        except EditorialError as exc:
            return page(_with(base, error=str(exc), note=saved.note), 502)
        except Exception as exc:  # noqa: BLE001 - the Prefect server is down or refused it
            return page(_with(base, error=f"{saved.note}, but no run could be created: "
                                          f"{type(exc).__name__}: {exc}"[:300]), 502)  # fmt: skip
        finally:
            client.close()
        where = f"/add/runs/{run['id']}?source={quote(saved.rel)}&note={quote(saved.note)}"
        return RedirectResponse(where, status_code=303)

    @app.get("/add/runs/{run_id}", response_class=HTMLResponse)
    def add_status(run_id: str, source: str = "", note: str = "") -> HTMLResponse:
        if not all(c in "0123456789abcdef-" for c in run_id) or len(run_id) > 40:
            return page(_with(base, error="no such run"), 404)
        client = api()
        try:
            run = client.flow_run(run_id)
        except Exception:  # noqa: BLE001
            return page(_with(base, error="no such run (or the Prefect server is down)"), 404)
        finally:
            client.close()
        state = run.get("state") or {}
        kind = str(state.get("type") or "SCHEDULED")
        ctx = _with(base, note=note[:300], article=source[:300], run_name=str(run.get("name")),
                    run_url=f"{prefect_ui}/runs/flow-run/{run_id}", state=kind,
                    state_message=str(state.get("message") or "")[:500],
                    status_url=f"/add/runs/{run_id}?source={quote(source)}&note={quote(note)}")  # fmt: skip
        if kind not in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
            return page(_with(ctx, refresh_url=ctx.status_url))
        if kind == "COMPLETED":
            slug = str(store.read_state(out_dir, source).get("slug") or "")
            if slug:
                ctx = _with(ctx, slug=slug, pdf_url=f"/articles/{slug}/report.pdf")
        return page(ctx)


def _with(ctx: AddContext, **changes: Any) -> AddContext:
    return AddContext(**{**ctx.__dict__, **changes})
