"""List entries (CONTRACT "List entries"): the data shapes shared by every list extractor and the
rules that turn one list item (an li / tr / dd / div / p, or a Hanweb record) into an entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from parsel import Selector

from spiders.extract.dates import date_from_url_match, generated_date, page_date, parse_date_ex, year_from_url
from spiders.extract.links import Resolver
from spiders.extract.regions import BODY, RegionMap, regions_for, tokens
from spiders.extract.text import collapse, iter_text_blocks, join_blocks
from spiders.extract.urls import is_article_like

PIN_TEXT = "置顶"
PIN_CLASS_TOKENS = frozenset({"top", "zd"})


@dataclass
class ListEntry:
    title: str
    url: str  # absolute, canonical
    published: dt.date | None
    date_text: str = ""  # the text the date was read from (or the URL part for date_source="url")
    date_source: str | None = None  # "list" | "url" | None (undated)
    pinned: bool = False


@dataclass
class ListResult:
    entries: list[ListEntry]
    placeholder: str | None = None
    container: str = ""  # a short css-ish path of the list container, for evidence
    # extractor-specific facts for the caller, e.g. Hanweb totalrecord / totalpage / nextgroup
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class PageContext:
    url: str
    sel: Selector
    as_of: dt.date
    placeholders: list[str] = field(default_factory=list)
    page_year: int | None = None
    text: str = ""  # the raw response text, for extractors of non-HTML bodies (JSON lists)
    # when the page was generated (meta others / HtmlGenerateTime): no item on it can be later
    generated: dt.date | None = None

    @classmethod
    def build(cls, url: str, sel: Selector, as_of: dt.date, placeholders: list[str] | None = None,
              text: str = "") -> PageContext:
        """A context with page_year and the generation date read from the page's meta."""
        pd = page_date(sel)
        return cls(url=url, sel=sel, as_of=as_of, placeholders=list(placeholders or []),
                   page_year=pd.year if pd else None, text=text, generated=generated_date(sel))


def _subtree_text(el: Any, exclude: Any | None = None, sep: str = "") -> str:
    """Text of an element (scripts/styles skipped), optionally without one descendant's subtree
    (whose tail still counts: it renders outside it). `sep` goes between text nodes: dates need
    " " so that <span>…/2020-35428</span><span>2020-08-05</span> stay two tokens."""
    if exclude is None:
        keep = None
    else:
        inside = set(exclude.iter())

        def keep(e: Any) -> bool:
            return e not in inside

    pieces = [p for p in iter_text_blocks(el, keep=keep) if p != "\n"]
    return collapse(sep.join(pieces))


def link_title(a: Any) -> str:
    """The title attribute when present (lists truncate the visible text), else the text."""
    title = collapse(a.get("title"))
    if title:
        return title
    text = _subtree_text(a)
    if text:
        return text
    for img in a.iter("img"):
        alt = collapse(img.get("alt"))
        if alt:
            return alt
    return ""


def is_pinned(item: Any, text: str) -> bool:
    """置顶 in the item's text, or an element of it with class token top / zd."""
    if PIN_TEXT in text:
        return True
    for el in item.iter():
        if isinstance(el.tag, str):
            cls = el.get("class")
            if cls and not PIN_CLASS_TOKENS.isdisjoint(tokens(cls)):
                return True
    return False


def entry_date(item: Any, a: Any, url: str, ctx: PageContext) -> tuple[dt.date | None, str, str | None]:
    """(published, date_text, date_source) of one item per the contract's date rules."""
    default_year, latest, rollback = _date_context(url, ctx)
    own = _date_element_text(item, a)
    for text in (own, _subtree_text(item, exclude=a, sep=" "), _subtree_text(a, sep=" ")):
        found = text_date(text, url, default_year, latest, rollback) if text else None
        if found is not None:
            return found
    exact, fragment = date_from_url_match(url)
    if exact is not None:
        return exact, fragment, "url"
    return None, "", None


DATE_ELEMENT_MAX = 24  # "[2026-11-02 16:16:00]" and the like


def _date_element_text(item: Any, a: Any) -> str:
    """The text of the item's first element that holds nothing but a date (a <span>, <td> or
    <b> of its own), outside the title link: it wins over a date inside a summary."""
    inside = set(a.iter())
    for el in item.iter():
        if el is item or el in inside or not isinstance(el.tag, str) or len(el):
            continue
        text = collapse(el.text)
        if text and len(text) <= DATE_ELEMENT_MAX and any(ch.isdigit() for ch in text):
            d, matched, _ = parse_date_ex(text)
            if d is not None and len(matched) >= len(text.strip(" []【】()（）")) - 2:
                return text
    return ""


