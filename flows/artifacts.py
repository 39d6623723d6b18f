"""Per-article artifacts in the Prefect UI, with stable keys (one series per article):

- `pdf-<slug>`: link artifact "Download PDF", pointing at the download app;
- `quotes-<slug>`: table of quotes (speaker, quote, cue);
- `social-<slug>`: markdown with the social posts and the newsletter preview image;
- `warnings-<slug>`: markdown, the article's warnings (or "No warnings").

A batch has `publish-sources-summary` (`summary_markdown`: counts and links).

The content is built by plain functions (testable without Prefect); `publish_artifacts()` is
the only place that calls Prefect. The batch flow only calls it for small batches (see
`PER_ARTICLE_MAX`): three artifacts are three API calls per article.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from editorial import store
from editorial.model import ArticleResult
from editorial.names import printable

__all__ = ["PER_ARTICLE_MAX", "artifact_key", "publish_artifacts", "quote_rows", "social_markdown"]

# A batch that processes more articles than this gets only its progress and summary artifacts.
PER_ARTICLE_MAX = 10
_MAX_QUOTE_CHARS = 400


def artifact_key(kind: str, slug: str) -> str:
    """`<kind>-<slug>` reduced to what Prefect accepts in a key (lowercase, digits, dashes)."""
    cleaned = re.sub(r"[^a-z0-9-]+", "-", f"{kind}-{slug}".lower()).strip("-")
    return re.sub(r"-{2,}", "-", cleaned)[:120].rstrip("-")


def file_url(base_url: str, slug: str, name: str) -> str:
    """The download app's URL of one file (the route is `/articles/<slug>/<name>`)."""
    return f"{base_url.rstrip('/')}/articles/{slug}/{name}"


def quote_rows(article_json: dict[str, Any]) -> list[dict[str, str]]:
    """One row per quote of an `article.json`: speaker, quote, cue."""
    quotes = (article_json.get("extraction") or {}).get("quotes") or []
    rows = []
    for q in quotes:
        text = str(q.get("text", ""))
        if len(text) > _MAX_QUOTE_CHARS:
            text = text[: _MAX_QUOTE_CHARS - 1] + "…"
        rows.append({"speaker": str(q.get("speaker") or "(unknown)"), "quote": text,
                     "cue": str(q.get("cue") or "")})  # fmt: skip
    return rows


def social_markdown(
    *, title: str, slug: str, files: set[str], social_md: str, base_url: str
) -> str:
    """The markdown artifact: preview image, links to the newsletter, then the social posts."""
    parts = [f"## {title}", ""]
    if "report.png" in files:
        parts += [f"![Newsletter preview: first page of the report]"
                  f"({file_url(base_url, slug, 'report.png')})", ""]  # fmt: skip
    links = [f"[{label}]({file_url(base_url, slug, name)})"
             for name, label in (("report.pdf", "PDF"), ("newsletter.html", "Newsletter"),
                                 ("newsletter.eml", ".eml"), ("social.md", "Social posts"))
             if name in files]  # fmt: skip
    if links:
        parts += [" · ".join(links), ""]
    parts.append(social_md.strip() if social_md.strip() else "_No social posts were produced._")
    return "\n".join(parts) + "\n"


def _md(text: str) -> str:
    """`text` safe inside a markdown table cell or list item (no markup of its own)."""
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", " ".join(printable(text).split()))


def warnings_markdown(result: ArticleResult) -> str:
    """The article's warnings (ingest, extraction, corrections file), one per line."""
    if not result.warnings:
        return "_No warnings._\n"
    return "".join(f"- {_md(w)}\n" for w in result.warnings)


def summary_markdown(results: list[ArticleResult], base_url: str) -> str:
    """A batch's summary: counts, then one row per article with links to its downloads."""
    counts = {s: sum(r.status == s for r in results) for s in ("ok", "skipped", "failed")}
    lines = [f"**{counts['ok']} published, {counts['skipped']} skipped (unchanged), "
             f"{counts['failed']} failed** · [all downloads]({base_url.rstrip('/')}/)", "",
             "| article | status | links / error |", "|---|---|---|"]  # fmt: skip
    label = {"ok": "published", "skipped": "skipped", "failed": "failed"}
    for r in sorted(
        results, key=lambda r: ({"failed": 0, "ok": 1, "skipped": 2}[r.status], r.source)
    ):
        if r.status == "failed" and r.error:
            detail = _md(f"{r.error.code}: {r.error.message}")
        else:
            detail = " · ".join(f"[{name}]({file_url(base_url, r.slug, f)})"
                                for f, name in (("report.pdf", "PDF"), ("newsletter.html", "Newsletter"),
                                                ("social.md", "Social posts"))
                                if f in r.files) or "-"  # fmt: skip
            if r.low_confidence:
                detail += f" · **{r.low_confidence} speaker(s) to check**"
        lines.append(f"| {_md(r.title or Path(r.source).name)} | {label[r.status]} | {detail} |")
    return "\n".join(lines) + "\n"


def _read_text(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except OSError:
        return ""


def publish_artifacts(result: ArticleResult, out_dir: Path, base_url: str) -> list[str]:
    """Create the article's artifacts in the current flow run; returns the keys created.

    Does nothing for a failed article (the run's state message says why)."""
    from prefect.artifacts import (
        create_link_artifact,
        create_markdown_artifact,
        create_table_artifact,
    )

    if result.status == "failed" or not result.slug:
        return []
    folder = out_dir / result.slug
    manifest = store.read_manifest(folder)
    files = set(manifest.get("files") or result.files)
    title = str(manifest.get("title") or result.title or result.slug)
    keys: list[str] = []
    if "report.pdf" in files:
        key = artifact_key("pdf", result.slug)
        create_link_artifact(
            key=key, link=file_url(base_url, result.slug, "report.pdf"), link_text="Download PDF",
            description=f"PDF report of {title} ({printable(result.source)})",
        )  # fmt: skip
        keys.append(key)
    try:
        article = json.loads(_read_text(folder / "article.json") or "{}")
    except ValueError:
        article = {}
    rows = quote_rows(article)
    key = artifact_key("quotes", result.slug)
    create_table_artifact(
        key=key, table=rows or [{"speaker": "", "quote": "(no quotes found)", "cue": ""}],
        description=f"{len(rows)} quote(s) in {title}",
    )  # fmt: skip
    keys.append(key)
    key = artifact_key("warnings", result.slug)
    create_markdown_artifact(key=key, markdown=warnings_markdown(result),
                             description=f"{len(result.warnings)} warning(s) on {title}")  # fmt: skip
    keys.append(key)
    if files & {"social.md", "report.png", "newsletter.html"}:
        key = artifact_key("social", result.slug)
        create_markdown_artifact(
            key=key, description=f"Social posts and newsletter preview of {title}",
            markdown=social_markdown(title=title, slug=result.slug, files=files,
                                     social_md=_read_text(folder / "social.md"), base_url=base_url),
        )  # fmt: skip
        keys.append(key)
    return keys
