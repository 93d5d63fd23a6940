"""Links a reader cannot see (暗链): anchors inside an element hidden by its inline style
(`display:none`, `visibility:hidden`, zero height or width with `overflow:hidden`, `font-size:0`,
an absolute/fixed position or text-indent far off-screen), by the `hidden` attribute, or by a
class/id rule of the page's own <style>; anchors that inline scripts write (document.write) into
such a container, or inside a hidden wrapper of their own; and frames with no room to show
anything (an iframe of width or height 0: how a page is 挂马).

A container the page itself shows on demand is not hiding anything: a dropdown whose id or class
the page's scripts or on* handlers name, or that a `:hover` rule of its <style> reveals (the
「友情链接」 drop-down lists of government sites). Stylesheets loaded from files are not read.

Pure functions over the parsed page; the spider records the result on its Link rows
(`Link.hidden`), and checks.hidden_link judges the off-site ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree
from parsel import Selector

from spiders.extract.links import RawLink, Resolver, anchor_text
from spiders.extract.regions import BODY
from spiders.extract.text import script_writes
from spiders.extract.urls import base_url

MARKUP_MAX = 300
# the elements whose target a hidden container hides: anchors, and frames (a 0×0 iframe is how a
# page is 挂马)
TARGET_ATTRS = {"a": "href", "area": "href", "iframe": "src", "frame": "src"}
FRAMES = ("iframe", "frame")
OFF_SCREEN_PX = 500  # a box moved this far out of the page is meant not to be seen

_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_LENGTH = re.compile(r"^(-?\d+(?:\.\d+)?)(px|em|rem|pt|%)?$")
_SIMPLE_SELECTOR = re.compile(r"^[a-z0-9]*([.#][\w-]+)$", re.I)
# words one of which a page hiding anything must contain (a plain substring test: a regex
# alternation over a 5 MB page costs seconds)
_HINTS = ("display", "visibility", "hidden", "font-size", "text-indent", "left", "top", "height", "width")


@dataclass
class HiddenLink:
    link: RawLink
    why: str  # display_none | visibility_hidden | zero_size | font_size_zero | off_screen | text_indent | hidden_attr | style_rule
    markup: str  # the hiding element's opening tag
    by_script: bool = False
    rule: str | None = None  # the <style> rule, for style_rule

    def info(self) -> dict[str, Any]:
        out: dict[str, Any] = {"why": self.why, "markup": self.markup, "by_script": self.by_script}
        if self.rule:
            out["rule"] = self.rule
        return out


def _declarations(style: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in style.split(";"):
        name, sep, value = part.partition(":")
        if sep:
            out[name.strip().lower()] = value.replace("!important", "").strip().lower()
    return out


def _px(value: str | None) -> float | None:
    m = _LENGTH.match((value or "").replace(" ", ""))
    if not m:
        return None
    number, unit = float(m.group(1)), m.group(2) or "px"
    return number * (16 if unit in ("em", "rem") else 1) if unit != "%" else (number if number == 0 else None)


def hiding(style: str) -> str | None:
    """Why a style declaration block hides its element's content, or None."""
    d = _declarations(style)
    if d.get("display") == "none":
        return "display_none"
    if d.get("visibility") in ("hidden", "collapse"):
        return "visibility_hidden"
    if d.get("overflow") == "hidden" and (_px(d.get("height")) == 0 or _px(d.get("width")) == 0):
        return "zero_size"
    if _px(d.get("font-size")) == 0:
        return "font_size_zero"
    if d.get("position") in ("absolute", "fixed"):
        for side in ("left", "top", "right", "bottom"):
            v = _px(d.get(side))
            if v is not None and v <= -OFF_SCREEN_PX:
                return "off_screen"
    indent = _px(d.get("text-indent"))
    if indent is not None and indent <= -OFF_SCREEN_PX:
        return "text_indent"
    return None


def _opening_tag(el: Any) -> str:
    attrs = "".join(f' {k}="{v}"' for k, v in el.attrib.items())
    return f"<{el.tag}{attrs}>"[:MARKUP_MAX]


class _Styles:
    """The page's <style> rules: which simple selectors (.class, #id) hide, which are revealed on hover."""

    def __init__(self, css: str) -> None:
        self.hide: dict[str, tuple[str, str]] = {}  # ".cls" / "#id" -> (why, rule text)
        self.hover: set[str] = set()
        for selectors, body in _RULE.findall(_COMMENT.sub("", css)):
            why = hiding(body)
            for s in selectors.split(","):
                s = s.strip()
                if ":hover" in s:
                    self.hover.update(tok for tok in re.findall(r"[.#][\w-]+", s))
                    continue
                m = _SIMPLE_SELECTOR.match(s)
                if why and m:
                    self.hide[m.group(1)] = (why, f"{s}{{{body.strip()}}}"[:MARKUP_MAX])


_INLINE_WINS = {"display_none": "display", "visibility_hidden": "visibility"}


def _zero_frame(el: Any, style: str) -> bool:
    """A frame with no room to show anything: width or height 0 (attribute or style)."""
    d = _declarations(style) if style else {}
    return any(_px(v) == 0 for v in (el.get("width"), el.get("height"), d.get("width"), d.get("height"))
               if v is not None)


def _keys(el: Any) -> list[str]:
    keys = [f".{c}" for c in (el.get("class") or "").split()]
    if el.get("id"):
        keys.append(f"#{el.get('id')}")
    return keys


