"""Shared fixtures. Real pandoc, spaCy, WeasyPrint and Prefect everywhere: no mocks."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from hypothesis import settings

from editorial.model import Article, Extraction

# Offline Prefect, before anything imports it.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("EDITORIAL_PUBLISHER", "off")  # a developer's `make serve` is not ours
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

# Property tests: the same examples on every `make test` (a red CI run is then the code's
# fault, not the draw's); `HYPOTHESIS_PROFILE=explore` draws new examples on a developer's machine.
settings.register_profile("repeatable", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sources" / "can-france-become-a-global-ai-hub.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDENS = Path(__file__).resolve().parent / "goldens"
EVAL = Path(__file__).resolve().parent / "eval"


def eval_sources() -> list[Path]:
    """The evaluation articles kept in the repo (tests/eval/), English then French."""
    return sorted(EVAL.glob("en/*.txt")) + sorted(EVAL.glob("fr/*.txt"))


@cache
def ingest_and_extract(path: Path) -> tuple[Article, Extraction]:
    """Real ingest and extraction (real pandoc, real spaCy), once per path per test process."""
    from editorial.extract import extract
    from editorial.ingest import ingest

    article = ingest(path)
    return article, extract(article)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite golden files")


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def check_golden(path: Path, actual: str, update: bool) -> None:
    """Compare `actual` with the golden file at `path` (rewrite it with --update-goldens)."""
    if update or not path.exists():
        if not update:
            pytest.fail(f"golden file {path} is missing: run pytest --update-goldens")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path.name} differs from its golden file (pytest --update-goldens)"


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A real (temporary) Prefect server for the whole session: it costs ~14 s to start."""
    home = tmp_path_factory.mktemp("prefect-home")
    os.environ["PREFECT_HOME"] = str(home)
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def sample_dir(tmp_path: Path) -> Path:
    """A sources/ folder holding a copy of the sample article."""
    d = tmp_path / "sources"
    d.mkdir()
    shutil.copy(SAMPLE, d / SAMPLE.name)
    return d
