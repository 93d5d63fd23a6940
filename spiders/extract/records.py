"""Record regions of a page: repeated sibling structures each carrying a link (and usually a date).

The idea of data-record extraction (MDR / DEPTA): the items of a list are siblings of the same
shape under one parent, each with a link, most with a date. Every parent's element children are
grouped by tag; a group of linked children is a candidate region. Regions are ranked so that the
main list beats navigation menus (short link texts, no dates), side boxes (热门排行, 图片新闻: a
heading that says so, fewer and undated records), groups of blocks (each child holding a whole
list: a hub or a homepage) and footers (never a candidate). URL shapes play no part: an .aspx,
.jsp, .php or query-only link is an entry like any other.

Pure functions over an lxml tree, linear in the page size.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from spiders.extract.dates import date_from_url
from spiders.extract.links import Resolver
from spiders.extract.regions import BODY, FOOTER, HEADER, NAV, SIDE, RegionMap
from spiders.extract.text import collapse
from spiders.extract.urls import is_attachment

RECORD_TAGS = frozenset({"li", "tr", "dd", "dt", "div", "p", "section", "article", "span", "h3", "h4", "td"})
SKIP_TAGS = frozenset({"script", "style", "head", "select", "option", "noscript", "template", "textarea"})
# headings of boxes that repeat other content (popular, recommended, pictures, friendly links)
SIDE_BOX_WORDS = ("热门", "排行", "推荐", "热点", "图片新闻", "图片", "相关", "友情链接", "热搜", "点击", "猜你", "最新文章")
# a date anywhere in a record's text (full or short form); the exact value is read later
_DATE_HINT = re.compile(r"(?<!\d)(?:(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}|\d{1,2}\s*[-/.月]\s*\d{1,2}(?!\d))")
# an undated region's titles must average this many characters
MIN_UNDATED_TITLE = 10
# a body list wins over a side-column list scoring up to this many times more
BODY_PREFERENCE = 0.2
MORE_WORDS = frozenset({"更多", "更多>>", "more", "更多+", "详细", "详情", "查看", "查看更多", "more+", "更多»"})
_MORE_PAD = "> »+"
_MORE_LEN = max(map(len, MORE_WORDS))
_DIGITS_RUN = re.compile(r"\d+")
_NUMERIC = re.compile(r"^[\s\d\[\]【】()（）.<>«»‹›…]*$")


@dataclass(slots=True)
class Record:
    item: Any  # the record element (an li, tr, dd, div ...)
    a: Any  # its title link
    url: str  # absolute, canonical
    title_attr: str | None = None  # the link's title attribute collapsed, when read


@dataclass
class Region:
    container: Any
    records: list[Record]
    score: float
    dated: float  # share of records showing a date
    block: bool = False  # each record holds a whole list of its own (a group of blocks)
    region: str = "body"
    depth: int = 0
    order: int = 0
    # a region judged on a sample reads all its records when chosen
    complete: Callable[[], list[Record]] | None = None

    def read_all(self) -> Region:
        if self.complete is not None:
            self.records, self.complete = self.complete(), None
        return self


def _title_text(a: Any, title_attr: str | None = None) -> str:
    """The title a link shows: its title attribute (`title_attr` when already collapsed), else
    its text, else an image's alt."""
    if title_attr is None:
        title_attr = collapse(a.get("title"))
    text = title_attr or collapse("".join(a.itertext()))
    if not text:
        for img in a.iter("img"):
            text = collapse(img.get("alt"))
            if text:
                break
    return text


def record_text(el: Any, cap: int = 400) -> str:
    """The visible text of a record (scripts and styles left out), cut after `cap` characters:
    enough to find its date, bounded on a page of huge wrappers."""
    parts: list[str] = []
    size = 0
    stack = [el]
    while stack and size < cap:
        node = stack.pop()
        if isinstance(node, str):
            parts.append(node)
            size += len(node)
            continue
        if not isinstance(node.tag, str) or node.tag in SKIP_TAGS:
            if node is not el and node.tail:
                parts.append(node.tail)
            continue
        if node is not el and node.tail:
            stack.append(node.tail)
        stack.extend(reversed(list(node)))
        if node.text:
            stack.append(node.text)
    return collapse(" ".join(parts))[:cap]


