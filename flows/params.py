"""The manual deployment's form, and the run-time places the served flows read.

`ArticleRequest` is the one parameter of `publish-article/manual`: Prefect renders it as a
form in the UI (a pydantic model parameter becomes a nested form) and validates it when the
run starts, so a bad path fails the run with the validator's message, naming the value.
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from editorial.config import PROJECT_ROOT, Settings
from editorial.ingest import SUPPORTED
from editorial.model import ALL_FORMATS, Format, Language
from editorial.upload import check_url

__all__ = [
    "SOURCES_DIR",
    "ArticleRequest",
    "article_choices",
    "check_article_path",
    "check_url",
    "download_url",
    "output_dir",
    "with_article_choices",
]

SOURCES_DIR = "sources"
SAMPLE_ARTICLE = f"{SOURCES_DIR}/can-france-become-a-global-ai-hub.txt"
# Set by `editorial serve` for the processes that run flows; not settings, because every
# setting is part of an article's cache key and a port must not invalidate outputs.
OUTPUT_DIR_ENV = "EDITORIAL_OUTPUT_DIR"
# Set by `editorial serve` for the processes that share its Prefect home (the deployments'
# runner, the warm task worker): a task handed to the warm task worker keeps its parameters in
# that home's local result storage, which a run on another machine (a pool worker with its own
# PREFECT_HOME) cannot share. Only runs with this marker equal to their own home hand off.
WARM_STORAGE_ENV = "EDITORIAL_WARM_STORAGE"
DOWNLOAD_URL_ENV = "EDITORIAL_DOWNLOAD_URL"


def check_article_path(value: str, root: Path = PROJECT_ROOT) -> str:
    """`value` normalised (POSIX, relative to `root`) when it names a supported file under
    `root/sources/`; otherwise ValueError with a message naming the value."""
    if value.strip().lower().startswith(("http://", "https://")):
        return value.strip()  # a URL: fetched into sources/web/ under the fetch policy
    raw = value.strip().replace("\\", "/")
    where = f"a file under {SOURCES_DIR}/, e.g. {SAMPLE_ARTICLE}"
    if not raw:
        raise ValueError(f"no article given: expected {where}")
    rel = PurePosixPath(raw)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts or rel.parts[0] != SOURCES_DIR:
        raise ValueError(f"article {value!r} is outside {SOURCES_DIR}/: expected {where}")
    base = (root / SOURCES_DIR).resolve()
    path = (root / rel).resolve()
    if not path.is_relative_to(base):  # a symlink pointing out of sources/
        raise ValueError(f"article {value!r} is outside {SOURCES_DIR}/: expected {where}")
    if path.suffix.lower() not in SUPPORTED:
        known = ", ".join(sorted(SUPPORTED))
        raise ValueError(f"article {value!r} is not a supported file ({known})")
    if not path.is_file():
        raise ValueError(f"article {value!r} does not exist: expected {where}")
    return rel.as_posix()


def article_choices(root: Path = PROJECT_ROOT) -> list[str]:
    """The articles under `root/sources/` as the form lists them (project-relative, sorted)."""
    from editorial.sources import discover, ignored

    base = root / SOURCES_DIR
    if not base.is_dir():
        return []
    return [Path(p).relative_to(root).as_posix() for p in discover([base]) if not ignored(p)]


class ArticleRequest(BaseModel):
    """Publish one article from sources/ (or a web page)."""

    model_config = ConfigDict(extra="forbid", title="Article to publish")

    # Required in the form (the deployment's schema lists the articles as a choice, see
    # `with_article_choices`), so a cleared field is refused at Submit instead of falling back
    # to a default; empty here only so the flow itself can refuse it with one line.
    article: str = Field(
        default="",
        title="Article",
        description=f"One of the articles under {SOURCES_DIR}/ (add one from the download "
        "app's 'Add an article' page, or drop a file into the folder).",
    )
    url: str = Field(
        default="",
        title="Or a web address",
        description="http(s) URL of a web article to publish instead of the chosen article.",
    )
    review: bool = Field(
        default=False,
        title="Review before publishing",
        description="Pause after the quotes are found: check and correct every speaker, "
        "then Resume to publish with the corrections.",
    )
    outputs: list[Format] = Field(
        default=list(ALL_FORMATS),  # a default (not a factory) so the form shows it selected
        title="Outputs",
        description="Which outputs to produce: pdf (report), newsletter, social (posts and cards).",
        min_length=1,
    )
    language: Literal["auto", "en", "fr"] = Field(
        default="auto", title="Language", description="auto: detect it from the text."
    )
    force: bool = Field(
        default=False, title="Force re-run", description="Publish even when nothing changed."
    )
    pdf_variant: Literal["default", "pdf/ua-1", "pdf/a-3b", "none"] = Field(
        default="default",
        title="PDF variant",
        description="default: the one in editorial.toml (pdf/ua-1 unless changed).",
    )

    def checked_source(self, root: Path = PROJECT_ROOT) -> str:
        """The article to publish, normalised; ValueError with one line naming the value when
        it is empty, unknown or outside sources/ (or when a URL is not a web address)."""
        if self.url.strip():
            check_url(self.url)
            return ""
        return check_article_path(self.article, root)

    @field_validator("outputs")
    @classmethod
    def _unique(cls, value: list[Format]) -> list[Format]:
        return list(dict.fromkeys(value))

    @property
    def formats(self) -> tuple[Format, ...]:
        return tuple(f for f in ALL_FORMATS if f in self.outputs)

    @property
    def language_override(self) -> Language | None:
        return None if self.language == "auto" else self.language

    @property
    def variant(self) -> str | None:
        return None if self.pdf_variant == "default" else self.pdf_variant


def output_dir() -> str:
    """Where served runs write (and the download app reads): $EDITORIAL_OUTPUT_DIR or outputs/."""
    return os.environ.get(OUTPUT_DIR_ENV) or str(PROJECT_ROOT / "outputs")


def download_url(settings: Settings) -> str:
    """Base URL of the download app as people see it, without a trailing slash."""
    url = os.environ.get(DOWNLOAD_URL_ENV) or settings.server.download_url
    if not url:
        url = f"http://{settings.server.host}:{settings.server.download_port}"
    return url.rstrip("/")


def with_article_choices(schema: dict[str, Any], choices: list[str]) -> dict[str, Any]:
    """The manual deployment's parameter schema with the article field a required choice of
    `choices` (the form renders a select; the server refuses anything else at Submit)."""
    out = json.loads(json.dumps(schema))
    form = out.get("definitions", {}).get("ArticleRequest")
    if not isinstance(form, dict):
        return out
    field = form["properties"]["article"]
    field.pop("default", None)
    field["enum"] = list(choices) or [""]
    form["required"] = sorted({*form.get("required", []), "article"})
    return out
