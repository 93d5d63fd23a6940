"""prohibited_link — an outbound link whose target page shows gambling, pornography or fraud
content: the classic case is an old 友情链接 whose domain expired and was re-registered by a
gambling site.

Indicator: 安全、泄密事故等严重问题 (单项否决), sub-item 3 「发布或链接反动、暴力、色情等内容」 [V]
(indicators.md §2.1; table rows 1 and 40: 「外链 to commercial, gambling or porn sites」).

Reads: Link rows of the site that point off-site (`internal` false, tags in `tags`) joined to the
LinkResult of their target (run_id, target_hash = url_hash) whose `title` / `excerpt` the crawl
recorded (an outbound anchor is read by GET, its title and the start of its visible text kept).
The configured keywords are matched in both, each distinct word counted once with its weight
(a word in the title weighs `title_factor` times); a page whose total reaches `min_score` is
prohibited. A government page quoting one such word (「打击赌博」) stays under the threshold.
Target: the linked URL; url: the first page linking it (the homepage when it is linked there).
Evidence: the source pages with their anchors and regions, the target's final URL, title, the
matched words with their weights and where they were found, and a snippet around each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from checks.base import Check, CheckConfig, CheckContext, FindingDraft
from db.models import Link, LinkResult, link_order
from db.urls import ids_of

_CHUNK = 500


class Keyword(BaseModel):
    model_config = ConfigDict(extra="forbid")
    word: str = Field(min_length=1)
    weight: float = Field(gt=0)
    kind: str = Field(min_length=1)  # 赌博 | 色情 | 诈骗 …: named in the finding


class Config(CheckConfig):
    keywords: list[Keyword] = Field(min_length=1)
    min_score: float = Field(gt=0)
    title_factor: float = Field(default=2, ge=1)
    tags: list[str] = ["a", "area", "iframe", "frame"]
    snippet_chars: int = Field(default=20, ge=0)
    max_sources: int = Field(default=20, ge=1)


def score_page(title: str, text: str, cfg: Config) -> tuple[float, list[dict[str, Any]]]:
    """The weighted score of a page's title and text, and the words that made it."""
    hits: list[dict[str, Any]] = []
    total = 0.0
    title_l, text_l = (title or "").lower(), (text or "").lower()
    for kw in cfg.keywords:
        word = kw.word.lower()
        in_title, in_text = word in title_l, word in text_l
        if not (in_title or in_text):
            continue
        weight = kw.weight * (cfg.title_factor if in_title else 1)
        total += weight
        where = text if in_text else title
        pos = (text_l if in_text else title_l).find(word)
        n = cfg.snippet_chars
        hits.append({"word": kw.word, "kind": kw.kind, "weight": weight, "in_title": in_title,
                     "count": text_l.count(word) + title_l.count(word),
                     "snippet": where[max(0, pos - n): pos + len(word) + n]})
    return round(total, 4), hits


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    sites = set(ctx.sites)
    if not sites:
        return
    read = ctx.session.scalars(
        select(LinkResult).where(LinkResult.run_id == ctx.run_id, LinkResult.title.is_not(None))
    ).all()
    bad: dict[str, tuple[LinkResult, float, list[dict[str, Any]]]] = {}
    for res in read:
        score, hits = score_page(res.title or "", res.excerpt or "", cfg)
        if score >= cfg.min_score:
            bad[res.url_hash] = (res, score, hits)
    by_site: dict[tuple[str, str], list[Link]] = defaultdict(list)
    keys = sorted(bad)
    for i in range(0, len(keys), _CHUNK):
        for link in ctx.session.scalars(
            select(Link).where(Link.run_id == ctx.run_id, Link.target_id.in_(ids_of(keys[i:i + _CHUNK])),
                               Link.internal.is_(False), Link.tag.in_(cfg.tags)).order_by(*link_order())
        ):
            if link.site_id in sites:
                by_site[(link.site_id, link.target_hash)].append(link)
    for (site_id, h), links in sorted(by_site.items(), key=lambda kv: (kv[0][0], kv[1][0].source_seq)):
        res, score, hits = bad[h]
        home = ctx.home_url(site_id)
        on_home = [lk for lk in links if lk.on_homepage or lk.source_url == home]
        kinds = sorted({hit["kind"] for hit in hits})
        words = "、".join(hit["word"] for hit in hits[:8])
        anchor = next((lk.anchor for lk in links if lk.anchor), "")
        evidence: dict[str, Any] = {
            "target": links[0].target_url, "final_url": res.final_url or res.url, "status": res.status,
            "title": res.title, "excerpt": (res.excerpt or "")[:300], "score": score, "min_score": cfg.min_score,
            "kinds": kinds, "matched": hits, "on_homepage": bool(on_home), "hidden": any(lk.hidden for lk in links),
            "source_count": len(links),
            "sources": [{"page": lk.source_url, "anchor": lk.anchor, "tag": lk.tag, "region": lk.region,
                         "hidden": lk.hidden} for lk in links[: cfg.max_sources]],
        }
        where = "首页" if on_home else f"{len({lk.source_url for lk in links})}个页面"
        label = f"「{anchor}」" if anchor else ""
        detail = (f"链接{label}指向的外部页面含{'/'.join(kinds)}内容（标题「{(res.title or '')[:40]}」，"
                  f"命中：{words}）；出现在{where}")
        yield FindingDraft(site_id, links[0].target_url, home if on_home else links[0].source_url, detail, evidence)


CHECK = Check(id="prohibited_link", config=Config, run=run, doc=__doc__ or "")
