"""List entries (CONTRACT "List entries"): the data shapes shared by every list extractor and the
rules that turn one list item (an li / tr / dd / div / p, or a Hanweb record) into an entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from lxml import etree
from parsel import Selector

from spiders.extract.dates import date_from_url_match, page_dates, parse_date_ex, year_in_url
from spiders.extract.links import Resolver
from spiders.extract.regions import BODY, RegionMap, regions_for, tokens
from spiders.extract.text import collapse, iter_text_blocks, join_blocks
from spiders.extract.urls import is_article_like

PIN_TEXT = "置顶"
# raw text is searched as UTF-8 bytes: the same matches, without decoding a whole list's text
_PIN_BYTES = PIN_TEXT.encode("utf-8")
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


class DateMemo:
    """One page's readings of its texts as dates."""

    __slots__ = ("element", "parsed", "shown")

    def __init__(self) -> None:
        self.parsed: dict[str, tuple[dt.date | None, str, str | None]] = {}  # text -> parse_date_ex(text)
        self.shown: dict[tuple[Any, ...], tuple[dt.date | None, str, str | None]] = {}  # text_date's parses
        self.element: dict[str, str] = {}  # an element's own text -> it collapsed when a date alone, else ""


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
    # date readings of this page's texts (a long list shows each date on several rows)
    dates_read: DateMemo = field(default_factory=DateMemo, repr=False, compare=False)

    @classmethod
    def build(cls, url: str, sel: Selector, as_of: dt.date, placeholders: list[str] | None = None,
              text: str = "") -> PageContext:
        """A context with page_year and the generation date read from the page's meta."""
        pd, generated = page_dates(sel)
        return cls(url=url, sel=sel, as_of=as_of, placeholders=list(placeholders or []),
                   page_year=pd.year if pd else None, text=text, generated=generated)


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
    return any(_pinning(el.get("class")) for el in item.iter() if isinstance(el.tag, str))


def _pinning(cls: str | None) -> bool:
    """A class attribute with token top or zd (memoised: a site repeats its classes)."""
    if not cls:
        return False
    pinning = _PIN_CLASSES.get(cls)
    if pinning is None:
        pinning = not PIN_CLASS_TOKENS.isdisjoint(tokens(cls))
        if len(_PIN_CLASSES) > 4096:
            _PIN_CLASSES.clear()
        _PIN_CLASSES[cls] = pinning
    return pinning


_PIN_CLASSES: dict[str, bool] = {}


def list_pins(container: Any) -> tuple[bool, bool]:
    """Whether an item inside `container` could be pinned by its text (置顶 in the list's raw
    text) or by a class (one with token top / zd in the list): read once per list, so that the
    rows of a list without either are not read one by one for them."""
    text = _PIN_BYTES in etree.tostring(container, method="text", encoding="utf-8", with_tail=False)
    return text, any(_pinning(cls) for cls in set(_CLASSES(container)))


_CLASSES = etree.XPath("descendant-or-self::*/@class", smart_strings=False)


def _text_pinned(item: Any) -> bool:
    """置顶 in the item's text. Its raw text nodes (scripts' included) hold every piece of its
    visible text, so a raw text without 置顶 settles it unread."""
    raw = etree.tostring(item, method="text", encoding="utf-8", with_tail=False)
    return _PIN_BYTES in raw and PIN_TEXT in _subtree_text(item, sep=" ")


def entry_date(item: Any, a: Any, url: str, ctx: PageContext) -> tuple[dt.date | None, str, str | None]:
    """(published, date_text, date_source) of one item per the contract's date rules."""
    return _entry_date(item, a, url, ctx, _row(item, a, ctx.dates_read)[0])


def _entry_date(item: Any, a: Any, url: str, ctx: PageContext, own: str) -> tuple[dt.date | None, str, str | None]:
    """entry_date with the item's date element's text (`own`, _row) already read."""
    memo = ctx.dates_read
    from_url: tuple[dt.date | None, str] | None = None
    for text in _date_texts(item, a, own):
        if not text:
            continue
        d, matched, _ = _read_date(text, memo)
        if d is not None:  # a date with its year reads the same whatever the URL or the page says
            return d, matched, "list"
        if from_url is None:
            from_url = date_from_url_match(url)
        default_year, latest, rollback = _date_context_of(url, from_url[0], ctx)
        found = _text_date(text, from_url[0], default_year, latest, rollback, memo)
        if found is not None:
            return found
    exact, fragment = from_url if from_url is not None else date_from_url_match(url)
    if exact is not None:
        return exact, fragment, "url"
    return None, "", None


def _date_texts(item: Any, a: Any, own: str) -> Iterator[str]:
    """Where an item's date is looked for, in this order: its date element's text, its text
    outside the title link, the link's text (each read only when the one before has none)."""
    yield own
    yield _subtree_text(item, exclude=a, sep=" ")
    yield _subtree_text(a, sep=" ")


def _read_date(text: str, memo: DateMemo | None) -> tuple[dt.date | None, str, str | None]:
    """parse_date_ex(text) without a year to give a month-day: a date only when the text
    carries its year, so the reading holds for every row of the page that shows the text."""
    if memo is None:
        return parse_date_ex(text)
    found = memo.parsed.get(text)
    if found is None:
        found = memo.parsed[text] = parse_date_ex(text)
    return found


