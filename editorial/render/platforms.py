"""Each social platform's length rule, measured the way the platform measures it.

Where a platform's own clients disagree, the stricter count is used, so a post that passes here
is accepted everywhere: Mastodon counts code points (its web composer; the server counts
graphemes, never more), Threads and LinkedIn count UTF-16 units (an emoji counts 2).
"""

from __future__ import annotations

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
    """(valid, weighted length) as twitter-text counts them (cached: fitting asks often)."""
    parsed = parse_tweet(text)
    return bool(parsed.valid), int(parsed.weightedLength)


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
