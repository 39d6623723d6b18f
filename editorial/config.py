"""Settings, read from `editorial.toml` at the project root (every key optional).

Environment variables `EDITORIAL_<SECTION>_<KEY>` override the file, e.g.
`EDITORIAL_LIMITS_MAX_INPUT_BYTES=2000000`.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
DEFAULT_CONFIG = PROJECT_ROOT / "editorial.toml"

# Bump when a change to the code changes any output: it invalidates every cached result.
PIPELINE_VERSION = "2"  # 2: web-page reader, languages, list warnings (issue 13)


class Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Limits(Section):
    max_input_bytes: int = 5_000_000  # source file size
    max_text_chars: int = 2_000_000  # decoded text given to NLP
    max_pages: int = 200  # PDF pages
    pandoc_timeout: float = 20.0  # seconds, wall clock per pandoc call
    pandoc_memory_mb: int = 1024  # address-space limit of the pandoc process
    render_timeout: float = 60.0  # seconds per article for all renderers
    nlp_timeout: float = 120.0  # seconds per article for extraction
    worker_memory_mb: int = 2048  # address-space limit of a worker process
    max_unpacked_bytes: int = 50_000_000  # DOCX/ODT: total size of the unzipped members
    max_zip_entries: int = 2_000  # DOCX/ODT: members in the container
    max_compression_ratio: int = 100  # DOCX/ODT: unpacked/packed size of a member over 1 MB
    max_token_chars: int = 1_000  # a "word" longer than this is cut before NLP (with a warning)
    max_nesting: int = 64  # nested lists/quotes/divs deeper than this: too_large
    job_timeout: float = 0.0  # hard wall clock per article in a worker; 0: sum of the stage limits


class Brand(Section):
    name: str = "Editorial"
    url: str = ""  # base URL where outputs are published; enables links and UTM tags


class Newsletter(Section):
    sender: str = "Editorial <newsletter@example.org>"
    recipient: str = "Readers <readers@example.org>"
    postal_address: str = "Editorial, 1 Example Street, 75000 Paris, France"
    # "{subscriber}" in unsubscribe_url stands for subscriber_merge_tag, the placeholder the
    # mailing service replaces (each has its own syntax: "*|UNIQID|*", "{{ contact.ID }}",
    # "%recipient.id%"). The default is valid in a URL, so the HTML validates as it is.
    unsubscribe_url: str = "https://example.org/unsubscribe?id={subscriber}"
    subscriber_merge_tag: str = "$subscriber_id$"
    unsubscribe_mailto: str = "mailto:unsubscribe@example.org"
    summary_words: int = 90


class Social(Section):
    mastodon_max_chars: int = 500
    mastodon_url_length: int = 23


def _comma_list(value: Any) -> Any:
    """A list from the environment is one comma-separated string."""
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return value


class Schedule(Section):
    cron: str = "*/15 * * * *"
    timezone: str = "Europe/Paris"
    paths: tuple[str, ...] = ("sources",)  # what the scheduled batch publishes (project-relative)
    feeds: tuple[str, ...] = ()  # RSS/Atom feed URLs the scheduled batch polls

    _feeds = field_validator("feeds", mode="before")(_comma_list)


class Fetch(Section):
    """The fetch policy for URL and feed sources (editorial/fetch.py)."""

    allow_hosts: tuple[str, ...] = ()  # hosts allowed even on private/loopback addresses
    connect_timeout: float = 10.0  # seconds
    read_timeout: float = 20.0  # seconds without a byte
    total_timeout: float = 60.0  # seconds for a whole fetch, redirects included
    max_redirects: int = 5
    user_agent: str = "editorial/0.1 (newsroom publishing pipeline; +https://example.org/bot)"

    _hosts = field_validator("allow_hosts", mode="before")(_comma_list)


class Server(Section):
    host: str = "127.0.0.1"
    prefect_port: int = 4200
    download_port: int = 8000
    database_url: str = ""  # empty: SQLite under .prefect/ in the project
    auth_string: str = ""  # "user:password"; empty: no authentication
    dask_address: str = ""  # empty: local cluster when the Dask runner is asked for
    workers: int = 2  # worker processes for a batch
    batch_runner: Literal["processes", "dask"] = "processes"  # where a batch's articles run
    download_url: str = ""  # public URL of the download app; empty: http://host:download_port
    download_token: str = ""  # bearer token accepted by the download app (besides auth_string)
    cors_origins: tuple[str, ...] = ()  # extra origins allowed to call the Prefect API
    manual_concurrency: int = 2  # runs of the manual deployment at once (one per article)


class Review(Section):
    timeout_hours: float = 24.0  # a review not resumed in time fails its run, publishes nothing
    # Runs paused for review at once without holding back other runs (each keeps its process).
    max_waiting: int = 4


class Settings(Section):
    limits: Limits = Limits()
    brand: Brand = Brand()
    newsletter: Newsletter = Newsletter()
    social: Social = Social()
    schedule: Schedule = Schedule()
    server: Server = Server()
    review: Review = Review()
    fetch: Fetch = Fetch()
    pdf_variant: str = "pdf/ua-1"


def _env_overrides(data: dict[str, Any]) -> dict[str, Any]:
    for name, field in Settings.model_fields.items():
        sub = field.annotation
        if not (isinstance(sub, type) and issubclass(sub, Section)):
            env = os.environ.get(f"EDITORIAL_{name.upper()}")
            if env is not None:
                data[name] = env
            continue
        for key in sub.model_fields:
            env = os.environ.get(f"EDITORIAL_{name.upper()}_{key.upper()}")
            if env is not None:
                data.setdefault(name, {})[key] = env
    return data


def load_settings(path: Path | None = None) -> Settings:
    """Settings from `path` (default: editorial.toml at the project root), then the environment."""
    path = path or Path(os.environ.get("EDITORIAL_CONFIG", DEFAULT_CONFIG))
    data: dict[str, Any] = {}
    if path.exists():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Settings.model_validate(_env_overrides(data))


@lru_cache(maxsize=1)
def settings() -> Settings:
    return load_settings()
