"""article.json: the structured article and its extraction."""

from __future__ import annotations

import json

from editorial.model import Article, Extraction, RenderedFile


def article_dict(article: Article, extraction: Extraction) -> dict[str, object]:
    return {
        "source": article.source_name,
        "slug": article.slug,
        "title": article.title,
        "standfirst": article.standfirst,
        "language": article.language,
        "date": article.date,
        "author": article.author,
        "tags": list(article.tags),
        "canonical_url": article.canonical_url,
        "site": article.site,
        "image": {"url": article.image, "alt": article.image_alt} if article.image else None,
        "sections": [
            {"title": b.text, "level": b.level, "anchor": b.anchor} for b in article.sections
        ],
        "word_count": article.word_count,
        "content_hash": article.content_hash,
        "blocks": [b.model_dump(exclude_defaults=True) for b in article.blocks],
        "extraction": extraction.model_dump(mode="json"),
        "warnings": list(article.warnings),
    }


def render_article_json(article: Article, extraction: Extraction) -> RenderedFile:
    data = json.dumps(article_dict(article, extraction), ensure_ascii=False, indent=2) + "\n"
    return RenderedFile(
        name="article.json", data=data.encode("utf-8"), media_type="application/json"
    )
