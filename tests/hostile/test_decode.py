"""DECODE: bytes to text (H11-H17, H47 and variants), straight through `ingest`."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from editorial.config import Limits
from editorial.errors import DecodeError
from editorial.ingest import ingest, ingest_bytes
from editorial.ingest.decode import clean_text, decode, single_line

BODY = "The council met on Tuesday and agreed the budget for the harbour and the library."


def read(tmp_path: Path, name: str, data: bytes):  # type: ignore[no-untyped-def]
    p = tmp_path / name
    p.write_bytes(data)
    return ingest(p)


def test_h11_cp1252_with_a_warning(tmp_path: Path) -> None:
    a = read(tmp_path, "cp.md", b"# \x84Wir schaffen das\x93 \x96 5 \x80\n\n" + BODY.encode())
    assert a.title == "\u201eWir schaffen das\u201c \u2013 5 \u20ac"
    assert any("cp1252" in w and "offset" in w for w in a.warnings)
    assert not any("\x80" <= ch <= "\x9f" for ch in a.text)


def test_h12_short_latin1_is_cp1252_not_a_detector_guess(tmp_path: Path) -> None:
    text, warnings = decode(b"caf\xe9")
    assert text == "caf\u00e9" and warnings


@pytest.mark.parametrize("data", [b"Good \xff\xfe\xfd bytes \xc3\x28 end", bytes(range(128, 256)) * 20])
def test_h13_garbage_is_a_decode_error_with_an_offset(data: bytes) -> None:
    with pytest.raises(DecodeError, match="offset"):
        decode(data)


def test_h13_utf8_with_one_broken_byte_keeps_its_text() -> None:
    text, warnings = decode(("caf\u00e9 " * 50).encode() + b"\xff" + (" na\u00efve" * 50).encode())
    assert "caf\u00e9" in text and "na\u00efve" in text and "\ufffd" in text
    assert any("offset 300" in w for w in warnings)


def test_h14_bom_and_crlf(tmp_path: Path) -> None:
    a = read(tmp_path, "bom.md", b"\xef\xbb\xbf# Title\r\n\r\nBody line\r\n\r\n" + BODY.encode())
    b = read(tmp_path, "lf.md", b"# Title\n\nBody line\n\n" + BODY.encode())
    assert a.title == "Title" and "\r" not in a.text and "\ufeff" not in a.text
    assert a.text == b.text and a.blocks == b.blocks


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_h15_utf16_and_32_with_bom(tmp_path: Path, codec: str) -> None:
    data = ("\ufeff" if codec != "utf-16" and codec != "utf-32" else "") + f"Title\r\n{BODY}"
    a = read(tmp_path, "u.txt", data.encode(codec))
    assert a.title == "Title" and "\ufeff" not in a.text


def test_h15_utf16_without_bom_is_recognised() -> None:
    text, warnings = decode(f"Title\n{BODY}".encode("utf-16-le"))
    assert text.startswith("Title") and warnings


@pytest.mark.parametrize("raw", [b"# A\x00B\n\ntext\n", b"# A\x1b[31mB\n\ntext\x07\n",
                                 b"<h1>A&#0;B&#x1b;</h1><p>text&#x7f;</p>"])  # fmt: skip
def test_h16_controls_removed_also_when_written_as_entities(tmp_path: Path, raw: bytes) -> None:
    name = "c.html" if raw.startswith(b"<") else "c.md"
    a = read(tmp_path, name, raw + b"\n\n" + BODY.encode())
    assert a.title == "AB" or a.title == "A[31mB"
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in a.text)


def test_h17_lone_surrogates_never_reach_nlp(tmp_path: Path) -> None:
    assert "\ud800" not in clean_text("bad \ud800 text")
    clean_text("bad \ud800 text").encode("utf-8")  # encodable
    a = read(tmp_path, "s.md", b'---\ntitle: "bad \\uD800 text"\n---\n\n' + BODY.encode())
    a.title.encode("utf-8")
    a.text.encode("utf-8")


def test_h17_spacy_accepts_the_cleaned_text() -> None:
    from editorial.extract import extract_text

    extract_text(clean_text("Anne Leroy said \ud800 \"we will\" in Brest."), "en")


def test_h47_zero_width_and_bidi_removed_for_nlp_and_single_lines(tmp_path: Path) -> None:
    a = read(tmp_path, "zw.txt", "Zero\u200bwidth\u202e title\u2066\n\nBarack\u200bObama met "
             "An\u200dgela Mer\u200ckel in Berlin.\n\n".encode() + BODY.encode())  # fmt: skip
    assert a.title == "Zerowidth title"
    assert "Angela Merkel" in a.text and "BarackObama" in a.text
    assert not any(ch in a.text for ch in "\u200b\u200c\u200d\u202e\u2066\ufeff")


def test_h47_joiners_that_carry_meaning_are_kept_in_the_body() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    hindi = "\u0915\u094d\u200d\u0937"
    assert family in clean_text(f"A family {family} here")
    assert hindi in clean_text(hindi)
    assert "\u200d" not in single_line(f"A family {family}")


def test_h47_html_entities_cannot_smuggle_invisible_characters(tmp_path: Path) -> None:
    a = read(tmp_path, "e.html", b"<h1>Tit&#x202E;le&#8203;</h1><p>Mer&#x200C;kel said so.</p><p>"
             + BODY.encode() + b"</p>")  # fmt: skip
    assert a.title == "Title" and "Merkel" in a.text


def test_text_is_nfc(tmp_path: Path) -> None:
    a = read(tmp_path, "nfd.md", f"# Cafe\u0301\n\n{BODY}".encode())
    assert a.title == "Caf\u00e9" and unicodedata.is_normalized("NFC", a.text)


def test_ingest_bytes_checks_its_own_size() -> None:
    from editorial.errors import TooLarge

    with pytest.raises(TooLarge):
        ingest_bytes(b"a " * 100, "txt", source="x.txt", base_dir=Path("."), limits=Limits(max_input_bytes=10))
