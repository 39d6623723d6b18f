"""Builders for the hostile source files, one per case of hostile-inputs.md that is a file.

Each builder writes its input (and any planted secret beside it) into an empty folder and
returns the article's path; large inputs are generated here, at test time, never committed.
`FILE_CASES` maps a case id to (builder, expectation): an error code, or "ok" (safe output,
maybe with warnings). The per-case tests and the whole-batch test both use this table.
"""

from __future__ import annotations

import base64
import io
import json
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from functools import partial
from pathlib import Path

MARKER = "TOPSECRET-42"
PORT_PLACEHOLDER = "PORT"
BODY = (
    "The council met on Tuesday. \"We will publish the budget in June,\" said Anne Leroy, "
    "the treasurer. Residents of Brest asked for more buses."
)

DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_bytes(body_xml: str | bytes, *, zip64: bool = False, repeat: int = 1,
               extra: dict[str, str] | None = None, doc_rels: str = "") -> bytes:  # fmt: skip
    """A minimal DOCX whose body is `body_xml` repeated `repeat` times (streamed: a 300 MB body
    never exists in memory)."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W_NS}><w:body>'.encode()
    tail = b"</w:body></w:document>"
    chunk = body_xml.encode() if isinstance(body_xml, str) else body_xml
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", DOCX_TYPES)
        z.writestr("_rels/.rels", DOCX_RELS)
        if doc_rels:
            z.writestr("word/_rels/document.xml.rels", doc_rels)
        with z.open("word/document.xml", "w", force_zip64=zip64) as f:
            f.write(head)
            block = chunk * min(repeat, 1000)
            left = repeat
            while left > 0:
                n = min(left, 1000)
                f.write(block if n == 1000 else chunk * n)
                left -= n
            f.write(tail)
        for name, text in (extra or {}).items():
            z.writestr(name, text)
    return out.getvalue()


def paras_xml(*texts: str) -> str:
    return "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in texts)


def png_header_only(width: int, height: int, mode_bits: int = 1) -> bytes:
    """A PNG that declares width x height (1-bit grey) with one tiny IDAT: a decompression
    bomb as far as any decoder that trusts IHDR is concerned, generated instantly."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, mode_bits, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def tiny_png() -> bytes:
    return png_header_only(2, 2, 8)


SVG_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
    + "".join(
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefghi", "bcdefghij", strict=True)
    )
    + ']><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&j;</text></svg>'
)


def plant(folder: Path) -> None:
    for name in ("secret.txt", "config.toml", ".env", "secret.png", "notes.html"):
        (folder / name).write_text(f"{MARKER} password=hunter2\n", "utf-8")


def _md(folder: Path, name: str, body: str) -> Path:
    plant(folder)
    p = folder / name
    p.write_text(body, "utf-8")
    return p


def _bytes(folder: Path, name: str, data: bytes) -> Path:
    plant(folder)
    p = folder / name
    p.write_bytes(data)
    return p


def _html_article(folder: Path, name: str, inner: str) -> Path:
    return _md(folder, name, f"<html><head><title>Council budget</title></head><body>"
                             f"<h1>Council budget</h1><p>{BODY}</p>{inner}<p>{BODY}</p></body></html>")  # fmt: skip


def _md_article(folder: Path, name: str, inner: str) -> Path:
    return _md(folder, name, f"# Council budget\n\n{BODY}\n\n{inner}\n\n{BODY}\n")


def _zip_bad_method() -> bytes:
    data = bytearray(docx_bytes(paras_xml("Council budget", BODY)))
    data[8:10] = (99).to_bytes(2, "little")
    cd = data.find(b"PK\x01\x02")
    data[cd + 10 : cd + 12] = (99).to_bytes(2, "little")
    return bytes(data)


Builder = Callable[[Path], Path]

# id -> (builder, expected code or "ok"); a builder that needs the listener's port writes
# PORT and the test substitutes it (see `with_port`).
# ---------------------------------------------------------------- second round (issue 17)
# Variants of each class the second adversarial pass found; `R<class>-<what>`.

NON_UTF8_NAMES = (b"bad-\xff\xfe-name.md", b"caf\xe9-latin1.txt", b"half-\xc3-seq.md")
SHOWN_NAMES = ("[bold]spoof.md", "\x1b]0;pwned\x07\x1b[2Jclear.md",
               "\u202egnp.exe\u200b\rline.md")  # fmt: skip
