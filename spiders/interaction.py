"""SiteSpider's hook for the 互动回应 and 办事指南 checks: what they need is recorded in the pages'
`meta` while crawling (the checks never fetch):

- homepage: `channels`, its links to consultation channels (领导信箱, 12345, 我要咨询 …), always
  present after a full crawl, so an empty list means "none found" rather than "not looked at";
- a channel page (a homepage channel link, the first page of a 政务咨询 column, the write page it
  links to): `channel` = {form, form_action, write_links, platform_links};
- each list page of a 政务咨询 column: `consultation` (the column) and `messages` (留言时间, 答复时间,
  状态 per message, as the list shows them); their detail pages are requested even when their URL
  does not look like an article (letter.jsp?id=…);
- a detail or other page: `message` (its 留言时间/答复时间/状态/答复 fields) and `guide` (the 办事指南
  element categories it shows), when it has them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Request, TextResponse

from spiders.extract.guide import guide_page
from spiders.extract.interaction import channel_page, home_channels, message_detail, message_list
from spiders.extract.labels import page_lines
from spiders.extract.urls import is_attachment

MAX_MESSAGES_PER_PAGE = 200


class InteractionPages:
    """Mixin of SiteSpider (uses its rules, as_of, light and _request)."""

    def _channel_urls(self, site_id: str) -> set[str]:
        urls: dict[str, set[str]] = self.__dict__.setdefault("_gi_channel_urls", {})
        return urls.setdefault(site_id, set())

    def interaction_hook(self, state: Any, response: TextResponse, kind: str, depth: int, url: str,
                         column_url: str | None, links: list[Any], page_meta: dict[str, Any]) -> Iterator[Request]:
        """Adds the page's interaction/guide facts to `page_meta`; yields the requests they need."""
        if getattr(self, "light", False):
            return
        rules = self.rules.consultation  # type: ignore[attr-defined]
        sel = response.selector
        channels = self._channel_urls(state.id)
        if kind == "home":
            page_meta["channels"] = home_channels(links, rules.matches)
            channels.update(c["url"] for c in page_meta["channels"])
        col = state.columns.get(column_url) if column_url else None
        consult = col is not None and col.category == "interaction" and rules.matches(col.name)
        if url in channels or (consult and kind == "column"):
            info = channel_page(sel, response.url, state.is_internal, rules.matches)
            page_meta["channel"] = info
            for w in info["write_links"]:
                if state.is_internal(w["url"]) and w["url"] not in channels:
                    channels.add(w["url"])  # the write page: does it show the form?
                    yield from self._interaction_request(state, w["url"], "other", depth + 1)
        if consult and kind in ("column", "list"):
            rows = message_list(sel, response.url, self.as_of)[:MAX_MESSAGES_PER_PAGE]  # type: ignore[attr-defined]
            page_meta["consultation"] = {"column": col.name, "column_url": col.url}
            page_meta["messages"] = [m.to_meta() for m in rows]
            for m in rows:
                if m.url and state.is_internal(m.url) and not is_attachment(m.url):
                    yield from self._interaction_request(state, m.url, "detail", depth + 1)
        if kind in ("detail", "other"):
            lines = page_lines(sel)
            msg = message_detail(sel, self.as_of, lines)  # type: ignore[attr-defined]
            if msg is not None:
                page_meta["message"] = msg
            guide = guide_page(sel, lines)
            if guide is not None:
                page_meta["guide"] = guide

    def _interaction_request(self, state: Any, url: str, kind: str, depth: int) -> Iterator[Request]:
        if url in state.pages_requested or len(state.pages_requested) >= state.max_pages:
            return
        state.pages_requested.add(url)
        yield self._request(state, url, kind, depth=depth)  # type: ignore[attr-defined]
