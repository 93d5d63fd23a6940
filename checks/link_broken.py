"""link_broken — a link (a, img, script, link, iframe, attachment, ...) whose target fails: an
HTTP 4xx/5xx, a DNS failure, a refused connection, a timeout, a redirect chain ending in an error
(or looping), a TLS failure, or a soft 404 (status 200 with a short "page not found" body such
as 您访问的页面不存在).

Indicator: 链接可用性 (扣分 W-D7 首页链接 1 point each, W-D8 其他页面链接 0.1 each, 2015 values).
The indicator counts the homepage and the other pages separately, so the evidence records both:
`on_homepage` (the URL is linked from the homepage), `homepage_links` and `other_pages`.

Reads: Link joined to LinkResult on (run_id, target_hash = url_hash) where ok is false and
error_class is not one of `ignore_error_classes` (robots: not checked; skipped: outside the
allowed networks; too_large: it answered). Soft 404: a LinkResult ok with status 200 whose Page
(internal HTML) is at most `soft_404.max_text_length` characters of text and contains one of
`soft_404.phrases`. The crawler retries HEAD failures with GET itself, so only final results are
seen here.
A new-media account's links are the links inside its posts (Link rows with the account's id).
Target: the broken URL (absolute). One finding per site and target, every source page in the
evidence; an external URL linked from several sites gives one finding per site.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from pydantic import Field
from sqlalchemy import and_, or_, select

from checks.base import Check, CheckConfig, CheckContext, FindingDraft
from core.errors import tls_detail
from core.soft404 import SoftNotFound
from db.models import Link, LinkResult, Page, link_order
from db.urls import ids_of

ERROR_NAMES = {
    "http": "HTTP错误", "dns": "域名解析失败", "refused": "连接被拒绝", "timeout": "访问超时", "tls": "TLS/证书错误",
    "redirect_loop": "重定向循环", "too_many_redirects": "重定向次数过多", "reset": "连接中断",
    "soft_404": "页面内容为“页面不存在”（软404）", "other": "无法访问",
}
TAG_NAMES = {"a": "链接", "area": "链接", "img": "图片", "script": "脚本", "link": "样式/资源", "iframe": "内嵌框架",
             "frame": "框架", "embed": "嵌入对象", "source": "媒体", "object": "嵌入对象", "pager": "翻页链接"}
_CHUNK = 500


class Config(CheckConfig):
    ignore_error_classes: list[str] = ["robots", "skipped", "too_large", "challenge"]
    soft_404: SoftNotFound
    max_sources: int = Field(default=100, ge=1)  # source pages listed in the evidence (all are counted)


def _soft_404(ctx: CheckContext, cfg: Config) -> dict[str, tuple[LinkResult, str]]:
    """url_hash -> (its ok LinkResult, the phrase found) for the run's soft 404 pages."""
    # page text is stored compressed (db.models.ZText), so its length is judged once read (phrase_in)
    rows = ctx.session.execute(
        select(Page.url_hash, Page.text).where(Page.run_id == ctx.run_id, Page.status == 200)
        .execution_options(yield_per=500)
    )
    hits: dict[str, str] = {}
    for h, text in rows:
        phrase = cfg.soft_404.phrase_in(text)
        if phrase:
            hits[h] = phrase
    out: dict[str, tuple[LinkResult, str]] = {}
    keys = list(hits)
    for i in range(0, len(keys), _CHUNK):
        for res in ctx.session.scalars(
            select(LinkResult).where(LinkResult.run_id == ctx.run_id, LinkResult.url_hash.in_(keys[i:i + _CHUNK]),
                                     LinkResult.ok.is_(True))
        ):
            out[res.url_hash] = (res, hits[res.url_hash])
    return out


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    sites = set(ctx.subjects("site", "account"))  # an account's links are the links inside its posts
    if not sites:
        return
    failed = ctx.session.scalars(
        select(LinkResult).where(
            LinkResult.run_id == ctx.run_id,
            LinkResult.ok.is_(False),
            or_(LinkResult.error_class.is_(None), LinkResult.error_class.not_in(cfg.ignore_error_classes)),
        )
    ).all()
    broken: dict[str, tuple[LinkResult, str | None]] = {r.url_hash: (r, None) for r in failed}
    if "soft_404" not in cfg.ignore_error_classes:
        for h, (res, phrase) in _soft_404(ctx, cfg).items():
            broken.setdefault(h, (res, phrase))
    by_site: dict[tuple[str, str], list[Link]] = defaultdict(list)
    keys = sorted(broken)
    for i in range(0, len(keys), _CHUNK):
        for link in ctx.session.scalars(
            select(Link).where(and_(Link.run_id == ctx.run_id, Link.target_id.in_(ids_of(keys[i:i + _CHUNK]))))
            .order_by(*link_order())
        ):
            if link.site_id in sites:
                by_site[(link.site_id, link.target_hash)].append(link)
    for (site_id, h), links in sorted(by_site.items(), key=lambda kv: (kv[0][0], kv[1][0].source_seq)):
        res, phrase = broken[h]
        yield _draft(ctx, cfg, site_id, res, phrase, links)


def _draft(ctx: CheckContext, cfg: Config, site_id: str, res: LinkResult, phrase: str | None,
           links: list[Link]) -> FindingDraft:
    home = ctx.home_url(site_id)
    target = links[0].target_url
    error_class = "soft_404" if phrase else (res.error_class or "http")
    on_home = [lk for lk in links if lk.on_homepage or lk.source_url == home]
    home_ids = {id(lk) for lk in on_home}
    other_pages = sorted({lk.source_url for lk in links if id(lk) not in home_ids})
    sources: list[dict[str, Any]] = [
        {"page": lk.source_url, "anchor": lk.anchor, "tag": lk.tag, "attr": lk.attr, "region": lk.region,
         "on_homepage": id(lk) in home_ids}
        for lk in links[: cfg.max_sources]
    ]
    tags = sorted({lk.tag for lk in links})
    evidence: dict[str, Any] = {
        "status": res.status, "error_class": error_class, "error": res.error, "method": res.method,
        "redirect_chain": res.redirect_chain, "final_url": res.final_url, "attempts": res.attempts,
        "internal": links[0].internal, "attachment": any(lk.attachment for lk in links), "tags": tags,
        "on_homepage": bool(on_home), "homepage_links": len(on_home), "other_pages": len(other_pages),
        "source_count": len(links), "sources": sources,
    }
    if phrase:
        evidence["soft_404_phrase"] = phrase
    url = home if on_home else links[0].source_url
    kind = "附件" if evidence["attachment"] else TAG_NAMES.get(links[0].tag, "链接")
    if phrase:
        why = f"页面返回200但内容为“{phrase}”（软404）"
    elif error_class == "http":
        why = f"HTTP {res.status}" if res.status else "HTTP错误"
        if res.redirect_chain:
            why += f"（经{len(res.redirect_chain) - 1}次重定向）"
    elif error_class == "tls":
        why = tls_detail(res.error)  # the certificate's fault, named: expired, self-signed, ...
    else:
        why = ERROR_NAMES.get(error_class, error_class)
    where = []
    if on_home:
        where.append(f"首页{len(on_home)}处")
    if other_pages:
        where.append(f"其他页面{len(other_pages)}个")
    detail = f"{kind}不可用：{why}；出现在{'、'.join(where)}"
    return FindingDraft(site_id, target, url, detail, evidence)


CHECK = Check(id="link_broken", config=Config, run=run, subjects=("site", "account"), doc=__doc__ or "")
