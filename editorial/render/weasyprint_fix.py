"""A workaround for a WeasyPrint 70 bug that lays out every page holding a page reference once
more than it needs to.

The bug: in `weasyprint/formatting_structure/build.py` (`compute_content_list`), a
`target-counter()` whose counter is not known yet rebinds the local name `missing_counters` to
the target's own list, so the box is registered as missing a *local* `page` counter as well.
The page counters of every page change between the first and the second pagination loop (the
`pages` total goes from 0 to its value), so each such page is parsed again and laid out a third
time. Measured on 12 bench reports (none with a contents list): 6.4 -> 5.4 page layouts per
report, the "who is quoted" page laid out twice instead of three times; layout 241 -> 220 ms a
report, the same text on every page. A report with a contents list gains nothing: the second
loop lays out the contents page again, its anchors' page counters change with the `pages` total,
and that sends both the contents page and the "who is quoted" page round once more (a second
inefficiency, left alone: fixing it means changing how WeasyPrint compares page counters).

The fix registers an empty local list when the local list *is* one of the target lists (what
the bug passes). Page references must then name their anchor with a string,
`target-counter("#id", page)`, which `pdf_context.ref_css` writes: with `attr(href)` WeasyPrint
cannot tell which anchor a reference waits for, and only the bug's extra pass updated those.

Applied only to the WeasyPrint version it was written against (see `FIXED_VERSION`); on any
other version nothing is patched and the reports are the same, one layout slower.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import weasyprint
from weasyprint.css import targets

__all__ = ["FIXED_VERSION", "apply", "is_applied", "remove"]

FIXED_VERSION = "70.0"
_ORIGINAL: Callable[..., Any] = targets.TargetCollector.collect_missing_counters


def _collect_missing_counters(
    self: targets.TargetCollector,
    parent_box: Any,
    css_token: str,
    parse_again_function: Callable[..., Any],
    missing_counters: list[str],
    missing_target_counters: dict[str | None, list[str]],
) -> None:
    if any(missing_counters is names for names in missing_target_counters.values()):
        missing_counters = []  # the target's list, passed as the local one by the bug
    _ORIGINAL(self, parent_box, css_token, parse_again_function, missing_counters,
              missing_target_counters)  # fmt: skip


def apply() -> bool:
    """Patch WeasyPrint if it is the version this fix is for; True when the fix is in place."""
    if weasyprint.__version__ != FIXED_VERSION:
        return False
    targets.TargetCollector.collect_missing_counters = _collect_missing_counters  # type: ignore[method-assign]
    return True


def remove() -> None:
    """Back to WeasyPrint's own code (tests compare the two)."""
    targets.TargetCollector.collect_missing_counters = _ORIGINAL  # type: ignore[method-assign]


def is_applied() -> bool:
    return targets.TargetCollector.collect_missing_counters is _collect_missing_counters
