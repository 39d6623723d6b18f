"""Run pandoc sandboxed: no file or network reads (`--sandbox`), a heap limit and a wall clock.

The article's bytes go in on stdin and the JSON AST comes out on stdout: no file name ever
reaches pandoc (pypandoc's `convert_file` glob-expands names), `--extract-media` is never
passed, and the process gets an empty environment and a scratch working directory.

Untrusted Markdown is read with `commonmark_x`: pandoc's own `markdown` reader has
super-linear cases (50 KB of `[` ran for more than 25 s; commonmark_x takes about 1 s).
Raw HTML/TeX and raw attributes are switched off where the reader allows it, and
`pandoc_ast` drops any RawBlock/RawInline that still comes through (commonmark ignores
`-raw_html`, jgm/pandoc#8305).
"""

from __future__ import annotations

import contextlib
import json
import re
import resource
import subprocess
import tempfile
from functools import lru_cache
from typing import Any

from editorial.config import Limits
from editorial.errors import IngestError, InvalidContainer, StageTimeout, TooLarge
from editorial.names import printable

# Reader names; smart punctuation off so quotation marks stay as written.
_MD = "commonmark_x-smart-raw_html-raw_attribute-yaml_metadata_block+implicit_figures"
READERS = {
    "md": _MD,
    "markdown": _MD,
    "html": "html-raw_html",
    "htm": "html-raw_html",
    "docx": "docx",
    "odt": "odt",
}
EXIT_HEAP_EXHAUSTED = 251
EXIT_BAD_CONTAINER = 63


@lru_cache(maxsize=1)
def pandoc_path() -> str:
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def command(fmt: str, limits: Limits) -> list[str]:
    return [
        pandoc_path(),
        "+RTS", f"-M{limits.pandoc_memory_mb}m", "-RTS",
        "--sandbox",
        "-f", READERS[fmt],
        "-t", "json",
    ]  # fmt: skip


_STACK_LINE = re.compile(r"^CallStack \(from|HasCallStack|, called at |^error, called at")


def to_ast(data: bytes, fmt: str, limits: Limits) -> dict[str, Any]:
    """The pandoc JSON AST of `data` read as `fmt` (a key of READERS)."""
    with tempfile.TemporaryDirectory(prefix="editorial-pandoc-") as scratch:
        proc = subprocess.Popen(
            command(fmt, limits),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=scratch,
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": scratch},
        )
        # A CPU limit outlives us: if this worker is killed, pandoc cannot run on unbounded.
        cpu = int(2 * limits.pandoc_timeout) + 5
        with contextlib.suppress(OSError, ValueError):
            resource.prlimit(proc.pid, resource.RLIMIT_CPU, (cpu, cpu))
        try:
            stdout, stderr = proc.communicate(data, timeout=limits.pandoc_timeout)
        except subprocess.TimeoutExpired as exc:
            proc.kill()
            proc.communicate()
            raise StageTimeout(f"pandoc took longer than {limits.pandoc_timeout:g} s") from exc
        except BaseException:
            proc.kill()
            proc.communicate()
            raise
    if proc.returncode != 0:
        err = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
        # The message, not the Haskell call stack pandoc prints after it.
        err = [line for line in err if line and not _STACK_LINE.search(line)]
        msg = printable(err[-1]) if err else f"exit status {proc.returncode}"
        if (
            proc.returncode == EXIT_HEAP_EXHAUSTED
            or "eap exhausted" in msg
            or "heap overflow" in msg
        ):
            raise TooLarge(f"pandoc ran out of its {limits.pandoc_memory_mb} MB memory limit")
        if proc.returncode < 0:
            raise IngestError(f"pandoc was killed by signal {-proc.returncode}")
        if fmt in ("docx", "odt"):
            if "ZIP64" in msg:
                raise InvalidContainer(f"unsupported {fmt.upper()} (ZIP64)")
            raise InvalidContainer(f"invalid {fmt.upper()}: pandoc cannot read it ({msg[:160]})")
        raise IngestError(f"pandoc could not read it as {fmt} ({msg[:160]})")
    try:
        result: dict[str, Any] = json.loads(stdout)
    except RecursionError as exc:
        raise TooLarge("the document is nested too deeply") from exc
    except ValueError as exc:
        raise IngestError(f"pandoc returned unreadable output ({exc})") from exc
    return result
