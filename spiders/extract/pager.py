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

from parsel import Selector

from core.urls import canonical
from spiders.extract.links import Resolver
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


def _is_next_text(text: str) -> bool:
    t = text.strip(" []【】()（）").casefold()
    if t in NEXT_TEXTS:
        return True
    stripped = t.rstrip(" >»›").lstrip(" <«‹")
    return stripped in NEXT_TEXTS and stripped not in (">", "»")


def _in_pager(a: Any) -> bool:
    node = a
    while node is not None:
        if isinstance(node.tag, str) and (node.get("class") or node.get("id")) and (
            element_tokens(node) & PAGER_TOKENS
        ):
            return True
        node = node.getparent()
    return False


def _link_pager(sel: Selector, page_url: str) -> PagerResult | None:
    root = sel.root
    if not isinstance(getattr(root, "tag", None), str):
        return None
    regions = regions_for(root)
    resolver = Resolver(base_url(sel, page_url))
    try:
        here = canonical(page_url)
    except ValueError:
        here = page_url
    urls: list[str] = []
    for a in root.iter("a"):
        text = collapse("".join(a.itertext()))
        if not text or len(text) > 12:
            continue
        if not (_is_next_text(text) or (text.strip("[]【】 ").isdigit() and _in_pager(a))):
            continue
        if regions.of(a) in (FOOTER, HEADER, NAV):
            continue
        url = resolver(a.get("href"))
        if url and url != here and url not in urls:
            urls.append(url)
    return PagerResult("links", urls, False, None) if urls else None


def find_pager(sel: Selector | None, page_url: str, html_text: str = "") -> PagerResult:
    """The list's pagination: a script pager (computed page URLs, from_script=True) wins over
    rendered links; PagerResult(kind=None) when there is none. A script pager counts even when
    it declares a single page (an empty TRS column still has one)."""
    found = _script_pager(_script_texts(sel, html_text), page_url)
    if found is not None:
        return found
    found = _link_pager(sel, page_url) if sel is not None else None
    return found if found is not None else PagerResult()
