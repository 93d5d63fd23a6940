"""JSON-driven column lists: the JSON a column page asks for (seen while the page renders), read
as list entries; and the same endpoint asked for the column's other pages directly, so that only
the first page of such a column needs the browser.

Shapes (see /work/shared/idioms §5, §8, §1.7):
- gkmlpt (Guangdong 政府信息公开目录): {"total": N, "articles": [{"title", "url", "post_url",
  "first_publish_time" (epoch seconds), ...}]};
- jpaas (集约化平台): {"success": true, "data": {"html": "…<li><a …>…</a><span>date</span></li>…
  <div class=\"pagination\" rows=\"15\" count=\"N\">"}}: an HTML list inside the JSON;
- records: any JSON whose largest array holds objects with a title and a URL (and usually a
  date), e.g. {"data": {"total": N, "list": [{"title", "url", "publishTime"}]}} or TRS IGS
  {"PUBDATE", "DOCPUBURL", ...}.
Paging: the page number is a query or form parameter (page, pageNo, pageNum, currentPage, ...),
or a key of a JSON-valued parameter (jpaas paramJson={"pageNo":1,"pageSize":50}) or of a JSON
body. With a declared total, pages up to ceil(total/size) are asked for; without one, the next
page while pages come back full (the spider stops when a page adds nothing new).
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from parsel import Selector

from spiders.extract.dates import parse_any_datetime
from spiders.extract.entries import ListEntry, PageContext
from spiders.extract.links import Resolver
from spiders.extract.text import collapse

TITLE_KEYS = ("title", "doctitle", "articletitle", "name", "at", "bt", "mc", "subject", "filename", "wjmc", "wjbt")
URL_KEYS = ("url", "link", "href", "docpuburl", "docurl", "puburl", "detailurl", "linkurl", "au", "post_url", "path")
DATE_KEYS = ("first_publish_time", "publish_time", "publishtime", "pubdate", "pub_date", "publishdate",
             "releasetime", "release_time", "docreltime", "fbrq", "fbsj", "fwrq", "date", "time",
             "display_publish_time", "apd", "rq", "created_at", "createtime", "create_time")
TOTAL_KEYS = ("total", "totalcount", "totalrecord", "totalrecords", "recordcount", "totalnum", "totalelements",
              "totalsize", "totalrow", "count")
PAGE_KEYS = ("page", "pageno", "pagenum", "pageindex", "currentpage", "curpage", "cur_page", "currpage", "cpage",
             "page_no", "pagenumber", "pn", "p")
# a record offset instead of a page number (start=0&limit=20); paged only when the size is known
OFFSET_KEYS = ("start", "offset", "startrecord", "startindex", "begin", "from")
SIZE_KEYS = ("pagesize", "page_size", "size", "rows", "limit", "perpage", "per_page", "ps", "pagecount")
_TAGS = re.compile(r"<[^>]+>")
_INT = re.compile(r"^\s*\d{1,9}\s*$")


@dataclass(frozen=True)
class ApiCall:
    """A request for a list page as the page's script makes it."""

    url: str
    method: str = "GET"
    body: str = ""
    content_type: str = ""


@dataclass
class JsonList:
    entries: list[ListEntry]
    total: int | None  # the record count the API declares
    shape: str  # gkmlpt | jpaas | records
    size: int | None = None  # page size the response declares (jpaas rows="15")


@dataclass(frozen=True)
class PageParam:
    where: str  # query | form | json (a JSON body)
    key: str  # the parameter; for a JSON-valued one, the parameter holding the JSON
    inner: str | None  # the key inside a JSON-valued parameter
    value: int  # the page number in this call (the record offset, with `offset`)
    size: int | None  # the page size this call asks for
    offset: bool = False  # `value` counts records, not pages

    def after(self, value: int, got: int) -> int:
        """The value that asks for the page after the one asked for with `value`."""
        return value + ((self.size or got) if self.offset else 1)


def _lower_map(d: dict[str, Any]) -> dict[str, str]:
    return {k.lower(): k for k in d if isinstance(k, str)}


def _pick(d: dict[str, Any], lowered: dict[str, str], keys: tuple[str, ...], *, contains: tuple[str, ...] = ()) -> Any:
    for k in keys:
        real = lowered.get(k)
        if real is not None and d[real] not in (None, ""):
            return d[real]
    for low, real in lowered.items():
        if any(c in low for c in contains) and isinstance(d[real], str | int | float) and d[real] != "":
            return d[real]
    return None


