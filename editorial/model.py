"""Typed, immutable data that crosses stages: Article -> Extraction -> rendered outputs.

Every model is a frozen pydantic model so it pickles across processes, serialises to JSON
and renders as a form in the Prefect UI. Sequences are tuples. Offsets (`start`, `end`) are
character offsets into `Article.text`, except a quote's in an Extraction of a `.txt` source:
those index the decoded file's text (see docs/attribution.md).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from editorial.names import printable
from editorial.urls import safe_link

Language = Literal["en", "fr"]
BlockKind = Literal[
    "title",  # the article's title (always the first block)
    "standfirst",  # the lead/dek shown on the cover
    "heading",  # a section heading, `level` 1..6
    "paragraph",
    "blockquote",
    "list_item",
    "faq_question",  # a question of a FAQ; the blocks after it up to the next question answer it
    "faq_answer",
    "image",  # `src` (a file inside the article's folder) and `text` (its caption / alt)
]
QuoteKind = Literal["full", "mixed", "fragment"]
# How a quote's speaker was found: named at its reporting cue, a pronoun at the cue resolved to a
# person, a description at the cue ("the minister") resolved to a name, carried over from the
# previous quote (a continuation, no cue of its own), a colon or dash introducing the quote with
# no reporting verb, or not at all.
AttributionBasis = Literal["cue", "pronoun", "description", "carried", "colon_dash", "none"]
LOW_CONFIDENCE = 0.5  # an attribution below this is for the editor to check first
EntityLabel = Literal["PERSON", "ORG", "LOC"]
Format = Literal["pdf", "newsletter", "social"]
ALL_FORMATS: tuple[Format, ...] = ("pdf", "newsletter", "social")


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Block(Frozen):
    """One block of the article, in reading order."""

    kind: BlockKind
    text: str  # plain text (what NLP sees)
    start: int  # offset of `text` in Article.text
    end: int
    level: int = 0  # heading level
    html: str = ""  # inline HTML, already sanitised with nh3 (empty: use `text`)
    src: str = ""  # image file name relative to the article's folder
    anchor: str = ""  # stable id for headings (for TOC / bookmarks)


class Article(Frozen):
    """A source article, parsed and cleaned. Built only by `editorial.ingest`."""

    source: str  # path of the source file as given
    source_name: str  # file name
    format: str  # md, txt, html, docx, odt
    slug: str
    title: str
    standfirst: str = ""
    author: str = ""
    date: str = ""  # ISO 8601 (YYYY-MM-DD) from the article, never from the clock
    language: Language
    tags: tuple[str, ...] = ()
    canonical_url: str = ""
    site: str = ""  # the publication's name (web pages: og:site_name, JSON-LD publisher)
    image: str = ""  # lead image URL declared by a web page (never fetched)
    image_alt: str = ""  # its alt text or caption
    blocks: tuple[Block, ...]
    text: str  # every block's text joined by "\n\n": what extraction reads
    content_hash: str  # sha256 of the source bytes
    warnings: tuple[str, ...] = ()

    # Every Article, whoever builds it: only an http(s) URL is kept; the file name is shown.
    _canonical_url = field_validator("canonical_url")(lambda v: safe_link(v))
    _source_name = field_validator("source_name")(lambda v: printable(v))

    @property
    def body(self) -> tuple[Block, ...]:
        """Blocks after the title and standfirst."""
        return tuple(b for b in self.blocks if b.kind not in ("title", "standfirst"))

    @property
    def sections(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.kind == "heading")

    @property
    def word_count(self) -> int:
        return sum(len(b.text.split()) for b in self.body)


class QuoteAttribution(Frozen):
    """Why a quote has its speaker, and how far to trust it (0..1). Where the evidence is weak
    (no cue, a pronoun with two candidates, a speaker carried across a sentence with its own
    cue) `speaker` is left empty and the quote's `speaker_mention` keeps what stood there."""

    basis: AttributionBasis = "none"
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)

    @property
    def low(self) -> bool:
        return self.confidence < LOW_CONFIDENCE


class Quote(Frozen):
    text: str  # verbatim content between the marks, marks excluded
    speaker: str  # full canonical name, or the unnamed source as written, or "" when unknown
    speaker_mention: str = ""  # what stood at the cue ("he", "the minister") when not the full name
    cue: str | None = None  # reporting verb/phrase as written
    start: int
    end: int
    kind: QuoteKind = "full"
    group: int = 0  # pieces of one utterance share a group id
    floating: bool = False  # no cue in its own sentence
    speaker_named: bool = True
    attribution: QuoteAttribution = Field(default_factory=QuoteAttribution)


class EntityMention(Frozen):
    text: str
    label: EntityLabel
    canonical: str
    start: int
    end: int


class EntitySummary(Frozen):
    canonical: str
    label: EntityLabel
    count: int
    forms: dict[str, int] = Field(default_factory=dict)


class Extraction(Frozen):
    language: Language
    quotes: tuple[Quote, ...] = ()
    entities: tuple[EntityMention, ...] = ()  # one item per mention, in text order
    entity_summary: tuple[EntitySummary, ...] = ()  # one per canonical entity, most prominent first

    @property
    def low_confidence(self) -> int:
        """Quotes whose attribution is low-confidence (the editor checks these first)."""
        return sum(q.attribution.low for q in self.quotes)

    def speakers(self) -> tuple[str, ...]:
        """Distinct named speakers in order of first quote."""
        seen: dict[str, None] = {}
        for q in self.quotes:
            if q.speaker:
                seen.setdefault(q.speaker, None)
        return tuple(seen)


class RenderedFile(Frozen):
    """One output file, as bytes, before it is written by `editorial.store`."""

    name: str  # relative to outputs/<slug>/, e.g. "report.pdf", "cards/quote-1200x630.png"
    data: bytes
    media_type: str


class ErrorInfo(Frozen):
    code: str
    message: str  # printable: it names files (terminal, logs, Prefect, the report)

    _message = field_validator("message")(lambda v: printable(v))


class ArticleResult(Frozen):
    """One row of run-report.json."""

    source: str
    slug: str = ""
    title: str = ""
    status: Literal["ok", "failed", "skipped"]
    error: ErrorInfo | None = None
    warnings: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    low_confidence: int = 0  # quotes whose speaker is left for the editor (attribution.low)
    timings: dict[str, float] = Field(default_factory=dict)  # seconds per stage

    _warnings = field_validator("warnings")(lambda v: tuple(printable(w) for w in v))
