"""Repairs to the structure tree WeasyPrint 70 writes for a tagged PDF (PDF/UA-1), in memory,
before the file is serialised (no second pass over the PDF, so no measurable cost).

What WeasyPrint 70 writes, and what this makes of it:
- a link with a generated page number (`a::after { content: target-counter(...) }`) is two
  links: the pseudo-element gets its own annotation and its own Link element inside the link's.
  Pseudo-elements of a link are dropped from the page's links (one annotation per link; the
  link's rectangle already covers them) and their elements become Span (one Link per link).
- each link annotation's /Contents is its target's anchor id ("b7"): it becomes what the link
  says and where it goes ("Page 3", "Who is quoted (page 7)"), from the laid-out pages.
- table header cells carry an /ID that no /IDTree lists, and data cells /Headers pointing at
  them: headers get /Scope /Column (or /Row for `scope="row"`), the dangling ids go.
- a `<dl>` laid out as a grid is a chain of L elements holding Div > LI > LBody: one L holding
  LI > Lbl (the term) + LBody (the value).
- a figcaption outside any table or figure element (a quote's attribution) is a Caption with no
  table or figure: it moves into the Figure beside it, or becomes a P.

Applied only to the WeasyPrint version it was written against (`FIXED_VERSION`); elsewhere
nothing is patched and the PDF is WeasyPrint's own.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pydyf
import weasyprint
import weasyprint.pdf as wpdf
from weasyprint.formatting_structure import boxes

__all__ = ["FIXED_VERSION", "LinkWords", "apply", "describing_links", "is_applied", "repair"]

FIXED_VERSION = "70.0"
_ORIGINAL_ADD_LINKS: Callable[..., Any] = wpdf.add_links
_ORIGINAL_ADD_TAGS: Callable[..., Any] = wpdf.add_tags
CAPTION_PARENTS = ("/Table", "/Figure", "/L", "/LI")


@dataclass(frozen=True)
class LinkWords:
    """What a link description says: the word for "page" and each anchor's page number."""

    page: str = "Page"
    anchor_pages: dict[str, int] = field(default_factory=dict)


_WORDS: contextvars.ContextVar[LinkWords | None] = contextvars.ContextVar(
    "link_words", default=None
)


@contextlib.contextmanager
def describing_links(words: LinkWords) -> Iterator[None]:
    """Within this block, written PDFs describe their links with `words`."""
    token = _WORDS.set(words)
    try:
        yield
    finally:
        _WORDS.reset(token)


def _text(box: Any) -> str:
    if isinstance(box, boxes.TextBox):
        return str(box.text)
    return "".join(_text(c) for c in getattr(box, "children", ()))


def describe(link_type: str, target: str, text: str, words: LinkWords) -> str:
    """A link's /Contents: its own words and, for a link inside the document, its page."""
    label = " ".join(text.split()).rstrip("0123456789 .\u202f\u00a0").strip()
    if link_type != "internal":
        return label or target
    page = words.anchor_pages.get(target)
    if page is None:
        return label or target
    where = f"{words.page} {page}"
    if len(label) <= 3:  # "p." and the number: the page is all it says
        return where
    return f"{label} ({where.lower()})"


def _is_link_pseudo(box: Any) -> bool:
    tag = getattr(box, "element_tag", "") or ""
    return tag.startswith("a::")


def _add_links(links_and_anchors: Any, matrix: Any, pdf: Any, page: Any, names: Any,
               tags: Any) -> None:  # fmt: skip
    links, anchors = links_and_anchors
    kept = [link for link in links if not _is_link_pseudo(link[3])]
    _ORIGINAL_ADD_LINKS((kept, anchors), matrix, pdf, page, names, tags)
    words = _WORDS.get()
    if tags is None or words is None:
        return
    for link_type, target, _rect, box in kept:
        if box.link_annotation is not None:
            box.link_annotation["Contents"] = pydyf.String(
                describe(link_type, target, _text(box), words)
            )


def _add_tags(pdf: Any, document: Any, pdf_version: Any, page_streams: Any) -> None:
    _ORIGINAL_ADD_TAGS(pdf, document, pdf_version, page_streams)
    repair(pdf)


def _number(ref: object) -> int | None:
    if isinstance(ref, bytes) and ref.endswith(b" R"):
        return int(ref.split()[0])
    return None


def repair(pdf: Any) -> None:
    """Rewrite the structure elements of `pdf` (a pydyf.PDF) as the module docstring says."""
    objects = {o.number: o for o in pdf.objects if isinstance(o, pydyf.Dictionary)}

    def kids(element: Any) -> list[Any]:
        found = []
        for ref in element.get("K", ()):
            n = _number(ref)
            obj = objects.get(n) if n is not None else None
            if obj is not None and obj.get("Type") == "/StructElem":
                found.append(obj)
        return found

    def parent(element: Any) -> Any:
        n = _number(element.get("P"))
        return objects.get(n) if n is not None else None

    def set_kids(element: Any, new: list[Any]) -> None:
        element["K"] = pydyf.Array([k.reference for k in new])
        for k in new:
            k["P"] = element.reference

    elements = [o for o in objects.values() if o.get("Type") == "/StructElem"]
    for e in elements:
        s, up = e.get("S"), parent(e)
        if s == "/Link" and up is not None and up.get("S") == "/Link":
            e["S"] = "/Span"
        elif s in ("/TH", "/TD"):
            e.pop("ID", None)
            attributes = e.get("A")
            if isinstance(attributes, dict):
                attributes.pop("Headers", None)
                if s == "/TH" and "Scope" not in attributes:
                    attributes["Scope"] = "/Column"
    for e in elements:  # a chain of L holding one L: the innermost one only
        while (
            e.get("S") == "/L"
            and len(e.get("K", ())) == 1
            and kids(e)[0:1]
            and kids(e)[0]["S"] == "/L"
        ):
            inner = kids(e)[0]
            e["K"] = pydyf.Array(inner["K"])
            for k in kids(e):
                k["P"] = e.reference
            inner["K"] = pydyf.Array()
            inner["S"] = "/NonStruct"
    for e in elements:  # <dl>: L > Div > (LI > LBody)*  ->  L > LI > Lbl + LBody
        groups = kids(e)
        if e.get("S") != "/L" or not groups or any(g["S"] != "/Div" for g in groups):
            continue
        for group in groups:
            bodies = [b for w in kids(group) for b in (kids(w) if w["S"] == "/LI" else [w])]
            group["S"] = "/LI"
            if len(bodies) >= 2:
                bodies[0]["S"] = "/Lbl"
            set_kids(group, bodies)
    for e in elements:
        up = parent(e)
        if e.get("S") != "/Caption" or up is None or up.get("S") in CAPTION_PARENTS:
            continue
        figure = next((k for k in kids(up) if k["S"] == "/Figure"), None)
        if figure is None:
            e["S"] = "/P"
            continue
        up["K"] = pydyf.Array([r for r in up["K"] if _number(r) != e.number])
        figure["K"].append(e.reference)
        e["P"] = figure.reference


def is_applied() -> bool:
    return wpdf.add_tags is _add_tags


def apply() -> bool:
    """Patch WeasyPrint when it is the version this was written against; True when patched."""
    if weasyprint.__version__ != FIXED_VERSION:
        return False
    wpdf.add_links = _add_links
    wpdf.add_tags = _add_tags
    return True


def remove() -> None:
    wpdf.add_links = _ORIGINAL_ADD_LINKS
    wpdf.add_tags = _ORIGINAL_ADD_TAGS
