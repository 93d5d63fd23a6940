"""The site-building engine shared by the sample sites: the column/article model, a page object that
records every link as the HTML is written, file and route output, and self-checks.

A site module describes its columns and articles, then renders pages through `Page`; whatever a
template emits via `Page.a/img/script/css/pager` is what truth.json lists. `SiteBuild.check()`
then proves the site is coherent: every rendered page is reachable, every link target exists
unless planted broken, and the columns the markup exposes are exactly the declared ones.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.urls import canonical
from samplesites.truth import ATTACHMENT_EXTS, SiteTruth, is_article_like, is_column_like

NON_PAGE_EXTS = (".jpg", ".jpeg", ".png", ".gif", ".ico", ".css", ".js", ".bmp", ".svg")
# A column that is a 政府信息公开 sub-section is category "disclosure" whatever its name says
# (ColumnRules.categorize): 政府信息公开指南 is not a 办事指南.
SECTION_MEANS_DISCLOSURE_CATEGORY = True


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def attr(value: str) -> str:
    return html.escape(value, quote=True)


_TAGS = re.compile(r"<[^>]+>")


def strip_tags(fragment: str) -> str:
    return html.unescape(_TAGS.sub("", fragment))


# --- model ---------------------------------------------------------------------------------------


@dataclass
class Attachment:
    path: str  # site path, e.g. /tzgg/202611/P020261102512345678901.pdf
    name: str  # anchor text
    exists: bool = True


@dataclass
class Meta:
    """A 信息公开 metadata table as shown on a detail page."""

    index_no: str
    publisher: str
    doc_no: str  # as shown: a number, "无" or ""
    published: dt.date
    written: dt.date | None = None
    topic: str = "综合政务"


@dataclass
class Article:
    title: str
    path: str
    date: dt.date
    source: str = ""
    paragraphs: list[str] = field(default_factory=list)
    meta: Meta | None = None
    attachments: list[Attachment] = field(default_factory=list)
    images: list[tuple[str, bool]] = field(default_factory=list)  # (site path, exists)
    related: list[tuple[str, str]] = field(default_factory=list)  # extra body links (href, text)
    exists: bool = True  # False: listed but never written (a planted broken detail)
    pinned: bool = False
    charset_in_header_only: bool = False


@dataclass
class Column:
    path: str  # the first list page (the URL the navigation links to)
    name: str
    category: str
    kind: str  # list | hub | page
    section: str | None = None  # disclosure sub-section
    items: list[Article] = field(default_factory=list)
    per_page: int = 15
    children: list[Column] = field(default_factory=list)  # sub-columns a hub links to
    placeholder: str | None = None
    date_style: str = "iso"  # iso | cn | mmdd | url | none: how the list shows dates
    text: list[str] = field(default_factory=list)  # body of a `page` column
    page_paths: list[str] = field(default_factory=list)

    def chunks(self) -> list[list[Article]]:
        if not self.items:
            return [[]]
        return [self.items[i:i + self.per_page] for i in range(0, len(self.items), self.per_page)]


# --- pages ---------------------------------------------------------------------------------------


class Page:
    """One HTML page being written; link helpers record each link into the site's truth."""

    def __init__(self, site: SiteBuild, path: str, kind: str) -> None:
        self.site = site
        self.path = path
        self.kind = kind
        self.url = site.url(path)
        self._regions = ["body"]

    @contextmanager
    def region(self, name: str) -> Iterator[None]:
        self._regions.append(name)
        try:
            yield
        finally:
            self._regions.pop()

    def ref(self, tag: str, attr_name: str, value: str, anchor: str = "", rel: str = "") -> str:
        self.site.truth.add_link(self.url, value, tag, attr_name, anchor=anchor, region=self._regions[-1], rel=rel)
        return attr(value)

    def a(self, href: str, text: str = "", *, inner: str | None = None, title: str | None = None,
          cls: str | None = None, target: str | None = None, extra: str = "", label: str | None = None) -> str:
        """`label`: the name a reader gives a link without text (a hub block's "more" icon takes its
        block's heading); it goes to the truth's anchor, never into the HTML."""
        body = inner if inner is not None else esc(text)
        anchor = label if label is not None else strip_tags(inner) if inner is not None else text
        parts = [f'href="{self.ref("a", "href", href, anchor)}"']
        if title is not None:
            parts.append(f'title="{attr(title)}"')
        if cls:
            parts.append(f'class="{attr(cls)}"')
        if target:
            parts.append(f'target="{target}"')
        if extra:
            parts.append(extra)
        return f"<a {' '.join(parts)}>{body}</a>"

    def img(self, src: str, alt: str = "", extra: str = "") -> str:
        more = f" {extra}" if extra else ""
        return f'<img src="{self.ref("img", "src", src)}" alt="{attr(alt)}"{more}>'

    def script(self, src: str, extra: str = "") -> str:
        more = f" {extra}" if extra else ""
        return f'<script type="text/javascript" src="{self.ref("script", "src", src)}"{more}></script>'

    def css(self, href: str, rel: str = "stylesheet") -> str:
        return f'<link rel="{rel}" type="text/css" href="{self.ref("link", "href", href, rel=rel)}">'

    def link_tag(self, href: str, rel: str, extra: str = "") -> str:
        more = f" {extra}" if extra else ""
        return f'<link rel="{rel}" href="{self.ref("link", "href", href, rel=rel)}"{more}>'

    def pager(self, paths: list[str]) -> None:
        """Page URLs a script pager implies: the crawler records them from the column's first page."""
        for p in paths:
            self.site.truth.add_link(self.url, p, "pager", "js", region="body")

    def walks(self, paths: list[str]) -> None:
        """Pages a reader reaches from here through controls that are no links (javascript: calls,
        a <select> of pages): walked by the crawler, recorded as no link."""
        self.site.walks.extend((self.url, self.site.url(p)) for p in paths)