_NO_LINK = ("javascript:", "mailto:", "tel:", "#", "about:", "data:")  # 11 characters at most
# what such an href can start with (no other character lowercases to one of these)
_NO_LINK_FIRST = frozenset("#jJmMtTaAdD")


# onclick="getDetail(this.id)" / onclick="showInfo('8a8f…')": a record opened by its id
_ONCLICK_ID = re.compile(r"""^\s*(?:return\s+)?[A-Za-z_$][\w$.]*\s*\(\s*(this\.id|["']([\w\-]{4,64})["'])\s*\)""")


class _Index:
    """Per page: the links that can be entries (`anchors`, in document order), the elements
    holding them, and each link's URL and title, read once."""

    def __init__(self, root: Any, resolver: Resolver, regions: RegionMap, here: str | None) -> None:
        self.root = root
        self.regions = regions
        self.resolver = resolver
        self.here = here
        self.anchors: list[Any] = []
        self._hrefs: list[str] = []
        self.linked: dict[Any, list[Any] | tuple[()]] = {}
        self.parents: list[Any] = []
        self._first: dict[Any, int] = {}
        self._pos: dict[Any, int] = {}
        self._tree()
        # per link (by position in `anchors`), once read: its URL, title, title attribute
        # (collapsed) and title weight (_link_weight; -1 without a URL, None while unread)
        n = len(self.anchors)
        self.urls: list[str | None] = [None] * n
        self.titles: list[str] = [""] * n
        self.title_attrs: list[str] = [""] * n
        self._weights: list[int | None] = [None] * n

    def _tree(self) -> None:
        """The candidate links (`anchors`: not in the footer, not script-only without a
        handler), the elements holding one (`linked`: each with its children that hold one, in
        document order; `parents`: those with such children, in document order), the position
        of each one's first link in `anchors` (a link's own position) and its place among its
        parent's linked children. Walking up from each link (links come in document order)
        finds every such element once; the part of a walk not found before, reversed, comes
        next in document order. A link holding links (no page should) is a parent from the walk
        that finds it with no linked child yet: the next candidate link after it in document
        order is inside it, so its place among the parents is still in document order."""
        linked, first, pos, root, anchors = self.linked, self._first, self._pos, self.root, self.anchors
        known, region_of = self.regions.known, self.regions.of
        parents: list[Any] = []
        hrefs = self._hrefs
        for a in root.iter("a"):
            href = a.get("href")
            if href is None or (h := href.strip())[:1] in _NO_LINK_FIRST \
                    and h[:11].lower().startswith(_NO_LINK) and not a.get("onclick") \
                    or (known(a) or region_of(a)) == FOOTER:
                continue  # no href; a script-only one without a handler; or in the footer
            anchors.append(a)
            hrefs.append(href)
        # the walks up, in a loop of their own (two tight loops run faster than one)
        for i, a in enumerate(anchors):
            # a link comes after its ancestors and before its descendants: it is new here. It
            # holds no link (the shared empty tuple, no list per link) until one is found in it
            linked[a] = ()
            first[a] = i
            if a is root:
                continue
            node, child = a.getparent(), a
            new: Any = None  # the first element new on this walk; the others in `chain`
            chain: list[Any] | None = None
            while node is not None:
                kids = linked.get(node)
                if kids is not None:
                    if not kids:  # a link, holding its first link
                        kids = linked[node] = []
                        parents.append(node)
                    pos[child] = len(kids)
                    kids.append(child)
                    break
                linked[node] = [child]
                pos[child] = 0
                first[node] = i
                if new is None:
                    new = node
                elif chain is None:
                    chain = [new, node]
                else:
                    chain.append(node)
                if node is root:
                    break
                node, child = node.getparent(), node
            if chain is not None:
                chain.reverse()
                parents += chain
            elif new is not None:
                parents.append(new)
        self.parents = parents

    def _end(self, node: Any) -> int:
        """Where `node`'s links end in `anchors` (they start at _first[node]): at the first link
        of the next linked element after it."""
        while node is not self.root:
            parent = node.getparent()
            if parent is None:
                break
            kids = self.linked[parent]
            i = self._pos[node] + 1
            if i < len(kids):
                return self._first[kids[i]]
            node = parent
        return len(self.anchors)

    def position(self, a: Any) -> int | None:
        """The position of a candidate link in `anchors` (its `urls`, `titles`, `title_attrs`),
        read if not yet; None for any other element."""
        i = self._first.get(a)
        if i is None or self.anchors[i] is not a:
            return None
        if self._weights[i] is None:
            self._read(i)
        return i

    def _read(self, i: int) -> None:
        self._read_run(i, i + 1)

    def _read_run(self, lo: int, hi: int) -> None:
        """Read the unread links from `lo` to `hi` (a wrapper of a whole list reads thousands):
        their URLs first, then the titles of those with one (two tight loops run faster than one
        that does both)."""
        anchors, hrefs, urls, titles, attrs, weights = \
            self.anchors, self._hrefs, self.urls, self.titles, self.title_attrs, self._weights
        resolver, here = self.resolver, self.here
        unread = [i for i in range(lo, hi) if weights[i] is None]
        for i in unread:
            href = hrefs[i].strip()
            if href[:11].lower().startswith("javascript:") or href in ("", "#"):
                url = self._scripted(anchors[i])
            else:
                url = resolver(href)
                if url == here:
                    url = None
            urls[i] = url
        for i in unread:
            if urls[i] is None:
                weights[i] = -1
                continue
            a = anchors[i]
            attr = attrs[i] = collapse(a.get("title"))
            title = titles[i] = attr or _title_text(a, attr)
            # _link_weight, with its common case inline
            n = len(title)
            weights[i] = n if n > _MORE_LEN and title[0] not in _MORE_PAD and title[-1] not in _MORE_PAD \
                else _link_weight(title)

    def title(self, a: Any) -> str:
        """The title of a candidate link with a URL (_title_text)."""
        i = self.position(a)
        return "" if i is None else self.titles[i]

    def links(self, item: Any) -> tuple[Any, str, int] | None:
        """Over the candidate links of `item`'s subtree (an element of `linked`): the title link
        (the first of the heaviest, _link_weight), its URL and the number of distinct URLs, up to
        MANY_URLS (all a record's judge asks). The links of an element are a run of `anchors`,
        each read once per page: a wrapper of the whole list is judged without reading its rows
        link by link again."""
        kids = self.linked[item]
        if len(kids) == 1 and not self.linked[kids[0]] and item.tag != "a":  # the common row
            url = self.url(kids[0])
            return None if url is None else (kids[0], url, 1)
        lo, hi = self._first[item], self._end(item)
        weights = self._weights[lo:hi]
        if None in weights:
            self._read_run(lo, hi)
            weights = self._weights[lo:hi]
        best = max(weights)
        if best < 0:
            return None
        k = lo + weights.index(best)
        urls: set[str] = set()
        for url in islice(self.urls, lo, hi):
            if url is not None:
                urls.add(url)
                if len(urls) == MANY_URLS:
                    break
        return self.anchors[k], self.urls[k], len(urls)

    def url(self, a: Any) -> str | None:
        """The entry URL of a candidate link (None for mailto:, "#", the page itself, a script
        link that opens no record: _read_run); None for any other element."""
        i = self.position(a)
        return None if i is None else self.urls[i]

    def _scripted(self, a: Any) -> str | None:
        """A script-only link that opens a record by its id (`onclick="getDetail(this.id)"
        id="…"`, a POST the page's script makes) is identified as the page URL with that id as
        fragment: the record exists, it has no address of its own."""
        call = _ONCLICK_ID.match(a.get("onclick") or "")
        if call is None or self.here is None:
            return None
        ident = a.get("id") if call.group(1) == "this.id" else call.group(2)
        return f"{self.here}#{ident}" if ident else None


