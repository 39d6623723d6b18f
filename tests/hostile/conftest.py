"""Shared machinery for the hostile-input suite (issue 7, /work/shared/hostile-inputs.md).

- `isolated(fn, *args, deadline=...)` runs `fn` in a forked child with a hard deadline: one hang
  cannot stall the suite, one crash cannot take pytest down. The parent has warmed spaCy and
  WeasyPrint before forking, so each case costs what the article costs.
- `batch_case(bad)` builds the batch `[good_1, BAD, good_2]` in one child, in that order, and
  checks the three promises: the source is unchanged, the good articles come out byte for byte
  as they do alone, and BAD either fails with an article error or gives outputs.
- `leaks(files, marker)` looks for a marker everywhere in outputs: raw bytes, every PDF stream
  decompressed, every MIME part decoded, every ZIP member.
- `listener` is a TCP listener on 127.0.0.1 in its own process that records every connection.
"""

from __future__ import annotations

import base64
import email
import hashlib
import io
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import textwrap
import time
import traceback
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from editorial.config import Settings, load_settings
from editorial.errors import EditorialError
from editorial.model import RenderedFile

MARKER = "TOPSECRET-42"
GOOD_1 = """# The harbour reopens

The mayor said: "We will reopen the harbour in May." Jane Smith, the engineer, agreed with her.

Fishermen in Brest welcomed the news. "It has been a long winter," said Paul Martin.
"""
GOOD_2 = """The new library

The library on Rue de Siam opens on Monday. "Books are for everyone," said Claire Dubois, the librarian.

Readers from Quimper and Morlaix are expected. The city council paid for the building.
"""


def settings() -> Settings:
    return load_settings()