BAD_URLS = ("javascript:alert(1)", " JaVaScRiPt:alert(document.domain)", "file:///etc/passwd",
            "data:text/html,<script>alert(1)</script>", "java\tscript:alert(1)", "//evil.example/x",
            "vbscript:msgbox(1)", "https:evil.example", "http://user:pass@evil.example/")  # fmt: skip
FORMULAS = ("=HYPERLINK(\"http://evil.example\",\"x\")", "@SUM(1+1)*cmd|' /C calc'!A0",
            "+1+cmd|' /C calc'!A0", "-2+3", "\uff1dSUM(A1)", "  =1+1")  # fmt: skip


def _fs_name(folder: Path, raw: bytes, text: str) -> Path:
    plant(folder)
    p = folder / os.fsdecode(raw)
    p.write_text(text, "utf-8")
    return p


def _nested(folder: Path, name: str, body: str) -> Path:
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    return _md(folder, name, body)


def _fifo(folder: Path, name: str) -> Path:
    plant(folder)
    os.mkfifo(folder / name)
    return folder / name


def _link(folder: Path, name: str, target: str) -> Path:
    plant(folder)
    (folder / name).symlink_to(target)
    return folder / name


def _sparse(folder: Path, name: str, size: int) -> Path:
    plant(folder)
    with open(folder / name, "wb") as f:
        f.truncate(size)
    return folder / name


def _front(url: str, canonical: str) -> str:
    return (f"---\ntitle: Link test\nurl: {json.dumps(url)}\ncanonical_url: {json.dumps(canonical)}\n"
            f"---\n\n{BODY}\n\n{BODY}\n")  # fmt: skip


ROUND_2: dict[str, tuple[Builder, str]] = {
    **{f"R1-name-{i}": (partial(_fs_name, raw=raw, text=f"# Named {i}\n\n{BODY}\n"), "ok")
       for i, raw in enumerate(NON_UTF8_NAMES)},
    "R1-name-fails": (lambda d: _fs_name(d, b"bad-\xff-empty.md", ""), "empty"),
    **{f"R6-name-{i}": (partial(_md_article, name=name, inner="shown"), "ok")
       for i, name in enumerate(SHOWN_NAMES)},
    "R6-markup-ok": (partial(_nested, name="markup[/]name.md", body=f"# Markup\n\n{BODY}\n"), "ok"),
    "R6-markup-fails": (partial(_nested, name="[red]x[/]/[/]\x1b[2J\u202eempty.md", body=""), "empty"),
    **{f"R3-url-{i}": (partial(_md, name="link.md", body=_front(BAD_URLS[i], BAD_URLS[-1 - i])), "ok")
       for i in range(4)},
    "R4-formulas": (lambda d: _md(d, "formula.md", "---\ntitle: \"=HYPERLINK(\\\"http://evil.example\\\")\"\n"
                                  "tags: ['=cmd', '@x']\n---\n\n" + "\n\n".join(
                                      f'{f} "We will publish {n}," said Anne Leroy.' for n, f in enumerate(FORMULAS))
                                  + "\n\n" + BODY), "ok"),  # fmt: skip
    "R5-fifo": (lambda d: _fifo(d, "pipe.md"), "unsafe_source"),
    "R5-devzero": (lambda d: _link(d, "zero.md", "/dev/zero"), "unsafe_source"),
    "R5-dirlink": (lambda d: _link(d, "folder.md", "/etc"), "unsafe_source"),
    "R5-sparse": (lambda d: _sparse(d, "sparse.md", 128 * 1024**2), "too_large"),  # 8 GiB: test_c5_*
    "R11-tags-int": (lambda d: _md(d, "tags.md", f"---\ntitle: Tags\ntags: 12\nkeywords: x\n---\n\n{BODY}\n"), "ok"),
    "R11-tags-map": (lambda d: _md(d, "tagmap.md", f"---\ntitle: Tags\ntags: {{a: 1}}\nauthor: [1, 2]\n---\n\n{BODY}\n"), "ok"),
    "R11-bigint": (lambda d: _md(d, "bigint.md", f"---\ntitle: {'9' * 5000}\n---\n\n{BODY}\n"), "ingest_failed"),
    "R11-bigdate": (lambda d: _md(d, "bigdate.md", f"---\ntitle: Date\ndate: 0000-01-01\n---\n\n{BODY}\n"), "ingest_failed"),
}

