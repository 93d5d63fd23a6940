"""Item lists of column pages (CONTRACT "List entries").

Extractors are tried in registry order; the first that finds entries wins. A site family whose
list is not plain HTML (Hanweb's XML datastore, a JSON API) gets its own extractor in front of the
generic HTML one, which always answers.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

from parsel import Selector

from spiders.extract.entries import (
    ListEntry,
    ListResult,
    PageContext,
    build_entries,
    build_entry_with_text,
    css_path,
    find_placeholder,
    list_pins,
)
from spiders.extract.hanweb import HanwebDatastoreExtractor, parse_dataproxy
from spiders.extract.jsonlist import parse_json_list
from spiders.extract.links import Resolver
from spiders.extract.records import (
    Record,
    after_text,
    commented_markup,
    empty_list_container,
    find_regions,
    is_article,
    main_region,
)
from spiders.extract.regions import regions_for
from spiders.extract.urls import base_url

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

@runtime_checkable
class ListExtractor(Protocol):
    name: str

    def extract(self, ctx: PageContext) -> ListResult | None:
        """The page's list, or None when this extractor does not apply to the page."""
        ...


class HtmlListExtractor:
    """The generic reader: the page's main record region (spiders.extract.records) -- repeated
    siblings of one shape, each with a link, ranked so that navigation, side boxes, groups of
    blocks and footers lose to the list. What the links look like does not matter."""

    name = "html"

    def extract(self, ctx: PageContext) -> ListResult:
        root = ctx.sel.root
        if not isinstance(getattr(root, "tag", None), str):
            return ListResult(entries=[])
        regions = regions_for(root)
        resolver = Resolver(base_url(ctx.sel, ctx.url))
        host = (urlsplit(ctx.url).hostname or "").lower() or None
        best = main_region(find_regions(root, resolver, regions, resolver(ctx.url), host))
        placeholder = find_placeholder(root, ctx.placeholders, regions)
        if is_article(root, regions, best):
            # a detail page: its attachment or related-links box is no list of the page
            return ListResult(entries=[], placeholder=None, container="", meta={"page_kind": "detail"})
        if best is None:
            empty = None if placeholder else empty_list_container(root, regions)
            if empty is not None:  # a list shown empty: the column is blank
                return ListResult(entries=[], container=css_path(empty), meta={"empty_list": True})
            return ListResult(entries=[], placeholder=placeholder, container="")
        pins = list_pins(best.container)
        entries = record_entries(best.records, ctx, pins)
        return ListResult(entries=entries, placeholder=placeholder, container=css_path(best.container))


def record_entries(records: list[Record], ctx: PageContext, pins: tuple[bool, bool] = (True, True)) -> list[ListEntry]:
    """Records as list entries; a flat record (a bare link among its parent's links) takes its
    date from the text that follows it. `pins`: as build_entry."""
    entries = build_entries(records, ctx, pins)
    for k, rec in enumerate(records):
        if rec.item is rec.a and entries[k].date_source != "list":
            entries[k] = build_entry_with_text(rec.a, rec.url, ctx, after_text(rec.a)) or entries[k]
    return entries


class DataBodyExtractor:
    """A column URL that answers with data, not a page: a Hanweb datastore (the jpage proxy's
    XML) or a JSON list. The content decides, whatever the URL looks like."""

    name = "data"

    def extract(self, ctx: PageContext) -> ListResult | None:
        head = ctx.text[:2000].lstrip()
        if head.startswith("<datastore") or (head.startswith("<?xml") and "<datastore" in head):
            result = parse_dataproxy(ctx.text, ctx)
            result.container = "datastore"
            return result
        if head[:1] in ("{", "["):
            listing = parse_json_list(ctx.text, ctx)
            if listing is not None:
                return ListResult(entries=listing.entries, container="json", meta={"shape": listing.shape})
        return None


class CommentListExtractor:
    """The fallback for a page whose list sits inside an HTML comment (the Gansu platform keeps
    the server-side list there while page_list.js loads the same records): read when the visible
    page has no list."""

    name = "html_comment"

    def extract(self, ctx: PageContext) -> ListResult | None:
        root = ctx.sel.root
        if not isinstance(getattr(root, "tag", None), str):
            return None
        markup = commented_markup(root)
        if not markup:
            return None
        sub = replace(ctx, sel=Selector(text=f"<html><body>{markup}</body></html>", type="html"), text=markup)
        result = HtmlListExtractor().extract(sub)
        if not result.entries:
            return None
        result.container = "comment > " + result.container
        return result


class InlineJsonExtractor:
    """The fallback for a page whose list is a JSON array inside an inline script that a template
    renders (new-generation Hanweb `var listData = {articleList: [...]}`, handlebars, art-template):
    the largest array of records with a title and a URL."""

    name = "inline_json"

    def extract(self, ctx: PageContext) -> ListResult | None:
        root = ctx.sel.root
        if not isinstance(getattr(root, "tag", None), str):
            return None
        decoder = json.JSONDecoder()
        best: list[ListEntry] = []
        for script in root.iter("script"):
            if script.get("src"):
                continue
            js = script.text or ""
            start = js.find("[{")
            while start != -1:
                try:
                    value, end = decoder.raw_decode(js, start)
                except ValueError:
                    start = js.find("[{", start + 2)
                    continue
                if isinstance(value, list) and len(value) >= 2:
                    listing = parse_json_list(json.dumps({"list": value}), ctx)
                    if listing is not None and len(listing.entries) > len(best):
                        best = listing.entries
                start = js.find("[{", end)
        if len(best) < 2:
            return None
        return ListResult(entries=best, container="script > json")


LIST_EXTRACTORS: list[ListExtractor] = [DataBodyExtractor(), HanwebDatastoreExtractor(), HtmlListExtractor(),
                                        CommentListExtractor(), InlineJsonExtractor()]


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
