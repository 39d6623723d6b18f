"""Pandoc JSON AST to drafts: plain text for NLP and sanitised inline HTML for rendering.

Raw HTML/TeX, footnotes and images outside the article's folder never get through.
"""

from __future__ import annotations

import html
from typing import Any

from editorial.errors import TooLarge
from editorial.ingest.decode import clean_inline
from editorial.ingest.draft import Draft, Parsed
from editorial.ingest.sanitize import safe_href

Node = dict[str, Any]

_WRAP = {"Emph": "em", "Strong": "strong", "Underline": "u", "Strikeout": "s",
         "Superscript": "sup", "Subscript": "sub"}  # fmt: skip
_QUOTES = {"DoubleQuote": ("\u201c", "\u201d"), "SingleQuote": ("\u2018", "\u2019")}


def inlines(nodes: list[Node]) -> tuple[str, str]:
    """(plain text, inline HTML) of a list of inline nodes."""
    text: list[str] = []
    out: list[str] = []
    for node in nodes:
        t: Any = node.get("t")
        c: Any = node.get("c")
        if t == "Str":
            c = clean_inline(c)
            text.append(c)
            out.append(html.escape(c, quote=False))
        elif t in ("Space", "SoftBreak", "LineBreak"):
            text.append(" ")
            out.append(" ")
        elif t in _WRAP:
            s, h = inlines(c)
            text.append(s)
            out.append(f"<{_WRAP[t]}>{h}</{_WRAP[t]}>")
        elif t == "SmallCaps":
            s, h = inlines(c)
            text.append(s)
            out.append(h)
        elif t == "Quoted":
            left, right = _QUOTES.get(c[0]["t"], _QUOTES["DoubleQuote"])
            s, h = inlines(c[1])
            text.append(f"{left}{s}{right}")
            out.append(f"{left}{h}{right}")
        elif t == "Code":
            code = clean_inline(c[1])
            text.append(code)
            out.append(f"<code>{html.escape(code, quote=False)}</code>")
        elif t == "Math":
            math = clean_inline(c[1])
            text.append(math)
            out.append(html.escape(math, quote=False))
        elif t == "Link":
            s, h = inlines(c[1])
            text.append(s)
            href = safe_href(c[2][0])
            out.append(f'<a href="{html.escape(href)}">{h}</a>' if href else h)
        elif t in ("Span", "Cite"):
            s, h = inlines(c[1] if t == "Span" else c[1])
            text.append(s)
            out.append(h)
        # RawInline, Note, Image (inline) are dropped on purpose.
    return _squash("".join(text)), _squash("".join(out))


def _squash(s: str) -> str:
    return " ".join(s.split())


def _image(node: Node, caption: str = "") -> Draft | None:
    attr, alt_nodes, (url, _title) = node["c"]
    alt, _ = inlines(alt_nodes)
    return Draft("image", caption or alt, src=url)


def blocks(nodes: list[Node], *, quote: bool = False) -> list[Draft]:
    out: list[Draft] = []
    para_kind = "blockquote" if quote else "paragraph"
    for node in nodes:
        t: Any = node.get("t")
        c: Any = node.get("c")
        if t in ("Para", "Plain"):
            if len(c) == 1 and c[0].get("t") == "Image":
                img = _image(c[0])
                if img:
                    out.append(img)
                continue
            text, h = inlines(c)
            if text:
                out.append(Draft(para_kind, text, h))  # type: ignore[arg-type]
        elif t == "LineBlock":
            text, h = inlines([x for line in c for x in line + [{"t": "Space"}]])
            if text:
                out.append(Draft(para_kind, text, h))  # type: ignore[arg-type]
        elif t == "Header":
            level, (anchor, _cls, _kv), content = c
            text, h = inlines(content)
            if text:
                out.append(Draft("heading", text, h, level=level, anchor=anchor))
        elif t == "BlockQuote":
            out.extend(blocks(c, quote=True))
        elif t in ("BulletList", "OrderedList"):
            items = c if t == "BulletList" else c[1]
            for item in items:
                for d in blocks(item, quote=quote):
                    out.append(Draft("list_item", d.text, d.html) if d.kind == para_kind else d)
        elif t == "DefinitionList":
            for term, defs in c:
                text, h = inlines(term)
                if text:
                    out.append(Draft("paragraph", text, f"<strong>{h}</strong>"))
                for d in defs:
                    out.extend(blocks(d, quote=quote))
        elif t == "Div":
            out.extend(blocks(c[1], quote=quote))
        elif t == "Figure":
            _attr, (_short, caption_blocks), body = c
            caption = " ".join(d.text for d in blocks(caption_blocks))
            for d in blocks(body):
                out.append(Draft("image", caption or d.text, src=d.src) if d.kind == "image" else d)
        elif t == "Table":
            out.extend(_table(c))
        elif t == "CodeBlock":
            text = clean_inline(c[1]).strip()
            if text:
                out.append(Draft("paragraph", " ".join(text.split())))
        # RawBlock, HorizontalRule, Null: dropped.
    return out


def _table(c: list[Any]) -> list[Draft]:
    """Tables become one paragraph per row, cells separated by ' | '."""
    out: list[Draft] = []
    _attr, _caption, _specs, head, bodies, foot = c
    rows = list(head[1])
    for body in bodies:
        rows.extend(body[2])
        rows.extend(body[3])
    rows.extend(foot[1])
    for row in rows:
        cells = []
        for cell in row[1]:
            cells.append(" ".join(d.text for d in blocks(cell[4])))
        line = " | ".join(x for x in cells if x)
        if line:
            out.append(Draft("paragraph", line))
    return out


def meta_value(node: Node) -> str:
    t: Any = node.get("t")
    c: Any = node.get("c")
    if t == "MetaString":
        return clean_inline(str(c))
    if t == "MetaInlines":
        return inlines(c)[0]
    if t == "MetaBlocks":
        return " ".join(d.text for d in blocks(c))
    if t == "MetaList":
        return ", ".join(meta_value(x) for x in c)
    if t == "MetaBool":
        return str(c).lower()
    return ""


def parse(ast: dict[str, Any], *, max_nesting: int = 64) -> Parsed:
    """Drafts and metadata of a pandoc AST; TooLarge if it nests deeper than `max_nesting`."""
    depth = nesting(ast.get("blocks", []))
    if depth > max_nesting:
        raise TooLarge(f"the document nests {depth} levels deep, over the {max_nesting} limit")
    meta = {k: meta_value(v) for k, v in ast.get("meta", {}).items()}
    return Parsed(tuple(blocks(ast.get("blocks", []))), meta)


def nesting(root: Any) -> int:
    """Depth of the AST's block/inline structure, without recursion (it may be hostile)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            deepest = max(deepest, depth)
            stack.append((node.get("c"), depth + 1))
        elif isinstance(node, list):
            stack.extend((x, depth) for x in node)
    return deepest
