"""Dates as Chinese government sites write them (CONTRACT "Dates"): text, URLs, page meta, JSON.

Everything becomes a calendar date; times are dropped and time zones are not converted (an ISO
value's own date is kept), except epoch numbers, which are read in China time (UTC+8).
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote, urlsplit

from parsel import Selector

MIN_YEAR = 1950
MAX_YEAR = 2099
_CN_TZ = dt.timezone(dt.timedelta(hours=8))

_TIME = r"(?:(?:\s+|T|-)\d{1,2}:\d{2}(?::\d{2})?)?"
# 2026-11-02, 2026/11/2, 2026.11.02 (same separator twice), optional time; not inside longer numbers
_FULL_NUM = re.compile(r"(?<![\d.\-/])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)(?![/.]\d)" + _TIME)
# 2026年11月2日 / 2026 年 11 月 02 日 (the 日 is optional: "2026年11月2")
_FULL_CN = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})(?!\d)\s*[日号]?" + _TIME)
# split day + year.month: <b>14</b> 2026.07   and   year.month + day: 2019.12 31
_SPLIT_DAY_FIRST = re.compile(r"(?<![\d.\-/:])(\d{1,2})\s+(\d{4})[.\-/](\d{1,2})(?![\d.\-/:])")
_SPLIT_YM_FIRST = re.compile(r"(?<![\d.\-/:])(\d{4})[.\-/](\d{1,2})\s+(\d{1,2})(?![\d.\-/:年月日号期届条次个])")
# a text that is a numeric date and nothing else: 2026-11-02, 2026/11/2 (a list's date cell)
_DATE_ONLY = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
# short forms: 11-02, [11-02], 11/02, 11.02, 11月02日 -- not a range like 1-3月, not part of a longer number
_SHORT_NUM = re.compile(r"(?<![\d.\-/:])(\d{1,2})([-/.])(\d{1,2})(?![\d\-/.:%]|\s*[年月日号期届条款项次个])")
_SHORT_CN = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")


def _mk(y: int, m: int, d: int) -> dt.date | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _full(text: str) -> tuple[dt.date | None, str, int]:
    """Earliest full-form date in the text: (date, matched text, position)."""
    best: tuple[dt.date | None, str, int] = (None, "", -1)
    for rx, groups in ((_FULL_NUM, (1, 3, 4)), (_FULL_CN, (1, 2, 3))):
        for m in rx.finditer(text):
            if best[2] >= 0 and m.start() >= best[2]:
                break
            d = _mk(*(int(m.group(g)) for g in groups))
            if d is not None:
                best = (d, m.group(0).strip(), m.start())
                break
    return best


def _short(text: str) -> tuple[int, int, str] | None:
    """Earliest valid month-day short form: (month, day, matched text)."""
    found: tuple[int, int, int, str] | None = None
    for rx, gm, gd in ((_SHORT_NUM, 1, 3), (_SHORT_CN, 1, 2)):
        for m in rx.finditer(text):
            if found is not None and m.start() >= found[0]:
                break
            month, day = int(m.group(gm)), int(m.group(gd))
            if 1 <= month <= 12 and _mk(2000, month, day) is not None:  # 2000: leap year, 02-29 ok
                found = (m.start(), month, day, m.group(0).strip())
                break
    return None if found is None else found[1:]


def _split(text: str) -> tuple[dt.date | None, str]:
    for rx, order in ((_SPLIT_DAY_FIRST, (2, 3, 1)), (_SPLIT_YM_FIRST, (1, 2, 3))):
        for m in rx.finditer(text):
            d = _mk(*(int(m.group(g)) for g in order))
            if d is not None:
                return d, m.group(0).strip()
    return None, ""


def infer_year(month: int, day: int, *, default_year: int | None, as_of: dt.date | None,
               rollback: bool = True) -> dt.date | None:
    """A month-day's date: in `default_year` (from the URL or the page) else in as_of's year.
    With `rollback`, a date that would lie after `as_of` is taken from the year before (a list
    does not show items from the future; this is what happens across a year boundary)."""
    year = default_year if default_year is not None else (as_of.year if as_of else None)
    if year is None:
        return None
    d = _mk(year, month, day)
    if d is None:  # 02-29 outside a leap year
        return None
    if rollback and as_of is not None and d > as_of:
        d = _mk(year - 1, month, day) or d
    return d


def parse_date_ex(text: str | None, *, default_year: int | None = None, as_of: dt.date | None = None,
                  rollback: bool = True) -> tuple[dt.date | None, str, str | None]:
    """Like parse_date, plus which form matched: "full", "split" or "short" (None: no date)."""
    if not text:
        return None, "", None
    m = _DATE_ONLY.fullmatch(text)
    if m is not None:  # the common list cell, 2026-11-02: what _full would find, found at once
        d = _mk(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        if d is not None:
            return d, text, "full"
    text = text.replace("\xa0", " ").replace("\u3000", " ")
    d, matched, _ = _full(text)
    if d is not None:
        return d, matched, "full"
    d, matched = _split(text)
    if d is not None:
        return d, matched, "split"
    short = _short(text)
    if short is not None:
        month, day, matched = short
        d = infer_year(month, day, default_year=default_year, as_of=as_of, rollback=rollback)
        if d is not None:
            return d, matched, "short"
    return None, "", None


def parse_date(text: str | None, *, default_year: int | None = None,
               as_of: dt.date | None = None) -> tuple[dt.date | None, str]:
    """The first date in `text` -> (date, the matched text); (None, "") when there is none.

    Full forms (2026-11-02, 2026/11/02, 2026.11.02, 2026年11月2日, with an optional time or
    brackets) win over split forms (<b>14</b> 2026.07), which win over month-day short forms
    (11-02, 11/02, 11月02日) whose year comes from `default_year`, else from `as_of` (a date
    later than `as_of` is moved to the year before). Only real calendar dates are accepted.
    """
    d, matched, _ = parse_date_ex(text, default_year=default_year, as_of=as_of)
    return d, matched


# --- URLs ------------------------------------------------------------------------------------

_URL_TRS = re.compile(r"(?:^|/)t((?:19|20)\d{2})(\d{2})(\d{2})(?=[_.\-]|$)")
_URL_HANWEB = re.compile(r"/art/(\d{4})/(\d{1,2})/(\d{1,2})/")
_URL_YM_D = re.compile(r"/(\d{4})-(\d{1,2})/(\d{1,2})/")
_URL_YM_DIR = re.compile(r"/((?:19|20)\d{2})(0[1-9]|1[0-2])/")
_URL_ART_YEAR = re.compile(r"/art/(\d{4})/")


# an http(s) URL that urlsplit would take apart as written: ASCII host, no whitespace or
# control characters anywhere (the URLs the crawl resolved); group 1 is its path
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.\-:@_~!$&'()*+,;=%]*([^?#\x00-\x20\x7f]*)(?:[?#][^\x00-\x20\x7f]*)?")


def _url_path(url: str) -> str:
    m = _PLAIN_URL.fullmatch(url)
    if m is not None:
        path = m.group(1)
        if not path or path[0] == "/":
            return unquote(path) if "%" in path else path
    try:
        return unquote(urlsplit(url).path)
    except ValueError:
        return ""


def date_from_url(url: str) -> dt.date | None:
    """Exact date in an article URL: TRS .../202611/t20261102_123.html, Hanweb /art/2026/11/2/art_,
    /2026-11/02/."""
    d, _ = date_from_url_match(url)
    return d


def date_from_url_match(url: str) -> tuple[dt.date | None, str]:
    path = _url_path(url)
    for rx in (_URL_TRS, _URL_HANWEB, _URL_YM_D):
        for m in rx.finditer(path):
            d = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if d is not None:
                return d, m.group(0).strip("/")
    return None, ""


def year_from_url(url: str) -> int | None:
    """The year an article URL implies: its exact date, a /202611/ directory or /art/2026/."""
    return year_in_url(url, date_from_url(url))


def year_in_url(url: str, exact: dt.date | None) -> int | None:
    """year_from_url when the URL's exact date (date_from_url) is already known."""
    if exact is not None:
        return exact.year
    path = _url_path(url)
    for rx in (_URL_YM_DIR, _URL_ART_YEAR):
        m = rx.search(path)
        if m and MIN_YEAR <= int(m.group(1)) <= MAX_YEAR:
            return int(m.group(1))
    return None


