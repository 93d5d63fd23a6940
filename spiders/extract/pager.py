"""Pagination of a column's list (CONTRACT "Pagination").

Script pagers are read without running JavaScript:
- TRS, 0-based: createPageHTML(countPage, currentPage, "index", "html") -> index_1.html ..
  index_{N-1}.html; or inline `var countPage = N` with document.write (kind "trs_inline").
- page_div, 1-based: createPageHTML('page_div', countPage, currentPage, 'list', 'shtml', total)
  -> list_2.shtml .. list_N.shtml.
Page URLs are always computed from page 1's point of view (relative to the directory of the page
URL), so every page of a column yields the same set. Otherwise plain links: 下一页-style links
anywhere, numbered links inside a pager element (kind "links").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from parsel import Selector

from core.urls import canonical
from spiders.extract.links import Resolver
from spiders.extract.records import commented_markup
from spiders.extract.regions import FOOTER, HEADER, NAV, element_tokens, regions_for
from spiders.extract.text import SCRIPT_BLOCK, collapse, read_js_string, script_writes, strip_js_comments
from spiders.extract.urls import base_url, basename

PAGER_TOKENS = frozenset({"page", "pages", "pager", "pagination", "fenye", "pagebar", "pg"})
NEXT_TEXTS = frozenset({"下一页", "下页", "后页", ">", "»", "next", "next page"})

_CALL = re.compile(r"(?<![\w$.])createPageHTML\s*\(")
_ASSIGN = re.compile(r"(?<![\w$.])([A-Za-z_$][\w$]*)\s*=(?!=)\s*([\"']?)\s*(-?\d+)\s*\2(?![\w.])")
_PAGE_NAME = re.compile(r"^(?P<name>.+?)(?:_\d+)?\.(?P<ext>s?html?|jsp|aspx|php)$", re.I)
_WRITTEN_HREF = re.compile(r"""href\s*=\s*["']?([\w\-]+?)(?:_\d*)?\.(s?html?|jsp|aspx|php)\b""", re.I)


@dataclass
class PagerResult:
    kind: str | None = None  # trs | trs_inline | page_div | links | None (no pager)
    urls: list[str] = field(default_factory=list)  # other pages of the list, absolute + canonical
    from_script: bool = False
    count: int | None = None  # number of pages when the pager declares it


def _script_texts(sel: Selector | None, html_text: str) -> list[str]:
    """Inline scripts of the parsed page (an HTML comment hides a script from the parser, as from
    a browser); the raw text is only scanned when there is no parsed document."""
    texts: list[str] = []
    if sel is not None and isinstance(getattr(sel.root, "tag", None), str):
        texts = [s.text or "" for s in sel.root.iter("script") if not s.get("src")]
    elif html_text:
        texts = [body for attrs, body in SCRIPT_BLOCK.findall(html_text) if "src=" not in attrs.lower()]
    return [t for t in texts if t.strip()]


def _commented_scripts(sel: Selector | None) -> list[str]:
    """Inline scripts inside the page's HTML comments, when a comment also keeps the list."""
    if sel is None or not isinstance(getattr(sel.root, "tag", None), str):
        return []
    if not commented_markup(sel.root):
        return []  # a pager commented out on its own is retired; one kept with its list is not
    out = []
    for c in sel.root.iter(etree.Comment):
        text = c.text or ""
        if "<script" in text.lower():
            out += [body for attrs, body in SCRIPT_BLOCK.findall(text) if "src=" not in attrs.lower()]
    return [t for t in out if t.strip()]


