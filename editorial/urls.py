"""Which URLs may leave the pipeline: http(s) only (and mailto: where a mail link belongs).

`safe_link()` is checked when an Article is built (front matter `url:`/`canonical_url:`, in
`editorial.model.Article`) and again by the renderers' link helper
(`editorial.render.posttext.article_link`): a `javascript:`, `data:`, `file:` or relative URL,
or one with a control character, a space or a credential in it, never reaches an `href`, a
post, a Bluesky facet, social.csv or article.json.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

WEB_SCHEMES = frozenset({"http", "https"})
MAIL_SCHEMES = frozenset({"mailto"})
MAX_URL_CHARS = 2000
# Nothing a URL may hold as is: controls, spaces, quotes and angle brackets, backslashes.
_BAD_CHARS = re.compile(
    r"[\x00-\x20\x7f-\x9f\"'<>\\`\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]"
)


def safe_link(url: str, *, schemes: frozenset[str] = WEB_SCHEMES) -> str:
    """`url` when it is an absolute URL of one of `schemes` (http, https by default) with a
    host, else "". The check is on the URL as a browser would read it (no scheme tricks:
    `JaVaScRiPt:`, `java\\tscript:`, `//host`, `https:/x` are refused)."""
    url = url.strip()
    if not url or len(url) > MAX_URL_CHARS or _BAD_CHARS.search(url):
        return ""
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port that is not a number raises
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    if scheme not in schemes or not url.lower().startswith(scheme + ":"):
        return ""
    if scheme in WEB_SCHEMES:
        if not url[len(scheme) + 1 :].startswith("//") or not parts.hostname:
            return ""
        if parts.username is not None or parts.password is not None:
            return ""
    elif scheme == "mailto" and "@" not in parts.path:
        return ""
    return url
