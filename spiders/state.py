"""Per-site crawl state held by the spider while a scan runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from core.items import ColumnRecord, PageItem
from core.registry import SiteConfig, UnitConfig


@dataclass
class ColumnState:
    url: str
    name: str
    category: str
    source: str
    parent_url: str | None = None
    disclosure_section: str | None = None
    depth: int = 1
    kind: str | None = None  # decided when the first page is parsed
    status: int | None = None
    pages_walked: int = 0
    list_urls: set[str] = field(default_factory=set)  # list pages requested for this column
    item_urls: set[str] = field(default_factory=set)
    position: int = 0
    placeholder: str | None = None
    pager: str | None = None
    extractor: str | None = None
    truncated: bool = False
    failed_pages: int = 0  # list pages requested that did not load
    under_disclosure: bool = False
    # JavaScript (spiders.dynamic): its list pages need the browser; why its first page did
    # (render: auto); the JSON API its list came from ((ApiCall, PageParam)); the Hanweb jpage
    # proxy plan; whether an evidence screenshot was taken or asked for
    rendered: bool = False
    render_reason: str | None = None
    api: Any = None
    proxy: Any = None
    shot: bool = False
    render_failed: bool = False  # the browser failed on it; read without it

    def record(self, site_id: str) -> ColumnRecord:
        return ColumnRecord(
            site_id=site_id,
            url=self.url,
            name=self.name,
            category=self.category,
            kind=self.kind or "list",
            source=self.source,
            parent_url=self.parent_url,
            disclosure_section=self.disclosure_section,
            status=self.status,
            pages_walked=self.pages_walked,
            item_count=len(self.item_urls),
            placeholder=self.placeholder,
            pager=self.pager,
            extractor=self.extractor,
            truncated=self.truncated,
            complete=self.complete,
        )

    @property
    def complete(self) -> bool:
        """Every list page the column's pager offered was read: none failed, no cap hit, none pending."""
        return (self.kind == "list" and not self.truncated and not self.failed_pages
                and self.pages_walked > 0 and self.pages_walked >= len(self.list_urls))


@dataclass
class SiteState:
    unit: UnitConfig
    site: SiteConfig
    home_url: str
    max_pages: int
    max_depth: int
    obey_robots: bool
    pages_requested: set[str] = field(default_factory=set)  # GET as a page (parsed)
    pages_done: int = 0
    links_found: int = 0
    errors: int = 0
    links_dropped: int = 0  # links beyond crawl.max_links_per_page on a page (neither recorded nor checked)
    # canonical URL -> the URL as a page (or the registry) wrote it, where requesting differs
    written: dict[str, str] = field(default_factory=dict)
    # internal pages not crawled because a cap was reached (they are still checked), by cap
    capped: dict[str, set[str]] = field(default_factory=lambda: {"max_pages": set(), "max_depth": set()})
    columns: dict[str, ColumnState] = field(default_factory=dict)
    home_item: PageItem | None = None
    home_scripts_pending: int = 0
    home_script_text: list[str] = field(default_factory=list)
    home_ok: bool | None = None
    home_error: str | None = None
    rendered_pages: int = 0  # responses that came through Chromium
    home_shot: bool = False

    @property
    def id(self) -> str:
        return self.site.id

    def is_internal(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return host in self.site.host_names

    def stats(self) -> dict[str, int]:
        return {
            "pages": self.pages_done,
            "links": self.links_found,
            "columns": sum(1 for c in self.columns.values() if c.kind not in (None, "homepage")),
            "items": sum(len(c.item_urls) for c in self.columns.values() if c.kind != "homepage"),
            "errors": self.errors,
            "rendered": self.rendered_pages,
            "capped_pages": len(self.capped["max_pages"]),
            "capped_depth": len(self.capped["max_depth"]),
            "links_dropped": self.links_dropped,
        }
