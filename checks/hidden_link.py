"""hidden_link — 暗链: a link hidden from readers that points off-site: inside an element styled
`display:none`, `visibility:hidden`, zero size or font size, pushed off-screen (negative
position or text-indent), hidden by a class or id rule of the page's own <style>, or written by
a script (document.write) into such a container; and frames of width or height 0 (挂马).

Indicator: 安全、泄密事故等严重问题 (单项否决) sub-item 4 「对安全攻击（如页面被挂马、内容被篡改等）
没有及时有效处置」 [V], and sub-item 3 when the target is prohibited content (indicators.md §2.1:
「hidden links (display:none, font-size:0, off-screen positioning)」; 临安 「网站暗链」 [C]). A
hidden link to the site's own pages (a collapsed menu, a skip link) is layout, not 暗链: only
targets outside the site's hosts count, and not the CMS vendors' own hidden signatures
(`vendor_hosts`: every 大汉 Hanweb page carries <a href="http://www.hanweb.com" style="display:none">
Produced By 大汉网络 大汉版通发布系统</a>), nor the national 找错 entry some sites hide
(`known_url_parts`: …/exposure/jiucuo.html?site_code=…).

Reads: Link rows with `hidden` set (spiders.extract.hidden records why and the hiding element's
markup) and `internal` false, tags in `tags`; the target's LinkResult title when the crawl read it.
Target: the hidden link's URL; url: the page carrying it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field
from sqlalchemy import select

from checks.base import Check, CheckConfig, CheckContext, FindingDraft
from db.models import Link, LinkResult, link_order

WHY_NAMES = {"display_none": "display:none", "visibility_hidden": "visibility:hidden", "zero_size": "尺寸为0",
             "font_size_zero": "字号为0", "off_screen": "定位到屏幕外", "text_indent": "文字缩进到屏幕外",
             "hidden_attr": "hidden属性", "style_rule": "样式表规则隐藏"}


class Config(CheckConfig):
    tags: list[str] = ["a", "area", "iframe", "frame"]
    # hosts (and their subdomains) whose hidden links are a CMS vendor's signature, not 暗链
    vendor_hosts: list[str] = []
    # URL parts of hidden links that national systems put on pages (the 找错 exposure entry)
    known_url_parts: list[str] = []
    max_sources: int = Field(default=20, ge=1)


def _vendor(url: str, hosts: list[str]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in hosts)


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    sites = set(ctx.sites)
    if not sites:
        return
    by_site: dict[tuple[str, str], list[Link]] = defaultdict(list)
    for link in ctx.session.scalars(
        select(Link).where(Link.run_id == ctx.run_id, Link.hidden.is_not(None), Link.internal.is_(False),
                           Link.tag.in_(cfg.tags)).order_by(*link_order())
    ):
        if link.site_id in sites and link.hidden and not _vendor(link.target_url, cfg.vendor_hosts) \
                and not any(part in link.target_url for part in cfg.known_url_parts):
            by_site[(link.site_id, link.target_hash)].append(link)
    if not by_site:
        return
    hashes = sorted({h for _, h in by_site})
    titles: dict[str, LinkResult] = {}
    for i in range(0, len(hashes), 500):
        for res in ctx.session.scalars(select(LinkResult).where(LinkResult.run_id == ctx.run_id,
                                                                LinkResult.url_hash.in_(hashes[i:i + 500]))):
            titles[res.url_hash] = res
    for (site_id, h), links in sorted(by_site.items(), key=lambda kv: (kv[0][0], kv[1][0].source_seq)):
        first = links[0]
        hidden: dict[str, Any] = first.hidden or {}
        res = titles.get(h)
        why = WHY_NAMES.get(hidden.get("why", ""), hidden.get("why", "隐藏"))
        evidence: dict[str, Any] = {
            "target": first.target_url, "anchor": first.anchor, "why": hidden.get("why"),
            "rule": hidden.get("rule"), "markup": hidden.get("markup"), "by_script": bool(hidden.get("by_script")),
            "on_homepage": any(lk.on_homepage for lk in links),
            "target_title": res.title if res is not None else None,
            "target_status": res.status if res is not None else None,
            "source_count": len(links),
            "sources": [{"page": lk.source_url, "anchor": lk.anchor, "hidden": lk.hidden}
                        for lk in links[: cfg.max_sources]],
        }
        how = "由脚本写入" if hidden.get("by_script") else ""
        what = "内嵌框架" if first.tag in ("iframe", "frame") else "链接"
        title = f"，目标页面标题「{res.title[:40]}」" if res is not None and res.title else ""
        detail = (f"暗链：指向站外的{what}「{first.anchor[:30] or first.target_url[:60]}」{how}隐藏于（{why}）的元素中{title}；"
                  f"隐藏元素：{(hidden.get('markup') or '')[:120]}")
        yield FindingDraft(site_id, first.target_url, first.source_url, detail, evidence)


CHECK = Check(id="hidden_link", config=Config, run=run, doc=__doc__ or "")
