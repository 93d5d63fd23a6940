"""Column (栏目) discovery and page classification (CONTRACT "Columns").

Candidates are internal links, named by their anchor text, found in
  (a) the homepage's nav regions, (d) homepage anchors naming the disclosure hub (政府信息公开 …)
  wherever they are, (b) the side regions of column pages, (c) the body of hub pages;
never the homepage itself, nav_exclude texts, empty texts or article-like URLs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from parsel import Selector

from core.registry import ColumnRules
from core.urls import canonical
from spiders.extract.entries import ListResult
from spiders.extract.links import Resolver
from spiders.extract.pager import PagerResult
from spiders.extract.regions import BODY, NAV, SIDE, regions_for, tokens
from spiders.extract.text import compact
from spiders.extract.urls import base_url, is_attachment

# containers and anchors of a breadcrumb (当前位置：首页 > 信息公开 > …): links to the page's
# ancestors, never sub-columns
BREADCRUMB_TOKENS = frozenset({
    "crumb", "crumbs", "breadcrumb", "breadcrumbs", "position", "location", "dqwz", "weizhi",
    "dangqianweizhi", "curpos", "currentpath", "mbx",
})
# the link classes Hanweb (bt_link) and TRS (CurrChnlCls) give breadcrumb anchors
BREADCRUMB_ANCHOR_CLASSES = frozenset({"bt_link", "currchnlcls"})
# a link naming the 政府信息公开 section is short; a document title mentioning it is longer
HUB_NAME_MAX = 10
# a hub's links name sub-columns (2-10 characters, 法定主动公开内容, 政府信息公开年报); longer texts
# are documents' titles
SUB_COLUMN_NAME_MAX = 12
# the longest name a menu gives a column (重大建设项目批准和实施领域信息公开)
COLUMN_NAME_MAX = 24
_TRUNCATED = re.compile(r"(\.{2,}|…+|\.\.\.)$")
_INDEX_FILE = re.compile(r"/(index|default)\.(html?|shtml|jsp|aspx|php)$", re.I)


@dataclass
class ColumnLink:
    name: str
    url: str  # absolute, canonical
    region: str


def column_name(a: Any) -> str:
    """The anchor text without whitespace; a title attribute wins over a truncated text."""
    text = compact("".join(a.itertext()))
    title = compact(a.get("title"))
    if title and text != title:
        core = _TRUNCATED.sub("", text)
        if core != text or (title.startswith(core) and len(title) > len(core)):
            return title
    return text


def _page_key(url: str) -> str:
    """A URL with a trailing index/default file dropped: /zwgk/ and /zwgk/index.html are one page."""
    return _INDEX_FILE.sub("/", url)


def _same_page(a: str, b: str | None) -> bool:
    return b is not None and _page_key(a) == _page_key(b)


def _canon(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return canonical(url)
    except ValueError:
        return None


class _Collector:
    def __init__(self, sel: Selector, page_url: str, is_internal: Callable[[str], bool],
                 rules: ColumnRules | None, home_url: str | None) -> None:
        self.resolver = Resolver(base_url(sel, page_url))
        self.is_internal = is_internal
        self.exclude = {compact(x).casefold() for x in (rules.nav_exclude if rules else [])}
        self.home = _canon(home_url)
        self.page = _canon(page_url)
        self.seen: set[str] = set()
        self.out: list[ColumnLink] = []

    def candidate(self, a: Any, region: str, *, max_name: int | None = None) -> str | None:
        """Add the anchor if it names a column; return its URL when it qualified."""
        url = self.resolver(a.get("href"))
        if url is None or is_attachment(url) or not self.is_internal(url):
            return None  # a menu link is a column whatever its URL looks like (.htm, ?id=); a file is not
        if _same_page(url, self.home) or _same_page(url, self.page):
            return None
        name = column_name(a)
        if not name or name.casefold() in self.exclude or name.casefold() in MORE_TEXTS:
            return None  # a "more" link leads to a column but does not name it
        if max_name is not None and len(name) > max_name:
            return None  # a document's title, not a column's name
        if url not in self.seen:
            self.seen.add(url)
            self.out.append(ColumnLink(name=name, url=url, region=region))
        return url


def column_candidates(sel: Selector, page_url: str, is_internal: Callable[[str], bool],
                      rules: ColumnRules, *, homepage: bool, home_url: str | None = None,
                      entries: set[str] | frozenset[str] = frozenset()) -> list[ColumnLink]:
    """Column candidates of one page, in contract order: on the homepage the nav-region links,
    then links whose text contains a disclosure-hub name (anywhere on the page); on other pages
    the side-region links but the page's own list `entries`. `home_url` (default: the page itself
    when `homepage`) and the page itself are excluded."""
    root = sel.root
    if not isinstance(getattr(root, "tag", None), str):
        return []
    regions = regions_for(root)
    col = _Collector(sel, page_url, is_internal, rules, home_url or (page_url if homepage else None))
    anchors = [a for a in root.iter("a") if a.get("href")]
    if homepage:
        for a in anchors:
            if regions.of(a) == NAV:
                col.candidate(a, NAV)
        hubs = [compact(h) for h in rules.disclosure_hub if compact(h)]
        for a in anchors:
            text = compact("".join(a.itertext())) or compact(a.get("title"))
            # an entry's title that mentions 政府信息公开 (…工作年度报告) is a document, not the section
            if len(text) <= HUB_NAME_MAX and any(h in text for h in hubs):
                col.candidate(a, regions.of(a))
    else:
        # a column page's left menu: its section's sub-columns
        # (not the page's own list entries: a layout may call its main column "left")
        col.seen.update(entries)
        for a in anchors:
            if regions.of(a) == SIDE:
                col.candidate(a, SIDE, max_name=COLUMN_NAME_MAX)
    return col.out


def _in_breadcrumb(a: Any) -> bool:
    if {c.lower() for c in (a.get("class") or "").split()} & BREADCRUMB_ANCHOR_CLASSES:
        return True
    node = a.getparent()
    for _ in range(6):  # a breadcrumb wraps its links closely
        if node is None or not isinstance(node.tag, str):
            break
        if (set(tokens(node.get("class"))) | set(tokens(node.get("id")))) & BREADCRUMB_TOKENS:
            return True
        node = node.getparent()
    return False


def hub_links(sel: Selector, page_url: str, is_internal: Callable[[str], bool], *,
              rules: ColumnRules | None = None, home_url: str | None = None) -> list[ColumnLink]:
    """Links of the body region naming internal sub-columns (candidates (c) of a hub page: short
    names, whatever the URLs look like), each URL once; the page itself, the homepage, breadcrumb
    links (the page's ancestors), documents' titles, files and, with `rules`, nav_exclude texts
    are left out."""
    root = sel.root
    if not isinstance(getattr(root, "tag", None), str):
        return []
    regions = regions_for(root)
    col = _Collector(sel, page_url, is_internal, rules, home_url)
    for a in root.iter("a"):
        if not a.get("href") or regions.of(a) != BODY or _in_breadcrumb(a):
            continue
        url = col.resolver(a.get("href"))
        if url is None or _same_page(url, col.page):
            continue
        col.candidate(a, BODY, max_name=SUB_COLUMN_NAME_MAX)
    return col.out


HUB_MIN_BLOCKS = 2


def hub_blocks(sel: Selector, page_url: str, is_internal: Callable[[str], bool], *,
               rules: ColumnRules | None = None, home_url: str | None = None) -> list[ColumnLink]:
    """A section landing page's sub-columns when the page is a hub of titled blocks (each a
    heading or a "more" link over a list); [] on a page with fewer blocks (a list page)."""
    return block_columns(sel, page_url, is_internal, rules=rules, home_url=home_url, min_blocks=HUB_MIN_BLOCKS)


def classify_page(list_result: ListResult | None, pager: PagerResult | None, hub_links: list[ColumnLink]) -> str:
    """'list' (entries, a placeholder or a pager), else 'hub' (>= 2 sub-column links in the body),
    else 'page' (a single article such as 政府信息公开指南)."""
    if list_result is not None and list_result.meta.get("page_kind") == "detail":
        return "page"  # one document (an article with its attachments), whatever links it shows
    if list_result is not None and list_result.meta.get("page_kind") == "hub":
        return "hub"  # titled blocks leading to sub-columns
    if list_result is not None and (list_result.entries or list_result.placeholder
                                    or list_result.meta.get("empty_list")):
        return "list"
    if pager is not None and pager.kind:
        return "list"
    if len(hub_links) >= 2:
        return "hub"
    return "page"


# --- titled blocks: a heading (or a "more" link) over a list --------------------------------

HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
HEADING_TOKENS = frozenset({"tit", "title", "titles", "hd", "tab", "tabs", "bt", "lmmc", "lm", "name", "caption"})
MORE_TEXTS = frozenset({"更多", "more", "更多>>", "更多>", "更多+", "+更多", "more+", "more>>", "more>", "查看更多", "更多»",
                        ">>", "+", "more»"})
MORE_TOKENS = frozenset({"more", "gd", "gengduo"})


def _heading_of(a: Any) -> Any | None:
    """The heading element (h1-h6, or a title/tab bar by class) the link sits in, if any."""
    node = a.getparent()
    for _ in range(3):
        if node is None or not isinstance(node.tag, str):
            return None
        if node.tag in HEADING_TAGS or set(tokens(node.get("class"))) & HEADING_TOKENS:
            return node
        node = node.getparent()
    return None


def _is_more(a: Any) -> bool:
    text = compact("".join(a.itertext())).casefold()
    if text in MORE_TEXTS:
        return True
    if set(tokens(a.get("class"))) & MORE_TOKENS:
        return True
    if text or compact(a.get("title")):
        return False
    # an icon or arrow: <a><img src="more.png"></a>, or a bare link in the block's title bar
    for img in a.iter("img"):
        src = ((img.get("src") or "") + " " + (img.get("alt") or "")).casefold()
        if "more" in src or "gengduo" in src or "更多" in src:
            return True
    return _heading_of(a) is not None


def _block_of(node: Any, has_list: Callable[[Any], bool]) -> Any | None:
    """The smallest ancestor of a heading that also holds a list (the block it titles)."""
    cur = node.getparent()
    for _ in range(4):
        if cur is None or not isinstance(cur.tag, str) or cur.tag == "body":
            return None
        if has_list(cur):
            return cur
        cur = cur.getparent()
    return None


def _heading_text(block: Any, more: Any) -> str:
    """The block's name: the text of its heading element (or of the element holding the more
    link), the more link's own text left out."""
    inside = set(more.iter())
    for el in block.iter():
        if not isinstance(el.tag, str) or el in inside:
            continue
        if el.tag in HEADING_TAGS or set(tokens(el.get("class"))) & HEADING_TOKENS:
            parts = [t for t in _texts_outside(el, inside)]
            name = compact("".join(parts))
            if 2 <= len(name) <= 20:
                return name
    return ""