# --- page meta and machine values -------------------------------------------------------------

# meta names that carry the page's (generation or publication) time, in the contract's order
PAGE_DATE_METAS = ("others", "pubdate", "htmlgeneratetime", "firstpublishedtime")
GENERATED_METAS = ("others", "htmlgeneratetime")


def _metas(sel: Selector, names: tuple[str, ...]) -> dict[str, str]:
    """The first content of each of the named metas."""
    metas: dict[str, str] = {}
    root = sel.root
    if isinstance(getattr(root, "tag", None), str):
        # the document's <meta> elements, as //meta finds them, without a Selector for each
        elements = root.getroottree().getroot().iter("meta")
    else:
        elements = (m.root for m in sel.xpath("//meta"))
    for m in elements:
        name, content = m.get("name"), m.get("content")
        if name is None or content is None:
            continue
        name = name.strip().lower()
        if name in names and name not in metas:
            metas[name] = content
    return metas


def _meta_dates(sel: Selector, names: tuple[str, ...], metas: dict[str, str] | None = None) -> dt.date | None:
    if metas is None:
        metas = _metas(sel, names)
    for name in names:
        value = metas.get(name)
        if value:
            d = parse_any_datetime(value)
            if d is not None:
                return d
    return None


def page_date(sel: Selector) -> dt.date | None:
    """The date of the page from its meta: others (页面生成时间 …), PubDate, HtmlGenerateTime,
    firstpublishedtime -- in that order, names compared case-insensitively."""
    return _meta_dates(sel, PAGE_DATE_METAS)