def text_date(text: str, url: str, default_year: int | None, latest: dt.date,
              rollback: bool) -> tuple[dt.date, str, str] | None:
    """A date the list shows in `text`: a full date as shown (it wins over the URL's t2017…
    date); a month-day (11-02, 11.02, 11月2日) takes its year from the URL's exact date when the
    month and day agree, else from the URL's or the page's year, never later than `latest`."""
    d, matched, form = parse_date_ex(text, default_year=default_year, as_of=latest, rollback=rollback)
    if d is None:
        return None
    if form == "short":
        exact, _ = date_from_url_match(url)
        if exact is not None and (exact.month, exact.day) == (d.month, d.day):
            d = exact
        elif d > latest and default_year is not None:
            d = d.replace(year=d.year - 1) if not (d.month == 2 and d.day == 29) else d
    return d, matched, "list"


def _date_context(url: str, ctx: PageContext) -> tuple[int | None, dt.date, bool]:
    """(default year, latest plausible date, rollback): a year read from the URL is the
    document's own; a page or as-of year is rolled back when the month-day would lie after the
    page's generation (or after as_of): 12-30 on a page generated on 2026-01-05 is from 2025. A
    day of slack: a list read early on the as-of day may already show tomorrow's local date."""
    url_year = year_from_url(url)
    default_year = url_year if url_year is not None else ctx.page_year
    latest = ctx.as_of + dt.timedelta(days=1)
    if ctx.generated is not None and ctx.generated.year == default_year and ctx.generated < latest:
        latest = ctx.generated
    return default_year, latest, url_year is None


def build_entry_with_text(a: Any, url: str, ctx: PageContext, text: str) -> ListEntry | None:
    """An entry for a bare link whose date is in `text` (what follows it), None without one."""
    default_year, latest, rollback = _date_context(url, ctx)
    found = text_date(text, url, default_year, latest, rollback)
    if found is None:
        return None
    d, matched, source = found
    return ListEntry(title=link_title(a), url=url, published=d, date_text=matched[:100], date_source=source,
                     pinned=is_pinned(a, text))


def build_entry(item: Any, a: Any, url: str, ctx: PageContext) -> ListEntry:
    published, date_text, source = entry_date(item, a, url, ctx)
    full_text = _subtree_text(item, sep=" ")
    title = link_title(a)
    date_in_text_title = source == "list" and date_text and not collapse(a.get("title"))
    if date_in_text_title and title != date_text:
        # <a><span>标题</span><i>2026-08-14</i></a>: the date is not part of the title
        if title.endswith(date_text):
            title = title[: -len(date_text)].rstrip(" []【】()（）")
        elif title.startswith(date_text):
            title = title[len(date_text):].lstrip(" []【】()（）")
    return ListEntry(
        title=title,
        url=url,
        published=published,
        date_text=date_text[:100],
        date_source=source,
        pinned=is_pinned(item, full_text),
    )


def first_article_link(item: Any, resolver: Resolver) -> tuple[Any, str] | None:
    """The first <a href> of an item that points at an article-like URL."""
    for a in item.iter("a"):
        url = resolver(a.get("href"))
        if url is not None and is_article_like(url):
            return a, url
    return None


def find_placeholder(root: Any, placeholders: list[str], regions: RegionMap | None = None) -> str | None:
    """The first configured placeholder (暂无信息 ...) that occurs in the body-region text.

    The text of links to articles is left out, so a news title such as "…项目建设中…" is not
    taken for a "建设中" placeholder."""
    if not placeholders or not isinstance(getattr(root, "tag", None), str):
        return None
    everything = etree.tostring(root, method="text", encoding=str)
    if not any(p and p in everything for p in placeholders):
        return None  # the common case, decided without walking the regions
    rm = regions or regions_for(root)
    excluded: set[Any] = set()
    for a in root.iter("a"):
        href = a.get("href")
        if href and is_article_like(href.strip()):  # the path alone decides; relative is fine
            excluded.update(a.iter())
    text = join_blocks(iter_text_blocks(root, keep=lambda el: el not in excluded and rm.of(el) == BODY))
    for p in placeholders:
        if p and p in text:
            return p
    return None


def css_path(el: Any, depth: int = 4) -> str:
    """tag#id / tag.class1.class2 of the element and its nearest ancestors, for evidence."""
    parts: list[str] = []
    node = el
    while node is not None and len(parts) < depth and isinstance(node.tag, str):
        tag = node.tag.lower()
        ident = (node.get("id") or "").split()
        classes = (node.get("class") or "").split()
        if ident:
            part = f"{tag}#{ident[0]}"
        elif classes:
            part = tag + "." + ".".join(classes[:2])
        else:
            part = tag
        parts.append(part)
        if tag in ("body", "html"):
            break
        node = node.getparent()
    return " > ".join(reversed(parts))
