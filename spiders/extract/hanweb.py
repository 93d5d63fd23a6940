"""Hanweb (大汉) JCMS lists: the first page of a column sits inside
<script type="text/xml"><datastore><recordset><record><![CDATA[<li>…</li>]]></record>…, invisible
to an HTML parser; further pages come from /module/web/jpage/dataproxy.jsp in the same XML shape.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from parsel import Selector

from spiders.extract.entries import (
    ListEntry,
    ListResult,
    PageContext,
    build_entry,
    css_path,
    find_placeholder,
    first_article_link,
)
from spiders.extract.links import Resolver
from spiders.extract.regions import BODY, regions_for
from spiders.extract.urls import base_url

_RECORD = re.compile(r"<record\b[^>]*>(.*?)</record\s*>", re.S | re.I)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_NEXTGROUP = re.compile(r"<nextgroup\b[^>]*>(.*?)</nextgroup\s*>", re.S | re.I)
_TAG_INT = {name: re.compile(rf"<{name}\b[^>]*>\s*(\d+)\s*</{name}\s*>", re.I) for name in ("totalrecord", "totalpage")}
_HREF = re.compile(r"""href\s*=\s*(["'])(.*?)\1""", re.I | re.S)


def _unwrap(fragment: str) -> str:
    """A record's HTML: the CDATA content, or the (entity-escaped) text when there is no CDATA."""
    parts = _CDATA.findall(fragment)
    if parts:
        return "".join(parts)
    return html.unescape(fragment)


def datastore_records(xml_text: str) -> list[str]:
    """The HTML of each record of a datastore (script content or a dataproxy response)."""
    records = [_unwrap(r) for r in _RECORD.findall(xml_text)]
    if records:
        return records
    # variant: CDATA directly under <datastore>, no <record> elements
    body = _NEXTGROUP.sub("", xml_text)
    return _CDATA.findall(body) if "<datastore" in xml_text.lower() else []


def datastore_info(xml_text: str, page_url: str) -> dict[str, Any]:
    """totalrecord, totalpage and the nextgroup URL (absolute) when the datastore has them."""
    info: dict[str, Any] = {}
    for name, rx in _TAG_INT.items():
        m = rx.search(xml_text)
        if m:
            info[name] = int(m.group(1))
    m = _NEXTGROUP.search(xml_text)
    if m:
        href = _HREF.search(_unwrap(m.group(1)))
        if href:
            url = Resolver(page_url)(html.unescape(href.group(2)))
            if url:
                info["nextgroup"] = url
    return info


def entries_from_records(records: list[str], ctx: PageContext, base: str) -> list[ListEntry]:
    """One entry per record: its first article-like link, else its first link (a record is an
    item by construction, whatever its URL looks like)."""
    if not records:
        return []
    doc = "".join(f'<div class="govinspect-record">{r}</div>' for r in records)
    frag = Selector(text=f"<html><body>{doc}</body></html>")
    resolver = Resolver(base)
    seen: set[str] = set()
    out: list[ListEntry] = []
    for item in frag.root.iter("div"):
        if item.get("class") != "govinspect-record":
            continue
        found = first_article_link(item, resolver)
        if found is None:
            for a in item.iter("a"):
                url = resolver(a.get("href"))
                if url:
                    found = (a, url)
                    break
        if found is None or found[1] in seen:
            continue
        seen.add(found[1])
        out.append(build_entry(item, found[0], found[1], ctx))
    return out


def parse_dataproxy(xml_text: str, ctx: PageContext, proxy_url: str | None = None) -> ListResult:
    """A dataproxy.jsp response (the jpage paging of a Hanweb column) as a list page.

    `ctx.url` is the column page the records are shown on: the browser inserts them into that
    page, so relative record links resolve against it. The nextgroup link resolves against
    `proxy_url` (the URL the response came from) when given."""
    entries = entries_from_records(datastore_records(xml_text), ctx, ctx.url)
    return ListResult(entries=entries, placeholder=None, container="datastore",
                      meta=datastore_info(xml_text, proxy_url or ctx.url))


class HanwebDatastoreExtractor:
    """The datastore with the most records in the body region (None when the page has none)."""

    name = "hanweb_datastore"

    def extract(self, ctx: PageContext) -> ListResult | None:
        root = ctx.sel.root
        if not isinstance(getattr(root, "tag", None), str):
            return None
        regions = regions_for(root)
        best: tuple[Any, str, list[str]] | None = None
        for script in root.iter("script"):
            text = script.text or ""
            if "<datastore" not in text.lower() or regions.of(script) != BODY:
                continue
            records = datastore_records(text)
            if best is None or len(records) > len(best[2]):
                best = (script, text, records)
        if best is None:
            return None
        script, text, records = best
        base = base_url(ctx.sel, ctx.url)
        entries = entries_from_records(records, ctx, base)
        meta = datastore_info(text, base)
        meta["records"] = len(records)  # how many the page holds: the proxy is asked for the rest
        scripts = ctx.text or "\n".join(s.text or "" for s in root.iter("script") if "jpage" in (s.text or ""))
        meta.update(jpage_params(scripts, unitid=_unit_id(script)))
        placeholder = find_placeholder(root, ctx.placeholders, regions)
        if placeholder is None and not entries:
            for p in ctx.placeholders:
                if p and p in text:
                    placeholder = p
                    break
        return ListResult(entries=entries, placeholder=placeholder,
                          container=css_path(script) + '[type="text/xml"]', meta=meta)


def _unit_id(script: Any) -> str | None:
    parent = script.getparent()
    while parent is not None:
        if parent.get("id"):
            return parent.get("id").strip()
        parent = parent.getparent()
    return None


_JPAGE = re.compile(r"""\$\(\s*["']#?([\w-]+)["']\s*\)\s*\.jpage\s*\(\s*\{(.*?)\}\s*\)""", re.S)
_PARAM_VAR = re.compile(r"""\bvar\s+param_([\w-]+)\s*=\s*\{(.*?)\}""", re.S)
_KV = re.compile(r"""([\w$]+)\s*:\s*(?:"([^"]*)"|'([^']*)'|([\w.\-/]+))""")


def jpage_params(html_text: str, unitid: str | None = None) -> dict[str, Any]:
    """Parameters of the jpage pager call (`$('#212860').jpage({totalRecord:4895, perPage:19,
    proxyUrl:…})`) and of `var param_212860 = {columnid:…, unitid:…}`, as
    {"jpage": {...}, "param": {...}} (empty when absent). With `unitid`, that unit's call."""
    out: dict[str, Any] = {}
    for rx, key in ((_JPAGE, "jpage"), (_PARAM_VAR, "param")):
        for m in rx.finditer(html_text):
            if unitid is not None and m.group(1) != unitid:
                continue
            values: dict[str, Any] = {}
            for kv in _KV.finditer(m.group(2)):
                raw = next((g for g in kv.groups()[1:] if g is not None), "")
                values[kv.group(1)] = int(raw) if raw.isdigit() else raw
            values.setdefault("unitid", m.group(1))
            out[key] = values
            break
    return out


# --- jpage paging through the data proxy ------------------------------------------------------

DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"
# the form jpage posts (its ajaxParam), in the order real pages send it, with jpage's defaults
FORM_KEYS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid", "webname",
             "permissiontype")