def generated_date(sel: Selector) -> dt.date | None:
    """When the page was generated (others 页面生成时间, HtmlGenerateTime): nothing listed on it
    can be later. PubDate is left out: on a list page it need not be the newest date."""
    return _meta_dates(sel, GENERATED_METAS)


def page_dates(sel: Selector) -> tuple[dt.date | None, dt.date | None]:
    """(page_date, generated_date), the page's metas read once."""
    metas = _metas(sel, PAGE_DATE_METAS + GENERATED_METAS)
    return _meta_dates(sel, PAGE_DATE_METAS, metas), _meta_dates(sel, GENERATED_METAS, metas)


def page_year(sel: Selector) -> int | None:
    d = page_date(sel)
    return d.year if d else None


_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s\-_]|$)")
_EPOCH = re.compile(r"^\s*-?\d{9,13}(?:\.\d+)?\s*$")


def parse_any_datetime(value: object) -> dt.date | None:
    """A date from a meta or JSON value: ISO date/datetime (own date, no zone conversion),
    2026-09-28-21:50:00, Chinese or dotted dates, epoch seconds or milliseconds (China time)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    text = str(value).strip()
    if not text:
        return None
    if _EPOCH.match(text):
        return _from_epoch(float(text))
    m = _ISO.match(text)
    if m:
        d = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d is not None:
            return d
    d, _ = parse_date(text)
    return d


def _from_epoch(x: float) -> dt.date | None:
    if x > 1e11:  # milliseconds
        x /= 1000.0
    try:
        d = dt.datetime.fromtimestamp(x, tz=_CN_TZ).date()
    except (OverflowError, OSError, ValueError):
        return None
    return d if MIN_YEAR <= d.year <= MAX_YEAR else None
