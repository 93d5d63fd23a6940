"""Item lists of column pages (CONTRACT "List entries").

Extractors are tried in registry order; the first that finds entries wins. A site family whose
list is not plain HTML (Hanweb's XML datastore, a JSON API) gets its own extractor in front of the
generic HTML one, which always answers.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from spiders.extract.entries import (
    ListEntry,
    ListResult,
    PageContext,
    build_entry,
    css_path,
    find_placeholder,
)
from spiders.extract.hanweb import HanwebDatastoreExtractor, parse_dataproxy
from spiders.extract.links import Resolver
from spiders.extract.regions import BODY, regions_for
from spiders.extract.urls import base_url, is_article_like

__all__ = [
    "LIST_EXTRACTORS",
    "HanwebDatastoreExtractor",
    "HtmlListExtractor",
    "ListEntry",
    "ListExtractor",
    "ListResult",
    "PageContext",
    "extract_list",
    "parse_dataproxy",
]

CONTAINER_TAGS = ("ul", "ol", "table", "tbody", "dl", "div")
ITEM_TAGS = frozenset({"li", "tr", "dd", "div", "p"})


@runtime_checkable
class ListExtractor(Protocol):
    name: str

    def extract(self, ctx: PageContext) -> ListResult | None:
        """The page's list, or None when this extractor does not apply to the page."""
        ...


def _is_header_row(item: Any) -> bool:
    """A table row of th cells only (名称 / 索引号 / 发布日期 ...)."""
    if item.tag != "tr":
        return False
    cells = [c.tag for c in item if isinstance(c.tag, str) and c.tag in ("td", "th")]
    return bool(cells) and all(c == "th" for c in cells)


class HtmlListExtractor:
    """The main list container: among ul/ol/table/tbody/dl/div in the body region whose direct
    li/tr/dd/div/p children contain an <a href> (a minority of linkless rows tolerated), the one
    with the most children that link to an article-like URL; ties: the first in document order
    (a list nested in an equal-count wrapper beats the wrapper)."""

    name = "html"

    def extract(self, ctx: PageContext) -> ListResult:
        root = ctx.sel.root
        if not isinstance(getattr(root, "tag", None), str):
            return ListResult(entries=[])
        regions = regions_for(root)
        resolver = Resolver(base_url(ctx.sel, ctx.url))

        # first article link (document order) of every element that has one, in O(n): a link
        # walks up until it meets an ancestor already claimed by an earlier link
        here = resolver(ctx.url)
        anchors = [a for a in root.iter("a") if a.get("href") is not None]
        has_link: set[Any] = set()  # elements with an <a href> inside (or being one)
        for a in anchors:
            node = a
            while node is not None and node not in has_link:
                has_link.add(node)
                node = node.getparent()
        first: dict[Any, tuple[Any, str]] = {}
        for a in anchors:
            url = resolver(a.get("href"))
            if url is None or url == here or not is_article_like(url):
                continue  # a link to the page itself (href="#" variants) is no entry
            if _in_running_text(a, has_link):
                continue
            node = a
            while node is not None and node not in first:
                first[node] = (a, url)
                node = node.getparent()

        best: Any = None
        best_items: list[Any] = []
        for el in root.iter(*CONTAINER_TAGS):
            if el not in first or regions.of(el) != BODY:
                continue
            items = _items(el, regions)
            # the items each contain a link. Real lists carry the odd linkless row (a td header
            # row, a 共N条 row, an empty spacer li): tolerated while they are no more than the
            # linked ones; an article's text paragraphs around one link are not a list
            linked = sum(1 for c in items if c in has_link)
            linkless = sum(1 for c in items if c not in has_link and not _is_empty(c))
            if linkless > linked:
                continue
            items = [c for c in items if c in first]
            if not items:
                continue
            if len(items) > len(best_items) or (
                # equal counts: the first in document order, except that a list nested in the
                # winner (a wrapper whose only item is the list itself) is the more specific one
                len(items) == len(best_items) and _is_descendant(el, best)
            ):
                best, best_items = el, items

        placeholder = find_placeholder(root, ctx.placeholders, regions)
        if best is None:
            return ListResult(entries=[], placeholder=placeholder, container="")
        seen: set[str] = set()
        entries: list[ListEntry] = []
        for item in best_items:
            a, url = first[item]
            if url in seen:
                continue
            seen.add(url)
            entries.append(build_entry(item, a, url, ctx))
        return ListResult(entries=entries, placeholder=placeholder, container=css_path(best))


def _in_running_text(a: Any, has_link: set[Any]) -> bool:
    """A link inside article text: among the paragraphs around its own, those without a link are
    at least as many as those with one (the 申请表.doc of an 依申请公开 page). Such a link makes
    no layout wrapper around the article a list; a list of <p> items, each with its link, is
    unaffected."""
    node = a.getparent()
    while node is not None and node.tag != "p":
        if node.tag in ("li", "tr", "dd", "body"):
            return False
        node = node.getparent()
    if node is None or node.getparent() is None:
        return False
    linked = linkless = 0
    for sib in node.getparent():
        if sib.tag != "p":
            continue
        if sib in has_link:
            linked += 1
        elif "".join(sib.itertext()).strip():
            linkless += 1
    return linkless >= linked


def _items(el: Any, regions: Any) -> list[Any]:
    """The item children of a container: li/tr/dd/div/p in the body region (a footer inside the
    page wrapper is not part of a list), header rows left out."""
    return [c for c in el if c.tag in ITEM_TAGS and regions.of(c) == BODY and not _is_header_row(c)]


def _is_empty(el: Any) -> bool:
    return not (el.text or "").strip() and len(el) == 0


def _is_descendant(el: Any, ancestor: Any) -> bool:
    if ancestor is None:
        return False
    node = el.getparent()
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


LIST_EXTRACTORS: list[ListExtractor] = [HanwebDatastoreExtractor(), HtmlListExtractor()]


def extract_list(ctx: PageContext, extractors: list[ListExtractor] | None = None) -> tuple[ListResult, str]:
    """(result, extractor name): the first extractor (registry order) that finds entries; else the
    first that applied (an empty Hanweb datastore, or the HTML extractor's empty result); the
    placeholder is each extractor's to report (the built-in ones read the page's body text)."""
    chosen: tuple[ListResult, str] | None = None
    for ex in extractors if extractors is not None else LIST_EXTRACTORS:
        result = ex.extract(ctx)
        if result is None:
            continue
        if result.entries:
            chosen = (result, ex.name)
            break
        if chosen is None:
            chosen = (result, ex.name)
    if chosen is None:
        chosen = (ListResult(entries=[], placeholder=find_placeholder(ctx.sel.root, ctx.placeholders)), "none")
    return chosen
