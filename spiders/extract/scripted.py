"""Whether a column page's empty list is filled by its own scripts (so that only a browser sees
the items), read from the static HTML without running anything.

A page qualifies (`render: auto`) when its list extraction found nothing and one of these holds:
- jpaas: an element carries the list's query (`queryData="{…}"`) or an `/api-gateway/…` url;
- xhr: an inline script requests data itself (XMLHttpRequest, fetch, $.ajax/$.get/$.getJSON/
  $.post, axios) -- the JSON-list idiom;
- jpage_array: the older Hanweb pager fed from a JS array (`jpage({…dataStore:InitData…})`)
  instead of an XML datastore;
- dom_write: an inline script writes into an element of the page by id (innerHTML, $('#x').html/
  append) and that element has no links yet;
- template: a client-side template (art-template `{{each}}`, handlebars, vue) in a
  `<script type="text/html">` that the page's scripts fill with the list.
External scripts are not read: a list filled only by a same-site .js file is not detected (a site
with such columns is configured `render: js`).
"""

from __future__ import annotations

import re
from typing import Any

from parsel import Selector

from spiders.extract.text import strip_js_comments

_XHR = re.compile(
    r"XMLHttpRequest|(?<![\w$.])fetch\s*\(|\$\s*\.\s*(?:ajax|get|getJSON|post)\s*\(|jQuery\s*\.\s*(?:ajax|get|getJSON|post)\s*\("
    r"|(?<![\w$])axios\s*[.(]")
_JPAGE_ARRAY = re.compile(r"\.jpage\s*\(\s*\{[^}]*dataStore\s*:\s*[A-Za-z_$][\w$]*", re.S)
_WRITE_BY_ID = re.compile(
    r"""getElementById\s*\(\s*["']([\w-]+)["']\s*\)\s*\.\s*(?:innerHTML|insertAdjacentHTML|appendChild)"""
    r"""|\$\s*\(\s*["']#([\w-]+)["']\s*\)\s*\.\s*(?:html|append|prepend)\s*\(""")


# client-side templates the page's scripts fill with the list (art-template, handlebars, vue)
TEMPLATE_TYPES = frozenset({"text/html", "text/template", "text/x-handlebars-template", "text/x-template",
                            "text/x-jsrender"})
_TEMPLATE_LOOP = re.compile(r"\{\{\s*[#/]?\s*each\b|\{\{#list|v-for=|\{\{\s*for\b|<%\s*for\b")


def _inline_scripts(root: Any) -> list[str]:
    out = []
    for s in root.iter("script"):
        if s.get("src"):
            continue
        kind = (s.get("type") or "").lower()
        if kind and "javascript" not in kind and kind not in ("module", "text/ecmascript"):
            continue  # text/xml datastores, templates, JSON blobs
        text = s.text or ""
        if text.strip():
            out.append(strip_js_comments(text))
    return out


def script_filled_reason(sel: Selector) -> str | None:
    """Why this page's list looks filled by its scripts (see the module docstring), or None."""
    root = sel.root
    if not isinstance(getattr(root, "tag", None), str):
        return None
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.get("querydata") is not None or (el.get("url") or "").startswith("/api-gateway/"):
            return "jpaas"
    scripts = _inline_scripts(root)
    if any(_XHR.search(js) for js in scripts):
        return "xhr"
    for script in root.iter("script"):
        kind = (script.get("type") or "").lower()
        if kind in TEMPLATE_TYPES and _TEMPLATE_LOOP.search(script.text or ""):
            return "template"
    if any(_JPAGE_ARRAY.search(js) for js in scripts):
        return "jpage_array"
    ids = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    for js in scripts:
        for m in _WRITE_BY_ID.finditer(js):
            target = ids.get(m.group(1) or m.group(2))
            if target is not None and target.tag not in ("script", "style") and not any(
                    a.get("href") for a in target.iter("a")):
                return "dom_write"
    return None