def _split_args(js: str, start: int) -> list[tuple[str | None, str]] | None:
    """Arguments of the call whose '(' ends at js[start-1], each as (its string literal or None,
    the rest of its source text); None for an unterminated call."""
    args: list[tuple[str | None, str]] = []
    cur: list[str] = []
    literal: str | None = None
    i, n, depth = start, len(js), 0
    while i < n:
        c = js[i]
        if c in "\"'`":
            literal, i = read_js_string(js, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                args.append((literal, "".join(cur).strip()))
                return args
            depth -= 1
        elif c == "," and depth == 0:
            args.append((literal, "".join(cur).strip()))
            cur, literal = [], None
            i += 1
            continue
        cur.append(c)
        i += 1
    return None


def _value(arg: tuple[str | None, str], variables: dict[str, int]) -> str | int | None:
    literal, raw = arg
    if literal is not None and not raw:
        s = literal.strip()
        return int(s) if re.fullmatch(r"-?\d+", s) else literal
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if re.fullmatch(r"[A-Za-z_$][\w$]*", raw):
        return variables.get(raw)
    return None


def _page_name(page_url: str) -> tuple[str, str] | None:
    m = _PAGE_NAME.match(basename(page_url))
    return (m.group("name"), m.group("ext")) if m else None


def _name_ext(call_name: Any, call_ext: Any, page_url: str, js: str) -> tuple[str, str]:
    """Name and extension of the list's files: the call's, else the page URL's, else what the
    script writes into its hrefs, else index.html."""
    if isinstance(call_name, str) and call_name.strip() and isinstance(call_ext, str) and call_ext.strip():
        return call_name.strip(), call_ext.strip().lstrip(".")
    from_url = _page_name(page_url)
    if from_url:
        return from_url
    m = _WRITTEN_HREF.search(script_writes(js))
    if m:
        return m.group(1), m.group(2)
    return "index", "html"


def _urls(page_url: str, name: str, ext: str, numbers: range) -> list[str]:
    out: list[str] = []
    for i in numbers:
        try:
            out.append(canonical(urljoin(page_url, f"{name}_{i}.{ext}")))
        except ValueError:
            continue
    return out


def _script_pager(texts: list[str], page_url: str) -> PagerResult | None:
    scripts = [strip_js_comments(t) for t in texts if "createPageHTML" in t or "countpage" in t.lower()]
    if not scripts:
        return None
    variables: dict[str, int] = {}
    for js in scripts:
        for m in _ASSIGN.finditer(js):
            variables.setdefault(m.group(1), int(m.group(3)))
    for js in scripts:
        for m in _CALL.finditer(js):
            if js[:m.start()].rstrip().endswith("function"):
                continue  # the pager function's own definition
            raw_args = _split_args(js, m.end())
            if not raw_args:
                continue
            args = [_value(a, variables) for a in raw_args]
            first = args[0]
            if isinstance(first, str):  # createPageHTML('page_div', count, current, name, ext, total)
                count = args[1] if len(args) > 1 else None
                if not isinstance(count, int):
                    continue
                name, ext = _name_ext(_nonnumeric(args, 3), _nonnumeric(args, 4), page_url, js)
                return PagerResult("page_div", _urls(page_url, name, ext, range(2, count + 1)), True, count)
            if isinstance(first, int):  # createPageHTML(count, current0, name, ext)
                name, ext = _name_ext(_nonnumeric(args, 2), _nonnumeric(args, 3), page_url, js)
                return PagerResult("trs", _urls(page_url, name, ext, range(1, first)), True, first)
    count = next((v for k, v in variables.items() if k.lower() == "countpage"), None)
    if count is None:
        return None
    js = next(s for s in scripts if "countpage" in s.lower())
    name, ext = _name_ext(None, None, page_url, js)
    return PagerResult("trs_inline", _urls(page_url, name, ext, range(1, count)), True, count)


def _nonnumeric(args: list[Any], i: int) -> str | None:
    v = args[i] if len(args) > i else None
    return v if isinstance(v, str) and not v.strip().isdigit() else None


NEXT_WORDS = ("下一页", "下页", "后页", "next")
LAST_WORDS = ("尾页", "末页", "最后一页", "last")
_TOTAL_PAGES = re.compile(r"共\s*[:：]?\s*(\d[\d,]*)\s*页|\d+\s*/\s*(\d+)\s*页|页次\s*[:：]?\s*\d+\s*/\s*(\d+)")
_JS_CALL = re.compile(r"^\s*(?:javascript:\s*)?([A-Za-z_$][\w$.]*)\s*\((.*)\)\s*;?\s*(?:return\s+false;?)?\s*$", re.S)
_DIGITS = re.compile(r"\d+")
_SELECT_PREFIX = re.compile(r"""location(?:\.href)?\s*=\s*((["'])[^"']*\2)\s*\+\s*this\.(?:options\[[^\]]*\]|value)""")
_MAX_PAGES = 100_000


def _is_next_text(text: str) -> bool:
    t = text.strip(" []【】()（）").casefold()
    if t in NEXT_TEXTS:
        return True
    stripped = t.rstrip(" >»›").lstrip(" <«‹")
    return stripped in NEXT_TEXTS and stripped not in (">", "»")


def _is_last_text(text: str) -> bool:
    t = text.strip(" []【】()（）<>»«›‹").casefold()
    return t in LAST_WORDS


def _in_pager(a: Any) -> bool:
    node = a
    while node is not None:
        if isinstance(node.tag, str) and (node.get("class") or node.get("id")) and (
            element_tokens(node) & PAGER_TOKENS
        ):
            return True
        node = node.getparent()
    return False


@dataclass
class _PageFn:
    """A page function a pager script defines: page n -> prefix + (n + delta) + suffix."""

    prefix: str
    delta: int
    suffix: str

    def url(self, n: int) -> str:
        return f"{self.prefix}{n + self.delta}{self.suffix}"


_FN_DEF = re.compile(r"function\s+([A-Za-z_$][\w$]*)\s*\(\s*([A-Za-z_$][\w$]*)[^)]*\)\s*\{", re.S)


def _page_functions(texts: list[str]) -> dict[str, _PageFn]:
    """Functions of the page's scripts that build a page URL from their first argument by string
    concatenation ('index_' + (p - 1) + '.html'): evaluated here instead of run."""
    out: dict[str, _PageFn] = {}
    for js in texts:
        for m in _FN_DEF.finditer(js):
            name, arg = m.group(1), re.escape(m.group(2))
            body = js[m.end():m.end() + 800]
            rx = re.compile(r"([\"'])([^\"'\n]*)\1\s*\+\s*\(?\s*" + arg
                            + r"\s*(?:([-+])\s*(\d+))?\s*\)?\s*(?:\+\s*([\"'])([^\"'\n]*)\5)?")
            found = rx.search(body)
            if found is None:
                continue
            delta = int(found.group(4) or 0) * (-1 if found.group(3) == "-" else 1)
            out[name] = _PageFn(found.group(2), delta, found.group(6) or "")
    return out


def _js_target(code: str, functions: dict[str, _PageFn]) -> tuple[str | None, int | None]:
    """What a javascript: pager call asks for: (a page URL it carries, or None; a page number)."""
    m = _JS_CALL.match(code)
    if m is None:
        return None, None
    name = m.group(1).rsplit(".", 1)[-1]
    args = _split_args(m.group(2) + ")", 0) or []
    first = args[0] if args else (None, "")
    literal, raw = first
    if literal is not None and not raw and not literal.strip().isdigit() and "." in literal:
        return literal.strip(), None  # goPage('list_3.html')
    number = literal.strip() if literal is not None else raw
    if not re.fullmatch(r"\d{1,6}", number or ""):
        return None, None
    n = int(number)
    fn = functions.get(name)
    return (fn.url(n) if fn is not None else None), n


def _template(url: str) -> tuple[str, int] | None:
    """The URL with its last number as a slot: ("…/index_{}.html", 3)."""
    found = list(_DIGITS.finditer(url))
    if not found:
        return None
    m = found[-1]
    return url[:m.start()] + "{}" + url[m.end():], int(m.group())


def _total_pages(root: Any) -> int | None:
    """The page count a 共N页 / 页次：1/N页 / N/M页 text declares."""
    if root is None:
        return None
    # the pager's text is split over elements (页次：<b>1</b>/3页): read whole blocks that say 页
    texts = []
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag not in ("script", "style") and el.text and "页" in el.text:
            block = el if len(el) else el.getparent()
            if block is not None:
                texts.append(collapse("".join(block.itertext()))[:300])
        if el.tail and "页" in el.tail and el.getparent() is not None:
            texts.append(collapse("".join(el.getparent().itertext()))[:300])
    text = " ".join(texts)
    for m in _TOTAL_PAGES.finditer(text):
        value = next(g for g in m.groups() if g)
        n = int(value.replace(",", ""))
        if 0 < n < _MAX_PAGES:
            return n
    return None


def _link_pager(sel: Selector, page_url: str, texts: list[str] | None = None) -> PagerResult | None:
    """Pagers written as links, form controls or script calls: numbered links in a pager element,
    下一页/下页/后页 and 尾页/末页 links anywhere, `javascript:` calls carrying a page URL or a
    page number (through the URL-building function the page's script defines), `<select>`
    options of page URLs, and 共N页 texts. The page URLs the pager declares are inferred from the
    ones it shows (0-based, 1-based or reverse numbering) and walked up to the declared count."""
    root = sel.root
    if not isinstance(getattr(root, "tag", None), str):
        return None
    regions = regions_for(root)
    resolver = Resolver(base_url(sel, page_url))
    try:
        here = canonical(page_url)
    except ValueError:
        here = page_url
    functions = _page_functions(texts or [])
    urls: list[str] = []
    next_urls: list[str] = []
    last_urls: list[str] = []

    def add(url: str | None, text: str) -> None:
        if not url or url == here:
            return
        if url not in urls:
            urls.append(url)
        if _is_next_text(text):
            next_urls.append(url)
        elif _is_last_text(text):
            last_urls.append(url)

    for a in root.iter("a"):
        text = collapse("".join(a.itertext()))
        if not text or len(text) > 12:
            continue
        is_word = _is_next_text(text) or _is_last_text(text)
        if not (is_word or (text.strip("[]【】 ").isdigit() and _in_pager(a))):
            continue
        if regions.of(a) in (FOOTER, HEADER, NAV):
            continue
        href = (a.get("href") or "").strip()
        code = href if href.lower().startswith("javascript:") else (a.get("onclick") or "")
        if code and (href.lower().startswith("javascript:") or href in ("", "#")):
            target, _n = _js_target(code, functions)
            add(resolver(target) if target else None, text)
        else:
            add(resolver(href), text)
    for select in root.iter("select"):
        onchange = select.get("onchange") or ""
        if not _in_pager(select) and "page" not in onchange.lower() and "location" not in onchange:
            continue
        # window.location='ArticleList.aspx?ClassID=11&page='+this.options[…].value: the pattern
        # lives in the handler, the options carry page numbers
        prefix = _SELECT_PREFIX.search(onchange)
        for opt in select.iter("option"):
            value = (opt.get("value") or "").strip()
            if not value or opt.get("selected") is not None:
                continue  # the page shown now
            if prefix is not None:
                add(resolver(read_js_string(prefix.group(1), 0)[0] + value), collapse("".join(opt.itertext())))
            elif not value.isdigit():
                add(resolver(value), collapse("".join(opt.itertext())))
    if not urls:
        return None
    total = _total_pages(root)
    inferred = _infer(urls, here, next_urls, last_urls, total) or []
    seen = set(inferred)
    result = inferred + [u for u in urls if u not in seen]
    return PagerResult("links", result, False, total)


def _infer(urls: list[str], here: str, next_urls: list[str], last_urls: list[str],
           total: int | None) -> list[str] | None:
    """All page URLs of the list from the ones shown: the template most shown links share, its
    numbering read from the next page's number (0-based: 1, 1-based: 2, reverse: the highest)
    and from the last page's; the count from 共N页 or the last page."""
    groups: dict[str, dict[int, str]] = {}
    for u in urls:
        t = _template(u)
        if t is not None:
            groups.setdefault(t[0], {})[t[1]] = u
    if not groups:
        return None
    here_t = _template(here)
    # the current page's own pattern first, else the one most shown links follow
    tpl, members = max(groups.items(), key=lambda kv: (here_t is not None and kv[0] == here_t[0], len(kv[1])))
    here_n = here_t[1] if here_t is not None and here_t[0] == tpl else None
    nxt = next((_template(u) for u in next_urls if (_template(u) or ("", 0))[0] == tpl), None)
    last = next((_template(u) for u in last_urls if (_template(u) or ("", 0))[0] == tpl), None)
    nums = set(members)
    if here_n is not None:
        nums.add(here_n)
    lo, hi = min(nums), max(nums)
    if nxt is not None and here_n is None and total:
        step = nxt[1]
        if last is not None and last[1] < step:  # reverse: page 2 has the highest number
            numbers = range(step, step - (total - 1), -1)
        else:
            numbers = range(step, step + total - 1)
    elif last is not None and (total or here_n is not None):
        if last[1] < lo:
            numbers = range(last[1], hi + 1)
        elif total and last[1] >= total - 1:
            numbers = range(max(last[1] - total + 1, 0), last[1] + 1)
        else:
            numbers = range(lo, last[1] + 1)
    elif total and here_n is None and lo in (1, 2):
        numbers = range(lo, lo + total - 1)
    else:
        numbers = range(lo, hi + 1)
    if len(numbers) > _MAX_PAGES:
        numbers = numbers[:_MAX_PAGES]
    out = []
    for n in numbers:
        if n == here_n:
            continue
        try:
            u = canonical(tpl.format(n))
        except ValueError:
            continue
        if u != here:
            out.append(u)
    return out or None


_UNIT_PARAMS = re.compile(r"unitid\s*:\s*[\"']?(\d+)[\"']?", re.I)
_PER_PAGE = re.compile(r"perPage\s*:\s*[\"']?(\d+)[\"']?", re.I)
_SELF_COUNT = re.compile(r"channelsTagSelf\s*=\s*\{[^;]*?\"articleCount\"\s*:\s*(\d+)|totalRecord\s*:\s*[\"']?(\d+)")


def _hanweb_unit_pager(texts: list[str], page_url: str) -> PagerResult | None:
    """New-generation Hanweb columns page their list by script (`loadPageData(params, unitid)`
    with `unitid`/`perPage`); each page is also served as the column URL with
    `?uid=<unitid>&pageNum=<n>` (1-based), the count from the channel's articleCount."""
    js = "\n".join(t for t in texts if "unitid" in t.lower() or "articlecount" in t.lower())
    if "loadPageData" not in js:
        return None  # the older jpage with a data proxy is paged through the proxy (hanweb.py)
    unit, per, total = _UNIT_PARAMS.search(js), _PER_PAGE.search(js), _SELF_COUNT.search(js)
    if not (unit and per and total) or int(per.group(1)) <= 0:
        return None
    count = -(-int(total.group(1) or total.group(2)) // int(per.group(1)))
    base = page_url.split("?", 1)[0]
    urls = [canonical(f"{base}?uid={unit.group(1)}&pageNum={n}") for n in range(2, min(count, _MAX_PAGES) + 1)]
    return PagerResult("hanweb_unit", urls, True, count)


def find_pager(sel: Selector | None, page_url: str, html_text: str = "") -> PagerResult:
    """The list's pagination: a script pager (computed page URLs, from_script=True) wins over
    rendered links; PagerResult(kind=None) when there is none. A script pager counts even when
    it declares a single page (an empty TRS column still has one)."""
    found = _script_pager(_script_texts(sel, html_text), page_url)
    if found is not None:
        return found
    found = _hanweb_unit_pager(_script_texts(sel, html_text), page_url)
    if found is not None:
        return found
    commented = _commented_scripts(sel)
    if commented:  # a pager kept in a comment next to a commented-out list (read as the list is)
        found = _script_pager(commented, page_url)
        if found is not None:
            return found
    found = _link_pager(sel, page_url, _script_texts(sel, html_text)) if sel is not None else None
    return found if found is not None else PagerResult()
