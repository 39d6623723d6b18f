"""Language-specific micro-typography for the report: French spacing and quotation marks.

Works on sanitised inline HTML: only text between tags is touched, never tags or attributes.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from editorial.ingest.sanitize import clean_inline_html
from editorial.model import Language

NNBSP = "\u202f"  # narrow no-break space: inside « » and before ; ! ? in French
NBSP = "\u00a0"  # no-break space: before : in French (Imprimerie nationale)

_TAG = re.compile(r"(<[^>]*>)")
_FR_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"«[ \u00a0\u202f\u2009]*"), "«" + NNBSP),
    (re.compile(r"[ \u00a0\u202f\u2009]*»"), NNBSP + "»"),
    (re.compile(r"[ \u00a0\u2009]+([;!?])"), NNBSP + r"\1"),
    # Only a colon already preceded by a space: "http://" and "10:30" stay as they are.
    (re.compile(r"[ \u202f\u2009]+:"), NBSP + ":"),
    # Digit groups ("700 000 euros") never break across lines.
    (re.compile(r"(?<=\d)[ \u00a0](?=\d{3}\b)"), NNBSP),
)
_QUOTE_MARKS: dict[str, tuple[str, str]] = {
    "en": ("\u201c", "\u201d"),
    "fr": ("«" + NNBSP, NNBSP + "»"),
}


_OPENS_AFTER = " \t\n\u00a0\u202f([{\u2014\u2013/-"


def smart_quotes(text: str, language: Language, *, previous: str = "") -> str:
    """Straight quotes and apostrophes as typographic ones: “ ” ’ in English, « » ’ in French.

    A double quote opens after a space, an opening bracket, a dash or at the start (`previous` is
    the text before this piece, for HTML split into text nodes); anything else closes it.
    """
    if '"' not in text and "'" not in text:
        return text
    opening, closing = ("«" + NNBSP, NNBSP + "»") if language == "fr" else ("\u201c", "\u201d")
    out: list[str] = []
    before = previous[-1:] if previous else ""
    for ch in text:
        if ch == '"':
            ch = opening if (not before or before in _OPENS_AFTER) else closing
        elif ch == "'":
            ch = (
                "\u2018"
                if (not before or before in _OPENS_AFTER) and language == "en"
                else "\u2019"
            )
        out.append(ch)
        before = ch[-1]
    return "".join(out)


def french_spacing(text: str) -> str:
    """Plain text with French no-break spaces around « » and before ; : ! ?"""
    for pattern, repl in _FR_RULES:
        text = pattern.sub(repl, text)
    return text


def typeset(html: Markup | str, language: Language) -> Markup:
    """Inline HTML (already safe) with the language's spacing rules applied to its text nodes."""
    parts = _TAG.split(str(Markup(html)))
    out: list[str] = []
    text_so_far = ""
    for part in parts:
        if part.startswith("<"):
            out.append(part)
            continue
        # Escaped entities stand for quotes too: &#34; and &#39; are what markupsafe writes.
        piece = part.replace("&#34;", '"').replace("&quot;", '"').replace("&#39;", "'")
        piece = smart_quotes(piece, language, previous=text_so_far)
        if language == "fr":
            piece = french_spacing(piece)
        text_so_far = piece
        out.append(piece)
    return Markup("".join(out))


def block_markup(html: str, text: str, language: Language) -> Markup:
    """A block's inline HTML, cleaned again here (the template is the trust boundary, whoever
    built the Article), or, when it has none, its escaped text."""
    if html.strip():
        return typeset(Markup(clean_inline_html(html)), language)  # noqa: S704 - nh3 output
    return typeset(escape(text), language)


def plain(text: str, language: Language) -> str:
    """Plain text with the language's spacing (for metadata and quotes set by the template)."""
    text = smart_quotes(text, language)
    return french_spacing(text) if language == "fr" else text


def quoted(text: str, language: Language) -> str:
    """`text` between the language's quotation marks, stray outer marks removed."""
    opening, closing = _QUOTE_MARKS.get(language, _QUOTE_MARKS["en"])
    inner = text.strip().strip('"\u201c\u201d\u00ab\u00bb \u00a0\u202f')
    if inner.endswith((",", ";", ":")):  # cut where the attribution began: end the sentence
        inner = inner[:-1].rstrip() + "."
    return opening + plain(inner, language) + closing


def initial(html: Markup) -> Markup:
    """The paragraph with its first letter in <span class="initial"> (a drop cap), when it starts
    with a plain letter; otherwise unchanged. (WeasyPrint 70 lays a floated ::first-letter out
    below the first line, so the initial is a real element.)"""
    text = str(html)
    if len(text) < 2 or not text[0].isalpha():
        return html
    # Q and J hang below the baseline: their initial clears a fourth line.
    extra = " descender" if text[0] in "QJ" else ""
    return Markup(f'<span class="initial{extra}">{text[0]}</span>{text[1:]}')
