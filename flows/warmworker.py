"""The warm worker process `make serve` starts (`python -m flows.warmworker`).

It holds the warm pool of `flows.taskworker`, serves the `publish-article-warm` task through
Prefect's task worker protocol, and runs the warm publisher (`flows.publisher`) that
`editorial run` hands its articles to. Imports go one way: this module uses `taskworker` and
`publisher`; `publisher` runs the flows of `flows.publish`, which hand articles to
`taskworker`; `taskworker` imports no other flows module.
"""

from __future__ import annotations

import os

from editorial.config import load_settings
from flows import publisher, taskworker


def main() -> None:
    from prefect.task_worker import serve

    settings = load_settings()
    workers = int(os.environ.get("EDITORIAL_SERVER_WORKERS", "0")) or None
    taskworker.warm_pool(workers)
    publisher.start(
        taskworker.warm_pool, host=settings.server.host, auth_string=settings.server.auth_string
    )
    try:
        serve(taskworker.publish_warm, limit=(workers or settings.server.workers) * 2)
    finally:
        publisher.forget()


if __name__ == "__main__":
    main()
