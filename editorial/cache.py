"""Content keys and skip decisions: what an article's outputs depend on, and whether the
outputs already on disk were made from exactly that."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from editorial import store
from editorial.config import PIPELINE_VERSION, PROJECT_ROOT, TEMPLATES_DIR, Settings
from editorial.stages import Job

# Folders whose files shape the outputs: templates (the download app's pages aside) and the
# language data / newsroom name list the extractor reads.
VERSIONED_DIRS = ((TEMPLATES_DIR, ("web",)), (PROJECT_ROOT / "editorial" / "data", ()))
# Settings sections that change what is rendered (server, schedule and limits do not).
OUTPUT_SETTINGS = {"brand", "newsletter", "social", "pdf_variant"}


@lru_cache(maxsize=1)
def templates_version() -> str:
    """Hash of every file the outputs are rendered from: changing one re-renders everything."""
    h = hashlib.sha256()
    for root, skipped_dirs in VERSIONED_DIRS:
        for f in sorted(root.rglob("*")):
            rel = f.relative_to(root)
            if f.is_file() and rel.parts[0] not in skipped_dirs and "__pycache__" not in rel.parts:
                h.update(f"{root.name}/{rel.as_posix()}".encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


def job_key(job: Job, settings: Settings) -> str:
    """What the outputs depend on: source bytes, pipeline and template versions, options."""
    h = hashlib.sha256()
    try:
        h.update(Path(job.source).read_bytes())
    except OSError:
        h.update(b"<unreadable>")
    rendered_settings = settings.model_dump_json(include=OUTPUT_SETTINGS)
    for part in (PIPELINE_VERSION, templates_version(), ",".join(sorted(job.formats)),
                 job.language or "auto", job.pdf_variant or settings.pdf_variant,
                 str(settings.limits.max_pages), rendered_settings):  # fmt: skip
        h.update(b"\0" + part.encode())
    return h.hexdigest()


def is_fresh(job: Job, key: str, out_dir: Path) -> bool:
    """True when the last run of this source succeeded with the same key and its files exist."""
    if job.force:
        return False
    state = store.read_state(out_dir, job.source)
    if state.get("status") not in ("ok", "skipped") or state.get("key") != key:
        return False
    manifest = store.read_manifest(out_dir / state.get("slug", ""))
    return manifest.get("key") == key and all(
        (out_dir / state["slug"] / f).is_file() for f in manifest.get("files", [])
    )
