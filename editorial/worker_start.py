"""What the worker pool's fork server imports once, before it forks any worker.

`WorkerPool` starts its workers from a multiprocessing fork server that has imported this
module (`multiprocessing.set_forkserver_preload`): every worker is then born with spaCy, the
renderers and (for batches) the models already loaded, instead of spending ~4 s of CPU each on
the same imports. The models to load are named in `EDITORIAL_PRELOAD_MODELS` ("en,fr"; empty:
none, each worker loads a model on first use), set by the pool before the server starts.
"""

from __future__ import annotations

import gc
import os
import signal

os.environ.setdefault("OMP_NUM_THREADS", "1")
# A terminal's Ctrl-C reaches the whole process group: the pool's own process stops the fork
# server and the workers (`WorkerPool.abort`); they must not each print a KeyboardInterrupt.
signal.signal(signal.SIGINT, signal.SIG_IGN)

import spacy  # noqa: E402, F401  (the point of this module: imported once, shared by every worker)

import editorial.extract  # noqa: E402, F401
import editorial.ingest  # noqa: E402, F401
import editorial.render.newsletter  # noqa: E402, F401
import editorial.render.pdf  # noqa: E402, F401
import editorial.render.social  # noqa: E402, F401
from editorial.extract.nlp import MODEL_PACKAGES, warm_up  # noqa: E402
from editorial.workers import PRELOAD_ENV  # noqa: E402


def preload_languages() -> tuple[str, ...]:
    names = [n.strip() for n in os.environ.get(PRELOAD_ENV, "").split(",")]
    return tuple(n for n in names if n in MODEL_PACKAGES)


try:
    warm_up(preload_languages())  # type: ignore[arg-type]
except Exception:  # noqa: BLE001, S110 - a missing model: each worker reports it on first use
    pass

# Out of the collector's sight: a worker's collections then never walk (and so never copy) the
# pages it shares with this server.
gc.collect()
gc.freeze()
