"""`editorial` command line: run (the Prefect batch flow), extract (pure), serve.

Exit status: 0 when every article succeeded, 1 when any failed, 2 for bad usage, 130/143 when
stopped by SIGINT/SIGTERM (the run is cancelled cleanly: workers stopped, a report marked
cancelled, a rerun does what is missing).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from editorial.config import PROJECT_ROOT
from editorial.model import ALL_FORMATS
from editorial.names import printable

if TYPE_CHECKING:
    from editorial.config import Settings
    from editorial.model import ArticleResult
    from editorial.stages import Job

OFFLINE_ENV = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_HOME": str(PROJECT_ROOT / ".prefect"),
    "PREFECT_LOGGING_LEVEL": "WARNING",
    # The temporary server needs more than the default 20 s on a busy 2-core machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def offline_env() -> None:
    """Prefect runs offline: no telemetry, state under the project's .prefect/."""
    for k, v in OFFLINE_ENV.items():
        os.environ.setdefault(k, v)


def _formats(value: str) -> list[str]:
    fmts = [f.strip() for f in value.split(",") if f.strip()]
    bad = [f for f in fmts if f not in ALL_FORMATS]
    if bad or not fmts:
        raise argparse.ArgumentTypeError(
            f"unknown format(s) {bad}; choose from {','.join(ALL_FORMATS)}"
        )
    return fmts


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="editorial", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="publish articles: PDF report, newsletter, social posts")
    run.add_argument("paths", nargs="+", help="article files or folders")
    run.add_argument("--out", default="outputs", help="output folder (default: outputs/)")
    run.add_argument("--formats", type=_formats, default=list(ALL_FORMATS),
                     help="any of pdf,newsletter,social (default: all)")  # fmt: skip
    run.add_argument("--force", action="store_true", help="redo articles even when unchanged")
    run.add_argument("--workers", type=int, default=None, help="worker processes (default: config)")
    run.add_argument("--pdf-variant", choices=["pdf/ua-1", "pdf/a-3b", "none"], default=None)
    run.add_argument("--language", choices=["en", "fr"], default=None, help="override detection")
    run.add_argument("--no-prefect", action="store_true", help="run the pure core, without Prefect")
    run.add_argument("--quiet", action="store_true", help="no progress bar")

    ext = sub.add_parser("extract", help="quotes, speakers and entities as JSON or a table")
    ext.add_argument("paths", nargs="+")
    ext.add_argument("--out", default=None, help="write <stem>.json files here (default: stdout)")
    ext.add_argument("--format", choices=["json", "table"], default="json")
    ext.add_argument("--language", choices=["en", "fr"], default=None)

    ing = sub.add_parser("ingest", help="what the reader takes from each source")
    ing.add_argument("paths", nargs="+", help="article files, folders, or http(s) URLs")
    ing.add_argument("--out", default=None, help="write <stem>.json here (default: summary)")
    ing.add_argument("--language", choices=["en", "fr"], default=None, help="override detection")
    ing.add_argument("--force", action="store_true", help="fetch URLs again (conditional GET)")

    srv = sub.add_parser("serve", help="Prefect server + deployments + download app")
    srv.add_argument("--host", default=None)
    srv.add_argument("--prefect-port", type=int, default=None)
    srv.add_argument("--download-port", type=int, default=None)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "run":
        return cmd_run(args)
    if args.command == "extract":
        return cmd_extract(args)
    if args.command == "ingest":
        return cmd_ingest(args)
    if args.command == "serve":
        offline_env()
        from flows.serve import serve

        return serve(
            host=args.host, prefect_port=args.prefect_port, download_port=args.download_port
        )
    return 2


def use_server(host: str, port: int) -> None:
    """Point Prefect at the `make serve` server when one answers (and none is set already):
    its warm task workers then do the work, and no temporary server has to start."""
    if os.environ.get("PREFECT_API_URL"):
        return
    import urllib.request

    url = f"http://{host}:{port}/api"
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=0.3) as response:
            if response.status == 200:
                os.environ["PREFECT_API_URL"] = url
    except OSError:
        pass