class _Page:
    def __init__(self, root: Any, styles: _Styles, scripts: str | None = None) -> None:
        self.root = root
        self._scripts = scripts
        self.styles = styles
        self._memo: dict[Any, tuple[str, str, str | None] | None] = {}

    @property
    def scripts(self) -> str:
        """Inline script text and on* handlers: what can show a container (read once, when needed)."""
        if self._scripts is None:
            bits = [str(t) for t in self.root.xpath("//script[not(@src)]/text()")]
            bits += [str(v) for v in self.root.xpath("//@*[starts-with(name(), 'on')]")]
            self._scripts = "\n".join(bits)
        return self._scripts

    def toggled(self, el: Any) -> bool:
        for key in _keys(el):
            if key in self.styles.hover or re.search(rf"(?<![\w-]){re.escape(key[1:])}(?![\w-])", self.scripts):
                return True
        parent = el.getparent()
        return parent is not None and any(k.startswith("on") for k in parent.attrib)

    def own(self, el: Any) -> tuple[str, str, str | None] | None:
        """Why the element itself hides its content (why, its opening tag, the <style> rule), or None."""
        if not el.attrib:
            return None
        style = el.get("style") or ""
        if el.get("hidden") is not None:
            why, rule = "hidden_attr", None
        elif el.tag in FRAMES and _zero_frame(el, style):
            why, rule = "zero_size", None
        else:
            why, rule = (hiding(style) if style else None), None
            if why is None and self.styles.hide:
                inline = _declarations(style) if style else {}
                for key in _keys(el):
                    found = self.styles.hide.get(key)
                    # an inline display/visibility overrides what a class rule says about it
                    if found and not (found[0] in _INLINE_WINS and _INLINE_WINS[found[0]] in inline):
                        why, rule = found
                        break
        if why is None or self.toggled(el):
            return None
        return why, _opening_tag(el), rule

    def hidden_by(self, el: Any) -> tuple[str, str, str | None] | None:
        """The nearest ancestor-or-self that hides el (memoised along the path)."""
        path: list[Any] = []
        node, found = el, None
        while node is not None and isinstance(node.tag, str):
            if node in self._memo:
                found = self._memo[node]
                break
            path.append(node)
            found = self.own(node)
            if found is not None:
                break
            node = node.getparent()
        for n in path:
            self._memo.setdefault(n, found)
        return found


def find_hidden_links(sel: Selector, page_url: str, html_text: str = "",
                      encoding: str | None = None) -> dict[str, HiddenLink]:
    """Canonical URL -> how it is hidden, for the page's anchors that only occur hidden (an URL also
    linked visibly on the page is not hidden). Script-written anchors are included (by_script)."""
    root = sel.root
    if not isinstance(getattr(root, "tag", None), str):
        return {}
    low = (html_text or etree.tostring(root, encoding=str)).lower()
    if not any(h in low for h in _HINTS):
        return {}
    page = _Page(root, _Styles("\n".join(root.xpath("//style/text()"))))
    # the hiding elements, outermost first (document order), and what lies inside them: one pass
    # over the elements, no walk up from every anchor (pages carry 100,000 links)
    covered: dict[Any, tuple[str, str, str | None]] = {}
    candidates = ("//*[@style or @hidden or @class or @id or self::iframe or self::frame]" if page.styles.hide
                  else "//*[@style or @hidden or self::iframe or self::frame]")
    for el in root.xpath(candidates):
        if el in covered:
            continue
        found = page.own(el)
        if found is not None:
            for inner in el.iter(*TARGET_ATTRS, "script"):
                covered.setdefault(inner, found)
    resolver = Resolver(base_url(sel, page_url), encoding)
    hidden: dict[str, HiddenLink] = {}
    visible: set[str] = set()
    for el, (why, markup, rule) in covered.items():
        attr = TARGET_ATTRS.get(el.tag)
        if attr and (url := resolver(el.get(attr))) is not None and url not in hidden:
            hidden[url] = HiddenLink(RawLink(url, el.tag, attr, anchor_text(el), BODY), why, markup, rule=rule)
    for script in root.iter("script"):
        if script.get("src") or not script.text or "write" not in script.text:
            continue
        written = script_writes(script.text)
        if written.strip():
            # the writing script names its own markup: it does not show it on demand
            others = _Page(root, page.styles, page.scripts.replace(script.text, ""))
            _script_links(written, covered.get(script), others, resolver, hidden, visible)
    if hidden:  # only then are the visible anchors worth resolving
        visible.update(u for el in root.iter(*TARGET_ATTRS) if el not in covered
                       and (u := resolver(el.get(TARGET_ATTRS[el.tag]))) is not None)
    return {u: h for u, h in hidden.items() if u not in visible}


def _script_links(written: str, container: tuple[str, str, str | None] | None, page: _Page, resolver: Resolver,
                  hidden: dict[str, HiddenLink], visible: set[str]) -> None:
    try:
        frag = Selector(text=f"<div>{written}</div>").root
    except (ValueError, etree.ParserError):
        return
    sub = _Page(frag, page.styles, page.scripts)
    for el in frag.iter(*TARGET_ATTRS):
        attr = TARGET_ATTRS[el.tag]
        url = resolver(el.get(attr))
        if url is None:
            continue
        found = container or sub.hidden_by(el)
        if found is None:
            visible.add(url)
        elif url not in hidden:
            why, markup, rule = found
            hidden[url] = HiddenLink(RawLink(url, el.tag, attr, anchor_text(el), BODY), why, markup,
                                     by_script=True, rule=rule)
