"""Workarounds for WeasyPrint 70 laying out pages that hold page references more often than
they need (written up for upstream in docs/weasyprint-page-references.md).

1. The bug (`_collect_missing_counters`): in `weasyprint/formatting_structure/build.py`
   (`compute_content_list`), a `target-counter()` whose counter is not known yet rebinds the
   local name `missing_counters` to the target's own list, so the box is registered as missing
   a *local* `page` counter as well. The page counters of every page change between the first
   and the second pagination loop (the `pages` total goes from 0 to its value), so each such
   page is parsed again and laid out once more. The fix registers an empty local list when the
   local list *is* one of the target lists (what the bug passes). Page references must then
   name their anchor with a string, `target-counter("#id", page)`, which `pdf_context.ref_css`
   writes: with `attr(href)` WeasyPrint cannot tell which anchor a reference waits for, and
   only the bug's extra pass updated those.
2. Counters a reference does not show (`_cache_target_page_counters`, change (1)): when a
   target's page counters change, WeasyPrint remakes the page of every reference to it, even
   when only the `pages` total changed (it does after the first loop) and the reference shows
   `page`. A contents page and the pages its entries point to were made once more for nothing.
3. Back references (`_cache_target_page_counters` change (2), `_remake_page`): a reference to
   a page already laid out, from a box on a later page, is parsed only after its own page has
   been laid out, and that page is then made again. Its text is known before: it is set before
   the next page is made (a reference on the target's own page keeps WeasyPrint's path).

Measured on 14 bench reports (none with a contents list, 4.3 pages each): 6.7 page layouts per
report without the fixes, 5.6 with the first, 4.4 with all three, one per page but for a
reference on its target's own page; a report with a contents list (the `sectioned` test article, 9 pages):
13 -> 13 -> 11. The same text on every page in every case (tests/test_weasyprint_fix.py).

Applied only to the WeasyPrint version it was written against (see `FIXED_VERSION`); on any
other version nothing is patched and the reports are the same, a few page layouts slower.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import weasyprint
from weasyprint.css import targets
from weasyprint.layout import page as page_layout

__all__ = ["FIXED_VERSION", "apply", "is_applied", "remove"]

FIXED_VERSION = "70.0"
_ORIGINAL: Callable[..., Any] = targets.TargetCollector.collect_missing_counters
_ORIGINAL_CACHE: Callable[..., Any] = targets.TargetCollector.cache_target_page_counters
_ORIGINAL_REMAKE: Callable[..., Any] = page_layout.remake_page
_EARLY = "_editorial_resolve_before_next_page"  # lookups to parse before the next page is made


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


def _cache_target_page_counters(
    self: targets.TargetCollector,
    anchor_name: str,
    page_counter_values: dict[str, list[int]],
    page_maker_index: int,
    page_maker: list[Any],
) -> None:
    """WeasyPrint 70's `TargetCollector.cache_target_page_counters`, with two changes marked
    (1) and (2); the rest is its code."""
    if self.collecting:
        return
    item = self.target_lookup_items.get(anchor_name)
    if not (item and item.state == "up-to-date"):
        return
    item.page_maker_index = page_maker_index
    old = item.cached_page_counter_values
    if old == page_counter_values:
        return
    item.cached_page_counter_values = copy.deepcopy(page_counter_values)
    for (_, css_token), lookup in self.counter_lookup_items.items():
        if css_token != "content":
            continue
        missing = lookup.missing_target_counters.get(anchor_name)
        if missing is None:
            continue
        # (1) Only the counters the reference shows: a change of the `pages` total (set after
        # the first pagination loop) leaves `target-counter(..., page)` as it was.
        if old and all(old.get(name) == page_counter_values.get(name) for name in missing):
            continue
        if lookup.page_maker_index is None or lookup.page_maker_index >= len(page_maker):
            lookup.pending = True
            # (2) A box not laid out yet that shows no page counter of its own: its text is
            # known now. `_remake_page` sets it before the next page is made, so that page need
            # not be made again (if the box is on this page, WeasyPrint's own pass sees it).
            if lookup.page_maker_index is None and not lookup.missing_counters:
                self.__dict__.setdefault(_EARLY, []).append(lookup)
            continue
        for name in missing:
            if page_counter_values.get(name) is not None:
                page_maker[lookup.page_maker_index][-1]["content_changed"] = True
                lookup.parse_again(lookup.cached_page_counter_values)
                break


def _remake_page(index: int, context: Any, root_box: Any, html: Any) -> Any:
    """WeasyPrint's `remake_page`, after setting the text of the references (2) found."""
    early = context.target_collector.__dict__.pop(_EARLY, [])
    for lookup in early:
        if lookup.pending and lookup.page_maker_index is None:
            lookup.parse_again(None)  # what make_page would do after laying the page out
            lookup.pending = False
    return _ORIGINAL_REMAKE(index, context, root_box, html)


def apply() -> bool:
    """Patch WeasyPrint if it is the version this fix is for; True when the fix is in place."""
    if weasyprint.__version__ != FIXED_VERSION:
        return False
    targets.TargetCollector.collect_missing_counters = _collect_missing_counters  # type: ignore[method-assign]
    targets.TargetCollector.cache_target_page_counters = _cache_target_page_counters  # type: ignore[method-assign]
    page_layout.remake_page = _remake_page
    return True


def remove() -> None:
    """Back to WeasyPrint's own code (tests compare the two)."""
    targets.TargetCollector.collect_missing_counters = _ORIGINAL  # type: ignore[method-assign]
    targets.TargetCollector.cache_target_page_counters = _ORIGINAL_CACHE  # type: ignore[method-assign]
    page_layout.remake_page = _ORIGINAL_REMAKE


def is_applied() -> bool:
    return (
        targets.TargetCollector.collect_missing_counters is _collect_missing_counters
        and targets.TargetCollector.cache_target_page_counters is _cache_target_page_counters
        and page_layout.remake_page is _remake_page
    )
