"""Text of a page: visible text, text of one region, the title, and what document.write would write."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote

from parsel import Selector

from spiders.extract.regions import RegionMap, regions_for

DEFAULT_TEXT_CAP = 200_000

# never rendered as text
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link", "iframe", "object"})
# elements that start a new line of text (table cells too, so label and value cells stay apart)
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd", "details", "dialog",
    "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "option", "p", "pre",
    "section", "select", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})

_WS = re.compile(r"[ \t\r\f\v\xa0\u3000\u200b\ufeff]+")
_ANY_WS = re.compile(r"[\s\xa0\u3000\u200b\ufeff]+")


# _ANY_WS less what str.split() splits on (re's \s is str.isspace(), nbsp and U+3000 included)
_NOT_SPLIT = ("\u200b", "\ufeff")


def collapse(text: str | None) -> str:
    """All whitespace runs (incl. nbsp, ideographic space, newlines) -> one space, stripped."""
    if not text:
        return ""
    if _NOT_SPLIT[0] in text or _NOT_SPLIT[1] in text:
        return _ANY_WS.sub(" ", text).strip()
    return " ".join(text.split())  # the same, several times faster (every title, every row)


def compact(text: str | None) -> str:
    """All whitespace removed (column names, labels)."""
    if not text:
        return ""
    if _NOT_SPLIT[0] in text or _NOT_SPLIT[1] in text:
        return _ANY_WS.sub("", text)
    return "".join(text.split())


def _tagname(el: Any) -> str | None:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else None


# The one HTML-to-text walker of the project (pages, regions, metadata tables, list entries, post
# bodies, rechecks and probes all read text through it). Kept rather than html-text because the
# checks need a page's text per region (footer, body, nav) and without the metadata table's
# controls: html-text converts a whole tree and has no per-element filter.
def iter_text_blocks(root: Any, keep: Callable[[Any], bool] | None = None) -> Iterator[str]:
    """Text pieces of a subtree in document order, with "\n" yielded at block boundaries.

    `keep(el)` decides per element whether its own text (and the tails of its children, which
    render inside it) counts; skipped tags never count. Iterative: broken HTML nests deeply.
    """
    # stack items: (element, phase) -- phase 0 = open, 1 = close (emit tail afterwards)
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack:
        el, phase = stack.pop()
        tag = _tagname(el)
        if phase == 1 or tag is None:  # closing, or a comment / PI: only the tail is text
            if tag in BLOCK_TAGS:
                yield "\n"
            if el is not root and el.tail:  # the subtree root's tail lies outside it
                parent = el.getparent()
                if parent is not None and (keep is None or keep(parent)):
                    yield el.tail
            continue
        if tag in SKIP_TAGS:
            stack.append((el, 1))
            # the close phase still emits the tail; nothing of the content
            continue
        if tag in BLOCK_TAGS:
            yield "\n"
        if el.text and (keep is None or keep(el)):
            yield el.text
        stack.append((el, 1))
        children = list(el)
        for child in reversed(children):
            stack.append((child, 0))


def join_blocks(pieces: Iterator[str], cap: int = DEFAULT_TEXT_CAP) -> str:
    """Pieces -> lines: whitespace collapsed within a line, empty lines dropped, capped."""
    out: list[str] = []
    size = 0
    line: list[str] = []

    def flush() -> bool:
        nonlocal size
        if line:
            text = _WS.sub(" ", "".join(line).replace("\n", " ")).strip()
            line.clear()
            if text:
                out.append(text)
                size += len(text) + 1
                return size >= cap
        return False

    for piece in pieces:
        if piece == "\n":
            if flush():
                break
        else:
            line.append(piece)
    else:
        flush()
    return "\n".join(out)[:cap]


def _root(sel: Selector | Any) -> Any:
    return sel.root if isinstance(sel, Selector) else sel


def visible_text(sel: Selector | Any, cap: int = DEFAULT_TEXT_CAP) -> str:
    """Rendered text (no script/style/noscript/template/head), blocks on separate lines."""
    root = _root(sel)
    if not isinstance(getattr(root, "tag", None), str):
        return collapse(str(root))[:cap]
    return join_blocks(iter_text_blocks(root), cap)


def region_text(sel: Selector | Any, region: str, cap: int = DEFAULT_TEXT_CAP,
                regions: RegionMap | None = None) -> str:
    """Visible text of the elements in one region (e.g. "footer")."""
    root = _root(sel)
    if not isinstance(getattr(root, "tag", None), str):
        return ""
    rm = regions or regions_for(root)
    return join_blocks(iter_text_blocks(root, keep=lambda el: rm.of(el) == region), cap)


def page_title(sel: Selector) -> str:
    return collapse(" ".join(sel.xpath("//title//text()").getall()))


# --- document.write -------------------------------------------------------------------------

SCRIPT_BLOCK = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
_WRITE_CALL = re.compile(r"\bdocument\s*\.\s*write(ln)?\s*\(")
_DECODERS = ("unescape", "decodeURIComponent", "decodeURI")
_IDENT = re.compile(r"[\w$.]+")
_SIMPLE_ESC = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def js_unescape(s: str) -> str:
    """JavaScript unescape(): %XX and %uXXXX."""
    return re.sub(
        r"%u([0-9a-fA-F]{4})|%([0-9a-fA-F]{2})",
        lambda m: chr(int(m.group(1) or m.group(2), 16)),
        s,
    )


def _decode_uri(s: str) -> str:
    try:
        return unquote(s, errors="strict")
    except UnicodeDecodeError:
        return unquote(s)


def read_js_string(src: str, i: int) -> tuple[str, int]:
    """Parse the string literal starting at src[i] (a quote); return (value, index after it)."""
    quote = src[i]
    i += 1
    out: list[str] = []
    n = len(src)
    while i < n:
        c = src[i]
        if c == quote:
            return "".join(out), i + 1
        if c == "\\" and i + 1 < n:
            e = src[i + 1]
            if e == "u" and re.match(r"[0-9a-fA-F]{4}", src[i + 2:i + 6]):
                out.append(chr(int(src[i + 2:i + 6], 16)))
                i += 6
                continue
            if e == "x" and re.match(r"[0-9a-fA-F]{2}", src[i + 2:i + 4]):
                out.append(chr(int(src[i + 2:i + 4], 16)))
                i += 4
                continue
            if e == "\n":  # line continuation
                i += 2
                continue
            out.append(_SIMPLE_ESC.get(e, e))
            i += 2
            continue
        if c == "\n" and quote != "`":  # unterminated literal: stop at the line end
            return "".join(out), i
        out.append(c)
        i += 1
    return "".join(out), i


def _line_start(src: str, i: int) -> bool:
    """Only whitespace between the previous newline (or the start) and src[i]."""
    j = src.rfind("\n", 0, i)
    return not src[j + 1:i].strip()


def _regex_allowed(prev: str) -> bool:
    """A '/' starts a regex literal (not a division) after an operator or an opening bracket."""
    stripped = prev.rstrip()
    return not stripped or stripped[-1] in "(,=:[!&|?{};+-*%<>~^"


def _skip_regex_literal(src: str, i: int) -> int:
    """Index after the regex literal starting at src[i] ('/'); i+1 if it is not one."""
    j, n, in_class = i + 1, len(src), False
    while j < n and src[j] != "\n":
        c = src[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "/" and not in_class:
            return j + 1
        j += 1
    return i + 1


_JS_SPECIAL = re.compile(r"[\"'`/<-]")


def strip_js_comments(src: str) -> str:
    """Remove // and /* */ comments (and HTML-comment lines) from JavaScript, keeping strings
    and regex literals intact."""
    out: list[str] = []
    i, n = 0, len(src)
    while i < n:
        m = _JS_SPECIAL.search(src, i)
        if m is None:
            out.append(src[i:])
            break
        j = m.start()
        out.append(src[i:j])
        i = j
        c = src[i]
        if c in "\"'`":
            _, j = read_js_string(src, i)
            out.append(src[i:j])
            i = j
        elif src.startswith("//", i) or src.startswith("<!--", i) or (
            src.startswith("-->", i) and _line_start(src, i)
        ):
            # legacy script hiding (<!-- and a leading -->) also acts as a line comment
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        elif c == "/" and _regex_allowed("".join(out[-4:])):
            j = _skip_regex_literal(src, i)
            out.append(src[i:j])
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def mask_strings(js: str) -> str:
    """The code with the inside of every string literal blanked (same length), so a search for
    a call does not find one quoted in a string."""
    out: list[str] = []
    i, n = 0, len(js)
    while i < n:
        m = _QUOTE.search(js, i)
        if m is None:
            out.append(js[i:])
            break
        j = m.start()
        out.append(js[i:j])
        _, end = read_js_string(js, j)
        out.append(js[j] + " " * max(0, end - j - 2) + (js[end - 1] if end - j >= 2 else ""))
        i = end
    return "".join(out)


_QUOTE = re.compile(r"[\"'`]")


def _parse_concat(src: str, i: int) -> tuple[str, int]:
    """Evaluate a `+`-joined expression of string literals and unescape()/decodeURIComponent()
    calls from src[i] up to the closing ')' or ',' at depth 0. Unknown parts (variables, other
    calls) contribute nothing. Returns (text, index of the terminator)."""
    out: list[str] = []
    n = len(src)
    while i < n:
        c = src[i]
        if c in "\"'`":
            s, i = read_js_string(src, i)
            out.append(s)
        elif c in "),;":
            return "".join(out), i
        elif c == "(":
            # a parenthesised sub-expression
            s, i = _parse_concat(src, i + 1)
            out.append(s)
            if i < n and src[i] == ")":
                i += 1
        elif c.isalpha() or c in "_$":
            m = _IDENT.match(src, i)
            assert m
            name = m.group(0)
            i = m.end()
            j = i
            while j < n and src[j] in " \t\r\n":
                j += 1
            if j < n and src[j] == "(":
                inner, k = _parse_concat(src, j + 1)
                # skip any further arguments of the call
                depth = 0
                while k < n and not (src[k] == ")" and depth == 0):
                    if src[k] == "(":
                        depth += 1
                    elif src[k] == ")":
                        depth -= 1
                    elif src[k] in "\"'`":
                        _, k = read_js_string(src, k)
                        continue
                    k += 1
                i = k + 1
                short = name.rsplit(".", 1)[-1]
                if short == "unescape":
                    out.append(js_unescape(inner))
                elif short in ("decodeURIComponent", "decodeURI"):
                    out.append(_decode_uri(inner))
                elif short == "String":
                    out.append(inner)
        else:
            i += 1
    return "".join(out), i


def script_writes(js_or_html: str) -> str:
    """What document.write/writeln calls would write, from their string literals; inline scripts
    of an HTML text are read, scripts with a src are not. No JS engine: variables contribute
    nothing, loops run once."""
    if not js_or_html:
        return ""
    if re.search(r"<script\b", js_or_html, re.I):
        scripts = [body for attrs, body in SCRIPT_BLOCK.findall(js_or_html) if "src=" not in attrs.lower()]
    else:
        scripts = [js_or_html]
    out: list[str] = []
    for js in scripts:
        if "write" not in js:
            continue
        js = strip_js_comments(js)
        for m in _WRITE_CALL.finditer(mask_strings(js)):
            text, _ = _parse_concat(js, m.end())
            out.append(text + ("\n" if m.group(1) else ""))
    return "".join(out)
