"""Post bodies are HTML fragments (Weibo text, WeChat article content, RSS descriptions): keep the
plain text for the text checks and the links for the link checks."""

from __future__ import annotations

from typing import Any

from lxml import etree
from lxml import html as lhtml

from spiders.extract.links import anchor_text, resolve
from spiders.extract.text import collapse
from spiders.platforms.base import TEXT_CAP, PostLink

_BLOCK = frozenset({"p", "div", "li", "ul", "ol", "section", "article", "blockquote", "h1", "h2", "h3", "h4", "h5",
                    "h6", "tr", "table", "pre", "figure", "figcaption", "header", "footer"})
_SKIP = frozenset({"script", "style", "noscript", "template"})


def _walk(el: Any, out: list[str]) -> None:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in _SKIP:
        return
    if tag == "br" or tag in _BLOCK:
        out.append("\n")
    if tag and el.text:
        out.append(el.text)
    for child in el:
        _walk(child, out)
        if child.tail:
            out.append(child.tail)
    if tag in _BLOCK:
        out.append("\n")


def html_fragment(fragment: str | None, base_url: str) -> tuple[str, list[PostLink]]:
    """(plain text with one line per line break or block, links of <a href> in order, each once)."""
    if not fragment or not fragment.strip():
        return "", []
    if "<" not in fragment:
        return _lines(fragment), []
    try:
        root = lhtml.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        # a fragment lxml cannot read is still text a person reads
        return _lines(fragment), []
    pieces: list[str] = []
    _walk(root, pieces)
    text = _lines("".join(pieces))
    links: list[PostLink] = []
    seen: set[str] = set()
    for a in root.iter("a"):
        url = resolve(base_url, a.get("href") or "")
        if url is None or url in seen:
            continue
        seen.add(url)
        links.append(PostLink(url=url, anchor=anchor_text(a)))
    return text, links


def _lines(text: str) -> str:
    lines = (collapse(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)[:TEXT_CAP]
