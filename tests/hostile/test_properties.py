"""Property-based: whatever bytes arrive, ingest returns an Article or raises the project's own
error, quickly. Real pandoc on every example."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editorial.config import Limits
from editorial.errors import EditorialError
from editorial.ingest import ingest_bytes
from editorial.model import Article

LIMITS = Limits(pandoc_timeout=10.0)
FORMATS = ("txt", "md", "html", "docx", "odt")
SETTINGS = settings(max_examples=40, deadline=timedelta(seconds=15),
                    suppress_health_check=[HealthCheck.too_slow])  # fmt: skip

MD_PIECES = ["# ", "## ", "> ", "- ", "1. ", "*", "**", "_", "`", "```", "[", "]", "(", ")", "![",
             "<div>", "</div>", "<script>", "<img src=x onerror=y>", "{=html}", "---\n", "title: x\n",
             "\n", "\n\n", "|", "&#0;", "&#x202e;", "\u200b", "\ufeff", "\x00", "\r\n", "word ", "é",
             "javascript:", "file:///etc/passwd", "http://127.0.0.1:9/", "<!--", "-->", "&", "<"]  # fmt: skip
markdownish = st.lists(st.sampled_from(MD_PIECES), max_size=300).map("".join)
HTML_TAGS = ["p", "div", "a", "img", "iframe", "link", "style", "svg", "object", "base", "table", "li"]
htmlish = st.recursive(
    st.text(max_size=30),
    lambda inner: st.builds(
        lambda tag, attr, body: f'<{tag} {attr}="{body[:20]}">{body}</{tag}>',
        st.sampled_from(HTML_TAGS), st.sampled_from(["src", "href", "style", "rel", "onload"]), inner,
    ),
    max_leaves=30,
)


def check(data: bytes, fmt: str) -> None:
    try:
        result = ingest_bytes(data, fmt, source=f"fuzz.{fmt}", base_dir=Path("/nonexistent"),
                              limits=LIMITS)  # fmt: skip
    except EditorialError as exc:
        assert exc.code and "\n" not in str(exc)
        return
    assert isinstance(result, Article)
    result.text.encode("utf-8")  # no lone surrogates
    assert "\x00" not in result.text and "\n" not in result.title


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from(FORMATS))
def test_random_bytes(data: bytes, fmt: str) -> None:
    check(data, fmt)


@SETTINGS
@given(markdownish)
def test_random_markdown(text: str) -> None:
    check(text.encode("utf-8", "surrogatepass"), "md")


@SETTINGS
@given(htmlish)
def test_random_html(text: str) -> None:
    check(text.encode("utf-8", "surrogatepass"), "html")


@SETTINGS
@given(st.binary(min_size=4, max_size=3000))
def test_random_zip_like_bytes(tail: bytes) -> None:
    check(b"PK\x03\x04" + tail, "docx")
