"""The two deployments, served on this machine or registered with a process work pool.

- `publish-sources/scheduled`: the batch on the cron schedule of editorial.toml (with its time
  zone); it only processes articles that are new or changed. One run at a time: a run that
  comes due while the previous one is still going is cancelled (CANCEL_NEW).
- `publish-article/manual`: one article, for a person in the UI; its parameter is a form.
  At most `server.manual_concurrency` runs at once (others wait: ENQUEUE), and inside the
  flow one run at a time per article (a global concurrency limit per article).

`python -m flows.deployments serve` serves both (what `editorial serve` starts);
`python -m flows.deployments deploy --pool P` registers them with the process work pool P
for `prefect worker start --pool P` on any machine (docs/scaling.md).
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from editorial.config import PROJECT_ROOT, Settings, load_settings

__all__ = ["MANUAL", "SCHEDULED", "build_deployments", "deploy_to_pool", "serve_deployments"]

SCHEDULED = "publish-sources/scheduled"
MANUAL = "publish-article/manual"
TAGS = ["editorial"]
RUNNER_POLL_SECONDS = 0.5
WATCH_SECONDS = 0.5
ENTRYPOINTS = {
    SCHEDULED: "flows/publish.py:publish_sources",
    MANUAL: "flows/manual.py:publish_article_manual",
}


def _scheduled_kwargs(settings: Settings, out_dir: str) -> dict[str, Any]:
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.schedules import Cron

    return dict(
        schedules=[Cron(settings.schedule.cron, timezone=settings.schedule.timezone)],
        parameters={
            "paths": list(settings.schedule.paths) + list(settings.schedule.feeds),
            "out_dir": out_dir,
            "workers": settings.server.workers,
        },  # fmt: skip
        concurrency_limit=ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
        ),
        description="Publish every new or changed article of sources/ "
        f"(cron {settings.schedule.cron!r}, {settings.schedule.timezone}).",
        tags=TAGS,
    )


def _manual_kwargs(settings: Settings) -> dict[str, Any]:
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy

    from flows.params import SAMPLE_ARTICLE, ArticleRequest, article_choices

    choices = article_choices()
    first = SAMPLE_ARTICLE if SAMPLE_ARTICLE in choices else (choices[0] if choices else "")
    return dict(
        # The form opens filled in with the defaults (every output selected).
        parameters={"request": ArticleRequest(article=first).model_dump(mode="json")},
        concurrency_limit=ConcurrencyLimitConfig(
            limit=max(1, settings.server.manual_concurrency),
            collision_strategy=ConcurrencyLimitStrategy.ENQUEUE,
        ),
        description="Publish one article of sources/: choose it and the outputs in the form, "
        "then download the PDF from the run's 'Download PDF' artifact.",
        tags=TAGS,
    )


def build_deployments(settings: Settings, *, out_dir: str) -> list[Any]:
    """The two RunnerDeployments as configured (`serve_deployments` serves the same settings,
    the manual one added as a flow so its runs start forked)."""
    from flows.manual import publish_article_manual
    from flows.publish import publish_sources

    manual = publish_article_manual.to_deployment(name="manual", **_manual_kwargs(settings))
    manual._parameter_openapi_schema = manual_schema()
    return [
        publish_sources.to_deployment(name="scheduled", **_scheduled_kwargs(settings, out_dir)),
        manual,
    ]


def manual_schema(choices: list[str] | None = None) -> Any:
    """The manual form's schema: the flow's, with the article a choice of `choices` (default:
    the articles under sources/ now)."""
    from prefect.utilities.callables import ParameterSchema, parameter_schema

    from flows.manual import publish_article_manual
    from flows.params import article_choices, with_article_choices

    base = parameter_schema(publish_article_manual).model_dump(mode="python", exclude_none=True)
    return ParameterSchema(**with_article_choices(base, article_choices() if choices is None
                                                  else choices))  # fmt: skip


def refresh_article_choices(client: Any, choices: list[str]) -> None:
    """Re-register the manual deployment's schema with `choices` (sources/ changed)."""
    from prefect.client.schemas.actions import DeploymentUpdate

    dep = client.read_deployment_by_name(MANUAL)
    client.update_deployment(dep.id, DeploymentUpdate(
        parameter_openapi_schema=manual_schema(choices).model_dump(exclude_unset=True)))  # fmt: skip


def watch_sources(stop: threading.Event, interval: float = WATCH_SECONDS) -> None:
    """Until `stop`: when the articles under sources/ change, refresh the form's choice list
    (a file added from the download app appears in the form within `interval`)."""
    from prefect.client.orchestration import get_client

    from flows.params import article_choices

    seen: list[str] | None = None  # the first pass registers the choices
    while not stop.wait(interval):
        now = article_choices()
        if now == seen:
            continue
        try:
            with get_client(sync_client=True) as client:
                refresh_article_choices(client, now)
            seen = now
        except Exception as exc:  # noqa: BLE001 - the server may be restarting: try again
            print(f"could not refresh the article list: {exc}", file=sys.stderr, flush=True)


# What the forked flow-run processes find already imported (see fork_flow_runs).
FORK_PRELOAD = ["prefect", "prefect.flow_engine", "flows.manual", "flows.publish"]


