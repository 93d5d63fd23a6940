"""Our own failure is not theirs: decide whether a scan failed because the crawler's network did.

Two signals, either one suffices:
- the canary URLs (`crawl.canary_urls`) all failed at the start or the end of the crawl
  (crawler.extensions.canary records the reason in the crawl stats);
- without canaries to ask, every scanned site's homepage failed at the connection level (DNS,
  refused, timeout, reset) and there were at least `crawl.network_down_min_sites` of them: that
  many government sites do not go down at the same moment; the network in front of us did.

A scan found so is marked failed by the runner: no site_unreachable or link_broken verdicts come
out of it (checks.engine refuses failed runs), and `govinspect scan` exits non-zero saying why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from crawler.extensions.canary import STAT as CANARY_STAT

# error classes (core.errors) that mean "no connection", as opposed to an answer we disliked
CONNECTION_CLASSES = frozenset({"dns", "refused", "timeout", "reset"})


def _home_error_class(site: Mapping[str, Any]) -> str | None:
    """The error class of a failed homepage; the spider records it as "<class>: <message>"
    (an HTTP status as "HTTP 503", which is not a connection failure)."""
    error = site.get("home_error") or ""
    head, sep, _ = error.partition(":")
    return head.strip() if sep else None


def sites_verdict(site_stats: Mapping[str, Mapping[str, Any]], min_sites: int) -> str | None:
    """The network-down reason when every homepage failed at the connection level, else None."""
    if len(site_stats) < max(1, min_sites):
        return None
    classes: Counter[str] = Counter()
    for st in site_stats.values():
        if st.get("home_ok"):
            return None
        cls = _home_error_class(st)
        if cls not in CONNECTION_CLASSES:
            return None
        classes[cls] += 1
    how = ", ".join(f"{k} {v}" for k, v in sorted(classes.items()))
    return (f"every one of the {len(site_stats)} sites failed at the connection level ({how}): "
            "the crawler's own network is down, not the sites")


def network_down_reason(crawl_stats: list[Mapping[str, Any]], site_stats: Mapping[str, Mapping[str, Any]],
                        min_sites: int) -> str | None:
    """Why this scan says nothing about the sites (None: the network was fine). `crawl_stats`:
    the stats of each crawler of the scan (sites, accounts)."""
    for stats in crawl_stats:
        if stats.get(CANARY_STAT):
            return str(stats[CANARY_STAT])
    return sites_verdict(site_stats, min_sites)
