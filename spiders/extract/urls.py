"""URL shapes of the crawl contract: column-like, article-like, attachment; and the page's base URL."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote, urljoin, urlsplit

from parsel import Selector

ATTACHMENT_EXTS: tuple[str, ...] = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar", ".wps", ".txt", ".ppt", ".pptx", ".et", ".ofd",
)
ARTICLE_EXTS: tuple[str, ...] = (".html", ".htm", ".shtml")
# Extensions that are never HTML: requested as link checks (HEAD), not parsed.
NON_PAGE_EXTS = frozenset({
    ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".svg", ".ico", ".css", ".js", ".mp4", ".mp3",
    ".flv", ".swf", ".woff", ".woff2", ".ttf", ".eot", ".avi", ".wmv", ".exe", ".apk", ".tif", ".tiff",
})

_COLUMN_BASENAME = re.compile(r"^(index|list|default)(_\d+)?\.(html|htm|shtml|jsp|aspx|php)$", re.I)
# a download script naming the file in its query (Hanweb /module/download/downfile.jsp?filename=x.pdf)
_QUERY_FILE = re.compile(r"=[^&]*(" + "|".join(re.escape(e) for e in ATTACHMENT_EXTS) + r")(?:&|$)", re.I)


def _path(url: str) -> str:
    try:
        return unquote(urlsplit(url.strip()).path)
    except ValueError:
        return ""


def basename(url: str) -> str:
    return _path(url).rsplit("/", 1)[-1]


# the links every page of a site repeats (navigation, footer) stay cached; a cache the size of
# the sites would keep every URL a crawl met, and its memory would grow with them
URL_CACHE = 8192


@lru_cache(maxsize=URL_CACHE)
def is_attachment(url: str) -> bool:
    """A document download: the path (or a download script's file parameter) ends in an
    attachment extension."""
    path = _path(url).lower()
    if path.endswith(ATTACHMENT_EXTS):
        return True
    try:
        query = urlsplit(url.strip()).query
    except ValueError:
        return False
    return bool(query) and bool(_QUERY_FILE.search(unquote(query)))


@lru_cache(maxsize=URL_CACHE)
def is_column_like(url: str) -> bool:
    """Path ends with '/' (or is empty), or the basename is index/list/default[_N].<page ext>."""
    path = _path(url)
    if not path or path.endswith("/"):
        return True
    return bool(_COLUMN_BASENAME.match(path.rsplit("/", 1)[-1]))


@lru_cache(maxsize=URL_CACHE)
def is_article_like(url: str) -> bool:
    """Any other .html/.htm/.shtml page, or an attachment."""
    if is_column_like(url):
        return False
    path = _path(url).lower()
    return path.endswith(ARTICLE_EXTS) or is_attachment(url)


def base_url(sel: Selector, page_url: str) -> str:
    """The URL relative links resolve against: the first <base href>, itself resolved against the
    page URL, else the page URL."""
    for href in sel.xpath("//base/@href").getall():
        href = href.strip()
        if href and not href.lower().startswith(("javascript:", "data:", "mailto:", "about:")):
            try:
                return urljoin(page_url, href)
            except ValueError:
                break
    return page_url


def extension(url: str) -> str:
    """The lowercase extension of the URL's last path segment ('' when it has none)."""
    path = _path(url).lower()
    dot = path.rfind(".")
    return path[dot:] if dot > path.rfind("/") else ""


def is_detail_target(url: str) -> bool:
    """A list entry's target worth reading as a detail page: anything but a download, an image,
    a script or another non-page file. What the page is comes from its content, not its URL."""
    if "#" in url:
        return False  # a record a script opens by its id (records.py): no page of its own
    return not is_attachment(url) and extension(url) not in NON_PAGE_EXTS
