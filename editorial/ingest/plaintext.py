"""Plain text has no markup: the first line is the title, every other non-empty line a paragraph.

Questions followed by an answer become FAQ pairs (when the article has at least two); scraping
debris (a lone `-min.png)` line) is dropped with a warning.
"""

from __future__ import annotations

import re

from editorial.ingest.draft import Draft, Parsed

_DEBRIS = re.compile(
    r"""^(?:
        [^\s]*\.(?:png|jpe?g|gif|webp|svg|avif)\)?   # a cut image reference
      | !?\[[^\]]*\]\([^)]*\)?                       # a markdown image/link left alone
      | [\W\d_]+                                     # no letters at all
    )$""",
    re.X | re.I,
)
_OPEN_QUOTES = "\"“«„‘'‹"


def is_debris(line: str) -> bool:
    return bool(_DEBRIS.match(line.strip()))


def is_question(line: str) -> bool:
    words = line.split()
    return line.endswith("?") and 2 <= len(words) <= 30 and line[0] not in _OPEN_QUOTES


def parse(text: str) -> Parsed:
    lines = [" ".join(x.split()) for x in text.split("\n")]
    warnings: list[str] = []
    paras: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        if is_debris(line):
            warnings.append(f"dropped debris line {number}: {line[:40]!r}")
            continue
        paras.append(line)
    if not paras:
        return Parsed((), {}, tuple(warnings))
    title, rest = paras[0], paras[1:]
    questions = [i for i, p in enumerate(rest) if is_question(p) and i + 1 < len(rest)
                 and not is_question(rest[i + 1])]  # fmt: skip
    faq = set(questions) if len(questions) >= 2 else set()
    drafts = [Draft("title", title)]
    for i, p in enumerate(rest):
        if i in faq:
            drafts.append(Draft("faq_question", p))
        elif i - 1 in faq:
            drafts.append(Draft("faq_answer", p))
        else:
            drafts.append(Draft("paragraph", p))
    return Parsed(tuple(drafts), {}, tuple(warnings))
