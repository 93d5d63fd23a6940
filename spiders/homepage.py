"""The dated entries a homepage shows (its news, notice and policy blocks).

首页不更新 is judged on what the homepage itself shows, so every dated list entry in the page body
counts, not just the single largest list as on a column page. Dates follow the same rules as
column lists (spiders.extract.entries).
"""

from __future__ import annotations

from spiders.extract.entries import ListEntry, PageContext, build_entry
from spiders.extract.links import Resolver
from spiders.extract.regions import regions_for
from spiders.extract.urls import base_url

ENTRY_TAGS = ("li", "tr", "dd")


def homepage_entries(ctx: PageContext) -> list[ListEntry]:
    root = ctx.sel.root
    if not isinstance(getattr(root, "tag", None), str):
        return []
    regions = regions_for(root)
    resolver = Resolver(base_url(ctx.sel, ctx.url))
    out: list[ListEntry] = []
    seen: set[str] = set()
    for node in root.iter(*ENTRY_TAGS):
        if regions.of(node) != "body":
            continue
        # an entry is the innermost element holding one link (whatever its URL looks like: the
        # entry's date decides below); skip wrappers of several
        anchors = [a for a in node.iter("a") if a.get("href")]
        if len(anchors) != 1:
            continue
        a = anchors[0]
        url = resolver(a.get("href"))
        if url is None:
            continue
        if url in seen:
            continue
        entry = build_entry(node, a, url, ctx)
        if entry.published is None:
            continue  # 首页不更新 counts dated entries only; an undated one is not an update
        seen.add(url)
        out.append(entry)
    return out
