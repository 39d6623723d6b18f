"""What of the article's markup may reach a template."""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3

INLINE_TAGS = {"em", "strong", "u", "s", "sup", "sub", "code", "a", "br"}
SAFE_SCHEMES = {"http", "https", "mailto"}


def safe_href(url: str) -> str:
    """The URL if it is an absolute http(s)/mailto link, else "" (no file:, javascript:, data:)."""
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in SAFE_SCHEMES else ""


def clean_inline_html(fragment: str) -> str:
    """Inline HTML through nh3 with a small allow-list (no attributes but a[href])."""
    return nh3.clean(
        fragment,
        tags=INLINE_TAGS,
        attributes={"a": {"href"}},
        url_schemes=SAFE_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
