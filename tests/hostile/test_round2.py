"""The second adversarial round (issue 17), class by class: each test names its class.

The file cases (`inputs.ROUND_2`: non-UTF-8 and terminal-hostile names, dangerous front-matter
URLs, formulas, FIFOs, symlinks to devices, sparse files, odd YAML) run in the one hostile batch
of `test_file_cases.py`; the tests here check what that batch cannot say alone, and each
mechanism directly with variants of its class.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from editorial import cache, outcomes, sources, store
from editorial.errors import EditorialError, RenderError, StageTimeout, StoreError
from editorial.ingest import ingest, mixed_scripts
from editorial.model import Article, ArticleResult, Block, ErrorInfo, RenderedFile
from editorial.names import printable, source_id
from editorial.render.social import csv_cell
from editorial.stages import Job, Produced
from editorial.urls import safe_link

from .conftest import HostileBatch, settings
from .inputs import BAD_URLS, FORMULAS, NON_UTF8_NAMES
from .inputs import BODY as BODY_TEXT

# ---------------------------------------------------------------- 1, 6: names are data

HOSTILE_TEXTS = [
    "bad-\udcff\udcfe-name.md",  # bytes that are not UTF-8 (surrogateescape)
    "\x1b]0;pwned\x07title.md",  # OSC: set the terminal's title
    "\x1b[2J\x1b[31mclear.md",  # CSI: clear the screen, colours
    "\u202egnp.exe.md",  # right-to-left override
    "\u2066isolate\u2069\u200b\ufeff.md",  # isolates, zero-width, BOM
    "cr\rline\nfeed\x85next.md",  # CR, LF, NEL
    "\ud800lone.md",  # a lone high surrogate (from JSON)
]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_c1_c6_printable_escapes_what_a_terminal_would_obey(text: str) -> None:
    shown = printable(text)
    shown.encode("utf-8")  # always encodable
    assert shown.isprintable(), repr(shown)
    assert "\x1b" not in shown and "\u202e" not in shown and "\r" not in shown
    assert printable(shown) == shown  # idempotent


@pytest.mark.parametrize("text", ["plain.md", "Élodie Müller.md", "北京.md", "[bold]x.md", "a\tb"])
def test_c6_printable_keeps_printable_text(text: str) -> None:
    assert printable(text) == text or text == "a\tb"


@pytest.mark.parametrize("raw", NON_UTF8_NAMES)
def test_c1_state_report_and_manifest_take_any_file_name(tmp_path: Path, raw: bytes) -> None:
    source = str(tmp_path / os.fsdecode(raw))
    out = tmp_path / "out"
    result = ArticleResult(source=source, slug="s", status="ok")
    store.write_state(out, result, "k")
    assert store.read_state(out, source)["key"] == "k"
    assert store.read_state(out, source)["source"] == source  # round-trips the very name
    store.publish(out, "s", [RenderedFile(name="x.txt", data=b"x", media_type="text/plain")],
                  {"source": source})  # fmt: skip
    assert store.owns(out / "s", source)
    failed = outcomes.failed(Job(source=source), EditorialError("broken", source=source), out)
    assert failed.error and "\\x" in failed.error.message
    path = store.write_run_report(out, [result, failed])
    report = json.loads(path.read_bytes().decode("utf-8"))  # valid UTF-8 JSON
    assert report["articles"][0]["source"] == source


def test_c6_cli_table_shows_names_as_they_are(tmp_path: Path) -> None:
    from rich.console import Console

    from flows.cli import summarise

    names = ["markup[/]name.md", "[bold]spoof.md", "\x1b]0;pwned\x07x.md", "\u202egnp.md",
             "bad-\udcff.md"]  # fmt: skip
    results = [ArticleResult(source=str(tmp_path / n), status="failed",
                             error=ErrorInfo(code="empty", message=f"{tmp_path / n}: empty"))
               for n in names]  # fmt: skip
    buf = io.StringIO()
    console = Console(file=buf, width=400, color_system=None, force_terminal=False)
    assert summarise(results, tmp_path / "out[/]", console) == 1
    text = buf.getvalue()
    assert "[bold]spoof.md" in text and "markup[/]name.md" in text
    assert "\x1b" not in text and "\u202e" not in text and "\udcff" not in text
    assert "\\x1b]0;pwned\\x07x.md" in text and "bad-\\xff.md" in text
    assert "run report: not written" in text  # there is no report: its path is not claimed


def test_c1_c6_every_hostile_name_of_the_batch_is_in_the_report(hostile_batch: HostileBatch) -> None:
    report = json.loads((hostile_batch.out / store.RUN_REPORT).read_bytes().decode("utf-8"))
    reported = {a["source"] for a in report["articles"]}
    for case, path in hostile_batch.paths.items():
        assert str(path) in reported, case
    assert report["summary"]["ok"] + report["summary"]["failed"] + report["summary"]["skipped"] == len(
        report["articles"]
    )
    assert not [a for a in report["articles"] if a.get("error", {}) and a["error"]["code"] == "internal_error"]


# ---------------------------------------------------------------- 2: whose folder is it


def _files() -> list[RenderedFile]:
    return [RenderedFile(name="report.pdf", data=b"%PDF victim", media_type="application/pdf")]


def test_c2_a_brute_forced_name_never_takes_a_folder_from_its_owner(tmp_path: Path) -> None:
    out = tmp_path / "out"
    store.publish(out, "budget", _files(), {"source": "victim-1.md"})
    # the attacker's fallback folder is already the victim's (as if the hash was aimed at it)
    fallback, _ = store.claim_slug(out, "budget", "attacker.md")
    store.publish(out, fallback, _files(), {"source": "victim-2.md"})
    slug, warning = store.claim_slug(out, "budget", "attacker.md")
    assert slug not in ("budget", fallback) and warning
    assert store.read_manifest(out / fallback)["source"] == "victim-2.md"
    with pytest.raises(StoreError):
        store.publish(out, fallback, _files(), {"source": "attacker.md"})
    assert (out / fallback / "report.pdf").read_bytes() == b"%PDF victim"


@pytest.mark.parametrize("kind", ["folder", "empty-folder", "file", "symlink", "foreign-manifest"])
def test_c2_what_editorial_did_not_create_is_never_replaced(tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "archive"
    if kind == "folder":
        target.mkdir()
        (target / "important.txt").write_text("keep")
    elif kind == "empty-folder":
        target.mkdir()
    elif kind == "file":
        target.write_text("keep")
    elif kind == "symlink":
        (tmp_path / "elsewhere").mkdir()
        target.symlink_to(tmp_path / "elsewhere")
    else:
        target.mkdir()
        (target / "manifest.json").write_text('{"note": "not ours", "files": ["x"]}')
    before = sorted(str(p) for p in out.rglob("*"))
    slug, warning = store.claim_slug(out, "archive", "sources/archive.md")
    assert slug != "archive" and warning
    with pytest.raises(StoreError):
        store.publish(out, "archive", _files(), {"source": "sources/archive.md"})
    store.retire(out, "archive", "sources/archive.md")
    assert sorted(str(p) for p in out.rglob("*")) == before


def test_c2_another_spelling_of_the_path_is_the_same_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.md").write_text("x")
    out = tmp_path / "out"
    spellings = ["sources/a.md", "./sources/a.md", str(tmp_path / "sources" / "a.md"),
                 "sources/../sources/a.md", "sources//a.md"]  # fmt: skip
    assert len({source_id(s) for s in spellings}) == 1
    store.publish(out, "a", _files(), {"source": spellings[0]})
    store.write_state(out, ArticleResult(source=spellings[0], slug="a", status="ok"), "k")
    for s in spellings:
        assert store.claim_slug(out, "a", s) == ("a", "")
        assert store.read_state(out, s)["key"] == "k"
    assert sources.discover(spellings + ["sources"]) == ["sources/a.md"]  # one job


def test_c2_a_renamed_title_leaves_no_orphan_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    src = tmp_path / "a.md"
    src.write_text("x")
    job = Job(source=str(src), formats=("social",))

    def produced(title: str) -> Produced:
        text = f"{title}\n\nBody."
        article = Article(source=str(src), source_name="a.md", format="md",
                          slug=title.lower().replace(" ", "-"), title=title, language="en",
                          blocks=(Block(kind="title", text=title, start=0, end=len(title)),),
                          text=text, content_hash="c")  # fmt: skip
        from editorial.model import Extraction

        return Produced(article, Extraction(language="en"), tuple(_files()))

    outcomes.publish(job, produced("Old title"), "c.x", out)
    (out / "keep-me").mkdir()  # someone else's folder
    outcomes.publish(job, produced("New title"), "c.x", out)
    assert not (out / "old-title").exists() and (out / "new-title").is_dir()
    assert (out / "keep-me").is_dir()


def test_c2_homoglyph_titles_never_share_a_slug() -> None:
    assert mixed_scripts("\u0410rchive")  # Cyrillic А + Latin
    assert mixed_scripts("Pay\u0440al login")  # Cyrillic р
    assert mixed_scripts("\u03bfpen letter")  # Greek ο
    assert not mixed_scripts("Москва and Paris") and not mixed_scripts("Éloïse à Noël")


def test_c2_homoglyph_title_gets_its_own_folder(tmp_path: Path) -> None:
    genuine, fake = tmp_path / "genuine.md", tmp_path / "fake.md"
    genuine.write_text(f"# Archive\n\n{BODY_TEXT}\n")
    fake.write_text(f"# \u0410rchive\n\n{BODY_TEXT}\n")
    assert ingest(genuine).slug == "archive"
    assert ingest(fake).slug.startswith("archive-") and ingest(fake).slug != "archive"


# ---------------------------------------------------------------- 3: only http(s) leaves


@pytest.mark.parametrize("url", BAD_URLS + ("https://", "http:///x", "https://exa mple.org",
                                            "https://example.org:99999/", "ftp://example.org/",
                                            "mailto:a@example.org", "\u202ehttps://example.org",
                                            "https://example.org/\x00", "HTTPS://example.org\n/x"))  # fmt: skip
def test_c3_dangerous_urls_are_refused(url: str) -> None:
    assert safe_link(url) == ""
    article = Article(source="x", source_name="x", format="md", slug="x", title="t", language="en",
                      blocks=(), text="", content_hash="0", canonical_url=url)  # fmt: skip
    assert article.canonical_url == ""


@pytest.mark.parametrize("url", ["https://example.org/a?b=c#d", "http://example.org",
                                 "HTTPS://Example.org/x", "https://[::1]:8080/p"])  # fmt: skip
def test_c3_web_urls_pass(url: str) -> None:
    assert safe_link(url) == url


def test_c3_mailto_only_where_asked() -> None:
    from editorial.urls import MAIL_SCHEMES

    assert safe_link("mailto:desk@example.org", schemes=MAIL_SCHEMES) == "mailto:desk@example.org"
    assert safe_link("mailto:javascript:alert(1)", schemes=MAIL_SCHEMES) == ""


def test_c3_no_dangerous_link_in_any_output(hostile_batch: HostileBatch) -> None:
    bad = re.compile(rb"(?i)(javascript|vbscript|data|file):|evil\.example|user:pass")
    for case, result in hostile_batch.results.items():
        if result.status != "ok":
            continue
        for p in (hostile_batch.out / result.slug).rglob("*"):
            if not p.is_file() or p.suffix not in (".json", ".md", ".csv", ".html", ".txt", ".eml"):
                continue
            data = p.read_bytes()
            if case.startswith("R3"):
                assert "front matter URL dropped" in " ".join(result.warnings)
                assert not bad.search(data), (case, p.name)
            for link in re.findall(rb'(?:href=3D|href=|"uri": |"link": )"([^"]*)"', data):
                assert not link or re.match(rb"(https?://|mailto:|#|report\.|cards/)", link), (case, p.name, link)


# ---------------------------------------------------------------- 4: formulas


@pytest.mark.parametrize("value", [*FORMULAS, "\tx", "\rx", "\u2212 5"])
def test_c4_formula_cells_are_neutralised(value: str) -> None:
    assert csv_cell(value).startswith("'")


@pytest.mark.parametrize("value", ["Hello", "#budget", "1/3", "https://example.org", "", "x=1"])
def test_c4_plain_cells_are_kept(value: str) -> None:
    assert csv_cell(value) == value


def test_c4_social_csv_of_the_batch_has_no_formula(hostile_batch: HostileBatch) -> None:
    result = hostile_batch.results["R4-formulas"]
    assert result.status == "ok", result.error
    data = (hostile_batch.out / result.slug / "social.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert len(rows) > 1
    for row in rows:
        for cell in row:
            assert not re.match(r"^[\t\r\n]|^[ \u00a0]*[=+\-@\uff1d\uff0b\uff0d\uff20\u2212]", cell), cell


# ---------------------------------------------------------------- 5, 8: one bounded read


def test_c5_the_content_key_never_reads_what_ingest_refuses(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    with open(tmp_path / "sparse.md", "wb") as f:
        f.truncate(8 * 1024**3)
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    for name in ("pipe.md", "zero.md", "sparse.md"):
        assert cache.job_key(Job(source=str(tmp_path / name)), settings()).startswith("unreadable.")
    assert time.monotonic() - started < 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KiB


def test_c5_every_article_entry_gets_a_row(tmp_path: Path) -> None:
    d = tmp_path / "src"
    (d / "sub").mkdir(parents=True)
    (d / ".git").mkdir()
    (d / "a.md").write_text("x")
    (d / ".hidden.md").write_text("x")
    (d / ".git" / "x.md").write_text("x")
    (d / "sub" / "b.txt").write_text("x")
    (d / "notes.pdf").write_text("x")
    os.mkfifo(d / "pipe.md")
    (d / "link.md").symlink_to(d / "a.md")
    (d / "dev.md").symlink_to("/dev/zero")
    (d / "linked-dir.md").symlink_to(d / "sub")
    (d / "tree").symlink_to(d / "sub")  # a symlinked folder is not entered
    found = {Path(p).name for p in sources.discover([d])}
    assert found == {"a.md", ".hidden.md", "b.txt", "pipe.md", "link.md", "dev.md", "linked-dir.md"}
    hidden = Job(source=next(p for p in sources.discover([d]) if p.endswith(".hidden.md")))
    assert cache.is_fresh(hidden, "k", tmp_path / "out")
    assert not sources.ignored(str(d / ".hidden.md"))  # named explicitly: published
    row = outcomes.skipped(hidden, tmp_path / "out")
    assert row.status == "skipped" and "hidden" in row.warnings[0]


def test_c8_the_key_published_is_the_key_of_the_bytes_the_worker_read() -> None:
    key = "aaaa.options"
    assert cache.key_for_content(key, "bbbb") == "bbbb.options"
    assert cache.key_for_content("unreadable.options", "cccc") == "cccc.options"


def test_c8_a_source_changed_during_the_run_is_not_taken_as_fresh(tmp_path: Path) -> None:
    """Version B is read by the worker while the parent keyed version A; A is restored after
    the run. The published key is B's, so the next run (reading A) redoes the article."""
    src = tmp_path / "a.md"
    out = tmp_path / "out"
    src.write_text("# Version A\n\nBody.\n")
    job = Job(source=str(src), formats=("social",))
    key_a = cache.job_key(job, settings())
    src.write_text("# Version B\n\nBody.\n")
    article = ingest(src)  # the worker's read
    from editorial.model import Extraction

    outcomes.publish(job, Produced(article, Extraction(language="en"), tuple(_files())), key_a, out)
    src.write_text("# Version A\n\nBody.\n")
    assert not cache.is_fresh(job, cache.job_key(job, settings()), out)


