"""Quotation-mark pairing: where the quoted spans are, whatever the typography.

Works on characters only (no model): “ ” " " « » ‹ › „ “, single marks at the top level,
nested marks, quotes running over several paragraphs, closing marks facing the wrong way and
odd numbers of marks. Never raises: an unclosed mark ends at its paragraph's end. Not marks:
a straight " right after a digit (6'3" tall: inches) and the marks inside a markup tag left in
the text (<tweet author="...">).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOUBLE_OPENERS = frozenset('“«„‹"”')
# Marks each opener accepts as its closer (a wrong-way “ can close a “ when shaped as a closer).
CLOSERS: dict[str, frozenset[str]] = {
    "“": frozenset('”“"'),
    "„": frozenset('“”"'),
    '"': frozenset('"”“'),
    "”": frozenset('”“"'),
    "«": frozenset("»"),
    "‹": frozenset("›"),
    "‘": frozenset("’'"),
    "'": frozenset("'’"),
}
NESTING: dict[str, str] = {"«": "»", "‹": "›"}
SPACES = " \t\u00a0\u202f\u2009\u2007"
_DIALOGUE_DASH = re.compile(r"(?<=[!?.…])[\s\u00a0\u202f]*[—–][\s\u00a0\u202f]+")
_ALL_MARKS = re.compile("[\"“”«»„‹›‘’']")
# an interview transcript's turn: a paragraph opening with a speaker's label in capitals
_TURN = re.compile(r"[\"“]?[ \t\u00a0]*([A-Z][A-Z'’.-]+(?: [A-Z][A-Z'’.-]+){0,2}):[ \u00a0]+(?=\S)")
_MARKUP_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>\n]*)?/?>")


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """One quoted span. `start`/`end` delimit the content (marks and outer spaces excluded);
    `open_at`/`close_at` are the marks' offsets (`close_at` is -1 when the mark is missing)."""

    start: int
    end: int
    open_at: int
    close_at: int
    mark: str
    continues: bool = False  # continues the previous span (multi-paragraph or dialogue turn)
    dialogue_turn: bool = False  # a new speaker inside one « … — … » span

    @property
    def outer_end(self) -> int:
        return self.close_at + 1 if self.close_at >= 0 else self.end


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _closer_shaped(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return prev not in SPACES + "\n" and not _is_word(nxt)


def _opener_shaped(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return (prev in SPACES + "\n([{—–-/:" or prev in '«“"') and nxt not in SPACES + "\n"


def _single_opens(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return not _is_word(prev) and prev not in "'’" and _is_word(nxt)


def _single_closes(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return prev not in SPACES + "\n" and not _is_word(nxt)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line-separated paragraph."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        if m.group().strip():
            out.append((m.start(), m.end()))
    return out


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start] in SPACES or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in SPACES or text[end - 1].isspace()):
        end -= 1
    return start, end


def _first_mark(text: str, start: int, end: int) -> int:
    m = re.compile('["“”«»„‹›]').search(text, start, end)
    return m.start() if m else -1


def _scan_paragraph(
    text: str, pstart: int, pend: int, carry: tuple[int, str] | None
) -> tuple[list[tuple[int, int, str]], tuple[int, str] | None]:
    """Pair marks inside one paragraph. Returns (open_at, close_at, mark) triples and the
    quote still open at the paragraph's end (open_at, mark), if any. `carry` is a quote opened
    in an earlier paragraph that continues here without reopening."""
    found: list[tuple[int, int, str]] = []
    open_at, mark = carry if carry else (-1, "")
    depth = 0
    tags = [(t.start(), t.end()) for t in _MARKUP_TAG.finditer(text, pstart, pend)]
    lead = _block_marker(text, pstart, pend) if carry is None else -1
    for m in _ALL_MARKS.finditer(text, pstart, pend):
        i, ch = m.start(), m.group()
        if i == lead or (tags and any(a < i < b for a, b in tags)):
            continue  # a block quote's paragraph mark; an attribute's value in a tag
        if open_at < 0:
            if ch == '"' and i > 0 and text[i - 1].isdigit():
                continue  # 6'3" tall: an inch mark
            if ch == '"' and text[i - 1 : i].isalnum() and _closer_shaped(text, i):
                continue  # a stray closer (`checked the systems" and left`) opens nothing
            if ch in '“«„‹"':
                open_at, mark, depth = i, ch, 0
            elif ch == "”" and _opener_shaped(text, i):
                open_at, mark, depth = i, ch, 0
            elif ch in "‘'" and _single_opens(text, i):
                open_at, mark, depth = i, ch, 0
            continue
        if mark in NESTING:
            if ch == mark:
                depth += 1
            elif ch == NESTING[mark]:
                if depth:
                    depth -= 1
                else:
                    found.append((open_at, i, mark))
                    open_at = -1
            continue
        if mark in "‘'":
            if ch in CLOSERS[mark] and _single_closes(text, i):
                found.append((open_at, i, mark))
                open_at = -1
            continue
        if mark == '"' and ch in "“„" and _opener_shaped(text, i) and not _closer_shaped(text, i):
            depth += 1  # "He called it “a disaster” and left,": another style nests
            continue
        if ch not in CLOSERS[mark]:
            continue
        if depth and ch == "”":
            depth -= 1
            continue
        if ch == "“" and mark != "„" and not _closer_shaped(text, i):
            continue  # an inner opening mark, not a wrong-way closer
        if ch == '"' and mark != '"' and not _closer_shaped(text, i):
            continue
        found.append((open_at, i, mark))
        open_at = -1
    if open_at >= 0 and mark in "‘'":
        return found, None  # single marks never run past a paragraph: an apostrophe
    return found, (open_at, mark) if open_at >= 0 else None


def _block_marker(text: str, pstart: int, pend: int) -> int:
    """Offset of a straight " that opens a paragraph and is never closed in it while the
    paragraph has curly marks of its own: the mark some sites put before each paragraph of
    an excerpt (`"At the rally she shouted “We love you!” ...`), not a
    quotation's opener. -1 when there is none."""
    head = text[pstart:pend].lstrip()
    if not head.startswith('"') or text.count('"', pstart, pend) != 1:
        return -1
    if "“" not in head and "”" not in head:
        return -1
    return pstart + (pend - pstart - len(head))


def _transcript_turns(text: str, pars: list[tuple[int, int]]) -> dict[int, re.Match[str]]:
    """Paragraphs that open with a speaker's label ("SMITH: Good evening, ..."), by index, when
    at least two different labels open paragraphs (an interview's transcript, not a dateline)."""
    turns = {k: m for k, (ps, pe) in enumerate(pars) if (m := _TURN.match(text, ps, pe))}
    return turns if len({m.group(1) for m in turns.values()}) >= 2 else {}


def _turn_span(text: str, ps: int, pe: int, m: re.Match[str]) -> QuoteSpan | None:
    """A transcript turn as one span: from the label (the speaker, dropped from the quote by
    attribution) to the paragraph's end, a closing mark there excluded."""
    s, e = _strip(text, m.start(1), pe)
    close_at = -1
    if e > s and text[e - 1] in '"”':
        close_at = e - 1
        s, e = _strip(text, s, e - 1)
    lead = text[ps : m.start(1)].strip()
    open_at = ps + text[ps : m.start(1)].index(lead) if lead else m.start(1)
    return QuoteSpan(s, e, open_at, close_at, lead or ":", dialogue_turn=True) if e > s else None


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Every quoted span of `text`, in order (nested quotes stay inside their outer span)."""
    pars = paragraphs(text)
    turns = _transcript_turns(text, pars)
    spans: list[QuoteSpan] = []
    carry: tuple[int, str] | None = None
    carry_continues = False
    for k, (ps, pe) in enumerate(pars):
        if k in turns:
            turn = _turn_span(text, ps, pe, turns[k])
            if turn is not None:
                spans.append(turn)
            carry, carry_continues = None, False
            continue
        pairs, still_open = _scan_paragraph(text, ps, pe, carry)
        for j, (o, c, mk) in enumerate(pairs):
            cont = carry_continues and j == 0 and carry is not None
            s, e = _strip(text, (ps if cont and o < ps else o + 1), c)
            if e > s:
                spans.append(QuoteSpan(s, e, o, c, mk, continues=cont))
        first_continues = carry is not None and bool(pairs) and pairs[0][0] < ps
        carry, carry_continues = None, False
        if still_open is None:
            continue
        o, mk = still_open
        cont = o < ps and not first_continues
        s, e = _strip(text, max(o + 1, ps), pe)
        nxt = pars[k + 1] if k + 1 < len(pars) else None
        if nxt is not None and mk not in "‘'":
            fm = _first_mark(text, nxt[0], nxt[1])
            lead = text[nxt[0] : fm] if fm >= 0 else ""
            if fm >= 0 and not lead.strip() and text[fm] in '“«„‹"':
                pass  # the next paragraph reopens the mark: this piece ends here
            elif (
                fm >= 0
                and text[fm] in CLOSERS.get(mk, frozenset()) | frozenset('»”"')
                and (_closer_shaped(text, fm) or text[fm] in "»”")
            ):
                carry, carry_continues = (o, mk), True  # runs on into the next paragraph
        if e > s:
            spans.append(QuoteSpan(s, e, o, -1, mk, continues=cont))
    # mark reopened paragraphs as continuations of the span before them
    out: list[QuoteSpan] = []
    for sp in spans:
        if (
            out
            and not sp.continues
            and not sp.dialogue_turn
            and out[-1].close_at < 0
            and _next_par_start(text, out[-1].end) == sp.open_at
        ):
            sp = QuoteSpan(sp.start, sp.end, sp.open_at, sp.close_at, sp.mark, continues=True)
        out.extend(_split_dialogue(text, sp))
    return out


def _next_par_start(text: str, end: int) -> int:
    m = re.compile(r"\s*").match(text, end)
    pos = m.end() if m else end
    return pos if "\n" in text[end:pos] else -2


def _split_dialogue(text: str, sp: QuoteSpan) -> list[QuoteSpan]:
    """« Eh oui ! — Tout à fait ! »: two speakers' turns inside one pair of marks."""
    if sp.mark not in '«“"':
        return [sp]
    pieces: list[QuoteSpan] = []
    cur = sp.start
    for m in _DIALOGUE_DASH.finditer(text, sp.start, sp.end):
        s, e = _strip(text, cur, m.start())
        if e > s:
            pieces.append(
                QuoteSpan(
                    s,
                    e,
                    sp.open_at if not pieces else cur,
                    -1,
                    sp.mark,
                    continues=sp.continues if not pieces else False,
                    dialogue_turn=bool(pieces),
                )
            )
        cur = m.end()
    if not pieces:
        return [sp]
    s, e = _strip(text, cur, sp.end)
    if e > s:
        pieces.append(QuoteSpan(s, e, cur, sp.close_at, sp.mark, dialogue_turn=True))
    return pieces


def whole_paragraph(text: str, sp: QuoteSpan) -> bool:
    """The span is its paragraph's only text (a closing full stop aside)."""
    ps = text.rfind("\n", 0, sp.open_at) + 1
    pe = text.find("\n", sp.outer_end)
    pe = len(text) if pe < 0 else pe
    return not text[ps : sp.open_at].strip() and not text[sp.outer_end : pe].strip(" .\u00a0")


def word_count(text: str) -> int:
    return len(re.findall(r"\w+(?:[-'’]\w+)*", text))
