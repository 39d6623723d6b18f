"""A block before offsets are assigned: what each reader produces."""

from __future__ import annotations

from dataclasses import dataclass

from editorial.model import BlockKind


@dataclass(frozen=True)
class Draft:
    kind: BlockKind
    text: str
    html: str = ""
    level: int = 0
    src: str = ""
    anchor: str = ""


@dataclass(frozen=True)
class Parsed:
    """What a reader returns: blocks plus whatever metadata the source declared."""

    drafts: tuple[Draft, ...]
    meta: dict[str, str]
    warnings: tuple[str, ...] = ()