DATE_ELEMENT_MAX = 24  # "[2026-11-02 16:16:00]" and the like


def _date_element_text(item: Any, a: Any) -> str:
    """The text of the item's first element that holds nothing but a date (a <span>, <td> or
    <b> of its own), outside the title link: it wins over a date inside a summary."""
    return _row(item, a, None)[0]


def _row(item: Any, a: Any, memo: DateMemo | None, pin_class: bool = True) -> tuple[str, bool]:
    """One walk over an item: its date element's text (_date_element_text) and whether an
    element of it has a pinning class (is_pinned; not looked for when `pin_class` is False)."""
    inside = set(a.iter()) if len(a) else (a,)
    seen = memo.element if memo is not None else {}
    own = ""
    pinned = False
    looking = pin_class  # for a pinning class
    for el in item.iter(etree.Element):
        if looking:
            cls = el.get("class")
            if cls:
                known = _PIN_CLASSES.get(cls)
                pinned = _pinning(cls) if known is None else known
                looking = not pinned
        if own or el is item or el in inside or len(el):
            continue
        raw = el.text
        if raw:
            shown = seen.get(raw)
            if shown is None:
                text = collapse(raw)
                shown = seen[raw] = text if len(text) <= DATE_ELEMENT_MAX and _only_date(text, memo) else ""
            if shown:
                own = shown
                if not looking:
                    break  # nothing more to find
    return own, pinned


def _only_date(text: str, memo: DateMemo | None) -> bool:
    """The text is a date and little else."""
    if not any(map(str.isdigit, text)):
        return False
    d, matched, _ = _read_date(text, memo)
    return d is not None and len(matched) >= len(text.strip(" []【】()（）")) - 2


def text_date(text: str, url: str, default_year: int | None, latest: dt.date,
              rollback: bool) -> tuple[dt.date, str, str] | None:
    """A date the list shows in `text`: a full date as shown (it wins over the URL's t2017…
    date); a month-day (11-02, 11.02, 11月2日) takes its year from the URL's exact date when the
    month and day agree, else from the URL's or the page's year, never later than `latest`."""
    return _text_date(text, date_from_url_match(url)[0], default_year, latest, rollback)


def _text_date(text: str, exact: dt.date | None, default_year: int | None, latest: dt.date, rollback: bool,
               memo: DateMemo | None = None) -> tuple[dt.date, str, str] | None:
    """text_date with the URL's exact date already read (`exact`); `memo` keeps the page's
    readings of the same text."""
    key = (text, default_year, latest, rollback)
    if memo is not None and key in memo.shown:
        d, matched, form = memo.shown[key]
    else:
        d, matched, form = parse_date_ex(text, default_year=default_year, as_of=latest, rollback=rollback)
        if memo is not None:
            memo.shown[key] = d, matched, form
    if d is None:
        return None
    if form == "short":
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
    return _date_context_of(url, date_from_url_match(url)[0], ctx)


def _date_context_of(url: str, exact: dt.date | None, ctx: PageContext) -> tuple[int | None, dt.date, bool]:
    url_year = year_in_url(url, exact)
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


class Row(Protocol):
    """One list item to read: the item, its title link, the link's URL and, when already read,
    its title attribute collapsed (records.Record is one)."""

    item: Any
    a: Any
    url: str
    title_attr: str | None


class EntryRow(NamedTuple):
    item: Any
    a: Any
    url: str
    title_attr: str | None = None


def build_entry(item: Any, a: Any, url: str, ctx: PageContext, pins: tuple[bool, bool] = (True, True),
                title_attr: str | None = None) -> ListEntry:
    """The entry of one list item. `pins`: what list_pins said of its list; `title_attr`: the
    link's title attribute collapsed, when already read."""
    return build_entries((EntryRow(item, a, url, title_attr),), ctx, pins)[0]


def build_entries(rows: Iterable[Row], ctx: PageContext, pins: tuple[bool, bool] = (True, True)) -> list[ListEntry]:
    """build_entry for each row of one list, in one loop (a list can have thousands)."""
    memo = ctx.dates_read
    parsed = memo.parsed
    text_pins, class_pins = pins
    out: list[ListEntry] = []
    for row in rows:
        item, a, url, title_attr = row.item, row.a, row.url, row.title_attr
        own, pinned = _row(item, a, memo, class_pins)
        if own:  # what _entry_date would read first, already read by _row
            published, date_text, _ = parsed[own]
            source: str | None = "list"
        else:
            published, date_text, source = _entry_date(item, a, url, ctx, own)
        if title_attr is None:
            title_attr = collapse(a.get("title"))
        title = title_attr or link_title(a)
        if source == "list" and date_text and not title_attr and title != date_text:
            # <a><span>标题</span><i>2026-08-14</i></a>: the date is not part of the title
            if title.endswith(date_text):
                title = title[: -len(date_text)].rstrip(" []【】()（）")
            elif title.startswith(date_text):
                title = title[len(date_text):].lstrip(" []【】()（）")
        out.append(ListEntry(title, url, published, date_text[:100], source,
                             pinned or text_pins and _text_pinned(item)))
    return out


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
    everything = etree.tostring(root, method="text", encoding="utf-8")  # searched as bytes (list_pins)
    if not any(p and p.encode("utf-8", "surrogatepass") in everything for p in placeholders):
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