def fork_flow_runs() -> bool:
    """Start this runner's flow runs by forking a server that has imported Prefect and the
    flows, instead of spawning a fresh interpreter that imports them again (2-5 s before a
    run even starts on this machine). Prefect 3.9's runner starts a served flow through
    `prefect.flow_engine.run_flow_in_subprocess`, which asks `multiprocessing` for a "spawn"
    context: in this process only, that module's `multiprocessing` answers with a forkserver
    context instead. False (and nothing changed) when Prefect's code is not as expected."""
    import multiprocessing
    import multiprocessing.forkserver
    import types

    from prefect import flow_engine

    if getattr(flow_engine, "multiprocessing", None) is not multiprocessing:
        return False
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(FORK_PRELOAD)

    def get_context(method: str | None = None) -> Any:
        return ctx if method == "spawn" else multiprocessing.get_context(method)

    flow_engine.multiprocessing = types.SimpleNamespace(  # type: ignore[attr-defined]
        get_context=get_context, context=multiprocessing.context
    )
    multiprocessing.forkserver.ensure_running()  # imports the preload now, not on Submit
    return True


def runner_limit(settings: Settings) -> int:
    """How many flow-run processes the runner keeps at once: the manual runs that may work at
    once (the deployment's limit), the scheduled batch, and the runs paused for review. A
    paused run keeps its process, so the runner counts it, while Prefect gives its deployment
    slot back: without room for them, a few reviews left waiting held every other run back,
    the nightly batch included. The deployments' own limits still cap the runs that work."""
    return max(1, settings.server.manual_concurrency) + 1 + max(0, settings.review.max_waiting)


def serve_deployments(settings: Settings, *, out_dir: str) -> None:
    """Serve both deployments until interrupted; schedules stay active after a stop.

    The manual one is added as a flow (`Runner.add_flow`), so its runs start from the flow
    object in a forked process (`fork_flow_runs`) rather than `python -m prefect.engine`;
    its schema gets the article choices as soon as it exists (`watch_sources`)."""
    import asyncio

    from prefect.runner import Runner

    from flows.manual import publish_article_manual
    from flows.publish import publish_sources

    fork_flow_runs()
    runner = Runner(pause_on_shutdown=False, limit=runner_limit(settings),
                    # A run created in the UI starts within a second (the default poll is 10 s).
                    query_seconds=RUNNER_POLL_SECONDS)  # fmt: skip
    runner.add_deployment(
        publish_sources.to_deployment(name="scheduled", **_scheduled_kwargs(settings, out_dir))
    )
    runner.add_flow(publish_article_manual, name="manual", **_manual_kwargs(settings))
    stop = threading.Event()
    threading.Thread(target=watch_sources, args=(stop,), name="watch-sources", daemon=True).start()
    from prefect.exceptions import TerminationSignal

    try:
        asyncio.run(runner.start())
    except (KeyboardInterrupt, TerminationSignal):
        pass
    finally:
        stop.set()


def deploy_to_pool(
    settings: Settings,
    *,
    pool: str,
    out_dir: str = "outputs",
    source: str | None = None,
    which: tuple[str, ...] = (SCHEDULED, MANUAL),
    suffix: str = "",
) -> list[str]:
    """Register the deployments with process work pool `pool` (created if missing).

    `source` is the project folder as the workers see it (default: this checkout); workers
    run the flows from it, so `out_dir` relative to it. `suffix` is appended to the
    deployment names (for a second set beside the served one). Returns the deployment ids."""
    from prefect import flow as flow_factory
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    with get_client(sync_client=True) as client:
        try:
            client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
        except ObjectAlreadyExists:
            pass
    ids = []
    for name in which:
        remote: Any = flow_factory.from_source(source=source or str(PROJECT_ROOT),
                                          entrypoint=ENTRYPOINTS[name])  # fmt: skip
        kwargs = (
            _scheduled_kwargs(settings, out_dir) if name == SCHEDULED else _manual_kwargs(settings)
        )
        ids.append(str(remote.deploy(name=name.split("/")[1] + suffix, work_pool_name=pool,
                                     print_next_steps=False, ignore_warnings=True, **kwargs)))  # fmt: skip
    return ids


def main(argv: list[str] | None = None) -> int:
    from flows.params import output_dir

    p = argparse.ArgumentParser(
        prog="python -m flows.deployments", description=__doc__.splitlines()[0]
    )
    sub = p.add_subparsers(dest="command", required=True)
    srv = sub.add_parser("serve", help="serve both deployments from this process")
    srv.add_argument(
        "--out", default=None, help="outputs folder (default: $EDITORIAL_OUTPUT_DIR or outputs/)"
    )
    dep = sub.add_parser("deploy", help="register the deployments with a process work pool")
    dep.add_argument("--pool", required=True, help="work pool name (created if missing)")
    dep.add_argument("--out", default="outputs", help="outputs folder, relative to --source")
    dep.add_argument("--source", default=None, help="project folder on the workers (default: here)")
    dep.add_argument("--only", choices=["scheduled", "manual"], default=None)
    args = p.parse_args(argv)
    settings = load_settings()
    if args.command == "serve":
        serve_deployments(settings, out_dir=args.out or output_dir())
        return 0
    which = tuple(n for n in (SCHEDULED, MANUAL) if args.only is None or n.endswith(args.only))
    for dep_id in deploy_to_pool(settings, pool=args.pool, out_dir=args.out, source=args.source,
                                 which=which):  # fmt: skip
        print(dep_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