# ------------------------------------------------------------------ isolation


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        conn.send(("ok", fn(*args)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent as data
        conn.send(("raised", (type(exc).__name__, str(exc), traceback.format_exc())))
    finally:
        conn.close()


def isolated(fn: Callable[..., Any], *args: Any, deadline: float = 60.0) -> Any:
    """fn(*args) in a forked child; its return value, or pytest.fail on a hang or a crash.

    An exception in the child comes back as ("raised", (type name, message, traceback))."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args))
    started = time.monotonic()
    proc.start()
    child.close()
    try:
        if not parent.poll(deadline):
            proc.kill()
            proc.join()
            pytest.fail(f"{getattr(fn, '__name__', fn)} ran past its {deadline:g} s deadline")
        status, value = parent.recv()
    except EOFError:
        proc.join()
        pytest.fail(f"the child died (exit code {proc.exitcode}) after "
                    f"{time.monotonic() - started:.1f} s")  # fmt: skip
    finally:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
    return status, value


# ------------------------------------------------------------------ the batch case


@dataclass
class Outcome:
    """What one article gave: its files (name -> bytes) or its error (code, message)."""

    files: dict[str, bytes] = field(default_factory=dict)
    code: str = ""
    message: str = ""
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.code


def produce_outcome(source: str) -> Outcome:
    """produce() one article in this process, as the worker does (errors become codes)."""
    from editorial.stages import Job
    from editorial.workers import _produce_in_worker

    started = time.monotonic()
    result = _produce_in_worker(Job(source=source), settings())
    seconds = time.monotonic() - started
    if hasattr(result, "files") and hasattr(result, "article"):
        return Outcome(files={f.name: f.data for f in result.files},
                       warnings=result.article.warnings, seconds=seconds)  # fmt: skip
    assert result.error is not None
    return Outcome(code=result.error.code, message=result.error.message, seconds=seconds)


def _batch(sources: list[str]) -> list[Outcome]:
    return [produce_outcome(s) for s in sources]


@dataclass
class Goods:
    dir: Path
    paths: tuple[Path, Path]
    alone: tuple[dict[str, bytes], dict[str, bytes]]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def warm() -> None:
    """Load what the workers load, once, before any fork."""
    from editorial.workers import _init_worker

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from editorial.extract.nlp import warm_up

    warm_up()
    import editorial.render.newsletter  # noqa: F401
    import editorial.render.pdf  # noqa: F401
    import editorial.render.social  # noqa: F401

    del _init_worker


@pytest.fixture(scope="session")
def goods(warm: None, tmp_path_factory: pytest.TempPathFactory) -> Goods:
    d = tmp_path_factory.mktemp("goods")
    p1, p2 = d / "good-1.md", d / "good-2.txt"
    p1.write_text(GOOD_1, "utf-8")
    p2.write_text(GOOD_2, "utf-8")
    alone = []
    for p in (p1, p2):
        status, out = isolated(produce_outcome, str(p))
        assert status == "ok" and out.ok, out
        alone.append(out.files)
    return Goods(d, (p1, p2), (alone[0], alone[1]))


def batch_case(goods: Goods, bad: Path, *, deadline: float = 90.0) -> Outcome:
    """[good_1, BAD, good_2] in one process; asserts the batch promises; BAD's outcome."""
    before = sha(bad) if bad.is_file() and not bad.is_symlink() else None
    status, outs = isolated(_batch, [str(goods.paths[0]), str(bad), str(goods.paths[1])],
                            deadline=deadline)  # fmt: skip
    assert status == "ok", f"the batch raised: {outs}"
    assert comparable(outs[0].files) == comparable(goods.alone[0]), "good_1 differs from alone"
    assert comparable(outs[2].files) == comparable(goods.alone[1]), "good_2 differs from alone"
    if before is not None:
        assert sha(bad) == before, "the source file was changed"
    return outs[1]


_BOUNDARY = re.compile(rb"={15}\d+==")


def comparable(files: dict[str, bytes]) -> dict[str, bytes]:
    """Files with the one known source of run-to-run noise removed: the random MIME boundary
    the email package draws for newsletter.eml."""
    return {n: _BOUNDARY.sub(b"=BOUNDARY=", d) if n.endswith(".eml") else d for n, d in files.items()}


def assert_article_error(out: Outcome, code: str, name: str) -> None:
    assert out.code == code, f"expected {code}, got {out.code or 'success'}: {out.message}"
    assert name in out.message, f"the message does not name {name}: {out.message}"
    assert "\n" not in out.message


# ------------------------------------------------------------------ leaks


def _pdf_streams(data: bytes) -> Iterator[bytes]:
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        raw = m.group(1)
        yield raw
        for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
            try:
                yield zlib.decompressobj(wbits).decompress(raw, 50_000_000)
                break
            except zlib.error:
                continue


def expand(name: str, data: bytes) -> Iterator[bytes]:
    """Every byte string an output holds, decoded every way a reader would decode it."""
    yield data
    if data.startswith(b"%PDF"):
        yield from _pdf_streams(data)
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for member in z.namelist():
                yield from expand(member, z.read(member))
    if name.endswith(".eml"):
        msg = email.message_from_bytes(data)
        for part in msg.walk():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                yield from expand(part.get_filename() or "", payload)
    for m in re.finditer(rb"[A-Za-z0-9+/=\r\n]{40,}", data):
        try:
            yield base64.b64decode(m.group().replace(b"\r", b"").replace(b"\n", b""), validate=False)
        except ValueError:
            pass


def leaks(files: dict[str, bytes], marker: str = MARKER) -> list[str]:
    """Names of the outputs where `marker` shows, in any encoding a reader would undo."""
    needles = [marker.encode(), marker.encode("utf-16-be"), marker.encode("utf-16-le"),
               base64.b64encode(marker.encode())[:12]]  # fmt: skip
    found = []
    for name, data in files.items():
        if any(n in blob for blob in expand(name, data) for n in needles):
            found.append(name)
    return found


def embedded_files(files: dict[str, bytes]) -> list[str]:
    return [n for n, d in files.items() if d.startswith(b"%PDF")
            and any(b"/EmbeddedFile" in s for s in _pdf_streams(d) if s) or b"/EmbeddedFile" in d]  # fmt: skip


def plant_marker(folder: Path) -> list[Path]:
    """Secrets beside the article, under names an attacker would try."""
    planted = []
    for name in ("secret.txt", "config.toml", ".env", "secret.png", "notes.html"):
        p = folder / name
        p.write_text(f"{MARKER} password=hunter2\n", "utf-8")
        planted.append(p)
    return planted


# ------------------------------------------------------------------ network listener


@dataclass
class Listener:
    port: int
    log: Path

    def hits(self) -> list[str]:
        return [x for x in self.log.read_text("utf-8").splitlines() if x] if self.log.exists() else []

    def url(self, path: str = "/probe") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


_LISTENER = textwrap.dedent(
    """
    import socket, sys
    log = open(sys.argv[1], "a", buffering=1)
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0)); s.listen(64)
    print(s.getsockname()[1], flush=True)
    while True:
        c, addr = s.accept()
        c.settimeout(2)
        try:
            data = c.recv(4096)
        except OSError:
            data = b""
        log.write(repr(data[:200]) + "\\n")
        try:
            c.sendall(b"HTTP/1.0 200 OK\\r\\nContent-Type: text/html\\r\\n\\r\\n<p>TOPSECRET-42</p>")
        except OSError:
            pass
        c.close()
    """
)


@pytest.fixture(scope="session")
def listener(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Listener]:
    log = tmp_path_factory.mktemp("listener") / "hits.log"
    proc = subprocess.Popen([sys.executable, "-c", _LISTENER, str(log)], stdout=subprocess.PIPE,
                            text=True)  # fmt: skip
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    yield Listener(port, log)
    proc.kill()
    proc.wait()


def port_is_listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def rendered(files: tuple[RenderedFile, ...]) -> dict[str, bytes]:
    return {f.name: f.data for f in files}


def no_editorial_error(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except EditorialError as exc:  # pragma: no cover - reported by the caller
        return exc


# ------------------------------------------------------------------ the whole hostile batch

# Too slow for the shared batch on this machine; tested with small limits on their own.
SLOW_CASES = {"H37", "H45"}
PREVIOUS = "# Previous version {case}\n\nThe council met on Tuesday and agreed the budget for {case}.\n"


@dataclass
class HostileBatch:
    out: Path
    src: Path
    paths: dict[str, Path]  # case -> source
    results: dict[str, Any]  # case -> ArticleResult
    previous: dict[str, dict[str, bytes]]  # case -> its outputs from the earlier good version
    goods: dict[str, dict[str, bytes]]  # good name -> outputs in the hostile batch
    sources_before: dict[str, str]
    seconds: float


def read_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "manifest.json"}  # fmt: skip


@pytest.fixture(scope="session")
def hostile_batch(goods: Goods, listener: Listener, tmp_path_factory: pytest.TempPathFactory) -> HostileBatch:
    """Every file case in ONE batch through the real pool and store, between two good articles:
    first each case's name holds a good earlier version (published), then the hostile bytes."""
    from editorial import pipeline, stages
    from editorial.ingest import SUPPORTED

    from .inputs import FILE_CASES, build, docx_bytes, paras_xml

    base = tmp_path_factory.mktemp("hostile")
    src, out, scratch = base / "src", base / "out", base / "scratch"
    cases = [c for c in FILE_CASES if c not in SLOW_CASES]
    names = {c: build(c, scratch / c, port=listener.port).name for c in cases}
    paths: dict[str, Path] = {}
    for c in cases:
        (src / c).mkdir(parents=True)
        paths[c] = src / c / names[c]
    # Earlier good versions, for the cases that must fail (their output must survive).
    failing = [c for c in cases if "ok" not in FILE_CASES[c][1].split("|")]
    for c in failing:
        text = PREVIOUS.format(case=c)
        if paths[c].suffix == ".docx":
            paths[c].write_bytes(docx_bytes(paras_xml(*text.lstrip("# ").split("\n\n"))))
        elif paths[c].suffix in (".html", ".htm"):
            title, body = text.lstrip("# ").split("\n\n", 1)
            paths[c].write_text(f"<h1>{title}</h1><p>{body}</p>", "utf-8")
        elif paths[c].suffix in SUPPORTED:
            paths[c].write_text(text, "utf-8")
    good_dir = src / "goods"
    good_dir.mkdir()
    good_paths = [good_dir / p.name for p in goods.paths]
    for p, q in zip(goods.paths, good_paths, strict=True):
        q.write_bytes(p.read_bytes())
    s = settings()
    s = s.model_copy(update={"limits": s.limits.model_copy(update={"job_timeout": 150.0})})
    earlier = [stages.Job(source=str(paths[c])) for c in failing if paths[c].exists()]
    first = pipeline.run_batch(earlier, out_dir=out, settings=s, workers=2)
    by_source = {r.source: r for r in first}
    previous = {c: read_tree(out / by_source[str(paths[c])].slug) for c in failing
                if str(paths[c]) in by_source and by_source[str(paths[c])].status == "ok"}  # fmt: skip
    order = [str(good_paths[0]), *(str(paths[c]) for c in cases), str(good_paths[1])]
    jobs = [stages.Job(source=x) for x in order]
    for c in cases:
        for p in (src / c).iterdir():
            p.unlink()
        build(c, src / c, port=listener.port)
    before = {c: sha(paths[c]) for c in cases if paths[c].is_file() and not paths[c].is_symlink()}
    started = time.monotonic()
    second = pipeline.run_batch(jobs, out_dir=out, settings=s, workers=2)
    seconds = time.monotonic() - started
    results = {c: r for c in cases for r in second if r.source == str(paths[c])}
    good_results = [second[0], second[-1]]
    goods_out = {Path(r.source).name: read_tree(out / r.slug) for r in good_results}
    return HostileBatch(out, src, paths, results, previous, goods_out, before, seconds)