# ---------------------------------------------------------------- 9: one run per output folder


def test_c9_a_second_run_on_the_same_out_is_refused_and_harms_nothing(tmp_path: Path) -> None:
    from editorial import pipeline

    out = tmp_path / "out"
    with store.run_lock(out):
        staging = out / ".tmp-live-article-xyz"
        staging.mkdir()
        (out / store.RUN_REPORT).write_text('{"mine": true}')
        with pytest.raises(StoreError, match="in use by another run"):
            pipeline.run_batch([], out_dir=out, settings=settings())
        assert staging.is_dir()  # the live run's staging survives
        assert json.loads((out / store.RUN_REPORT).read_text()) == {"mine": True}
    assert pipeline.run_batch([], out_dir=out, settings=settings()) == []  # free again
    assert not staging.exists()  # now recovery runs


def test_c9_the_lock_waits_when_asked(tmp_path: Path) -> None:
    import threading

    out = tmp_path / "out"
    held = threading.Event()

    def hold() -> None:
        with store.run_lock(out):
            held.set()
            time.sleep(0.6)

    t = threading.Thread(target=hold)
    t.start()
    held.wait()
    started = time.monotonic()
    with store.run_lock(out, wait=10):
        assert time.monotonic() - started > 0.3
    t.join()


# ---------------------------------------------------------------- 10: linear work


