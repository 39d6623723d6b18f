"""The only place that writes files.

An article's outputs are staged in a temporary folder beside their final place and swapped in
with renames, so a crash or a full disk leaves either the previous outputs or the new ones,
never a mix and never a partial file. `recover()` finishes or undoes an interrupted swap.
Per-source state (last status, content key) lives in `<out>/.state/`, one small JSON each,
so a rerun after a crash skips what already finished.

Ownership: a folder under `--out` is editorial's only when its manifest says so, and an
article's only when the manifest names the same source file (`editorial.names.source_id`, the
same file whatever the spelling of its path). Nothing else is ever renamed, replaced or
deleted. One run at a time writes to an output folder (`run_lock`, a lock on `<out>/.lock`).
Files and folders are created with the permissions the umask gives, like any other tool.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from editorial.errors import StoreError
from editorial.model import ArticleResult, RenderedFile
from editorial.names import printable, source_id

MANIFEST = "manifest.json"
STATE_DIR = ".state"
RUN_REPORT = "run-report.json"
_TMP_PREFIX = ".tmp-"
_OLD_PREFIX = ".old-"
LOCK_FILE = ".lock"
_lock = threading.Lock()


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# mkstemp/mkdtemp create 0600/0700; what they make is chmod-ed to what the umask gives, so a
# web server running as another user can serve the outputs when the umask lets it.
_UMASK = _read_umask()
FILE_MODE = 0o666 & ~_UMASK
DIR_MODE = 0o777 & ~_UMASK


def _encode_json(data: Any) -> bytes:
    """JSON as UTF-8; a string holding bytes that were not UTF-8 (a file name, kept by Python
    as lone surrogates) is written with `\\udcXX` escapes, which read back as the same name."""
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return text.encode("utf-8", "backslashreplace")


def _fail(path: Path, exc: OSError) -> StoreError:
    where = (
        exc.filename if isinstance(exc.filename, str) and _TMP_PREFIX not in exc.filename else path
    )
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return StoreError(f"disk full writing {where}")
    return StoreError(f"cannot write {where}: {exc.strerror or exc}")


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file, fsync and a rename: `path` holds either
    its old bytes or the new ones, and no temporary file survives a failure (full disk)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=path.parent)
    except OSError as exc:
        raise _fail(path, exc) from exc
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _fail(path, exc) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (best effort: not every file system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_json(path: Path, data: Any) -> None:
    atomic_write(path, _encode_json(data))


def _digest(source: str) -> str:
    """A stable digest of a source file's identity (any file name, UTF-8 or not)."""
    return hashlib.sha256(source_id(source).encode("utf-8", "surrogatepass")).hexdigest()


def state_path(out_dir: Path, source: str) -> Path:
    return out_dir / STATE_DIR / (_digest(source)[:16] + ".json")