def _is_prose(el: Any) -> bool:
    """A block of running text (an article) rather than a list row: a row is a title, a date
    and at most a short summary."""
    return len(record_text(el, 4 * PROSE_CHARS)) >= PROSE_CHARS


def _size(el: Any, cap: int = 3000) -> int:
    """Elements in a subtree, counted up to `cap`."""
    n = 0
    for _ in el.iter():
        n += 1
        if n >= cap:
            break
    return n


TITLE_HEADERS = ("标题", "题目", "主题", "名称")  # in this order: 药物名称 is no title when 题目 exists


def title_cell(row: Any) -> int | None:
    """In a table whose header row names a title column (标题, 试验通俗题目, 文件名称 …), that
    column's index."""
    table = row.getparent()
    if table is None:
        return None
    cached = _TITLE_COL.get(table)
    if cached is not None or table in _TITLE_COL:
        return cached
    found = None
    candidates = [table.getparent()] if table.tag == "tbody" else []
    for t in [table, *candidates]:
        if t is None:
            continue
        for tr in t.iter("tr"):
            cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("th", "td")]
            if cells and all(c.tag == "th" for c in cells):
                names = [collapse("".join(c.itertext())) for c in cells]
                found = next((i for h in TITLE_HEADERS for i, name in enumerate(names) if h in name), None)
                break
        if found is not None:
            break
    if len(_TITLE_COL) > 256:
        _TITLE_COL.clear()
    _TITLE_COL[table] = found
    return found


