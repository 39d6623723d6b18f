"""Dates written in English or French news style, to ISO 8601."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    m: i + 1
    for names in (
        "january february march april may june july august september october november december",
        "jan feb mar apr may jun jul aug sep oct nov dec",
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    )
    for i, m in enumerate(names.split())
}
_M = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche),?\s+"
_PATTERNS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"),
    re.compile(
        rf"(?:{_WEEKDAY})?(?P<mn>{_M})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})",
        re.I,
    ),
    re.compile(
        rf"(?:{_WEEKDAY})?(?P<d>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?P<mn>{_M})\.?,?\s+(?P<y>\d{{4}})",
        re.I,
    ),
)


def parse_date(text: str, *, whole: bool = False) -> str:
    """ISO date found at the start of `text` (the whole of it when `whole`), or ""."""
    text = text.strip()
    for pattern in _PATTERNS:
        m = pattern.match(text)
        if not m or (whole and text[m.end() :].strip(" .,-–—")):
            continue
        try:
            month = int(m["m"]) if "m" in m.groupdict() and m["m"] else MONTHS[m["mn"].lower()]
            return date(int(m["y"]), month, int(m["d"])).isoformat()
        except (ValueError, KeyError):
            continue
    return ""