FORM_DEFAULTS = {"col": "1", "appid": "1", "path": "/", "sourceContentType": "1", "permissiontype": "0"}


@dataclass(frozen=True)
class ProxyCall:
    """One POST to the data proxy: records start..end of the column, `per` to a page."""

    url: str  # proxy URL with ?startrecord=…&endrecord=…&perpage=…
    body: str  # the urlencoded form (columnid, unitid, webid, ...)
    start: int
    end: int
    per: int


@dataclass(frozen=True)
class ProxyPlan:
    proxy: str  # absolute proxy URL without query
    form: dict[str, str]
    per: int  # records per displayed page
    step: int  # records per proxy call (perPage x groupSize, what jpage asks for at once)
    total: int | None  # declared record count (None: unknown, page until a call comes back short)

    def call(self, start: int) -> ProxyCall:
        end = start + self.step - 1
        if self.total is not None:
            end = min(end, self.total)
        query = urlencode({"startrecord": start, "endrecord": end, "perpage": self.per})
        return ProxyCall(f"{self.proxy}?{query}", urlencode(self.form, quote_via=quote), start, end, self.per)

    def calls_after(self, have: int, cap: int) -> list[ProxyCall]:
        """The calls for records have+1 .. total (at most `cap`); with no total, the next one."""
        if self.total is None:
            return [self.call(have + 1)][:cap]
        out = []
        start = have + 1
        while start <= self.total and len(out) < cap:
            out.append(self.call(start))
            start += self.step
        return out


def _str(value: Any) -> str:
    return str(value).strip()


def proxy_plan(meta: dict[str, Any], page_url: str) -> ProxyPlan | None:
    """How jpage pages this column, from the datastore extractor's meta (jpage call, `param_…`
    variable, datastore totalrecord, nextgroup link); None when the column or unit id is unknown
    (nothing to ask the proxy for)."""
    jpage = meta.get("jpage") or {}
    param = meta.get("param") or {}
    from_next: dict[str, str] = {}
    nextgroup = meta.get("nextgroup")
    if nextgroup:
        from_next = dict(parse_qsl(urlsplit(nextgroup).query, keep_blank_values=True))
    form: dict[str, str] = {}
    for key in FORM_KEYS:
        for source in (param, jpage, from_next):
            if source.get(key) not in (None, ""):
                form[key] = _str(source[key])
                break
        else:
            if key in FORM_DEFAULTS:
                form[key] = FORM_DEFAULTS[key]
    if not form.get("columnid") or not form.get("unitid"):
        return None
    proxy = jpage.get("proxyUrl") or jpage.get("baseUrl")
    if not proxy and nextgroup:
        proxy = urlsplit(nextgroup).path
    proxy_url = Resolver(page_url)(_str(proxy or DEFAULT_PROXY).split("?", 1)[0])
    if proxy_url is None:
        return None
    per = _positive(jpage.get("perPage")) or _positive(param.get("perpage")) or 15
    group = _positive(jpage.get("groupSize")) or 3
    total = _positive(jpage.get("totalRecord"), zero=True)
    if total is None:
        total = meta.get("totalrecord")
    return ProxyPlan(proxy_url, form, per, per * group, total)


def _positive(value: Any, *, zero: bool = False) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 or (zero and value == 0) else None
    if isinstance(value, str) and value.strip().isdigit():
        return _positive(int(value.strip()), zero=zero)
    return None