_TITLE_COL: dict[Any, int | None] = {}


def _record_link(item: Any, index: _Index, title_col: int | None = None) -> tuple[Any, str, int] | None:
    """The title link of a record: the one in the table's title column when its header names
    one, else the one with the longest text (a leading [分类] link or a "more" arrow is not the
    title); and the number of distinct URLs in the record."""
    if title_col is None and item in index.linked:
        return index.links(item)
    anchors = list(item.iter("a"))
    if len(anchors) == 1:  # the common row: one link, nothing to choose
        url = index.url(anchors[0])
        return None if url is None else (anchors[0], url, 1)
    best: tuple[int, Any, str] | None = None
    urls: set[str] = set()
    cells = [c for c in item if isinstance(c.tag, str) and c.tag in ("td", "th")] if title_col is not None else []
    preferred = set(cells[title_col].iter("a")) if title_col is not None and title_col < len(cells) else set()
    for a in anchors:
        url = index.url(a)
        if url is None:
            continue
        urls.add(url)
        n = _link_weight(index.title(a))
        if a in preferred:
            n += 10_000
        if best is None or n > best[0]:
            best = (n, a, url)
    if best is None:
        return None
    return best[1], best[2], len(urls)


def _link_weight(title: str) -> int:
    """How much a link looks like a record's title: its title's length, none for "more"."""
    if len(title) > _MORE_LEN and title[0] not in _MORE_PAD and title[-1] not in _MORE_PAD:
        return len(title)  # too long to be a "more" (casefold never shortens)
    return len(title) if title.strip(_MORE_PAD).casefold() not in MORE_WORDS else 0


def _heading_before(container: Any) -> str:
    """Text of the nearest heading-like element before the container within its box (the
    box's title bar: 热门排行, 图片新闻 ...)."""
    node = container
    for _ in range(3):
        prev = node.getprevious()
        steps = 0
        while prev is not None and steps < 3:
            if isinstance(prev.tag, str) and prev.tag not in SKIP_TAGS:
                text = collapse("".join(prev.itertext()))
                if text:
                    return text[:40]
            prev = prev.getprevious()
            steps += 1
        node = node.getparent()
        if node is None:
            break
    return ""