def _texts_outside(el: Any, inside: set[Any]) -> list[str]:
    out = []
    if el.text and el not in inside:
        out.append(el.text)
    for child in el:
        if child in inside:
            if child.tail:
                out.append(child.tail)
            continue
        if isinstance(child.tag, str) and child.tag not in ("script", "style"):
            out.extend(_texts_outside(child, inside))
        if child.tail:
            out.append(child.tail)
    return out


def block_columns(sel: Selector, page_url: str, is_internal: Callable[[str], bool], *,
                  rules: ColumnRules | None = None, home_url: str | None = None,
                  min_blocks: int = 1) -> list[ColumnLink]:
    """Columns the page's titled blocks lead to: a link in a block's heading (a tab bar of
    column names over lists), and a block's "more" link, named from the block's heading even
    when the link has no text. Blocks are body-region containers that hold a list of links.
    With `min_blocks`, nothing unless that many distinct blocks lead to columns (a hub)."""
    root = sel.root
    if not isinstance(getattr(root, "tag", None), str):
        return []
    regions = regions_for(root)
    col = _Collector(sel, page_url, is_internal, rules, home_url)
    list_items: dict[Any, int] = {}
    for a in root.iter("a"):
        if not a.get("href"):
            continue
        item = a.getparent()
        while item is not None and item.tag not in ("li", "tr", "dd"):
            item = item.getparent()
        if item is not None:
            parent = item.getparent()
            list_items[parent] = list_items.get(parent, 0) + 1

    lists = {p for p, n in list_items.items() if n >= 2}

    def has_list(el: Any) -> bool:
        return any(p is el or _is_descendant_of(p, el) for p in lists)

    keys: set[str] = set()  # columns by page (/x/ and /x/index.html are one)
    blocks: set[Any] = set()
    for a in root.iter("a"):
        if not a.get("href") or regions.of(a) != BODY or _in_breadcrumb(a):
            continue
        heading = _heading_of(a)
        more = _is_more(a)
        if heading is None and not more:
            continue
        block = _block_of(heading if heading is not None else a, has_list)
        if block is None:
            continue
        if more:
            name = _heading_text(block, a)
            url = col.resolver(a.get("href"))
            if not name or url is None or not is_internal(url) or _same_page(url, col.home):
                continue
            if name.casefold() in col.exclude or _same_page(url, col.page) or _page_key(url) in keys:
                continue
            col.seen.add(url)
            col.out.append(ColumnLink(name=name, url=url, region=BODY))
        else:
            url = col.resolver(a.get("href"))
            if url is not None and not _same_page(url, col.page) and _page_key(url) not in keys:
                col.candidate(a, BODY)
        if col.out and _page_key(col.out[-1].url) not in keys:
            keys.add(_page_key(col.out[-1].url))
            blocks.add(block)
    return col.out if min_blocks <= len(blocks) else []


def _is_descendant_of(el: Any, ancestor: Any) -> bool:
    node = el.getparent()
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False
