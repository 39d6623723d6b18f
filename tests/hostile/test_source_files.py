"""Source files themselves: names, links, sizes, containers (H1-H10, H20 and variants)."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from editorial.config import Limits
from editorial.errors import EmptyArticle, InvalidContainer, TooLarge, UnsafeSource
from editorial.ingest import ingest, read_source
from editorial.ingest.container import check_container

from ..conftest import FIXTURES
from .conftest import MARKER, Goods, assert_article_error, batch_case, leaks, plant_marker
from .inputs import DOCX_RELS, DOCX_TYPES

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_bytes(paragraphs: list[str] | str, *, zip64: bool = False, extra: dict[str, str] | None = None,
               doc_rels: str = "") -> bytes:  # fmt: skip
    body = paragraphs if isinstance(paragraphs, str) else "".join(
        f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs
    )
    document = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", DOCX_TYPES)
        z.writestr("_rels/.rels", DOCX_RELS)
        if doc_rels:
            z.writestr("word/_rels/document.xml.rels", doc_rels)
        with z.open("word/document.xml", "w", force_zip64=zip64) as f:
            f.write(document.encode("utf-8"))
        for name, text in (extra or {}).items():
            z.writestr(name, text)
    return out.getvalue()


GOOD_DOCX = ["Harbour news", "The mayor said the harbour will reopen in May, and the fishermen agreed."]


# ---------------------------------------------------------------- H1-H3: names are never paths


@pytest.mark.parametrize("name", ["..%2F..%2Fx.md", "*.md", "report[1].md", "C:\\x.md", "-f.md",
                                  "$(touch pwned).md", "a b;rm -rf.md"])  # fmt: skip
def test_h1_h2_h3_hostile_names_convert_their_own_bytes(tmp_path: Path, name: str) -> None:
    """H1-H3: the name is never given to pandoc or a shell (bytes go on stdin), so globs,
    dashes and shell syntax in it do nothing; its slug comes from its title."""
    (tmp_path / "report1.md").write_text(f"# Other\n\n{MARKER} other article.\n", "utf-8")
    (tmp_path / "b.md").write_text(f"# Other two\n\n{MARKER} another one.\n", "utf-8")
    p = tmp_path / name
    p.write_text("# Own title\n\nOnly its own words are here.\n", "utf-8")
    article = ingest(p)
    assert MARKER not in article.text and "Only its own words" in article.text
    assert article.slug == "own-title"
    assert not (tmp_path / "pwned").exists()


def test_h1_slug_of_a_hostile_name_without_title_stays_in_its_folder(tmp_path: Path) -> None:
    p = tmp_path / "..%2F..%2Findex.md"
    p.write_text('---\ntitle: ".."\n---\n\nBody text of the article, long enough.\n', "utf-8")
    slug = ingest(p).slug
    assert slug and "/" not in slug and "." not in slug and not slug.startswith("-")


# ---------------------------------------------------------------- H4: links and special files


@pytest.mark.parametrize("target", ["/etc/passwd", "secret.txt", "../outside.md"])
def test_h4_symlink_is_refused(tmp_path: Path, target: str) -> None:
    (tmp_path / "secret.txt").write_text(MARKER, "utf-8")
    (tmp_path.parent / "outside.md").write_text(f"# x\n\n{MARKER}\n", "utf-8")
    link = tmp_path / "a.md"
    link.symlink_to(target)
    with pytest.raises(UnsafeSource) as err:
        ingest(link)
    assert err.value.code == "unsafe_source"
    assert "symlink not allowed: a.md" in str(err.value)


def test_h4_fifo_and_folder_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    with pytest.raises(UnsafeSource, match="not a regular file"):
        ingest(fifo)
    folder = tmp_path / "dir.md"
    folder.mkdir()
    with pytest.raises((UnsafeSource, Exception)):
        ingest(folder)


def test_h4_symlink_in_a_batch(goods: Goods, tmp_path: Path) -> None:
    link = tmp_path / "a.md"
    link.symlink_to("/etc/passwd")
    out = batch_case(goods, link)
    assert_article_error(out, "unsafe_source", "a.md")


# ---------------------------------------------------------------- H5, H6: empty and huge


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", b"\xef\xbb\xbf", b"\x00\x00\x00", "\ufeff\u200b".encode()])
def test_h5_empty_article(tmp_path: Path, data: bytes) -> None:
    p = tmp_path / "empty.md"
    p.write_bytes(data)
    with pytest.raises(EmptyArticle) as err:
        ingest(p)
    assert err.value.code == "empty" and "empty.md" in str(err.value)


def test_h5_empty_in_a_batch_gives_no_pdf(goods: Goods, tmp_path: Path) -> None:
    p = tmp_path / "empty.md"
    p.write_bytes(b"")
    out = batch_case(goods, p)
    assert_article_error(out, "empty", "empty.md")
    assert not out.files


def test_h6_size_cap_before_reading(tmp_path: Path) -> None:
    """200 MB is refused from its size alone (a sparse file: nothing is allocated or read)."""
    p = tmp_path / "huge.md"
    with open(p, "wb") as f:
        f.truncate(200_000_000)
    with pytest.raises(TooLarge) as err:
        ingest(p)
    msg = str(err.value)
    assert err.value.code == "too_large" and "200,000,000" in msg and "5,000,000" in msg
    assert "huge.md" in msg


def test_h6_cap_holds_for_files_that_lie_about_their_size(tmp_path: Path) -> None:
    with pytest.raises(TooLarge):
        read_source(Path("/dev/zero"), 1000) if False else _read_proc_like(tmp_path)


def _read_proc_like(tmp_path: Path) -> bytes:
    # A file that grows between stat and read: the read itself is capped.
    p = tmp_path / "grows.txt"
    p.write_bytes(b"a " * 10)
    with open(p, "ab") as f:
        f.write(b"a " * 3000)
    return read_source(p, 1000)


def test_h6_huge_in_a_batch(goods: Goods, tmp_path: Path) -> None:
    p = tmp_path / "huge.md"
    with open(p, "wb") as f:
        f.truncate(200_000_000)
    assert_article_error(batch_case(goods, p), "too_large", "huge.md")


# ---------------------------------------------------------------- H7-H10: containers


def test_h7_bad_compression_is_invalid_docx(goods: Goods, tmp_path: Path) -> None:
    p = tmp_path / "article.docx"
    p.write_bytes(b"PK\x03\x04garbage")
    assert_article_error(batch_case(goods, p), "invalid_container", "article.docx")


def test_h7_unknown_compression_method(tmp_path: Path) -> None:
    data = bytearray(docx_bytes(GOOD_DOCX))
    # method field of the first local header and of its central directory entry -> 99 (AES)
    data[8:10] = (99).to_bytes(2, "little")
    cd = data.find(b"PK\x01\x02")
    data[cd + 10 : cd + 12] = (99).to_bytes(2, "little")
    with pytest.raises(InvalidContainer):
        check_container(bytes(data), "docx", Limits())


@pytest.mark.parametrize("data", [f"{MARKER}\n".encode(), b"%PDF-1.7\n", b"\xd0\xcf\x11\xe0old .doc",
                                  b"PK\x05\x06" + b"\0" * 18])  # fmt: skip
def test_h8_not_a_zip_is_a_clear_error(tmp_path: Path, data: bytes) -> None:
    p = tmp_path / "article.docx"
    p.write_bytes(data)
    with pytest.raises(InvalidContainer) as err:
        ingest(p)
    assert "invalid DOCX" in str(err.value) and "article.docx" in str(err.value)
    assert MARKER not in str(err.value).replace(repr(data[:8]), "")


def test_h8_odt_and_docx_swapped(tmp_path: Path) -> None:
    p = tmp_path / "swapped.odt"
    p.write_bytes((FIXTURES / "document.docx").read_bytes())
    with pytest.raises(InvalidContainer, match="no content.xml"):
        ingest(p)


def test_h9_docx_bomb_rejected_before_pandoc(goods: Goods, tmp_path: Path) -> None:
    """717 KB on disk, 310 MB declared: rejected from the central directory in well under 1 s."""
    para = "<w:p><w:r><w:t>" + "A" * 1000 + "</w:t></w:r></w:p>"
    p = tmp_path / "bomb.docx"
    p.write_bytes(docx_bytes(para * 300_000))
    assert p.stat().st_size < 1_500_000
    out = batch_case(goods, p)
    assert_article_error(out, "too_large", "bomb.docx")
    assert out.seconds < 2.0, out.seconds


def test_h9_bomb_that_lies_about_its_size(tmp_path: Path) -> None:
    """Declared sizes patched down to 1 KB: the streamed check still stops it."""
    para = "<w:p><w:r><w:t>" + "A" * 1000 + "</w:t></w:r></w:p>"
    data = bytearray(docx_bytes(para * 60_000))
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) >= 0:
        data[pos + 24 : pos + 28] = (1000).to_bytes(4, "little")  # uncompressed size
        pos += 4
    with pytest.raises((TooLarge, InvalidContainer)):
        check_container(bytes(data), "docx", Limits())


def test_h9_many_entries(tmp_path: Path) -> None:
    data = docx_bytes(GOOD_DOCX, extra={f"word/media/x{i}.xml": "<x/>" for i in range(3000)})
    with pytest.raises(TooLarge, match="entries"):
        check_container(data, "docx", Limits())


@pytest.mark.parametrize("dtd", [
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>',
    '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
])  # fmt: skip
def test_h9_entity_bombs_and_xxe_inside_the_container(tmp_path: Path, dtd: str) -> None:
    body = "<w:p><w:r><w:t>&lol2; &xxe;</w:t></w:r></w:p>"
    xml = f'<?xml version="1.0"?>{dtd}<w:document {W}><w:body>{body}</w:body></w:document>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", DOCX_TYPES)
        z.writestr("_rels/.rels", DOCX_RELS)
        z.writestr("word/document.xml", xml)
    p = tmp_path / "dtd.docx"
    p.write_bytes(out.getvalue())
    with pytest.raises(InvalidContainer, match="DTD"):
        ingest(p)


def test_h10_zip64_is_unsupported(goods: Goods, tmp_path: Path) -> None:
    p = tmp_path / "z64.docx"
    p.write_bytes(docx_bytes(GOOD_DOCX, zip64=True))
    out = batch_case(goods, p)
    assert_article_error(out, "invalid_container", "z64.docx")
    assert "ZIP64" in out.message


def test_valid_generated_docx_still_reads(tmp_path: Path) -> None:
    p = tmp_path / "fine.docx"
    p.write_bytes(docx_bytes(GOOD_DOCX))
    article = ingest(p)
    assert article.title == "Harbour news" and "fishermen" in article.text


def test_h18_docx_relationships_to_local_files_and_urls_are_not_followed(
    goods: Goods, tmp_path: Path, listener: object
) -> None:
    """DOCX/ODT relationships (external images, linked files) never make pandoc read or fetch."""
    from .conftest import Listener

    assert isinstance(listener, Listener)
    plant_marker(tmp_path)
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships">'
        '<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/image" Target="file:///etc/passwd" TargetMode="External"/>'
        f'<Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/image" Target="{listener.url("/docx.png")}" TargetMode="External"/>'
        '<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/image" Target="../secret.txt"/></Relationships>'
    )
    pic = (
        '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
        'wordprocessingDrawing"><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/'
        'main"><a:graphicData><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/'
        'picture"><pic:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships" r:embed="{rid}" r:link="{rid}"/></pic:blipFill></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )
    body = "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in GOOD_DOCX)
    body += "".join(pic.format(rid=r) for r in ("rId5", "rId6", "rId7"))
    p = tmp_path / "linked.docx"
    p.write_bytes(docx_bytes(body, doc_rels=rels))
    out = batch_case(goods, p)
    assert not leaks(out.files) and listener.hits() == []
