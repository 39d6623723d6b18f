"""What the reader took from a source, for `editorial ingest`: a record and a terminal summary."""

from __future__ import annotations

import textwrap
from typing import Any

from editorial.model import Article


def ingest_record(article: Article) -> dict[str, Any]:
    """The fields an editor checks before publishing; `body` is the text of the body blocks
    in order (title and standfirst excluded)."""
    return {
        "title": article.title,
        "standfirst": article.standfirst,
        "author": article.author,
        "date": article.date,
        "site": article.site,
        "language": article.language,
        "canonical_url": article.canonical_url,
        "image": {"url": article.image, "alt": article.image_alt} if article.image else None,
        "body": [b.text for b in article.body],
        "warnings": list(article.warnings),
    }


def summary_text(record: dict[str, Any], source: str, *, width: int = 96) -> str:
    """A readable summary: the metadata, the first and last blocks, the warnings."""
    lines = [f"== {source}", f"   {'title':<14}{record['title']}"]
    for key in ("standfirst", "author", "date", "site", "language", "canonical_url"):
        if record.get(key):
            value = textwrap.shorten(str(record[key]), width - 15, placeholder=" ...")
            lines.append(f"   {key:<14}{value}")
    if record.get("image"):
        lines.append(f"   {'image':<14}{textwrap.shorten(record['image']['url'], width - 15)}")
    body: list[str] = record["body"]
    words = sum(len(b.split()) for b in body)
    lines.append(f"   {'body':<14}{len(body)} blocks, {words:,} words")
    shown = body if len(body) <= 6 else [*body[:4], "...", *body[-2:]]
    for text in shown:
        lines.append("      | " + textwrap.shorten(text, width - 8, placeholder=" ..."))
    for w in record["warnings"]:
        lines.append(f"   {'warning':<14}{textwrap.shorten(w, width - 15, placeholder=' ...')}")
    return "\n".join(lines)