@pytest.mark.parametrize("shape", ["{name} is a x ", "{name}, the x ", "{name}, who x ", "{name}, a x of y "])
def test_c10_speaker_role_is_linear_in_the_text(shape: str) -> None:
    """`NAME is a …` over and over with no full stop: each try used to scan to the end of the
    text (80 KB: 11 s before, 0.1 s after)."""
    from editorial.render.pdf_context import speaker_role

    def article(n: int) -> Article:
        text = shape.format(name="Jane Smith") * (n // len(shape))
        return Article(source="x", source_name="x", format="md", slug="x", title="t", language="en",
                       blocks=(Block(kind="paragraph", text=text, start=0, end=len(text)),),
                       text=text, content_hash="0")  # fmt: skip

    big = article(80_000)
    started = time.monotonic()
    speaker_role("Jane Smith", big)
    assert time.monotonic() - started < 2.0


# ---------------------------------------------------------------- 11: codes and messages


def test_c11_a_wrapped_timeout_or_memory_error_keeps_its_code() -> None:
    job = Job(source="a.md")
    try:
        try:
            raise StageTimeout("rendering took longer than 60 s")
        except StageTimeout as exc:
            raise RuntimeError("library wrapped it") from exc
    except RuntimeError as wrapped:
        assert outcomes.failed(job, wrapped).error.code == "timeout"  # type: ignore[union-attr]
    try:
        try:
            raise MemoryError()
        except MemoryError:
            raise SystemError("error return without exception set")  # noqa: B904
    except SystemError as wrapped:
        assert outcomes.failed(job, wrapped).error.code == "too_large"  # type: ignore[union-attr]
    assert outcomes.failed(job, RenderError("x")).error.code == "render_failed"  # type: ignore[union-attr]
    try:  # what pdf.layout does with a timeout inside WeasyPrint
        try:
            raise StageTimeout("rendering took longer than 60 s")
        except StageTimeout as exc:
            raise RenderError(f"PDF layout failed: {type(exc).__name__}: {exc}") from exc
    except RenderError as wrapped:
        assert outcomes.failed(job, wrapped).error.code == "timeout"  # type: ignore[union-attr]


@pytest.mark.parametrize("front", ["title: 99999999999999999999999999999\ntags: 12",
                                   "tags: {a: 1}\nkeywords: [1, [2, 3]]", "tags: 3.5\ndate: 2024-02-03",
                                   "author: {x: y}\nurl: 12"])  # fmt: skip
def test_c11_odd_front_matter_values_are_article_data(tmp_path: Path, front: str) -> None:
    p = tmp_path / "a.md"
    p.write_text(f"---\n{front}\n---\n\n{BODY_TEXT}\n")
    article = ingest(p)
    assert all(isinstance(t, str) and t for t in article.tags)


@pytest.mark.parametrize("front", [f"title: {'9' * 5000}", "date: 2024-13-45", "date: 0000-01-01"])
def test_c11_a_value_yaml_cannot_build_is_an_input_error(tmp_path: Path, front: str) -> None:
    p = tmp_path / "a.md"
    p.write_text(f"---\n{front}\n---\n\n{BODY_TEXT}\n")
    with pytest.raises(EditorialError) as info:
        ingest(p)
    assert info.value.code == "ingest_failed" and "front matter" in str(info.value)


def test_c11_pandoc_stack_lines_are_not_the_message() -> None:
    from editorial.ingest.pandoc import _STACK_LINE

    assert _STACK_LINE.search("CallStack (from HasCallStack):")
    assert _STACK_LINE.search("error, called at src/Text/Pandoc/Readers/Docx.hs:12:3 in pandoc-3.9")
    assert not _STACK_LINE.search("Did not find end of central directory signature")


@pytest.mark.parametrize("kind", ["read-only", "a-file"])
def test_c11_an_output_folder_that_cannot_be_written_is_a_clean_error(tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out"
    if kind == "read-only":
        if os.geteuid() == 0:
            pytest.skip("root writes to read-only folders")
        out.mkdir()
        out.chmod(0o555)
    else:
        out.write_text("not a folder")
    (tmp_path / "src").mkdir()
    run = subprocess.run([sys.executable, "-m", "flows.cli", "run", str(tmp_path / "src"), "--out",
                          str(out), "--no-prefect"], capture_output=True, timeout=120,
                         cwd=Path(__file__).parents[2])  # fmt: skip
    if kind == "read-only":
        out.chmod(0o755)
    assert run.returncode == 1 and b"Traceback" not in run.stderr, run.stderr.decode()[-800:]
    assert b"cannot write" in run.stderr and b"run report:" not in run.stdout + run.stderr


# ---------------------------------------------------------------- 7: a clean stop


def _start_run(tmp_path: Path, n: int = 4, prefect: bool = False) -> tuple[subprocess.Popen[bytes], Path]:
    """A run with its own TMPDIR (`tmp_path/tmp`): another test's pool, starting meanwhile,
    clears the claims of a killed run in the shared /tmp before this test could look. With
    `prefect`, the default route: Prefect's temporary server in a Prefect home of its own."""
    import socket

    from .conftest import GOOD_1

    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (tmp_path / "tmp").mkdir()
    for i in range(n):
        (src / f"a{i}.md").write_text(GOOD_1.replace("# ", f"# {i} ", 1), "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["TMPDIR"] = str(tmp_path / "tmp")
    if prefect:
        with socket.socket() as s:  # no `make serve` there: the run starts its own server
            s.bind(("127.0.0.1", 0))
            env.update(PREFECT_HOME=str(tmp_path / "prefect"), EDITORIAL_PUBLISHER="off",
                       EDITORIAL_SERVER_PREFECT_PORT=str(s.getsockname()[1]))  # fmt: skip
    route = [] if prefect else ["--no-prefect"]
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "run", str(src), "--out", str(out),
                             *route, "--workers", "1", "--quiet"], cwd=Path(__file__).parents[2],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip
    return proc, out


def _wait_for_a_claim(proc: subprocess.Popen[bytes], tmp: Path) -> None:
    """Until a worker of `proc` runs an article (its claim file exists in `tmp`)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if any(tmp.glob(f"editorial-claims-{proc.pid}-*/*")):
            return
        time.sleep(0.1)
    pytest.fail("no worker started an article")


def _group_gone(pgid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM], ids=["SIGTERM"])  # SIGINT: the same path
def test_c7_sigterm_and_sigint_stop_cleanly_within_10_s(tmp_path: Path, signum: int) -> None:
    proc, out = _start_run(tmp_path)
    _wait_for_a_claim(proc, tmp_path / "tmp")
    started = time.monotonic()
    os.kill(proc.pid, signum)
    _, stderr = proc.communicate(timeout=30)
    assert time.monotonic() - started < 10, "the stop took longer than 10 s"
    assert proc.returncode == 128 + signum, stderr.decode()[-1500:]
    assert b"Traceback" not in stderr, stderr.decode()[-1500:]
    assert _group_gone(proc.pid, 5), "a child process outlived the run"
    report = json.loads((out / store.RUN_REPORT).read_text("utf-8"))
    assert report["cancelled"] is True and len(report["articles"]) == 4
    assert not [p for p in out.rglob("*") if p.name.startswith((".tmp-", ".old-"))]
    assert not list((tmp_path / "tmp").glob(f"editorial-claims-{proc.pid}-*"))


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_c7_a_signal_to_the_whole_group_stops_a_prefect_run_cleanly(tmp_path: Path, signum: int) -> None:
    """A terminal's Ctrl-C (or a service manager's SIGTERM) reaches every process of the group,
    Prefect's temporary server included. Before: the CLI reported the stop to a closed server,
    retried for over a minute and ended with a traceback (SIGTERM: one article failed with
    TerminationSignal and the batch went on)."""
    proc, out = _start_run(tmp_path, n=16, prefect=True)
    deadline = time.monotonic() + 120  # the flow is running once it has published an article
    while proc.poll() is None and not list(out.glob("*/report.pdf")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before the signal"
    started = time.monotonic()
    os.killpg(proc.pid, signum)
    _, stderr = proc.communicate(timeout=120)
    assert time.monotonic() - started < 10, "the stop took longer than 10 s"
    assert proc.returncode == 128 + signum, stderr.decode()[-1500:]
    assert b"Traceback" not in stderr, stderr.decode()[-1500:]
    assert f"stopped by {signal.Signals(signum).name}".encode() in stderr
    report = json.loads((out / store.RUN_REPORT).read_text("utf-8"))
    assert report["cancelled"] is True and len(report["articles"]) == 16


@pytest.mark.slow
def test_c7_after_kill_9_the_children_exit_and_the_next_run_clears_the_claims(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    proc, out = _start_run(tmp_path)
    _wait_for_a_claim(proc, tmp_path / "tmp")
    os.kill(proc.pid, signal.SIGKILL)  # the parent only: its children must notice
    proc.wait()
    assert _group_gone(proc.pid, 10), "the fork server or a worker outlived its parent"
    claims = list((tmp_path / "tmp").glob(f"editorial-claims-{proc.pid}-*"))
    assert claims  # what kill -9 leaves...
    from editorial.workers import clear_stale_claims

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    clear_stale_claims()  # ...the next pool's start removes
    assert not [c for c in claims if c.exists()]


def test_c7_after_kill_9_what_others_started_for_the_cli_is_stopped(tmp_path: Path) -> None:
    """Prefect's temporary server stands for any child the CLI did not make itself: the reaper
    stops it once the CLI is gone, even of kill -9 (here the child is a `sleep`)."""
    code = ("import subprocess, sys, time\nfrom flows import reaper\nreaper.start()\n"
            "p = subprocess.Popen(['sleep', '60'])\nprint(p.pid, flush=True)\ntime.sleep(60)\n")  # fmt: skip
    cli = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                           cwd=Path(__file__).parents[2])  # fmt: skip
    assert cli.stdout
    child = int(cli.stdout.readline())
    time.sleep(1.0)  # the reaper notes the children every half second
    cli.kill()
    cli.wait()
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline and Path(f"/proc/{child}").exists():
        if "Z" in Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[:1]:
            break  # a zombie waiting for init: it has exited
        time.sleep(0.1)
    else:
        assert not Path(f"/proc/{child}").exists(), "the child outlived the killed CLI"


# ---------------------------------------------------------------- 12, 13: /tmp, permissions


def test_c13_outputs_follow_the_umask(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    os.umask(mask)
    out = tmp_path / "out"
    store.publish(out, "a", _files(), {"source": "a.md"})
    report = store.write_run_report(out, [])
    assert stat.S_IMODE((out / "a").stat().st_mode) == 0o777 & ~mask
    assert stat.S_IMODE(report.stat().st_mode) == 0o666 & ~mask
    assert stat.S_IMODE((out / "a" / "report.pdf").stat().st_mode) == 0o666 & ~mask
    if mask == 0o022:
        assert stat.S_IMODE((out / "a").stat().st_mode) == 0o755


_kept: list[object] = []


def _render_fonts_in_a_child() -> int:
    from editorial.render.fonts import font_configuration

    _kept.append(font_configuration())  # kept for the process's life, as the renderers do
    return os.getpid()


def test_c12_font_folders_go_with_their_process(tmp_path: Path) -> None:
    import multiprocessing
    import tempfile

    from editorial import tmpfiles

    ctx = multiprocessing.get_context("fork")
    pool = ctx.Pool(1)
    pid = pool.apply(_render_fonts_in_a_child)
    assert list(Path(tempfile.gettempdir()).glob(f"{tmpfiles.FONTS_PREFIX}{pid}-*"))
    pool.close()  # the worker exits normally, as a pool's workers do at the end of a run
    pool.join()
    assert not list(Path(tempfile.gettempdir()).glob(f"{tmpfiles.FONTS_PREFIX}{pid}-*"))
    # a killed process's folder is removed by the next run
    stale = Path(tempfile.gettempdir()) / f"{tmpfiles.FONTS_PREFIX}999999999-x"
    stale.mkdir(exist_ok=True)
    tmpfiles.clear_stale(tmpfiles.FONTS_PREFIX)
    assert not stale.exists()