def find_regions(root: Any, resolver: Resolver, regions: RegionMap, here: str | None = None,
                 page_host: str | None = None) -> list[Region]:
    """Every candidate record region of the page, best first."""
    if not isinstance(getattr(root, "tag", None), str):
        return []
    index = _Index(root, resolver, regions, here)
    if not index.anchors:
        return []
    linked, parents = index.linked, index.parents
    known, region_of = regions.known, regions.of
    out: list[Region] = []
    order = 0
    for parent in parents:
        kids = linked[parent]
        # (an element without linked children is a link, no record tag)
        if len(kids) == 1 and (not linked[kids[0]] or kids[0].tag not in RECORD_TAGS):
            continue  # no group to judge: nothing but a lone link (the row of one record)
        tag = parent.tag
        if tag in SKIP_TAGS or tag == "a":
            continue
        region = regions.of(parent)
        if region == FOOTER:
            continue
        groups: dict[str, list[Any]] = defaultdict(list)
        for child in kids:
            tag = child.tag
            # a record sits in its list's part of the page: a header or side menu next to
            # the main block is not a record of their common wrapper
            if (tag in RECORD_TAGS or tag == "a") and (known(child) or region_of(child)) == region:
                groups[tag].append(child)
        linkless: dict[str, int] | None = None
        for tag, children in groups.items():
            if tag == "a" and len(children) < 2:
                continue  # a lone link is its parent's record, not a list of bare links
            if len(parent) - len(kids) > len(children):  # else there are too few unlinked children
                if linkless is None:
                    linkless = _linkless(parent, linked)
                if linkless.get(tag, 0) > len(children):
                    continue  # paragraphs of an article around one link
            found = _score(parent, tag, children, index, region, page_host)
            if found is not None:
                found.order = order
                order += 1
                out.append(found)
    # equal scores: the deeper container (a list beats a wrapper around it), then page order
    out.sort(key=lambda r: (-round(r.score, 6), -r.depth, r.order))
    return out


def _linkless(parent: Any, linked: dict[Any, list[Any] | tuple[()]]) -> dict[str, int]:
    """Per tag, the children of `parent` without a candidate link that show something."""
    counts: dict[str, int] = defaultdict(int)
    for child in parent:
        tag = child.tag
        if isinstance(tag, str) and (tag in RECORD_TAGS or tag == "a") and child not in linked \
                and ((child.text or "").strip() or len(child)):
            counts[tag] += 1
    return counts


PROSE_CHARS = 500
# a record with this many distinct URLs holds a list of its own (a block of a hub or homepage)
MANY_URLS = 4
SAMPLE = 40  # records a region is judged on; the winner is read in full