def _text(value: Any) -> str:
    return collapse(html.unescape(_TAGS.sub("", str(value))))


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT.match(value):
        return int(value)
    return None


def _record_entries(items: list[Any], ctx: PageContext, resolver: Resolver) -> list[ListEntry]:
    out: list[ListEntry] = []
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, dict):
            continue
        low = _lower_map(item)
        title = _pick(item, low, TITLE_KEYS, contains=("title",))
        href = _page_urls(item, low) or _pick(item, low, URL_KEYS, contains=("url", "link", "href"))
        if title is None or not isinstance(href, str):
            continue
        url = resolver(href.strip())
        if url is None or url in seen:
            continue
        seen.add(url)
        raw_date = _pick(item, low, DATE_KEYS, contains=("date", "time"))
        published = parse_any_datetime(raw_date)
        out.append(ListEntry(title=_text(title), url=url, published=published,
                             date_text=str(raw_date)[:100] if published else "",
                             date_source="list" if published else None))
    return out


def _page_urls(item: dict[str, Any], low: dict[str, str]) -> str | None:
    """New-generation Hanweb records carry their page URLs per device in `urls`
    ('{"pc": "/col/…/content_1.html", "h5": …}'), beside a relationUrl to JSON."""
    key = low.get("urls")
    value = item.get(key) if key else None
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if isinstance(value, dict):
        found = value.get("pc") or next((v for v in value.values() if isinstance(v, str) and v), None)
        return found if isinstance(found, str) else None
    return None


def _total_near(path: list[Any]) -> int | None:
    """A declared total in the object holding the list or any object above it (nearest first)."""
    for obj in reversed(path):
        if isinstance(obj, dict):
            low = _lower_map(obj)
            for k in TOTAL_KEYS:
                real = low.get(k)
                if real is not None:
                    n = _as_int(obj[real])
                    if n is not None:
                        return n
    return None


def _walk(node: Any, path: list[Any], found: list[tuple[str, Any, list[Any]]]) -> None:
    if isinstance(node, dict):
        for v in node.values():
            _walk(v, path + [node], found)
    elif isinstance(node, list):
        if node and any(isinstance(x, dict) for x in node):
            found.append(("records", node, path))
        for v in node:
            if isinstance(v, dict | list):
                _walk(v, path + [node], found)
    elif isinstance(node, str) and "<a" in node and "href" in node:
        found.append(("html", node, path))


def _html_entries(fragment: str, ctx: PageContext) -> tuple[list[ListEntry], int | None, int | None]:
    from spiders.extract.lists import HtmlListExtractor

    sel = Selector(text=f"<html><body>{fragment}</body></html>")
    sub = replace(ctx, sel=sel, text=fragment)
    result = HtmlListExtractor().extract(sub)
    total = size = None
    for el in sel.root.iter():
        if not isinstance(el.tag, str):
            continue
        if total is None and el.get("count") is not None:
            total = _as_int(el.get("count"))
        if size is None and el.get("rows") is not None:
            size = _as_int(el.get("rows"))
    return result.entries, total, size


def parse_json_list(text: str, ctx: PageContext) -> JsonList | None:
    """The list a JSON response carries (entries resolved against ctx.url, the column page the
    script shows them on), or None when it carries no list entries."""
    try:
        data = json.loads(text)
    except (ValueError, TypeError):
        data = _jsonp(text)
        if data is None:
            return None
    found: list[tuple[str, Any, list[Any]]] = []
    _walk(data, [], found)
    resolver = Resolver(ctx.url)
    best: JsonList | None = None
    for kind, node, path in found:
        if kind == "records":
            entries = _record_entries(node, ctx, resolver)
            shape = "gkmlpt" if path and isinstance(path[-1], dict) and "articles" in path[-1] else "records"
            candidate = JsonList(entries, _total_near(path), shape)
        else:
            entries, total, size = _html_entries(node, ctx)
            candidate = JsonList(entries, total if total is not None else _total_near(path), "jpaas", size)
        if candidate.entries and (best is None or len(candidate.entries) > len(best.entries)):
            best = candidate
    return best


