"""What of the article's markup may reach a template."""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3

INLINE_TAGS = {"em", "strong", "u", "s", "sup", "sub", "code", "a", "br"}
SAFE_SCHEMES = {"http", "https", "mailto"}


def safe_href(url: str) -> str:
    """The URL if it is an absolute http(s)/mailto link, else "" (no file:, javascript:, data:)."""
    url = url.strip()
    if any(ord(ch) < 0x21 or 0x7F <= ord(ch) <= 0x9F for ch in url):
        return ""  # no control characters or spaces hiding a scheme
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in SAFE_SCHEMES:
        return ""
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return ""
    return url


def clean_inline_html(fragment: str) -> str:
    """Inline HTML through nh3 with a small allow-list (no attributes but a[href])."""
    return nh3.clean(
        fragment,
        tags=INLINE_TAGS,
        attributes={"a": {"href"}},
        url_schemes=SAFE_SCHEMES,
        url_relative="deny",  # nh3 keeps relative URLs by default, even with url_schemes
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
