"""The only place that writes files.

An article's outputs are staged in a temporary folder beside their final place and swapped in
with renames, so a crash or a full disk leaves either the previous outputs or the new ones,
never a mix and never a partial file. `recover()` finishes or undoes an interrupted swap.
Per-source state (last status, content key) lives in `<out>/.state/`, one small JSON each,
so a rerun after a crash skips what already finished.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from editorial.errors import StoreError
from editorial.model import ArticleResult, RenderedFile

MANIFEST = "manifest.json"
STATE_DIR = ".state"
RUN_REPORT = "run-report.json"
_TMP_PREFIX = ".tmp-"
_OLD_PREFIX = ".old-"
_lock = threading.Lock()


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
    atomic_write(path, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def state_path(out_dir: Path, source: str) -> Path:
    return out_dir / STATE_DIR / (hashlib.sha1(source.encode("utf-8")).hexdigest()[:16] + ".json")


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


def claim_slug(out_dir: Path, slug: str, source: str) -> tuple[str, str]:
    """A folder name for `source`: `slug`, or `slug-<hash>` when another source owns `slug`.

    Returns (slug, warning)."""
    owner = read_manifest(out_dir / slug).get("source")
    if owner in (None, source):
        return slug, ""
    alt = f"{slug}-{hashlib.sha1(source.encode('utf-8')).hexdigest()[:6]}"
    return alt, f"slug {slug!r} already belongs to {owner}; using {alt!r}"


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
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with _lock:
            staging = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{slug[:100]}-", dir=out_dir))
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
        (staging / MANIFEST).write_text(
            json.dumps({**manifest, "files": names}, ensure_ascii=False, indent=2) + "\n", "utf-8"
        )
        _fsync_tree(staging)
        with _lock:
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


def write_run_report(out_dir: Path, results: list[ArticleResult]) -> Path:
    path = out_dir / RUN_REPORT
    counts = {s: sum(r.status == s for r in results) for s in ("ok", "failed", "skipped")}
    write_json(path, {"summary": counts, "articles": [r.model_dump(mode="json") for r in results]})
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
