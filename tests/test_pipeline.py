"""End to end: the sample article through every real stage (pandoc, spaCy, WeasyPrint)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import regex
from pypdf import PdfReader
from twitter_text import parse_tweet

from editorial import pipeline, sources, stages
from editorial.model import ALL_FORMATS

from .conftest import FIXTURES, ROOT, SAMPLE

QUOTE = "Without open source, I would not be here today"
TITLE = "Can France become a global AI Hub?"
SLUG = "can-france-become-a-global-ai-hub"
LIMITS = {"x": 280, "bluesky": 300, "mastodon": 500, "linkedin": 3000, "threads": 500}


def post_length(platform: str, text: str) -> int:
    """Each platform's own counting rule (independent of the renderer's code)."""
    if platform == "x":
        return int(parse_tweet(text).weightedLength)
    if platform == "bluesky":
        return len(regex.findall(r"\X", text))
    if platform == "mastodon":
        return len(regex.sub(r"https?://\S+", "x" * 23, text))
    return len(text)


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    src = tmp_path_factory.mktemp("src") / SAMPLE.name
    shutil.copy(SAMPLE, src)
    result = pipeline.process(stages.Job(source=str(src)), out_dir=out)
    assert result.status == "ok", result.error
    return out / result.slug


def test_sample_writes_every_output(sample_out: Path) -> None:
    assert sample_out.name == SLUG
    for name in ("report.pdf", "newsletter.html", "newsletter.txt", "social.json", "article.json"):
        assert (sample_out / name).stat().st_size > 0, name


def test_pdf_has_title_and_quote(sample_out: Path) -> None:
    reader = PdfReader(sample_out / "report.pdf")
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert TITLE in text
    assert QUOTE in text.replace("\u2019", "'")


def test_article_json_attributes_the_quote(sample_out: Path) -> None:
    data = json.loads((sample_out / "article.json").read_text("utf-8"))
    assert data["title"] == TITLE
    assert data["language"] == "en"
    assert data["word_count"] > 500
    assert len(data["content_hash"]) == 64
    quotes = data["extraction"]["quotes"]
    match = [q for q in quotes if QUOTE in q["text"]]
    assert match and match[0]["speaker"] == "Alexandre Lavallee"
    explains = [q for q in quotes if q["text"].startswith("At Google")]
    assert explains and explains[0]["speaker"] == "Alexandre Lavallee"
    assert explains[0]["speaker_mention"].lower() == "he"


def test_newsletter_contains_the_quote(sample_out: Path) -> None:
    html = (sample_out / "newsletter.html").read_text("utf-8")
    assert QUOTE in html.replace("&#39;", "'").replace("\u2019", "'")
    assert QUOTE in (sample_out / "newsletter.txt").read_text("utf-8")


def test_every_social_post_is_within_its_limit(sample_out: Path) -> None:
    social = json.loads((sample_out / "social.json").read_text("utf-8"))
    for platform, limit in LIMITS.items():
        posts = social[platform]["posts"] if isinstance(social[platform], dict) else social[platform]
        assert posts, platform
        for post in posts:
            assert 0 < post_length(platform, post["text"]) <= limit, (platform, post["text"])


def test_batch_with_a_broken_file_still_produces_the_others(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SAMPLE, src / SAMPLE.name)
    shutil.copy(FIXTURES / "broken.docx", src / "broken.docx")
    (src / "empty.md").write_text("   \n", "utf-8")
    jobs = [stages.Job(source=s) for s in sources.discover([src])]
    results = pipeline.run_batch(jobs, out_dir=tmp_path / "out", workers=2)
    by_name = {Path(r.source).name: r for r in results}
    assert by_name[SAMPLE.name].status == "ok"
    assert by_name["broken.docx"].status == "failed"
    assert by_name["broken.docx"].error.code == "invalid_container"
    assert "broken.docx" in by_name["broken.docx"].error.message
    assert by_name["empty.md"].error.code == "empty"
    report = json.loads((tmp_path / "out" / "run-report.json").read_text("utf-8"))
    assert report["summary"] == {"ok": 1, "failed": 2, "skipped": 0}
    assert (tmp_path / "out" / SLUG / "report.pdf").exists()
    # Nothing changed: everything is skipped, failures are retried.
    again = pipeline.run_batch(jobs, out_dir=tmp_path / "out", workers=1)
    assert [r.status for r in again] == ["failed", "failed", "skipped"] or sorted(
        r.status for r in again
    ) == ["failed", "failed", "skipped"]


def test_slugs_never_collide_silently(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    for d in (a, b):
        shutil.copy(FIXTURES / "texte.txt", d / "texte.txt")
    out = tmp_path / "out"
    r1 = pipeline.process(stages.Job(source=str(a / "texte.txt"), formats=("social",)), out_dir=out)
    r2 = pipeline.process(stages.Job(source=str(b / "texte.txt"), formats=("social",)), out_dir=out)
    assert r1.slug == "le-port-rouvre-ses-portes"
    assert r2.slug != r1.slug and r2.slug.startswith(r1.slug)
    assert any("already belongs" in w for w in r2.warnings)


def editorial_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("editorial")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def test_cli_bad_usage_exits_2(tmp_path: Path) -> None:
    assert editorial_cli("run", str(tmp_path / "missing")).returncode == 2
    assert editorial_cli("run", "sources", "--formats", "pdf,fax").returncode == 2


def test_cli_extract_writes_eval_json(tmp_path: Path) -> None:
    proc = editorial_cli("extract", str(SAMPLE), "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    data = json.loads((tmp_path / f"{SAMPLE.stem}.json").read_text("utf-8"))
    assert data["language"] == "en"
    assert {"text", "speaker", "cue", "start", "end"} <= set(data["quotes"][0])
    assert {"text", "label", "canonical", "start", "end"} <= set(data["entities"][0])


def test_all_formats_constant() -> None:
    assert ALL_FORMATS == ("pdf", "newsletter", "social")


def test_the_core_never_imports_prefect() -> None:
    """editorial/ is the pure core: Prefect stays in flows/."""
    import re

    offenders = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sorted((ROOT / "editorial").rglob("*.py"))
        for n, line in enumerate(p.read_text("utf-8").splitlines(), 1)
        if re.match(r"\s*(from|import)\s+prefect\b", line)
    ]
    assert offenders == []
    code = "import sys, editorial.pipeline, editorial.web; print('prefect' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stdout.strip() == "False", proc.stderr