FILE_CASES: dict[str, tuple[Builder, str]] = {
    "H1": (lambda d: _md_article(d, "..%2F..%2Foutputs%2Findex.md", "x"), "ok"),
    "H2": (lambda d: (_md(d, "other.md", f"# Other\n\n{MARKER} other\n"),
                      _md_article(d, "*.md", "own words"))[1], "ok"),  # fmt: skip
    "H3": (lambda d: (_md(d, "report1.md", f"# Other\n\n{MARKER} other\n"),
                      _md_article(d, "report[1].md", "own words"))[1], "ok"),  # fmt: skip
    "H4": (lambda d: (plant(d), (d / "a.md").symlink_to("/etc/passwd"), d / "a.md")[2], "unsafe_source"),
    "H5": (lambda d: _bytes(d, "empty.md", b""), "empty"),
    "H6": (lambda d: (plant(d), open(d / "huge.md", "wb").truncate(200_000_000), d / "huge.md")[2],
           "too_large"),  # fmt: skip
    "H7": (lambda d: _bytes(d, "article.docx", b"PK\x03\x04garbage"), "invalid_container"),
    "H8": (lambda d: _bytes(d, "plain.docx", f"{MARKER}\n".encode()), "invalid_container"),
    "H9": (lambda d: _bytes(d, "bomb.docx", docx_bytes(
        "<w:p><w:r><w:t>" + "A" * 1000 + "</w:t></w:r></w:p>", repeat=300_000)), "too_large"),  # fmt: skip
    "H10": (lambda d: _bytes(d, "z64.docx", docx_bytes(paras_xml("Council budget", BODY), zip64=True)),
            "invalid_container"),  # fmt: skip
    "H11": (lambda d: _bytes(d, "cp1252.md", b"# \x84Wir schaffen das\x93 \x96 5 \x80\n\n" + BODY.encode()), "ok"),
    "H12": (lambda d: _bytes(d, "latin.txt", b"caf\xe9\n\n" + BODY.encode()), "ok"),
    "H13": (lambda d: _bytes(d, "broken.txt", b"Good \xff\xfe\xfd bytes \xc3\x28 end"), "decode_error"),
    "H14": (lambda d: _bytes(d, "bom.md", b"\xef\xbb\xbf# Title\r\n\r\nBody line\r\n\r\n" + BODY.encode()), "ok"),
    "H15": (lambda d: _bytes(d, "u16.txt", f"\ufeffTitle\r\n{BODY}".encode("utf-16")), "ok"),
    "H16": (lambda d: _bytes(d, "nul.md", b"# A\x00B\n\ntext\x01\x1b[31m\n\n" + BODY.encode()), "ok"),
    "H17": (lambda d: _md(d, "surrogate.md", '---\ntitle: "bad \\uD800 text"\n---\n\n' + BODY), "ok"),
    "H18": (lambda d: _md_article(d, "local.md", "![x](/etc/passwd) ![y](secret.txt) ![z](../../secret.png) "
                                  "![w](secret.png)"), "ok"),  # fmt: skip
    "H19": (lambda d: _html_article(d, "frame.html", '<iframe src="http://127.0.0.1:PORT/secret.html"></iframe>'
                                    '<object data="http://127.0.0.1:PORT/o"></object>'
                                    '<embed src="http://127.0.0.1:PORT/e">'), "ok"),  # fmt: skip
    "H20": (lambda d: _md(d, "include.rst", ".. include:: /etc/passwd\n"), "unsupported_format"),
    "H21": (lambda d: _md_article(d, "lua.md", "![](data://image/png;base64,cHJpbnQgImhlbGxvIgo=;.lua+"
                                  "%252f%252e%252e%252f%252e%252e%252fb%252elua)"), "ok"),  # fmt: skip
    "H22": (lambda d: _md_article(d, "script.md", "<script>alert(1)</script>\n\ntext <img src=x onerror=alert(2)>"), "ok"),
    "H23": (lambda d: _md_article(d, "jslink.md", "[click](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) "
                                  "[c](java\tscript:alert(1)) [d](data:text/html,<script>x</script>)"), "ok"),  # fmt: skip
    "H24": (lambda d: _md_article(d, "rawattr.md", "`<b>x</b>`{=html}\n\n```{=html}\n<script>alert(1)</script>\n```"), "ok"),
    "H25": (lambda d: _md(d, "brackets.md", "# Brackets\n\n" + BODY + "\n\n" + "[" * 50_000), "ok"),
    "H26": (lambda d: _md(d, "nested.md", "# Nested\n\n" + BODY + "\n\n" + "> " * 10_000 + "x"), "too_large"),
    "H27": (lambda d: _md(d, "oneline.md", "a" * 20_000_000), "too_large"),
    "H28": (lambda d: _html_article(d, "attach.html", '<link rel="attachment" href="file:///etc/passwd">'
                                    '<link rel="attachment" href="config.toml">'), "ok"),  # fmt: skip
    "H29": (lambda d: _html_article(d, "attach-a.html", '<p><a rel="attachment" href="secret.txt">x</a> '
                                    '<a rel="attachment" href="file:///etc/hostname">y</a></p>'), "ok"),  # fmt: skip
    "H30": (lambda d: _html_article(d, "ssrf.html", '<img src="http://127.0.0.1:PORT/probe.png">'
                                    '<link rel=stylesheet href="http://127.0.0.1:PORT/s.css">'
                                    '<style>@import url(http://127.0.0.1:PORT/i.css);'
                                    'p{background:url(http://127.0.0.1:PORT/bg.png)}</style>'
                                    '<img srcset="http://127.0.0.1:PORT/set.png 2x">'
                                    '<base href="http://127.0.0.1:PORT/">'
                                    '<svg><image href="http://127.0.0.1:PORT/svg.png"/></svg>'
                                    '<p style="background:url(http://127.0.0.1:PORT/st.png)">s</p>'), "ok"),  # fmt: skip
    "H31": (lambda d: _html_article(d, "traversal.html", '<img src="../../../etc/passwd">'
                                    '<img src="secret.png"><img src="%2e%2e/%2e%2e/etc/passwd">'), "ok"),  # fmt: skip
    "H32": (lambda d: _html_article(d, "urandom.html", '<link rel="attachment" href="file:///dev/urandom">'
                                    '<img src="file:///dev/zero">'), "ok"),  # fmt: skip
    "H33": (lambda d: (_bytes(d, "bomb.svg", SVG_BOMB.encode()),
                       _md_article(d, "svgbomb.md", "![bomb](bomb.svg)\n\n![inline](data:image/svg+xml;base64,"
                                   + base64.b64encode(SVG_BOMB.encode()).decode() + ")"))[1], "ok"),  # fmt: skip
    "H34": (lambda d: (_bytes(d, "huge.png", png_header_only(30_000, 30_000)),
                       _md_article(d, "pngbomb.md", "![big](huge.png)"))[1], "ok"),  # fmt: skip
    "H35": (lambda d: _html_article(d, "fontsize.html", '<p style="font-size:1e9px">x</p>'), "ok"),
    "H36": (lambda d: _html_article(d, "divs.html", "<div>" * 5000 + "x"), "too_large"),
    "H37": (lambda d: _md(d, "long.md", "# Long\n\n" + "the council met on monday\n\n" * 20_000), "ok|render_failed"),
    "H42": (lambda d: _md(d, "dots.md", '---\ntitle: ".."\n---\n\n' + BODY), "ok"),
    "H44": (lambda d: _md(d, "longtitle.md", "# " + "a" * 10_000 + "\n\n" + BODY), "ok"),
    "H45": (lambda d: _md(d, "million.txt", "Million\n\n" + ("Anne Leroy met Paul Martin in Brest. " * 30 + "\n\n")
                          * 900), "ok"),  # fmt: skip
    "H46": (lambda d: _md(d, "token.txt", "Token\n\n" + BODY + "\n\n" + "a" * 999_999 + "\n\nhttp://" + "a." * 250_000),
            "ok"),  # fmt: skip
    "H47": (lambda d: _md(d, "zw.txt", "Zero\u200bwidth\u202e title\n\nBarack\u200bObama met An\u200dgela Mer\u200ckel "
                          "in Berlin. " + BODY), "ok"),  # fmt: skip
    "bad-method": (lambda d: _bytes(d, "method.docx", _zip_bad_method()), "invalid_container"),
    **ROUND_2,
}


def build(case: str, folder: Path, port: int = 0) -> Path:
    """Write case `case` into `folder` (created); PORT in its text becomes `port`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = FILE_CASES[case][0](folder)
    if port and path.is_file() and not path.is_symlink() and path.stat().st_size < 1_000_000:
        data = path.read_bytes()
        if PORT_PLACEHOLDER.encode() in data:
            path.write_bytes(data.replace(b"127.0.0.1:PORT", f"127.0.0.1:{port}".encode()))
    return path


def expected(case: str) -> str:
    return FILE_CASES[case][1]
