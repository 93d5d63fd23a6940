"""Did the HTML parser read the whole page?

libxml2 (under lxml and parsel) stops at a nesting limit — 2,048 elements deep with the huge-tree
option parsel sets — and keeps the tree built so far without a word: a page of 100,000 nested
`div`s reads as its first few lines and the links before the cut. Such a page is a parse problem to
record, not an empty page.
"""

from __future__ import annotations

from functools import cache

from lxml import etree
from parsel import Selector

_PROBE_DEPTH = 100_000


@cache
def parser_depth_limit() -> int:
    """How deep this build of the parser goes before it gives up (measured once, not assumed)."""
    sel = Selector(text="<html><body>" + "<div>" * _PROBE_DEPTH + "x" + "</div>" * _PROBE_DEPTH + "</body></html>")
    el, depth = sel.root, 0
    while len(el):
        el = el[-1]
        depth += 1
    return depth


@cache
def _at_the_limit() -> etree.XPath:
    # an element as deep as the probe's deepest one: one path step per level, which libxml2
    # evaluates level by level and drops as soon as a level is empty (cheap on flat pages too)
    return etree.XPath("boolean(" + "/*" * (parser_depth_limit() + 1) + ")")


def parse_problem(sel: Selector) -> str | None:
    """Why the parsed tree is not the whole page (None: it is)."""
    if sel.type not in ("html", "xml"):
        return None
    limit = parser_depth_limit()
    if limit >= _PROBE_DEPTH:
        return None  # this parser has no such limit
    if _at_the_limit()(sel.root):
        return (f"nested deeper than the HTML parser reads ({limit:,} elements): the text and links after "
                "that point were not read")
    return None
