"""Quotes, speakers and entities from an Article. A spaCy Doc never leaves this package."""

from __future__ import annotations

from editorial.extract.pipeline import extract, extract_text, format_table, in_article_text

__all__ = ["extract", "extract_text", "format_table", "in_article_text"]
