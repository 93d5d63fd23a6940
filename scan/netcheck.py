"""Our own failure is not theirs: decide whether a scan says anything about the sites at all.

- The canary URLs (`crawl.canary_urls`) all failed at the start or the end of the crawl
  (crawler.extensions.canary records the reason in the crawl stats): our network is down.
- Every scanned site's homepage failed at the connection level (core.errors.CONNECTION_CLASSES:
  dns, refused, timeout, reset), whatever the number of sites, and nothing proves our own
  network works — no canary answered, no new-media account was read: we cannot tell our outage
  from theirs, so the scan says nothing.

A scan found so is marked failed by the runner: no site_unreachable or link_broken verdicts come
out of it (checks.engine refuses failed runs), and `govinspect scan` exits non-zero saying why. A
site that is really down still gets its veto: from the week of availability probes, or from a
scan in which another site answered or a canary did.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from core.errors import CONNECTION_CLASSES
from crawler.extensions.canary import STAT as CANARY_STAT

NO_CANARY_HINT = "our network or theirs — set crawl.canary_urls to tell them apart"


def _home_error_class(site: Mapping[str, Any]) -> str | None:
    """The error class of a failed homepage; the spider records it as "<class>: <message>"
    (an HTTP status as "HTTP 503", which is not a connection failure)."""
    error = site.get("home_error") or ""
    head, sep, _ = error.partition(":")
    return head.strip() if sep else None


def canaries_answered(crawl_stats: list[Mapping[str, Any]]) -> bool:
    """Did any canary URL answer in any phase of the crawl (our network works)?"""
    return any(result.get("ok") for stats in crawl_stats for key, results in stats.items()
               if key.startswith("govinspect/canary/") for result in (results or []) if isinstance(result, Mapping))


def sites_verdict(site_stats: Mapping[str, Mapping[str, Any]], *, network_proven: bool = False) -> str | None:
    """The reason the scan says nothing when every homepage failed at the connection level and
    nothing proves our own network works; else None."""
    if not site_stats or network_proven:
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
    return f"could not reach any site ({len(site_stats)} scanned: {how}); {NO_CANARY_HINT}"


def network_down_reason(crawl_stats: list[Mapping[str, Any]], site_stats: Mapping[str, Mapping[str, Any]],
                        *, accounts_answered: bool = False) -> str | None:
    """Why this scan says nothing about the sites (None: it does). `crawl_stats`: the stats of
    each crawler of the scan (sites, accounts); `accounts_answered`: a new-media account was read,
    which proves the network works as well as a canary does."""
    for stats in crawl_stats:
        if stats.get(CANARY_STAT):
            return str(stats[CANARY_STAT])
    return sites_verdict(site_stats, network_proven=accounts_answered or canaries_answered(crawl_stats))
