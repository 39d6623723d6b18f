"""Where names occur in a text, for many names at once, in time linear in the text.

`occurrences(text, names)` gives, for each name, the spans `re.finditer` would give for
`(?<![\\w])NAME(?![\\w])`, but reads the text once: a name can only start where a word starts,
and its words are the text's words from there, so the text's word runs are indexed and each
word start is looked up in a trie of the names' words. One regex per name over the whole text
cost names x text: a long article with many distinct names took minutes (issue 17, class 10).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"\w+")


class _Node:
    __slots__ = ("next", "names")

    def __init__(self) -> None:
        self.next: dict[str, _Node] = {}
        self.names: list[str] = []  # names ending at this word


def _words(name: str) -> list[str] | None:
    """The name's word runs, if the name starts with one (else None: search it by regex)."""
    runs = _WORD.findall(name)
    if not runs or not name.startswith(runs[0]):
        return None
    return runs


def occurrences(text: str, names: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
    """{name: [(start, end), ...]} for every distinct name, matches whole-word, left to right,
    not overlapping each other (as one `finditer` per name would give)."""
    found: dict[str, list[tuple[int, int]]] = {}
    trie = _Node()
    odd: list[str] = []
    for name in names:
        if name in found or not name:
            continue
        found[name] = []
        runs = _words(name)
        if runs is None:
            odd.append(name)
            continue
        node = trie
        for w in runs:
            node = node.next.setdefault(w, _Node())
        node.names.append(name)
    if trie.next:
        runs_in_text = [(m.start(), m.group()) for m in _WORD.finditer(text)]
        n = len(text)
        for k, (pos, _w) in enumerate(runs_in_text):
            node = trie
            j = k
            while j < len(runs_in_text):
                nxt = node.next.get(runs_in_text[j][1])
                if nxt is None:
                    break
                node = nxt
                for name in node.names:
                    end = pos + len(name)
                    if (
                        text.startswith(name, pos)
                        and (end >= n or not _WORD.match(text, end))
                        and (not found[name] or found[name][-1][1] <= pos)
                    ):
                        found[name].append((pos, end))
                j += 1
    for name in odd:
        pat = re.compile(r"(?<![\w])" + re.escape(name) + r"(?![\w])")
        found[name] = [(m.start(), m.end()) for m in pat.finditer(text)]
    return found


def deletions(word: str, k: int) -> set[str]:
    """`word` with up to `k` characters deleted (itself included): two words within edit
    distance k (insert, delete, substitute, swap) share one of these."""
    out = {word}
    layer = {word}
    for _ in range(k):
        layer = {w[:i] + w[i + 1 :] for w in layer for i in range(len(w))}
        out |= layer
    return out


class NearIndex:
    """Keys (strings) found by the strings within edit distance <= 2 of them, without
    comparing a query with every key. Words over `LONG` characters are compared one by one
    with the queries of about their length (names are never that long)."""

    LONG = 40

    def __init__(self) -> None:
        self._by_variant: dict[str, set[str]] = {}
        self._long: dict[int, set[str]] = {}

    def add(self, key: str) -> None:
        if len(key) > self.LONG:
            self._long.setdefault(len(key), set()).add(key)
            return
        for v in deletions(key, 2):
            self._by_variant.setdefault(v, set()).add(key)

    def near(self, query: str, k: int) -> set[str]:
        """Keys that may be within edit distance `k` (<= 2) of `query` (a superset: check
        with the real distance)."""
        out: set[str] = set()
        if len(query) + k > self.LONG:
            for n in range(len(query) - k, len(query) + k + 1):
                out |= self._long.get(n, set())
        for v in deletions(query, k) if len(query) <= self.LONG + k else ():
            out |= self._by_variant.get(v, set())
        return out