def _check_paths(paths: list[str]) -> list[str] | None:
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        print(
            f"editorial: no such file or folder: {printable(', '.join(missing))}", file=sys.stderr
        )
        return None
    return paths


def shown(name: str) -> str:
    """A file name or message for the terminal: escaped (`editorial.names.printable`) and with
    Rich markup escaped: `[bold]x.md` is shown as it is, never as markup."""
    from rich.markup import escape

    return escape(printable(name))


class Stopped(KeyboardInterrupt):
    """SIGTERM, turned into the same clean stop as Ctrl-C."""


_stop_signal: int | None = None  # the signal that asked this run to stop, once one has


def _on_sigterm(signum: int, frame: object) -> None:
    global _stop_signal
    _stop_signal = signum
    raise Stopped()


def _on_sigint(signum: int, frame: object) -> None:
    global _stop_signal
    _stop_signal = signum
    raise KeyboardInterrupt()


def _as_stop(exc: BaseException) -> BaseException:
    """What a run stopped by a signal ends with: an error raised while the flow engine handled
    the stop (reporting it to a server the signal also reached) is that stop. Prefect's engine
    takes SIGTERM over during a flow (its TerminationSignal), so the chain is what tells."""
    if isinstance(exc, KeyboardInterrupt):
        return exc
    if _stop_signal is not None:
        return Stopped() if _stop_signal == signal.SIGTERM else KeyboardInterrupt()
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return KeyboardInterrupt()
        if type(seen).__name__ == "TerminationSignal":
            return Stopped()
        seen = seen.__cause__ or seen.__context__
    return exc


def cmd_run(args: argparse.Namespace) -> int:
    from editorial import remote

    url_failures: list[ArticleResult] = []
    if any(remote.is_url(p) for p in args.paths):
        args.paths, url_failures = remote.fetch_arguments(args.paths, force=args.force)
        if not args.paths:  # every URL failed, or the feeds had nothing new
            from rich.console import Console

            from editorial import store

            with store.run_lock(Path(args.out), wait=2):
                store.write_run_report(Path(args.out), url_failures)
            return summarise(url_failures, Path(args.out), Console(stderr=True))
    if not _check_paths(args.paths):
        return 2
    global _stop_signal
    _stop_signal = None
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    previous_int = signal.signal(signal.SIGINT, _on_sigint)
    from flows import reaper

    reaper.start()  # after kill -9, Prefect's temporary server must not keep running
    try:
        return _cmd_run(args, url_failures)
    except KeyboardInterrupt as exc:
        signum = signal.SIGTERM if isinstance(exc, Stopped) else signal.SIGINT
        print(f"editorial: stopped by {signal.Signals(signum).name}: the run is cancelled; "
              "run the same command again to publish what is missing", file=sys.stderr)  # fmt: skip
        return 128 + signum
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)


