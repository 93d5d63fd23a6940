"""Which part of a page an element sits in: footer, header, nav, side or body (CONTRACT "Regions").

Class and id values are split on whitespace, '-' and '_' into lowercase tokens; the closest
ancestor-or-self that has a classifying token (or is a <footer>/<header>/<nav> element) decides,
except that anything inside a footer is footer. Camel-case is not split (``sideMenu`` is one
token), and ``top-l fl`` has no classifying token, so a 信息公开 header block floated left stays body.

Pages can carry tens of thousands of links, so regions are computed once per document in one
pre-order pass (a parent is always classified before its children) and looked up per element.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from lxml import etree
from parsel import Selector

FOOTER = "footer"
HEADER = "header"
NAV = "nav"
SIDE = "side"
BODY = "body"
REGIONS = (FOOTER, HEADER, NAV, SIDE, BODY)

FOOTER_TOKENS = frozenset({"footer", "foot", "bottom", "copyright", "copy", "bq", "bqxx"})
HEADER_TOKENS = frozenset({"header", "head", "banner", "logo"})
NAV_TOKENS = frozenset({"nav", "menu", "navbar", "mainnav", "topnav", "subnav", "dropdown"})
SIDE_TOKENS = frozenset({"side", "sidebar", "left", "leftnav", "lmnav", "sidenav", "xxgknav", "subcol"})

_TAG_REGION = {"footer": FOOTER, "header": HEADER, "nav": NAV}
_SPLIT = re.compile(r"[\s\-_]+")

# One element carrying tokens of several regions (``left-nav``, ``head-nav``): the contract only
# says footer beats everything; a left-hand navigation is side navigation, and a nav bar inside a
# header block is navigation, so side > nav > header.
_PRIORITY = (
    (FOOTER_TOKENS, FOOTER),
    (SIDE_TOKENS, SIDE),
    (NAV_TOKENS, NAV),
    (HEADER_TOKENS, HEADER),
)


def tokens(value: str | None) -> list[str]:
    """Lowercase class/id tokens of one attribute value."""
    if not value:
        return []
    return [t for t in _SPLIT.split(value.lower()) if t]


def element_tokens(el: Any) -> set[str]:
    """Tokens of an element's class and id together."""
    get = el.get
    return set(tokens(get("class"))) | set(tokens(get("id")))


_token_cache: dict[tuple[str | None, str | None], str | None] = {}


def own_region(el: Any) -> str | None:
    """The region this element itself declares (by tag or class/id tokens), or None."""
    tag = el.tag
    if not isinstance(tag, str):
        return None
    get = el.get
    key = (get("class"), get("id"))
    if key == (None, None):
        return _TAG_REGION.get(tag.lower())
    try:
        found = _token_cache[key]
    except KeyError:
        toks = set(tokens(key[0])) | set(tokens(key[1]))
        found = None
        for group, region in _PRIORITY:
            if toks & group:
                found = region
                break
        if len(_token_cache) > 50_000:  # unbounded class soup on a hostile page
            _token_cache.clear()
        _token_cache[key] = found
    tag_region = _TAG_REGION.get(tag.lower())
    if tag_region == FOOTER or found == FOOTER:
        return FOOTER
    return found or tag_region


class RegionMap:
    """Region of every element of one document, computed in a single pass."""

    __slots__ = ("_map", "root")

    def __init__(self, root: Any) -> None:
        self.root = root
        self._map: dict[Any, str] = {}
        if not isinstance(getattr(root, "tag", None), str):
            return
        m = self._map
        # iter() is document pre-order: a parent's region is known before its children's
        for el in root.iter(etree.Element):
            parent = el.getparent()
            inherited = m.get(parent, BODY) if parent is not None else BODY
            if inherited == FOOTER:
                m[el] = FOOTER
                continue
            own = own_region(el)
            m[el] = own or inherited

    def __call__(self, el: Any) -> str:
        return self.of(el)

    def of(self, el: Any) -> str:
        """Region of an element of this document (comments and text resolve via their parent)."""
        if isinstance(el, Selector):
            el = el.root
        found = self._map.get(el)
        if found is not None:
            return found
        if isinstance(getattr(el, "tag", None), str):
            return _walk_up(el)
        parent = el.getparent() if hasattr(el, "getparent") else None
        return self.of(parent) if parent is not None else BODY

    def items(self) -> Iterable[tuple[Any, str]]:
        return self._map.items()

    @property
    def known(self) -> Callable[[Any], str | None]:
        """The region of an element of the map, None for anything else: `of` without its
        fallbacks, for loops over many elements (a bound dict lookup, no Python call)."""
        return self._map.get


def _walk_up(el: Any) -> str:
    """Region by walking the ancestors (for elements not in a precomputed map)."""
    decided: str | None = None
    node = el
    while node is not None:
        own = own_region(node)
        if own == FOOTER:
            return FOOTER
        if own and decided is None:
            decided = own
        node = node.getparent()
    return decided or BODY


def region_of(sel: Selector | Any) -> str:
    """Region of the element a selector (or a bare lxml element) points at."""
    el = sel.root if isinstance(sel, Selector) else sel
    if not isinstance(getattr(el, "tag", None), str):
        return BODY  # a text or attribute result
    return _walk_up(el)


# The latest documents' maps, keyed by the root's identity (the entry holds the root itself,
# so an id cannot be reused while its entry is alive). Several extractors run over one page.
_CACHE: OrderedDict[int, RegionMap] = OrderedDict()
_CACHE_SIZE = 2


def regions_for(sel: Selector | Any) -> RegionMap:
    """The (cached) region map of the document a selector belongs to."""
    el = sel.root if isinstance(sel, Selector) else sel
    if isinstance(getattr(el, "tag", None), str):
        el = el.getroottree().getroot()
    key = id(el)
    rm = _CACHE.get(key)
    if rm is not None and rm.root is el:
        _CACHE.move_to_end(key)
        return rm
    rm = RegionMap(el)
    _CACHE[key] = rm
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return rm
