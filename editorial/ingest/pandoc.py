"""Run pandoc sandboxed: no file or network reads (`--sandbox`), a heap limit and a wall clock."""

from __future__ import annotations

import json
import subprocess
from functools import lru_cache
from typing import Any

from editorial.config import Limits
from editorial.errors import IngestError, InvalidContainer, StageTimeout, TooLarge

# Reader names; smart punctuation off so quotation marks stay as written.
READERS = {
    "md": "markdown-smart-raw_html-raw_tex-raw_attribute",
    "markdown": "markdown-smart-raw_html-raw_tex-raw_attribute",
    "html": "html-raw_html",
    "htm": "html-raw_html",
    "docx": "docx",
    "odt": "odt",
}


@lru_cache(maxsize=1)
def pandoc_path() -> str:
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def to_ast(data: bytes, fmt: str, limits: Limits) -> dict[str, Any]:
    """The pandoc JSON AST of `data` read as `fmt` (a key of READERS)."""
    cmd = [
        pandoc_path(),
        "+RTS", f"-M{limits.pandoc_memory_mb}m", "-RTS",
        "--sandbox",
        "-f", READERS[fmt],
        "-t", "json",
    ]  # fmt: skip
    try:
        proc = subprocess.run(
            cmd, input=data, capture_output=True, timeout=limits.pandoc_timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise StageTimeout(f"pandoc took longer than {limits.pandoc_timeout:g} s") from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        msg = err[-1] if err else f"exit status {proc.returncode}"
        if "heap overflow" in msg or proc.returncode == 251:
            raise TooLarge(f"pandoc ran out of its {limits.pandoc_memory_mb} MB memory limit")
        if fmt in ("docx", "odt"):
            raise InvalidContainer(f"not a readable {fmt.upper()} file ({msg[:200]})")
        raise IngestError(f"pandoc could not read it as {fmt} ({msg[:200]})")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result
