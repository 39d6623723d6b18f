"""CONVERT: pandoc reads only the bytes it is given (H18-H27 and variants), real pandoc."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from editorial.config import Limits
from editorial.errors import StageTimeout, TooLarge, UnsupportedFormat
from editorial.ingest import ingest, pandoc

from .conftest import MARKER, Listener, plant_marker

BODY = "The council met on Tuesday and agreed the budget for the harbour and the library."


def md(tmp_path: Path, text: str, name: str = "a.md"):  # type: ignore[no-untyped-def]
    plant_marker(tmp_path)
    p = tmp_path / name
    p.write_text(text, "utf-8")
    return ingest(p)


def everything(article) -> str:  # type: ignore[no-untyped-def]
    return article.model_dump_json()


def test_pandoc_always_runs_sandboxed_from_stdin() -> None:
    cmd = pandoc.command("md", Limits())
    assert "--sandbox" in cmd and "--extract-media" not in " ".join(cmd)
    assert "-M1024m" in cmd and not any(part.endswith((".md", ".docx")) for part in cmd)


@pytest.mark.parametrize("ref", ["![x](/etc/passwd)", "![x](secret.txt)", "![x](../secret.png)",
                                 "![x](file:///etc/passwd)", "[link](secret.txt)", "![x](.env)"])  # fmt: skip
def test_h18_local_paths_are_never_read(tmp_path: Path, ref: str) -> None:
    a = md(tmp_path, f"# T\n\n{BODY}\n\n{ref}\n\n{BODY}\n")
    assert MARKER not in everything(a)
    assert all(not b.src or b.src.endswith((".png", ".jpg", ".svg")) for b in a.blocks)


@pytest.mark.parametrize("tag", ['<iframe src="{u}"></iframe>', '<object data="{u}"></object>',
                                 '<embed src="{u}">', '<img src="{u}">', '<link rel="stylesheet" href="{u}">',
                                 '<script src="{u}"></script>', '<video src="{u}"></video>',
                                 '<base href="{u}"><img src="x.png">'])  # fmt: skip
def test_h19_html_never_makes_pandoc_fetch(tmp_path: Path, listener: Listener, tag: str) -> None:
    a = md(tmp_path, f"<h1>T</h1><p>{BODY}</p>{tag.format(u=listener.url('/h19'))}<p>{BODY}</p>", "a.html")
    assert MARKER not in everything(a)
    assert listener.hits() == []


@pytest.mark.parametrize("name,text", [("a.rst", ".. include:: /etc/passwd\n"), ("a.org", "#+INCLUDE: /etc/passwd\n"),
                                       ("a.tex", "\\input{/etc/passwd}\n"), ("a.epub", "x"), ("a", "x"),
                                       ("a.MD.exe", "x")])  # fmt: skip
def test_h20_formats_off_the_allow_list(tmp_path: Path, name: str, text: str) -> None:
    with pytest.raises(UnsupportedFormat):
        md(tmp_path, text, name)


def test_h20_tex_and_includes_inside_markdown_stay_text(tmp_path: Path) -> None:
    a = md(tmp_path, f"# T\n\n{BODY}\n\n\\input{{/etc/passwd}}\n\n```{{=latex}}\n\\input{{secret.txt}}\n```\n")
    assert MARKER not in everything(a) and "root:" not in everything(a)


def test_h21_data_uri_payload_writes_nothing(tmp_path: Path) -> None:
    before = set(Path("/tmp").iterdir())
    a = md(tmp_path, f"# T\n\n{BODY}\n\n![](data://image/png;base64,cHJpbnQgImhlbGxvIgo=;.lua+"
                     "%252f%252e%252e%252f%252e%252e%252fb%252elua)\n")  # fmt: skip
    assert not (tmp_path.parent / "b.lua").exists() and not Path("/tmp/b.lua").exists()
    assert {p.name for p in set(Path("/tmp").iterdir()) - before if p.suffix == ".lua"} == set()
    assert not any(b.kind == "image" for b in a.blocks)
    import pypandoc

    assert tuple(int(x) for x in pypandoc.get_pandoc_version().split(".")[:3]) >= (3, 1, 6)


@pytest.mark.parametrize("raw", ["<script>alert(1)</script>", "text <img src=x onerror=alert(2)>",
                                 "<svg onload=alert(1)>", "<a href=\"javascript:alert(1)\">x</a>",
                                 "<style>@import url(http://127.0.0.1:9/)</style>",
                                 "<!-- <script>alert(1)</script> -->"])  # fmt: skip
def test_h22_raw_html_never_reaches_block_html(tmp_path: Path, raw: str) -> None:
    a = md(tmp_path, f"# T\n\n{BODY}\n\n{raw}\n\n{BODY} {raw}\n")
    for b in a.blocks:
        low = b.html.lower()
        assert "<script" not in low and "onerror" not in low and "onload" not in low
        assert "javascript:" not in low and "<style" not in low and "<img" not in low


@pytest.mark.parametrize("link", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "jav&#x09;ascript:alert(1)",
                                  "data:text/html,<script>alert(1)</script>", "vbscript:x", "file:///etc/passwd",
                                  "secret.txt", "//127.0.0.1/x"])  # fmt: skip
def test_h23_links_only_http_https_mailto(tmp_path: Path, link: str) -> None:
    a = md(tmp_path, f"# T\n\n{BODY}\n\n{BODY} [click]({link}) and [ok](https://example.org/).\n")
    html = " ".join(b.html for b in a.blocks)
    assert 'href="https://example.org/"' in html
    assert html.count("href=") == 1


def test_h24_raw_attribute_is_text(tmp_path: Path) -> None:
    a = md(tmp_path, f"# T\n\n{BODY}\n\n{BODY} `<b>x</b>`{{=html}} end.\n\n```{{=html}}\n<script>alert(1)</script>\n```\n\n{BODY}\n")
    html = " ".join(b.html for b in a.blocks)
    assert "<b>" not in html and "<script" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


PATHOLOGICAL = {
    "H25 brackets": "[" * 50_000,
    "H26 quotes": "> " * 10_000 + "x",
    "H26 divs": "<div>" * 20_000,
    "H26 backticks": "`" * 50_000 + "a",
    "H26 angles": "<" * 30_000,
    "H26 list": "".join("  " * i + "- x\n" for i in range(300)),
    "emphasis": "*a **" * 20_000,
    "links": "[a](" * 20_000,
    "images": "![[" * 20_000,
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_h25_h26_pathological_markdown_is_fast(tmp_path: Path, name: str) -> None:
    """commonmark_x: each under a few seconds (pandoc's markdown reader took > 25 s on H25)."""
    started = time.monotonic()
    try:
        md(tmp_path, f"# T\n\n{BODY}\n\n" + PATHOLOGICAL[name])
    except (TooLarge, StageTimeout) as exc:
        assert exc.code in ("too_large", "timeout")
    except Exception as exc:  # other article errors are fine too, crashes are not
        assert hasattr(exc, "code"), exc
    assert time.monotonic() - started < 15


def test_h25_pandoc_timeout_is_an_article_error(tmp_path: Path) -> None:
    """With a tiny wall clock, pandoc is killed and the article gets `timeout`."""
    p = tmp_path / "slow.md"
    p.write_text("# T\n\n" + "".join("  " * i + "- x\n" for i in range(1500)), "utf-8")
    with pytest.raises((StageTimeout, TooLarge)) as err:
        ingest(p, limits=Limits(pandoc_timeout=0.5))
    assert "slow.md" in str(err.value)


def test_h27_memory_limit_is_an_article_error(tmp_path: Path) -> None:
    """Under a small heap limit pandoc exits 251; that is `too_large`, not a crash."""
    p = tmp_path / "big.md"
    p.write_text("# T\n\n" + ("word " * 200 + "\n\n") * 3000, "utf-8")
    with pytest.raises(TooLarge) as err:
        ingest(p, limits=Limits(pandoc_memory_mb=16))
    assert "memory" in str(err.value) and "big.md" in str(err.value)


def test_h27_one_20mb_line_is_refused_by_size(tmp_path: Path) -> None:
    p = tmp_path / "line.md"
    p.write_bytes(b"a" * 20_000_000)
    with pytest.raises(TooLarge, match="byte limit"):
        ingest(p)