# --- the site ------------------------------------------------------------------------------------


class SiteBuild:
    def __init__(self, *, site_id: str, unit: str, name: str, base_url: str, encoding: str, root: Path,
                 as_of: dt.date) -> None:
        self.site_id = site_id
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.home = canonical(self.base_url)
        self.host = urlsplit(self.home).netloc
        self.encoding = encoding
        self.root = root
        self.as_of = as_of
        self.truth = SiteTruth(site_id=site_id, unit=unit, name=name, url=self.home, encoding=encoding)
        self.files: dict[str, bytes] = {}  # served path (or path?query) -> body
        self.routes: dict[str, dict[str, Any]] = {}
        self.columns: list[Column] = []
        self.walks: list[tuple[str, str]] = []  # (page, page it leads to) through no link (Page.walks)
        self._next_id = 0

    # -- urls and ids --

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return canonical(path)
        return canonical(self.base_url.rstrip("/") + "/" + path.lstrip("/"))

    def is_internal(self, url: str) -> bool:
        return urlsplit(url).netloc == self.host

    def days_ago(self, n: int) -> dt.date:
        return self.as_of - dt.timedelta(days=n)

    def next_id(self, start: int, step_max: int, rng) -> int:
        self._next_id = max(self._next_id, start) + rng.randint(1, step_max)
        return self._next_id

    # -- output --

    def write(self, path: str, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.files[path] = data

    def write_page(self, page: Page, doc: str, *, content_type: str | None = None) -> None:
        data = doc.encode(self.encoding)
        path = page.path
        if "?" in path:
            # a query page (list.jsp?page=2) is a file the server maps through a route
            base, query = path.split("?", 1)
            stored = "/_q" + base + "__" + re.sub(r"[^\w=.-]", "_", query)
            self.files[stored] = data
            self.routes[path] = {"file": stored, "content_type": content_type or "text/html"}
        else:
            self.files[path + "index.html" if path.endswith("/") else path] = data
            if content_type:
                self.routes[path] = {"content_type": content_type}
        self.truth.pages[page.url] = page.kind

    def route(self, path: str, **spec: Any) -> None:
        self.routes[path] = spec

    def serves(self, url: str) -> bool:
        """Whether the served site answers this URL with a 2xx page (routes included)."""
        parts = urlsplit(url)
        path = parts.path or "/"
        key = f"{path}?{parts.query}" if parts.query else path
        route = self.routes.get(key) or self.routes.get(path)
        if route is not None:
            if "jpage" in route or "json_list" in route:
                return True  # a data proxy / JSON API answers any page (samplesites.apis)
            if "redirect" in route:
                return self.serves(self.url(route["redirect"]))
            if route.get("status", 200) >= 400:
                return False
            if "file" in route:
                return route["file"] in self.files
        if path.endswith("/"):
            return path + "index.html" in self.files
        return path in self.files

    def flush(self) -> None:
        for path, data in self.files.items():
            rel = path.lstrip("/")
            target = self.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (self.root / "_routes.json").write_text(json.dumps(self.routes, ensure_ascii=False, indent=1,
                                                           sort_keys=True), encoding="utf-8")

    # -- truth of columns, items and details --

    def item_truth(self, col: Column, art: Article) -> dict[str, Any]:
        if col.date_style == "none":
            published, source = None, None
        elif col.date_style == "url":
            published, source = art.date.isoformat(), "url"
        else:
            published, source = art.date.isoformat(), "list"
        return {"title": art.title, "url": self.url(art.path), "published": published, "date_source": source,
                "pinned": art.pinned}

    def record_column(self, col: Column) -> None:
        self.truth.columns.append({
            "url": self.url(col.path),
            "name": col.name,
            "category": "disclosure" if SECTION_MEANS_DISCLOSURE_CATEGORY and col.section else col.category,
            "kind": col.kind,
            "disclosure_section": col.section,
            "placeholder": col.placeholder,
            "pages": len(col.page_paths) if col.kind == "list" else 1,
            "items": [self.item_truth(col, a) for a in col.items] if col.kind == "list" else [],
        })

    def homepage_item(self, art: Article) -> None:
        self.truth.homepage_items.append({"title": art.title, "url": self.url(art.path),
                                          "published": art.date.isoformat()})

    def detail_meta(self, page: Page, values: dict[str, str]) -> None:
        self.truth.details[page.url] = values

    # -- self-checks --

    def check(self, rules: Any) -> None:
        for col in self.columns:
            # the truth states category and section outright; they must be what CONTRACT's rules give
            url = self.url(col.path)
            if rules.classify(col.name) != col.category:
                raise AssertionError(f"{self.site_id}: {col.name} is {rules.classify(col.name)}, declared {col.category}")
            if rules.disclosure_section(col.name, url) != col.section:
                raise AssertionError(f"{self.site_id}: {col.name} section {rules.disclosure_section(col.name, url)}, "
                                     f"declared {col.section}")
        self._check_targets()
        self._check_reachable()
        self._check_columns(rules)

    def _check_targets(self) -> None:
        for rec in self.truth.links.values():
            if not self.is_internal(rec.target) or rec.target in self.truth.broken:
                continue
            if not self.serves(rec.target):
                raise AssertionError(f"{self.site_id}: {rec.source} links to missing {rec.target}")
        for url, b in self.truth.broken.items():
            if b["error_class"] != "soft_404" and self.is_internal(url) and self.serves(url):
                raise AssertionError(f"{self.site_id}: planted broken {url} is served")

    def _follows(self, url: str, tag: str) -> bool:
        """Whether a crawler fetches this link target as a page of the site."""
        path = urlsplit(url).path.lower()
        return (tag in ("a", "area", "iframe", "frame", "pager") and self.is_internal(url)
                and not path.endswith(NON_PAGE_EXTS) and not path.endswith(ATTACHMENT_EXTS))

    def _check_reachable(self) -> None:
        out: dict[str, list[tuple[str, str]]] = {}
        for rec in self.truth.links.values():
            out.setdefault(rec.source, []).append((rec.target, rec.tag))
        for source, target in self.walks:
            out.setdefault(source, []).append((target, "pager"))
        depth = {self.home: 0}
        queue = [self.home]
        while queue:
            cur = queue.pop(0)
            for target, tag in out.get(cur, []):
                if self._follows(target, tag) and target not in depth:
                    depth[target] = depth[cur] + 1
                    queue.append(target)
        for url in self.truth.pages:
            if url not in depth:
                raise AssertionError(f"{self.site_id}: page {url} is written but not linked")
            if depth[url] > 8:
                raise AssertionError(f"{self.site_id}: page {url} is deeper than the crawl depth")

    def _is_detail(self, url: str) -> bool:
        """What the page is decides, not its URL: ShowArticle.aspx?ArticleID= is a detail, sqyw.htm a column."""
        kind = self.truth.pages.get(url)
        return kind == "detail" if kind is not None else is_article_like(url)

    def _is_column_page(self, url: str) -> bool:
        kind = self.truth.pages.get(url)
        return kind == "column" if kind is not None else is_column_like(url)

    def _check_columns(self, rules: Any) -> None:
        """Column discovery per CONTRACT, replayed on the recorded links; must give the declared set."""
        exclude = set(rules.nav_exclude)
        hubs = list(rules.disclosure_hub)
        declared = {self.url(c.path): c for c in self.columns}
        by_source: dict[str, list[Any]] = {}
        for rec in self.truth.links.values():
            if rec.tag == "a":
                by_source.setdefault(rec.source, []).append(rec)
        names: dict[str, set[str]] = {}
        order: list[str] = []

        def candidate(target: str, anchor: str) -> None:
            if (not self.is_internal(target) or self._is_detail(target) or target == self.home or not anchor
                    or anchor in exclude):
                return
            if target not in names:
                names[target] = set()
                order.append(target)
            names[target].add(anchor)

        def uses(source: str, region: str | None = None) -> list[tuple[str, str, str]]:
            return [(rec.target, reg, anchor) for rec in by_source.get(source, []) for reg, anchor in sorted(rec.uses)
                    if region is None or reg == region]

        for target, _, anchor in uses(self.home, "nav"):
            candidate(target, anchor)
        for target, _, anchor in uses(self.home):
            if any(h in anchor for h in hubs):
                candidate(target, anchor)
        i = 0
        while i < len(order):
            url = order[i]
            i += 1
            col = declared.get(url)
            if col is None:
                raise AssertionError(f"{self.site_id}: undeclared column candidate {url} {names[url]}")
            body_col_links = {t for t, _, _ in uses(url, "body")
                              if self.is_internal(t) and self._is_column_page(t) and t not in (url, self.home)}
            for target, _, anchor in uses(url, "side"):
                candidate(target, anchor)
            if col.kind == "hub":
                if len(body_col_links) < 2:
                    raise AssertionError(f"{self.site_id}: hub {url} has < 2 column links")
                for target, _, anchor in uses(url, "body"):
                    if target in body_col_links:
                        candidate(target, anchor)
            elif col.kind == "page" and len(body_col_links) >= 2:
                raise AssertionError(f"{self.site_id}: page column {url} looks like a hub")
        for url, found in names.items():
            if found != {declared[url].name}:
                raise AssertionError(f"{self.site_id}: column {url} named {found}, declared {declared[url].name}")
        missing = set(declared) - set(names)
        if missing:
            raise AssertionError(f"{self.site_id}: declared columns not discoverable: {sorted(missing)}")