def read_state(out_dir: Path, source: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(state_path(out_dir, source).read_text("utf-8"))
        return data
    except (OSError, ValueError):
        return {}


def write_state(out_dir: Path, result: ArticleResult, key: str) -> None:
    write_json(state_path(out_dir, result.source), {"key": key, **result.model_dump(mode="json")})


def read_manifest(article_dir: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads((article_dir / MANIFEST).read_text("utf-8"))
        return data
    except (OSError, ValueError):
        return {}


def owns(folder: Path, source: str) -> bool:
    """True when `folder` is an article folder editorial made for `source` (any spelling)."""
    manifest = read_manifest(folder)
    owner = manifest.get("source_id") or manifest.get("source")
    return isinstance(owner, str) and source_id(owner) == source_id(source)


def claim_slug(out_dir: Path, slug: str, source: str) -> tuple[str, str]:
    """A folder name for `source`: `slug` when it is free or already `source`'s, else the first
    of `slug-<hash>`, `slug-<hash>-2`, ... that is. A folder is never taken from its owner: not
    from another source (whatever name was brute-forced to aim at its hash), not from someone
    who put it there without a manifest.

    Returns (slug, warning)."""
    digest = _digest(source)[:8]
    candidates = [slug, f"{slug}-{digest}"] + [f"{slug}-{digest}-{n}" for n in range(2, 100)]
    for name in candidates:
        folder = out_dir / name
        if not os.path.lexists(folder) or owns(folder, source):
            if name == slug:
                return slug, ""
            owner = read_manifest(out_dir / slug).get("source")
            who = (
                printable(owner) if isinstance(owner, str) else "a folder editorial did not create"
            )
            return name, f"slug {slug!r} already belongs to {who}; using {name!r}"
    raise StoreError(f"no free output folder for {slug!r} (100 taken)")


def _replaceable(final: Path, source: Any) -> bool:
    """`final` may be (re)placed: it does not exist, or is a real folder with a manifest
    editorial wrote for the same source."""
    if not os.path.lexists(final):
        return True
    if final.is_symlink() or not final.is_dir():
        return False
    if isinstance(source, str) and source:
        return owns(final, source)
    existing = read_manifest(final)  # a manifest naming no source (made by a test or a tool)
    return isinstance(existing.get("files"), list) and not existing.get("source")


def retire(out_dir: Path, slug: str, source: str) -> None:
    """Remove `out_dir/slug/` when it is `source`'s (an old folder after a title changed)."""
    folder = out_dir / slug
    if not slug or slug.startswith(".") or "/" in slug or not owns(folder, source):
        return
    old = out_dir / f"{_OLD_PREFIX}{slug}"
    with _lock, contextlib.suppress(OSError):
        if not old.exists():
            os.replace(folder, old)
            _fsync_dir(out_dir)
            shutil.rmtree(old, ignore_errors=True)


def publish(
    out_dir: Path,
    slug: str,
    files: Iterable[RenderedFile],
    manifest: dict[str, Any],
    *,
    keep_previous: bool = False,
) -> tuple[str, ...]:
    """Replace `out_dir/slug/` with `files` + manifest.json in one swap. Returns the names written.

    With `keep_previous`, files of the previous version that this run did not produce (formats
    not asked for) are carried over."""
    final = out_dir / slug
    if not slug or slug.startswith(".") or "/" in slug or "\\" in slug or len(slug.encode()) > 200:
        raise StoreError(f"refusing an unsafe output folder name: {slug[:80]!r}")
    if not _replaceable(final, manifest.get("source")):
        raise StoreError(f"refusing to replace {final}: editorial did not make it for this article")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with _lock:
            staging = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{slug[:100]}-", dir=out_dir))
            os.chmod(staging, DIR_MODE)
    except OSError as exc:
        raise _fail(final, exc) from exc
    try:
        names = []
        for f in files:
            target = staging / f.name
            if not target.resolve().is_relative_to(staging.resolve()):
                raise StoreError(f"refusing to write outside the article folder: {f.name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                target.write_bytes(f.data)
            except OSError as exc:
                exc.filename = exc.filename or str(target)
                raise
            names.append(f.name)
        if keep_previous and final.is_dir():
            for old in final.rglob("*"):
                rel = old.relative_to(final).as_posix()
                if old.is_file() and rel != MANIFEST and not (staging / rel).exists():
                    (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                    os.link(old, staging / rel)
                    names.append(rel)
        names = sorted(names)
        source = manifest.get("source")
        ids = {"source_id": source_id(source)} if isinstance(source, str) and source else {}
        (staging / MANIFEST).write_bytes(_encode_json({**manifest, **ids, "files": names}))
        _fsync_tree(staging)
        with _lock:
            if not _replaceable(final, manifest.get("source")):  # taken meanwhile (a thread)
                raise StoreError(f"refusing to replace {final}: another article took it")
            old = out_dir / f"{_OLD_PREFIX}{slug}"
            if final.exists():
                if old.exists():
                    shutil.rmtree(old)
                os.replace(final, old)
            os.replace(staging, final)
            _fsync_dir(out_dir)
            shutil.rmtree(old, ignore_errors=True)
        return tuple(names)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc.filename, str) and exc.filename.startswith(str(staging)):
            exc.filename = str(final) + exc.filename[len(str(staging)) :]  # name the real file
        raise _fail(final, exc) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _fsync_tree(root: Path) -> None:
    for p in root.rglob("*"):
        if p.is_file():
            with open(p, "rb") as f:
                os.fsync(f.fileno())


def recover(out_dir: Path) -> None:
    """Undo what an interrupted run left: staging folders, temp files, half-done swaps."""
    if not out_dir.is_dir():
        return
    for p in out_dir.iterdir():
        if p.name.startswith(_TMP_PREFIX):
            shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
        elif p.name.startswith(_OLD_PREFIX):
            final = out_dir / p.name[len(_OLD_PREFIX) :]
            if final.exists():
                shutil.rmtree(p, ignore_errors=True)
            else:
                os.replace(p, final)
    for sub in (out_dir / STATE_DIR,):
        if sub.is_dir():
            for p in sub.glob(f"{_TMP_PREFIX}*"):
                p.unlink(missing_ok=True)


def write_run_report(
    out_dir: Path, results: list[ArticleResult], *, cancelled: bool = False
) -> Path:
    """run-report.json: every source of the run, in order; `cancelled` when it was stopped."""
    path = out_dir / RUN_REPORT
    counts = {s: sum(r.status == s for r in results) for s in ("ok", "failed", "skipped")}
    head: dict[str, Any] = {"summary": counts}
    if cancelled:
        head["cancelled"] = True
    write_json(path, {**head, "articles": [r.model_dump(mode="json") for r in results]})
    return path


def write_review_file(source: Path, data: bytes) -> Path:
    """Write an article's corrections file beside it (`<name>.review.yaml`, atomically): the
    one write outside the outputs folder, and only to that name in the source's folder."""
    from editorial.review import review_path

    path = review_path(source)
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise StoreError(f"refusing to replace {path.name}: not a regular file")
    atomic_write(path, data)
    return path


@contextlib.contextmanager
def run_lock(out_dir: Path, *, wait: float = 0.0) -> Iterator[None]:
    """Hold the output folder for one run: a second run on the same `--out` is refused (or
    waits up to `wait` seconds) instead of replacing this run's report or deleting its staging
    folders in its recovery. The lock is the kernel's (flock): a killed run never leaves it
    held, and a worker process never inherits it."""
    import time

    path = out_dir / LOCK_FILE
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
    except OSError as exc:
        raise _fail(path, exc) from exc
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                    raise StoreError(f"{out_dir} is in use by another run (pid {holder or '?'}); "
                                     "run again when it has finished") from None  # fmt: skip
                time.sleep(0.2)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)