def _cmd_run(args: argparse.Namespace, url_failures: list[ArticleResult]) -> int:
    offline_env()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from editorial.config import load_settings

    settings = load_settings()
    workers = args.workers or settings.server.workers
    console = Console(stderr=True)
    bar = Progress(TextColumn("[bold]publishing"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TextColumn("{task.description}"), console=console,
                   disable=args.quiet or not console.is_terminal)  # fmt: skip
    from editorial import cache, outcomes, pipeline, sources, stages

    total = len(sources.discover(args.paths))
    task_id = bar.add_task("", total=total)

    finished: dict[str, ArticleResult] = {}

    def on_result(r: ArticleResult) -> None:
        finished[r.source] = r
        bar.update(task_id, advance=1, description=f"{r.status:7} {shown(Path(r.source).name)}")

    out = Path(args.out)
    jobs = [stages.Job(source=s, formats=tuple(args.formats), force=args.force,
                         pdf_variant=args.pdf_variant, language=args.language)
            for s in sources.discover(args.paths)]  # fmt: skip
    todo = [j for j in jobs if not cache.is_fresh(j, cache.job_key(j, settings), out)]
    from editorial import store
    from editorial.errors import StoreError

    started = time.time()
    try:
        with bar:
            if not todo:
                # Nothing new or changed: no flow run, no worker, no Prefect server to start.
                results = [outcomes.skipped(j, out) for j in jobs]
                for r in results:
                    on_result(r)
                with store.run_lock(out):
                    pipeline.write_report(out, results)
            elif args.no_prefect:
                results = pipeline.run_batch(jobs, out_dir=out, settings=settings,
                                             workers=workers, on_result=on_result)  # fmt: skip
            else:
                results_or_none = _run_flow(args, todo, settings, workers, on_result)
                if results_or_none is None:
                    return 1
                results = results_or_none
    except StoreError as exc:  # the output folder: in use, read-only, full
        print(f"editorial: {printable(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # stopped before the run's core could write its report
        if not _written_since(out / store.RUN_REPORT, started):
            rows = [finished.get(j.source) or pipeline.cancelled(j) for j in jobs]
            with contextlib.suppress(StoreError), store.run_lock(out, wait=2):
                pipeline.write_report(out, rows, cancelled=True)
        raise
    if url_failures:  # the URLs that could not be fetched are rows of this run too
        results = url_failures + results
        with contextlib.suppress(StoreError), store.run_lock(out, wait=2):
            pipeline.write_report(out, results)
    return summarise(results, out, console, report_since=started)


def _run_flow(
    args: argparse.Namespace,
    todo: list[Job],
    settings: Settings,
    workers: int,
    on_result: Callable[[ArticleResult], None],
) -> list[ArticleResult] | None:
    """The batch as a Prefect flow run: handed to `make serve`'s warm publisher when one
    answers, else run here on a worker pool that starts producing at once, while Prefect (a
    temporary server unless one is running) gets ready. None when the run itself failed."""
    from editorial.feeder import Feeder
    from editorial.model import ArticleResult
    from editorial.workers import WorkerPool, batch_languages
    from flows import publisher

    request = {"paths": [str(Path(p).resolve()) for p in args.paths],
               "out_dir": str(Path(args.out).resolve()), "formats": args.formats,
               "force": args.force, "pdf_variant": args.pdf_variant, "language": args.language}  # fmt: skip
    url = publisher.find(settings.server.auth_string)
    if url:
        try:
            done = publisher.publish(
                url, request, auth_string=settings.server.auth_string,
                on_result=lambda r: on_result(ArticleResult.model_validate(r)),
            )  # fmt: skip
        except OSError as exc:
            print(f"editorial: the warm publisher at {url} failed: {exc}", file=sys.stderr)
            return None
        if done.get("results") is None:
            print(
                f"editorial: the flow run failed: {printable(str(done.get('message')))}",
                file=sys.stderr,
            )
            return None
        return [ArticleResult.model_validate(r) for r in done["results"]]

    use_server(settings.server.host, settings.server.prefect_port)
    from flows import tempserver

    tempserver.detach()  # a Ctrl-C to the terminal's process group must not stop it first
    # The workers start on the articles now; the flow's tasks take each outcome when they run.
    n = min(workers, len(todo))
    pool = WorkerPool(n, settings, languages=batch_languages(len(todo), n))
    feeder = Feeder(pool, todo)
    from flows import publish

    try:
        state = publish.run_watched(
            feeder, on_result, paths=args.paths, out_dir=args.out, formats=args.formats,
            force=args.force, workers=workers, pdf_variant=args.pdf_variant,
            language=args.language,
        )  # fmt: skip
    except BaseException as exc:  # Ctrl-C, SIGTERM: stop every worker now, not after its article
        feeder.close()
        pool.abort()
        stop = _as_stop(exc)
        if stop is not exc:
            raise stop from None
        raise
    feeder.close()
    pool.close()
    data = state.result(raise_on_failure=False)
    if not isinstance(data, list):
        print(f"editorial: the flow run failed: {printable(str(state.message))}", file=sys.stderr)
        return None
    return [ArticleResult.model_validate(r) for r in data]


def _written_since(path: Path, since: float) -> bool:
    try:
        return path.stat().st_mtime >= since - 1.0
    except OSError:
        return False


def summarise(results: list, out: Path, console: object, report_since: float = 0.0) -> int:  # type: ignore[type-arg]
    """The table of results; the report's path only when this run wrote it."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from editorial.store import RUN_REPORT

    assert isinstance(console, Console)
    table = Table(title=Text(f"{len(results)} article(s) -> {printable(str(out))}/"),
                  show_lines=False)  # fmt: skip
    for col in ("article", "status", "output / error"):
        table.add_column(col)
    for r in results:
        detail = (
            f"{r.error.code}: {r.error.message}" if r.error else f"{r.slug}/ ({len(r.files)} files)"
        )
        if r.status == "skipped" and not r.slug and r.warnings:
            detail = r.warnings[0]  # not published, and why (a hidden file)
        if r.status == "ok" and r.low_confidence:
            detail += f", {r.low_confidence} speaker(s) to check"
        colour = {"ok": "green", "failed": "red", "skipped": "dim"}[r.status]
        table.add_row(Text(printable(Path(r.source).name)), Text(r.status, style=colour),
                      Text(printable(detail)))  # fmt: skip
    console.print(table)
    unsure = sum(r.low_confidence for r in results)
    if unsure:
        console.print(Text(f"{unsure} quote(s) with a speaker left for the editor to check "
                           "(low-confidence attribution: see each article.json)"))  # fmt: skip
    report = out / RUN_REPORT
    if _written_since(report, report_since):
        console.print(Text(f"run report: {printable(str(report))}"))
    else:
        console.print(Text("run report: not written (see the message above)"))
    return 1 if any(r.status == "failed" for r in results) else 0


def cmd_extract(args: argparse.Namespace) -> int:
    if not _check_paths(args.paths):
        return 2
    from editorial import sources
    from editorial.config import load_settings
    from editorial.errors import EditorialError
    from editorial.extract import extract, format_table
    from editorial.ingest import ingest

    settings = load_settings()
    status = 0
    out = Path(args.out) if args.out else None
    for source in sources.discover(args.paths):
        try:
            article = ingest(Path(source), limits=settings.limits, language=args.language)
            extraction = extract(article)
        except EditorialError as exc:
            print(f"editorial: {exc.code}: {printable(str(exc))}", file=sys.stderr)
            status = 1
            continue
        if args.format == "table":
            print(f"# {article.title} ({printable(source)})")
            print(format_table(extraction))
            continue
        data = json.dumps(extraction.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
        if out:
            from editorial.store import atomic_write

            atomic_write(out / f"{Path(source).stem}.json", data.encode("utf-8"))
        else:
            sys.stdout.write(data)
    return status


def cmd_ingest(args: argparse.Namespace) -> int:
    """One JSON per source (`<stem>.json` under --out), or a summary on the terminal."""
    from editorial import remote, sources
    from editorial.config import load_settings
    from editorial.errors import EditorialError
    from editorial.ingest import ingest
    from editorial.ingest.report import ingest_record, summary_text

    paths, failures = remote.fetch_arguments(args.paths, force=args.force)
    status = 1 if failures else 0
    for f in failures:
        assert f.error
        print(f"editorial: {f.error.code}: {f.error.message}", file=sys.stderr)
    if not _check_paths(paths):
        return 2
    settings = load_settings()
    out = Path(args.out) if args.out else None
    for source in sources.discover(paths):
        try:
            article = ingest(Path(source), limits=settings.limits, language=args.language)
        except EditorialError as exc:
            print(f"editorial: {exc.code}: {exc}", file=sys.stderr)
            status = 1
            continue
        record = ingest_record(article)
        if out:
            from editorial.store import atomic_write

            data = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
            atomic_write(out / f"{Path(source).stem}.json", data.encode("utf-8"))
        else:
            print(summary_text(record, source))
    return status


if __name__ == "__main__":
    sys.exit(main())
