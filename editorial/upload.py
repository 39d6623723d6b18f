"""Adding an article from the download app: the uploaded file saved under sources/, and a run
of `publish-article/manual` created through the Prefect API.

Pure parts first (`safe_file_name`, `parse_form`, `save_upload`); `PrefectApi` is a small HTTP
client of the Prefect REST API (httpx: the core never imports prefect) that sends the CSRF
token the server asks for and the same Basic credentials as everything else.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slugify import slugify

from editorial import store
from editorial.errors import EditorialError
from editorial.review import REVIEW_SUFFIX

__all__ = ["UPLOAD_SUFFIXES", "PrefectApi", "Saved", "UploadError", "check_url", "parse_form",
           "safe_file_name", "save_upload"]  # fmt: skip

UPLOAD_SUFFIXES = (".md", ".txt", ".html", ".docx", ".odt")
_ALIASES = {".markdown": ".md", ".text": ".txt", ".htm": ".html"}
MAX_NAME_CHARS = 80
MANUAL = "publish-article/manual"


class UploadError(EditorialError):
    """The upload was refused; the message says why, for the editor."""

    code = "upload_refused"


class UploadTooLarge(UploadError):
    code = "too_large"


@dataclass(frozen=True)
class Saved:
    path: Path  # where the file is
    rel: str  # as the form names it: sources/<name>
    note: str  # what happened, for the page: saved, unchanged, renamed, replaced


def safe_file_name(name: str) -> str:
    """A file name for an upload: the base name only, NFKC, lowercase letters, digits and
    dashes, a supported suffix. UploadError when the type is not one we read."""
    base = unicodedata.normalize("NFKC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = base.replace("\0", "").strip()
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    ext = _ALIASES.get(f".{suffix.lower()}", f".{suffix.lower()}")
    if ext not in UPLOAD_SUFFIXES:
        known = ", ".join(s[1:] for s in UPLOAD_SUFFIXES)
        raise UploadError(f"{base[:80]!r} is not a file type we publish ({known})")
    clean = slugify(stem, max_length=MAX_NAME_CHARS, word_boundary=True) or "article"
    return f"{clean}{ext}"


def check_url(value: str) -> str:
    """`value` when it is an http(s) address with a host; ValueError naming it otherwise."""
    from urllib.parse import urlsplit

    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise ValueError(f"{value[:100]!r} is not a web address (expected http:// or https://)")
    return url


def parse_form(content_type: str, body: bytes) -> dict[str, tuple[str, bytes]]:
    """A multipart/form-data or urlencoded body: field name -> (file name or "", bytes)."""
    from urllib.parse import parse_qsl

    if content_type.startswith("application/x-www-form-urlencoded"):
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        return {k: ("", v.encode("utf-8")) for k, v in pairs}
    if not content_type.startswith("multipart/form-data"):
        raise UploadError("expected a form upload (multipart/form-data)")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not msg.is_multipart():
        raise UploadError("the form could not be read")
    fields: dict[str, tuple[str, bytes]] = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or name in fields:
            continue
        payload = part.get_payload(decode=True)
        fields[name] = (part.get_filename() or "", payload if isinstance(payload, bytes) else b"")
    return fields


def save_upload(sources: Path, name: str, data: bytes, *, replace: bool, max_bytes: int) -> Saved:
    """Save `data` as `sources/<safe name>`: never over another article unless `replace`
    (then saying so); the same bytes already there are reused. UploadError when too big or
    empty."""
    if not data.strip():
        raise UploadError("the file is empty")
    if len(data) > max_bytes:
        raise UploadTooLarge(f"the file is {len(data):,} bytes; the limit is {max_bytes:,}")
    clean = safe_file_name(name)
    target = sources / clean
    stem, ext = clean.rsplit(".", 1)
    note = f"saved as sources/{clean}"
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise UploadError(f"sources/{clean} exists and is not a regular file")
    if target.exists():
        if target.read_bytes() == data:
            return Saved(target, f"sources/{clean}", f"sources/{clean} already holds this file")
        if replace:
            note = f"replaced sources/{clean} (an article of that name was there)"
        else:
            n = 2
            while (sources / f"{stem}-{n}.{ext}").exists():
                n += 1
            target = sources / f"{stem}-{n}.{ext}"
            note = (f"an article named sources/{clean} already exists; this one is saved as "
                    f"sources/{target.name}")  # fmt: skip
    assert not target.name.endswith(REVIEW_SUFFIX)
    store.atomic_write(target, data)
    return Saved(target, f"sources/{target.name}", note)


class PrefectApi:
    """The few calls the upload page makes to the Prefect REST API at `api` (…/api)."""

    def __init__(self, api: str, auth_string: str = "", timeout: float = 10.0) -> None:
        import httpx

        headers = {}
        if auth_string:
            headers["Authorization"] = "Basic " + base64.b64encode(auth_string.encode()).decode()
        self._http = httpx.Client(base_url=api.rstrip("/") + "/", headers=headers, timeout=timeout)
        self._csrf: dict[str, str] = {}

    def close(self) -> None:
        self._http.close()

    def _post(self, path: str, payload: dict[str, Any], tries: int = 3) -> Any:
        if not self._csrf:
            r = self._http.get("csrf-token", params={"client": "editorial-web"})
            if r.status_code == 200:  # 422 when the server has CSRF protection off
                self._csrf = {"Prefect-Csrf-Token": r.json()["token"],
                              "Prefect-Csrf-Client": "editorial-web"}  # fmt: skip
        r = self._http.post(path, json=payload, headers=self._csrf)
        if r.status_code == 403 and self._csrf and tries > 1:  # expired: again with a new one
            self._csrf = {}
            return self._post(path, payload, tries - 1)
        if r.status_code == 503 and tries > 1:  # a busy SQLite server asks to come back
            time.sleep(0.5)
            return self._post(path, payload, tries - 1)
        r.raise_for_status()
        return r.json()

    def deployment(self, name: str = MANUAL) -> dict[str, Any]:
        r = self._http.get(f"deployments/name/{name}")
        r.raise_for_status()
        data: dict[str, Any] = r.json()
        return data

    def wait_for_choice(self, article: str, timeout: float = 6.0) -> dict[str, Any]:
        """The manual deployment once its form lists `article` (the deployments process
        refreshes the list when sources/ changes); UploadError after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            dep = self.deployment()
            schema = dep.get("parameter_openapi_schema") or {}
            field = schema.get("definitions", {}).get("ArticleRequest", {}).get("properties", {})
            if article in (field.get("article", {}).get("enum") or [article]):
                return dep
            if time.monotonic() > deadline:
                raise UploadError(f"{article} was saved but the form does not list it yet; "
                                  "is `editorial serve` running?")  # fmt: skip
            time.sleep(0.2)

    def create_run(self, deployment: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
        params = dict((deployment.get("parameters") or {}).get("request") or {})
        params.update(request)
        data: dict[str, Any] = self._post(f"deployments/{deployment['id']}/create_flow_run",
                                          {"parameters": {"request": params}})  # fmt: skip
        return data

    def flow_run(self, run_id: str) -> dict[str, Any]:
        r = self._http.get(f"flow_runs/{run_id}")
        r.raise_for_status()
        data: dict[str, Any] = r.json()
        return data