_JSONP = re.compile(r"^\s*[\w$.]+\s*\(\s*(.*?)\s*\)\s*;?\s*$", re.S)


def _jsonp(text: str) -> Any:
    m = _JSONP.match(text or "")
    if not m:
        return None
    try:
        return json.loads(m.group(1))
    except ValueError:
        return None


# --- paging -----------------------------------------------------------------------------------


def _is_form(call: ApiCall) -> bool:
    ctype = call.content_type.lower()
    if "json" in ctype:
        return False
    return "form" in ctype or ("=" in call.body and not call.body.lstrip().startswith(("{", "[")))


def _json_dict(value: str) -> dict[str, Any] | None:
    value = value.strip()
    if not value.startswith("{"):
        return None
    try:
        obj = json.loads(value)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


def _in_obj(obj: dict[str, Any]) -> tuple[str, int, int | None, bool] | None:
    """(key, value, size, offset) of the page (or record offset) parameter among a mapping's keys."""
    low = _lower_map(obj)
    size = next((_as_int(obj[low[s]]) for s in SIZE_KEYS if s in low and _as_int(obj[low[s]])), None)
    for pk in PAGE_KEYS:
        if pk in low and _as_int(obj[low[pk]]) is not None:
            return low[pk], int(obj[low[pk]]), size, False
    if size:
        for ok in OFFSET_KEYS:
            if ok in low and _as_int(obj[low[ok]]) is not None:
                return low[ok], int(obj[low[ok]]), size, True
    return None


def _in_pairs(where: str, pairs: list[tuple[str, str]]) -> PageParam | None:
    found = _in_obj(dict(pairs))
    if found is not None:
        return PageParam(where, found[0], None, found[1], found[2], found[3])
    for k, v in pairs:
        obj = _json_dict(v)
        inner = _in_obj(obj) if obj is not None else None
        if inner is not None:
            return PageParam(where, k, inner[0], inner[1], inner[2], inner[3])
    return None


def find_page_param(call: ApiCall) -> PageParam | None:
    """Where the call names its page number or record offset (None: it does not, so it cannot be
    paged): a query parameter, a form field, a key of a JSON-valued one, a JSON body's key."""
    found = _in_pairs("query", parse_qsl(urlsplit(call.url).query, keep_blank_values=True))
    if found is not None or not call.body:
        return found
    if _is_form(call):
        return _in_pairs("form", parse_qsl(call.body, keep_blank_values=True))
    obj = _json_dict(call.body)
    inner = _in_obj(obj) if obj is not None else None
    return PageParam("json", inner[0], None, inner[1], inner[2], inner[3]) if inner is not None else None


def _dumps(obj: Any) -> str:
    # what JSON.stringify writes: compact, non-ASCII kept
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _set_pairs(pairs: list[tuple[str, str]], param: PageParam, page: int) -> list[tuple[str, str]]:
    out = []
    for k, v in pairs:
        if k == param.key:
            if param.inner is None:
                v = str(page)
            else:
                obj = _json_dict(v) or {}
                obj[param.inner] = page
                v = _dumps(obj)
        out.append((k, v))
    return out


def page_call(call: ApiCall, param: PageParam, page: int) -> ApiCall:
    """The same call asking for another page."""
    if param.where == "query":
        parts = urlsplit(call.url)
        pairs = _set_pairs(parse_qsl(parts.query, keep_blank_values=True), param, page)
        return replace(call, url=urlunsplit(parts._replace(query=urlencode(pairs, quote_via=quote))))
    if param.where == "form":
        pairs = _set_pairs(parse_qsl(call.body, keep_blank_values=True), param, page)
        return replace(call, body=urlencode(pairs, quote_via=quote))
    obj = _json_dict(call.body) or {}
    obj[param.key] = page
    return replace(call, body=_dumps(obj))


def later_pages(param: PageParam, listing: JsonList, cap: int) -> list[int] | None:
    """The values (page numbers, or record offsets) of the pages after the call's own, up to the
    declared total (at most `cap` of them); None when the total is unknown (ask for the next page
    while pages come back full)."""
    size = param.size or listing.size or len(listing.entries)
    if listing.total is None or not size:
        return None
    count = math.ceil(listing.total / size)
    step = size if param.offset else 1
    return [param.value + i * step for i in range(1, min(count, cap + 1))]
