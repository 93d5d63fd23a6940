"""interpretation_unlinked — 政策解读 not tied to the policy it explains: a 解读 page that links to
no policy document of the site, a policy document whose 解读 links to it but which does not link
back to its 解读, or no 政策解读 column at all on a site that publishes policy documents.

Indicator: 发布解读 / 政策解读 (扣分; indicators.md §3 table and row 25: 「No 政策解读 column.
解读稿 not linked to the original (「解读稿与原文未相互关联」, E15)」 [C]; points unknown [U]).

Reads: the run's columns. 解读 columns: list columns whose name contains one of `column_names`.
Policy documents: the items of list columns in `policy_categories` that are not 解读 columns.
A 解读 item is judged when the crawl fetched its page (Page with status 200); its anchors (Link
rows, tag a/area) are looked up among the policy documents' URLs. A 解读 of a document published
elsewhere (a higher level's policy) is linked when an anchor says 「原文」 or names the document
its title quotes (《…》), unless one of the site's own documents links to it. A policy document
it links to is judged when its own page was fetched: it must link back to that 解读.
Targets: the 解读 page's URL (解读未关联原文), the policy document's URL (原文未关联解读), the
homepage URL (no 政策解读 column).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import aliased

from checks.base import Check, CheckConfig, CheckContext, FindingDraft, column_failed
from db.linksources import seqs_of
from db.models import Column, ColumnItem, Link, Page, Url


class Config(CheckConfig):
    column_names: list[str] = Field(default=["政策解读", "解读"], min_length=1)
    policy_categories: list[str] = ["policy"]
    # a site with policy documents but no 解读 column is flagged
    require_column: bool = True
    link_tags: list[str] = ["a", "area"]
    # a 解读 of a document published elsewhere (a State Council or provincial policy) is linked
    # when one of its anchors says so (「原文」) or names the document its title quotes (《…》)
    original_anchor_words: list[str] = ["原文"]


def is_interpretation(col: Column, cfg: Config) -> bool:
    return any(n in col.name for n in cfg.column_names)


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    for site_id in ctx.sites:
        yield from _site(ctx, cfg, site_id)


def _site(ctx: CheckContext, cfg: Config, site_id: str) -> Iterator[FindingDraft]:
    cols = [c for c in ctx.columns(site_id) if c.kind == "list" and not column_failed(c)]
    jd_cols = [c for c in cols if is_interpretation(c, cfg)]
    policy_cols = [c for c in cols if c.category in cfg.policy_categories and not is_interpretation(c, cfg)]
    items = ctx.items(site_id)
    home = ctx.home_url(site_id)
    if not jd_cols:
        if cfg.require_column and any(items.get(c.url_hash) for c in policy_cols):
            names = [c.name for c in policy_cols][:10]
            yield FindingDraft(site_id, home, home,
                               f"缺少政策解读栏目：网站发布政策文件（{'、'.join(names)}），但未设置政策解读栏目",
                               {"kind": "no_column", "policy_columns": [{"name": c.name, "url": c.url}
                                                                        for c in policy_cols[:10]],
                                "column_names": cfg.column_names})
        return
    policy: dict[str, tuple[ColumnItem, Column]] = {}
    for c in policy_cols:
        for it in items.get(c.url_hash, []):
            policy.setdefault(it.url_hash, (it, c))
    jd: dict[str, tuple[ColumnItem, Column]] = {}
    for c in jd_cols:
        for it in items.get(c.url_hash, []):
            if it.url_hash not in policy:
                jd.setdefault(it.url_hash, (it, c))
    fetched = set(ctx.session.scalars(select(Page.url_hash).where(
        Page.run_id == ctx.run_id, Page.site_id == site_id, Page.status == 200)))
    wanted = [h for h in jd if h in fetched] + [h for h in policy if h in fetched]
    out_links: dict[str, set[str]] = defaultdict(set)  # source hash -> target hashes
    anchors: dict[str, list[tuple[str, str]]] = defaultdict(list)  # source hash -> (anchor, target url)
    source, target = aliased(Url), aliased(Url)
    for i in range(0, len(wanted), 500):
        for src, tgt, anchor, url in ctx.session.execute(
                select(source.hash, target.hash, Link.anchor, target.url)
                .join(source, source.id == Link.source_id).join(target, target.id == Link.target_id).where(
                    Link.run_id == ctx.run_id, Link.source_seq.in_(seqs_of(ctx.run_id, wanted[i:i + 500])),
                    Link.site_id == site_id, source.hash.in_(wanted[i:i + 500]),
                    Link.tag.in_(cfg.link_tags))):
            out_links[src].add(tgt)
            anchors[src].append((anchor or "", url))
    reported: set[str] = set()
    for h, (item, col) in jd.items():
        if h not in fetched:
            continue
        docs = sorted(t for t in out_links.get(h, ()) if t in policy)
        if not docs:
            back = [policy[p][0] for p in policy if h in out_links.get(p, ())]
            if not back and _links_an_original(item.title, anchors.get(h, []), cfg):
                continue  # the document is published elsewhere and the 解读 links it there
            yield FindingDraft(site_id, item.url, item.url,
                               f"解读未关联原文：「{item.title[:40]}」（{col.name}）未链接到所解读的政策文件"
                               + (f"（政策文件「{back[0].title[:30]}」链接了该解读，但解读未链回）" if back else ""),
                               {"kind": "interpretation_unlinked", "interpretation": _ev(item, col),
                                "linked_from_policy": [_ev(*policy[b.url_hash]) for b in back[:5]],
                                "links_on_page": len(out_links.get(h, ()))})
            continue
        for p in docs:
            doc, doc_col = policy[p]
            if p not in fetched or h in out_links.get(p, ()) or p in reported:
                continue
            reported.add(p)
            yield FindingDraft(site_id, doc.url, doc.url,
                               f"政策文件未关联解读：「{doc.title[:40]}」（{doc_col.name}）的解读「{item.title[:30]}」"
                               f"链接了该文件，但文件页面未链接到解读",
                               {"kind": "policy_unlinked", "policy": _ev(doc, doc_col),
                                "interpretation": _ev(item, col)})


_QUOTED = re.compile(r"《([^》]{4,})》")


def _links_an_original(title: str, anchors: list[tuple[str, str]], cfg: Config) -> bool:
    quoted = _QUOTED.findall(title or "")
    for anchor, _ in anchors:
        if any(w in anchor for w in cfg.original_anchor_words) or any(q in anchor for q in quoted):
            return True
    return False


def _ev(item: ColumnItem, col: Column) -> dict[str, Any]:
    return {"title": item.title, "url": item.url, "published": item.published.isoformat() if item.published else None,
            "column": col.name, "column_url": col.url}


CHECK = Check(id="interpretation_unlinked", config=Config, run=run, doc=__doc__ or "")
