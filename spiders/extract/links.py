"""Every link of a crawled HTML page (CONTRACT "Links recorded")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from core.urls import as_written, canonical
from spiders.extract.regions import regions_for
from spiders.extract.text import collapse
from spiders.extract.urls import base_url

# (tag, attr) pairs whose value is a link target
LINK_ATTRS: dict[str, str] = {
    "a": "href", "area": "href", "img": "src", "script": "src", "link": "href", "iframe": "src",
    "frame": "src", "embed": "src", "source": "src", "object": "data",
}
SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:")
# <link rel=...> values that name a host to warm up, not a resource
SKIP_LINK_RELS = frozenset({"dns-prefetch", "preconnect"})
ANCHOR_MAX = 200

# browsers drop ASCII tab/newline anywhere in a URL and strip surrounding whitespace
_TAB_NL = re.compile(r"[\t\n\r]")
# a URL that canonical() would return unchanged: lowercase http(s) host, no port/query/fragment,
# a path of unreserved characters only (the hot path on pages with 100k links)
_ALREADY_CANONICAL = re.compile(r"^https?://[a-z0-9.\-]+(?::([1-9]\d{0,4}))?/[A-Za-z0-9/._\-]*$")


@dataclass
class RawLink:
    url: str  # absolute, canonical
    tag: str
    attr: str
    anchor: str
    region: str
    written: str | None = None  # the URL to request when it differs from `url` (query as written)


_UNSEEN: Any = object()


class Resolver:
    """href -> absolute canonical http(s) URL (or None to skip), memoised per page.

    Paths of plain characters ("/a/b.html", "b.html", "../../gkml/t1.shtml") are their folder's
    URL, resolved once per page, plus the file name, which is what urljoin would make of them;
    everything else goes through resolve()."""

    __slots__ = ("_cache", "_dirs", "_http", "base", "encoding")

    def __init__(self, base: str, encoding: str | None = None) -> None:
        self.base = base
        self.encoding = encoding
        self._cache: dict[str, str | None] = {}
        self._dirs: dict[str, str] = {}
        try:
            self._http = urlsplit(base).scheme.lower() in ("http", "https")
        except ValueError:
            self._http = False

    def __call__(self, value: str | None) -> str | None:
        if value is None:
            return None
        if self._http and "//" not in value and _PATH_CHARS.match(value):
            # a path of plain characters ("/a/b.html", "b.html", "../../gkml/202611/t1.shtml"):
            # its folder is resolved once per page (a list repeats it on every row) and the file
            # name appended, as urljoin's segment walk would; unless the result would not be
            # canonical as it stands, or the last segment is a dot segment. Cheaper than a
            # lookup in the cache, so not kept in it
            cut = value.rfind("/") + 1
            name = value[cut:]
            if name != "." and name != "..":
                prefix = self._dirs.get(value[:cut])
                if prefix is None:
                    prefix = self._folder(value[:cut])
                if prefix:
                    return prefix + name
        result = self._cache.get(value, _UNSEEN)
        if result is not _UNSEEN:
            return result
        result = resolve(self.base, value, self.encoding)
        if len(self._cache) < 200_000:
            self._cache[value] = result
        return result

    def _folder(self, folder: str) -> str:
        """The absolute URL of a folder path, "" when not canonical as it stands (memoised)."""
        try:
            joined = urljoin(self.base, folder + "x")[:-1]
        except ValueError:
            joined = ""
        # the file name's characters keep a canonical URL canonical
        prefix = joined if joined and _is_canonical(joined + "x") else ""
        if len(self._dirs) < 10_000:
            self._dirs[folder] = prefix
        return prefix


# a path without scheme, host, query, fragment or escapes ("/a/b.html", "../../gkml/t1.shtml")
_PATH_CHARS = re.compile(r"^[A-Za-z0-9/._\-]+$")


def _is_canonical(url: str) -> bool:
    """True when canonical(url) == url, decided cheaply (False means: unknown, call it)."""
    m = _ALREADY_CANONICAL.match(url)
    return bool(m) and (m.group(1) is None or (m.group(1) not in ("80", "443") and int(m.group(1)) < 65536))


def resolve(base: str, value: str, encoding: str | None = None) -> str | None:
    """An attribute value as a crawlable URL: None for empty, '#...'-only, javascript:, mailto:,
    tel:, data:, about: and anything that is not http(s) after resolving. `encoding` (the page's)
    percent-encodes raw non-ASCII in the query as a browser would."""
    value = _TAB_NL.sub("", value.strip())
    if not value or value.startswith("#"):
        return None
    low = value[:12].lower()
    if low.startswith(SKIP_SCHEMES):
        return None
    try:
        url = urljoin(base, value)
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme not in ("http", "https"):
        return None
    if _is_canonical(url):
        return url
    try:
        return canonical(url, encoding=encoding)
    except (ValueError, UnicodeError):
        return None


def written_form(base: str, value: str | None, url: str, encoding: str | None = None) -> str | None:
    """The absolute URL as the page wrote it, when requesting it differs from requesting its
    canonical form `url` (a query whose order or session parameters canonical() changed)."""
    if not value or "?" not in value or "?" not in url:
        return None
    try:
        written = as_written(urljoin(base, _TAB_NL.sub("", value.strip())), encoding=encoding)
    except ValueError:
        return None
    return written if written != url else None


def anchor_text(el: Any) -> str:
    """What a person sees as the link: its text, else an image's alt, else the title attribute."""
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in ("a", "area"):
        text = collapse("".join(_visible_itertext(el)))
        if not text:
            if tag == "area":
                text = collapse(el.get("alt"))
            else:
                for img in el.iter("img"):
                    text = collapse(img.get("alt"))
                    if text:
                        break
        if not text:
            text = collapse(el.get("title"))
    elif tag == "img":
        text = collapse(el.get("alt")) or collapse(el.get("title"))
    else:
        text = collapse(el.get("title"))
    return text[:ANCHOR_MAX]


def _visible_itertext(el: Any):
    if el.text and isinstance(el.tag, str):
        yield el.text
    for child in el:
        if isinstance(child.tag, str) and child.tag.lower() not in ("script", "style"):
            yield from _visible_itertext(child)
        if child.tail:
            yield child.tail


def extract_links(sel: Selector, page_url: str, encoding: str | None = None,
                  limit: int | None = None) -> list[RawLink]:
    """All link targets of the page in document order, each (url, tag, attr) once (the first
    occurrence gives anchor and region). `encoding` is the page's (see resolve). With `limit`, the
    first `limit` links only: a page of 100,000 links is not worth seconds of the crawl's single
    thread (count_link_elements says how many there were)."""
    root = sel.root
    if not isinstance(getattr(root, "tag", None), str):
        return []
    resolver = Resolver(base_url(sel, page_url), encoding)
    regions = regions_for(root)
    seen: set[tuple[str, str, str]] = set()
    out: list[RawLink] = []
    for el in root.iter(*LINK_ATTRS):
        tag = el.tag.lower()
        attr = LINK_ATTRS[tag]
        url = resolver(el.get(attr))
        if url is None:
            continue
        if tag == "link":
            rels = set((el.get("rel") or "").lower().split())
            if rels & SKIP_LINK_RELS:
                continue
        key = (url, tag, attr)
        if key in seen:
            continue
        seen.add(key)
        out.append(RawLink(url=url, tag=tag, attr=attr, anchor=anchor_text(el), region=regions.of(el),
                           written=written_form(resolver.base, el.get(attr), url, encoding)))
        if limit is not None and len(out) >= limit:
            break
    return out


def count_link_elements(sel: Selector) -> int:
    """How many elements of the page carry a link attribute (duplicates and non-http included)."""
    root = sel.root
    if not isinstance(getattr(root, "tag", None), str):
        return 0
    return int(root.xpath(_COUNT_XPATH))


_COUNT_XPATH = "count(" + " | ".join(f"//{tag}[@{attr}]" for tag, attr in LINK_ATTRS.items()) + ")"
