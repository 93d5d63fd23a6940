"""SiteSpider's hooks for what leaves the site: links hidden from readers (spiders.extract.hidden,
recorded on the Link rows), outbound anchors read by GET so that the title and the start of the
text of the page they lead to are kept (prohibited_link judges them), and the homepage host's
IPv6 reachability (spiders.ipv6, for ipv6_missing).

Settings (defaults in crawler/settings.py): GOVINSPECT_OUTBOUND_READS (outbound pages read by GET
per site and scan; beyond it they are checked by HEAD), GOVINSPECT_OUTBOUND_EXCERPT_CHARS,
GOVINSPECT_IPV6_ENABLED, GOVINSPECT_IPV6_NAMESERVERS.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector
from scrapy.http import Response, TextResponse

from core.items import Ipv6Record, LinkResultItem
from crawler.safety import policy_from_settings
from spiders.extract.hidden import TARGET_ATTRS, find_hidden_links
from spiders.extract.links import RawLink
from spiders.extract.text import page_title, visible_text
from spiders.extract.urls import is_attachment
from spiders.ipv6 import probe_ipv6

log = logging.getLogger(__name__)

READ_TAGS = ("a", "area", "iframe", "frame")
HIDDEN_TAGS = tuple(TARGET_ATTRS)  # the link tags a hidden container can hide


class OutboundPages:
    settings: Any
    light: bool

    # --- hidden links ------------------------------------------------------------------------------

    def hidden_links(self, sel: Selector, response: TextResponse, links: list[RawLink]) -> dict[str, dict[str, Any]]:
        """URL -> how it is hidden, for the page's hidden anchors; anchors that only a script writes
        are appended to `links` (so they are recorded and checked like the others)."""
        if self.light:
            return {}
        found = find_hidden_links(sel, response.url, response.text, response.encoding)
        known = {(lk.url, lk.tag) for lk in links}
        links.extend(h.link for u, h in found.items() if (u, h.link.tag) not in known)
        return {u: h.info() for u, h in found.items()}

    # --- outbound pages read by GET ------------------------------------------------------------------

    def outbound_read(self, site_id: str, url: str, tag: str, ext: str, non_page_exts: set[str]) -> bool:
        """Whether this outbound link's check is a GET whose page is read (within the site's budget)."""
        if tag not in READ_TAGS or ext in non_page_exts or is_attachment(url):
            return False
        reads: Counter[str] = self.__dict__.setdefault("_outbound_reads", Counter())
        if reads[site_id] >= self.settings.getint("GOVINSPECT_OUTBOUND_READS"):
            return False
        reads[site_id] += 1
        return True

    def read_outbound(self, step: LinkResultItem, response: Response) -> None:
        """Keep the title and a text excerpt of an outbound page read by GET."""
        if not response.meta.get("gi_x_read") or not step.ok or not isinstance(response, TextResponse):
            return
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if ctype and "html" not in ctype:
            return
        try:
            sel = response.selector
            step.title = page_title(sel)[:500]
            step.excerpt = visible_text(sel)[: self.settings.getint("GOVINSPECT_OUTBOUND_EXCERPT_CHARS")]
        except (ValueError, AttributeError):  # not parseable as HTML after all
            return

    # --- IPv6 ------------------------------------------------------------------------------------------

    async def ipv6_records(self, homes: dict[str, str]) -> list[Ipv6Record]:
        """One Ipv6Record per site (site id -> homepage URL) that can be assessed, probed in threads."""
        if self.light or not self.settings.getbool("GOVINSPECT_IPV6_ENABLED") or not homes:
            return []
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import defer, threads

        policy = policy_from_settings(self.settings)
        nameservers = self.settings.getlist("GOVINSPECT_IPV6_NAMESERVERS")
        timeout = self.settings.getfloat("DOWNLOAD_TIMEOUT")
        agent = self.settings.get("USER_AGENT")
        calls = [threads.deferToThread(probe_ipv6, sid, url, policy, nameservers, timeout, agent)
                 for sid, url in homes.items()]
        results = await maybe_deferred_to_future(defer.DeferredList(calls, consumeErrors=True))
        out: list[Ipv6Record] = []
        for (sid, url), (ok, value) in zip(homes.items(), results, strict=True):
            if not ok:
                log.warning("IPv6 check of %s (%s) failed: %s", sid, urlsplit(url).hostname, value.getErrorMessage())
            elif value is not None:
                out.append(value)
        return out