def _sample(children: list[Any]) -> list[Any]:
    if len(children) <= SAMPLE:
        return children
    step = len(children) / (SAMPLE // 2)
    spread = [children[int(i * step)] for i in range(SAMPLE // 2)]
    return children[: SAMPLE // 2] + [c for c in spread if c not in children[: SAMPLE // 2]]


def _records(children: list[Any], tag: str, index: _Index,
             limit: int | None = None) -> tuple[list[Record], list[int]]:
    """The records of the children, each URL once, and the number of distinct URLs in each. With
    `limit`, a record of more than `limit` elements is left out (its URL still taken)."""
    records: list[Record] = []
    counts: list[int] = []
    seen: set[str] = set()
    linked, first, anchors, urls, titles, attrs, weights = \
        index.linked, index._first, index.anchors, index.urls, index.titles, index.title_attrs, index._weights
    for child in children:
        if tag == "a":
            if index.url(child) is None:
                continue
            a, n_urls = child, 1
        else:
            kids = linked.get(child)
            if kids is not None and len(kids) == 1 and not linked[kids[0]] and tag != "tr":
                a, n_urls = kids[0], 1  # the common row: one link
            else:
                found = _record_link(child, index, title_cell(child) if tag == "tr" else None)
                if found is None:
                    continue
                a, _, n_urls = found
        # index.position(a), inline
        i = first.get(a)
        if i is None or anchors[i] is not a:
            continue
        if weights[i] is None:
            index._read_run(i, i + 1)
        url = urls[i]
        if url is None or url in seen or not titles[i]:
            continue  # an icon link (share buttons, a picture without alt) titles nothing
        seen.add(url)
        records.append(Record(child, a, url, attrs[i]))
        counts.append(n_urls)
    if limit is not None:  # in a loop of its own (two tight loops run faster than one)
        small = [_size(r.item) <= limit for r in records]
        if not all(small):
            records = [r for r, ok in zip(records, small, strict=True) if ok]
            counts = [k for k, ok in zip(counts, small, strict=True) if ok]
    return records, counts


def _score(parent: Any, tag: str, children: list[Any], index: _Index, region: str,
           page_host: str | None) -> Region | None:
    sample = _sample(children)
    found, counts = _records(sample, tag, index)
    if len(found) >= 2:
        # records are alike in size: a wrapper holding the article among small link rows is none
        sizes = [_size(r.item) for r in found]
        limit = 8 * sorted(sizes)[(len(sizes) - 1) // 2] + 20
        # and among two, a block of running text is the article next to a link, not a row
        kept = [k for k, (r, size) in enumerate(zip(found, sizes, strict=True))
                if size <= limit and not (len(found) == 2 and _is_prose(r.item))]
        found, counts = [found[k] for k in kept], [counts[k] for k in kept]
    else:
        limit = None
    n = len(found)
    if n == 0:
        return None
    title_len = dated = multi = same_host = numeric = documents = url_dated = biggest = 0
    for r, n_urls in zip(found, counts, strict=True):
        text = index.title(r.a)
        if _NUMERIC.match(text):
            numeric += 1  # a pager's 1 2 3 … links
        if is_attachment(r.url):
            documents += 1
        title_len += min(len(text), 30)
        if n_urls >= MANY_URLS:
            multi += 1
        biggest = max(biggest, n_urls)
        if _DATE_HINT.search(record_text(r.item) if tag != "a" else after_text(r.item)):
            dated += 1
        elif date_from_url(r.url) is not None:
            url_dated += 1
        if page_host is None or (urlsplit(r.url).hostname or "").lower() == page_host:
            same_host += 1
    if numeric * 2 > n:
        return None
    # each styled its own way (#top, #main; left, right): layout blocks. Numbered ids of list
    # rows (line_u41_0, line_u41_1) are one style
    styles = [_DIGITS_RUN.sub("", (r.item.get("class") or "").strip() + "#" + (r.item.get("id") or "").strip())
              for r in found]
    if n >= 2 and all(st != "#" for st in styles) and len(set(styles)) == n:
        return None
    avg_len = title_len / n
    dated_share = dated / n
    if n == 1 and (biggest > 2 or not same_host):
        return None  # a layout block around several links, or one link off-site, is no list
    if not dated and not url_dated and (
            n == 1 or region != BODY or (avg_len < MIN_UNDATED_TITLE and documents * 2 <= n)):
        # one undated link, an undated side menu or a menu of short undated names (columns are
        # named in 2-8 characters, documents are titled in more) is not a list
        return None
    # the region's size: its children scaled by the share of the sample that were records
    total = n if len(sample) == len(children) else round(len(children) * n / len(sample))
    score = total * (0.2 + min(avg_len, 16) / 16) * (1 + 2 * dated_share)
    if region in (NAV, HEADER):
        score *= 0.15
    elif region == SIDE:
        score *= 0.6
    score *= 0.3 + 0.7 * same_host / n
    heading = _heading_before(parent)
    if heading and any(w in heading for w in SIDE_BOX_WORDS):
        score *= 0.3
    block = multi * 2 > n
    if block:
        score *= 0.1
    depth = sum(1 for _ in parent.iterancestors())
    region_ = Region(parent, found, score, dated_share, block, region, depth)
    if len(sample) != len(children):
        def complete() -> list[Record]:
            return _records(children, tag, index, limit)[0]
        region_.complete = complete
    return region_


def after_text(a: Any) -> str:
    """The text after a flat record's link up to the next link (its date sits there)."""
    parts = [a.tail or ""]
    node = a.getnext()
    while node is not None and node.tag != "a":
        if isinstance(node.tag, str):
            parts.append("".join(node.itertext()))
        parts.append(node.tail or "")
        node = node.getnext()
    return collapse(" ".join(parts))


def main_region(regions_found: list[Region]) -> Region | None:
    """The page's main list: the best region that is not a group of blocks, taken from the
    body of the page when the body has one, else from a side column (a layout may call its main
    column "left"), never from navigation or the header."""
    lists = [r for r in regions_found if not r.block and r.region in (BODY, SIDE)]
    if not lists:
        return None
    best = lists[0]
    if best.region != BODY:
        body = next((r for r in lists if r.region == BODY), None)
        if body is not None and body.score >= BODY_PREFERENCE * best.score:
            best = body
    return best.read_all()


# an article page: this much text outside links and outside its largest list, and more than
# ARTICLE_RATIO times the list's own text (a detail page's attachments or related links)
ARTICLE_MIN_TEXT = 500
ARTICLE_RATIO = 2.0


def is_article(root: Any, regions: RegionMap, region: Region | None) -> bool:
    """Whether the page is a single document (a detail page) rather than a list: its body carries
    far more running text outside links than its best list carries."""
    if region is not None and len(region.records) >= 10 and region.dated >= 0.5:
        return False
    skip: set[Any] = set()
    for a in root.iter("a"):
        skip.update(a.iter())
    list_text = 0
    if region is not None:
        for r in region.records:
            list_text += len(record_text(r.item))
            skip.update(r.item.iter())
    total = 0
    for el in root.iter():
        if not isinstance(el.tag, str) or el in skip or el.tag in SKIP_TAGS:
            continue
        if regions.of(el) not in (BODY, SIDE):
            continue
        if el.text:
            total += len(el.text.strip())
        for child in el:
            if child.tail and child not in skip:
                total += len(child.tail.strip())
    return total >= ARTICLE_MIN_TEXT and total >= ARTICLE_RATIO * list_text


def commented_markup(root: Any, min_links: int = 2) -> str:
    """The markup the page keeps inside HTML comments (a server-side list a template commented
    out while a script now loads the same records), when it holds links."""
    parts = []
    for c in root.iter(etree.Comment):
        text = c.text or ""
        if text.count("<a ") + text.count("<A ") >= min_links and "href" in text:
            parts.append(text)
    return "\n".join(parts)


# class/id tokens of a list container (news-list, xxgk_list, lb, liebiao …)
LIST_TOKENS = frozenset({"list", "lists", "newslist", "news", "lb", "liebiao", "xxlb", "infolist", "wjlb", "items",
                         "datalist", "artlist", "articlelist", "listcon", "list1", "list2"})
_LIST_TAGS = frozenset({"ul", "ol", "dl", "tbody", "table", "div"})


def empty_list_container(root: Any, regions: RegionMap) -> Any | None:
    """An empty list in the page body: a ul/ol/table/div named as a list (class or id) with
    nothing in it, no records, no text. A column page that shows its heading over such a
    container and no placeholder is a blank column, not an article."""
    for el in root.iter(*_LIST_TAGS):
        if regions.of(el) != BODY:
            continue
        toks = {t for v in (el.get("class"), el.get("id")) for t in _tokens(v)}
        if not toks & LIST_TOKENS:
            continue
        # nothing shown inside: no text, no link, no picture (an inner <ul></ul> is still empty)
        if any(isinstance(c.tag, str) and c.tag in ("a", "img", "iframe", "input") for c in el.iter()):
            continue
        if "".join(t for t in el.itertext() if t).strip():
            continue
        return el
    return None


def _tokens(value: str | None) -> list[str]:
    return [t for t in re.split(r"[\s\-_]+", (value or "").lower()) if t]
