"""Each social platform's length rule, measured the way the platform measures it.

Where a platform's own clients disagree, the stricter count is used, so a post that passes here
is accepted everywhere: Mastodon counts code points (its web composer; the server counts
graphemes, never more), Threads and LinkedIn count UTF-16 units (an emoji counts 2).
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from twitter_text import extract_urls_with_indices, parse_tweet

from editorial.config import Settings
from editorial.render.posttext import graphemes

PLATFORMS = ("x", "bluesky", "mastodon", "linkedin", "threads")
LINKEDIN_HOOK = 210  # characters LinkedIn shows before "...see more"
THREADS_MAX_LINKS = 5
BLUESKY_MAX_BYTES = 3000


@dataclass(frozen=True)
class Platform:
    name: str
    limit: int
    rule: str  # how `measure` counts, for people reading social.md
    max_posts: int  # 1: a single post; more: a numbered thread when there is more to say
    max_tags: int
    url_length: int = 0  # a URL counts this many characters (0: its own length)

    def measure(self, text: str) -> int:
        if self.name == "x":
            return x_count(text)[1]
        if self.name == "bluesky":
            return graphemes(text)
        if self.name == "mastodon":
            return _with_short_urls(text, self.url_length)
        return len(text.encode("utf-16-le")) // 2

    def fits(self, text: str) -> bool:
        if not text.strip() or self.measure(text) > self.limit:
            return False
        if self.name == "x":
            return x_count(text)[0]
        if self.name == "bluesky":
            return len(text.encode("utf-8")) <= BLUESKY_MAX_BYTES
        if self.name == "threads":
            return len(extract_urls_with_indices(text)) <= THREADS_MAX_LINKS
        return True


@lru_cache(maxsize=8192)
def x_count(text: str) -> tuple[bool, int]:
    """(valid, weighted length) as twitter-text counts them (cached: fitting asks often).

    twitter-text looks for emoji in every text with a pattern of several thousand
    alternatives, about 1.4 ms a post and a fifth of an article's posts and cards. A text with
    none of the code points its emoji are made of cannot hold one: it is counted by
    `_x_count_without_emoji`, twitter-text's own loop and weights without that search
    (`tests/test_social.py` compares both with `parse_tweet`)."""
    normalized = _tweet_text(text)
    if not _emoji_chars().search(normalized):
        return _x_count_without_emoji(normalized)
    parsed = parse_tweet(text)
    return bool(parsed.valid), int(parsed.weightedLength)


def _tweet_text(text: str) -> str:
    """The text as parse_tweet reads it: NFC, every line ending a newline (its own helper)."""
    # The package exports the function parse_tweet under its module's name: import the module.
    convert_line_ending = importlib.import_module("twitter_text.parse_tweet").convert_line_ending
    return str(convert_line_ending(unicodedata.normalize("NFC", text)))


@lru_cache(maxsize=1)
def _emoji_chars() -> re.Pattern[str]:
    """One character class: every non-ASCII code point of twitter-text's emoji (its sequences
    and its class of single code points, taken from the module that compiles its pattern)."""
    from twitter_text.regexp import emoji as tt_emoji

    chars = sorted({c for e in tt_emoji.emoji_list for c in e.emoji if ord(c) > 0x7F})
    return re.compile("[" + tt_emoji.single_codepoint_emoji_raw + re.escape("".join(chars)) + "]")


def _x_count_without_emoji(normalized: str) -> tuple[bool, int]:
    """parse_tweet's weighted length and validity for a normalized text without emoji."""
    from twitter_text.config import config
    from twitter_text.get_character_weight import get_character_weight
    from twitter_text.has_invalid_characters import has_invalid_characters

    options = config["defaults"]
    scale, limit = options["scale"], options["max_weighted_tweet_length"]
    urls = {u["indices"][0]: u for u in extract_urls_with_indices(normalized)}
    weighted, valid, i = 0, True, 0
    while i < len(normalized):
        if i in urls:
            weighted += options["transformed_url_length"] * scale
            i += len(urls[i]["url"]) - 1
        else:
            weighted += get_character_weight(normalized[i], options)
        if valid:
            valid = not has_invalid_characters(normalized[i : i + 1])
        i += 1
    weighted = int(weighted / scale)
    return valid and 0 < weighted <= limit, weighted


def _with_short_urls(text: str, url_length: int) -> int:
    """Code points, each http(s) URL counted as `url_length`; a URL without a scheme counts at
    least `url_length` (Mastodon may or may not shorten it: take the larger)."""
    total = len(text)
    for found in extract_urls_with_indices(text):
        url = str(found["url"])
        if url.lower().startswith(("http://", "https://")):
            total += url_length - len(url)
        else:
            total += max(0, url_length - len(url))
    return total


def platforms(settings: Settings) -> dict[str, Platform]:
    masto = settings.social
    return {
        "x": Platform(
            "x", 280, "weighted characters (twitter-text: URL 23, CJK/emoji 2)", 4, 2, 23
        ),
        "bluesky": Platform("bluesky", 300, "graphemes", 4, 3),
        "mastodon": Platform(
            "mastodon",
            masto.mastodon_max_chars,
            f"characters, URL {masto.mastodon_url_length}",
            1,
            3,
            masto.mastodon_url_length,
        ),
        "linkedin": Platform("linkedin", 3000, "characters (UTF-16)", 1, 3),
        # Threads turns only one tag per post into a topic tag.
        "threads": Platform("threads", 500, "characters (UTF-16), at most 5 links", 1, 1),
    }
