"""The editor's path on a running `make serve`: Submit (a run of publish-article/manual
created through the API, as the UI's Submit does) to Running, and to a downloadable PDF.

    .venv/bin/python -m bench.editor_path [--api http://127.0.0.1:4200/api]
        [--download http://127.0.0.1:8000] [--runs 5] [--article sources/...]

Each run is forced (publishes even when nothing changed); prints each run and the medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import httpx

from editorial.upload import PrefectApi


def one_run(api: PrefectApi, download: str, article: str) -> tuple[float, float, str]:
    dep = api.deployment()
    t0 = time.monotonic()
    run = api.create_run(dep, {"article": article, "force": True, "review": False})
    running = done = 0.0
    while True:
        r = api.flow_run(run["id"])
        kind = (r.get("state") or {}).get("type")
        now = time.monotonic() - t0
        if not running and kind in ("RUNNING", "COMPLETED", "FAILED"):
            running = now
        if kind in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
            break
        if now > 120:
            raise SystemExit(f"run {r.get('name')} still {kind} after 120 s")
        time.sleep(0.05)
    if kind != "COMPLETED":
        raise SystemExit(f"run {r.get('name')}: {kind} {(r.get('state') or {}).get('message')}")
    while True:  # downloadable: the download app lists the article and serves its PDF
        listed = {a["source"]: a for a in httpx.get(f"{download}/api/articles", timeout=10).json()}
        url = (listed.get(article) or {}).get("files", {}).get("report.pdf", "")
        resp = httpx.head(f"{download}{url}", timeout=10) if url else None
        if resp is not None and resp.status_code == 200:
            done = time.monotonic() - t0
            break
        if time.monotonic() - t0 > 130:
            raise SystemExit(f"no PDF for {article}")
        time.sleep(0.05)
    return running, done, str(kind)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--api", default="http://127.0.0.1:4200/api")
    p.add_argument("--download", default="http://127.0.0.1:8000")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--article", default="sources/can-france-become-a-global-ai-hub.txt")
    args = p.parse_args()
    api = PrefectApi(args.api)
    rows = []
    for n in range(args.runs):
        running, done, kind = one_run(api, args.download, args.article)
        rows.append((running, done))
        print(f"run {n + 1}: {kind}, submit to running {running:.2f} s, to PDF {done:.2f} s",
              flush=True)  # fmt: skip
    med = {"submit_to_running_s": round(statistics.median(r[0] for r in rows), 2),
           "submit_to_pdf_s": round(statistics.median(r[1] for r in rows), 2), "runs": len(rows)}  # fmt: skip
    print(json.dumps(med))


if __name__ == "__main__":
    main()
