"""site_unreachable — the homepage could not be fetched during the scan (a timeout of 15 s or
more, a connection/DNS/TLS error, an HTTP error status) after the crawler's retries.

Indicator: 站点无法访问 (单项否决 W-V2). The indicator itself is judged on a week of probes (≥5 % of
≥20 daily probes failing); one scan's failure is the signal this check can give, and it means the
site could not be inspected at all, so it is a gate: an unreachable site gets no other finding
(no stale/empty/footer noise from pages we never read).

Reads: SiteScan.home_url, the homepage's LinkResult (status, error_class) and Page kind='home'.
A homepage that robots.txt or the allowed-network policy kept us from fetching is not
"unreachable"; the site is skipped (not assessed) instead.
Target: the homepage URL.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field
from sqlalchemy import select

from checks.base import Check, CheckConfig, CheckContext, FindingDraft
from crawler.urls import url_hash
from db.models import LinkResult

NOT_ASSESSED = {"robots", "skipped"}


class Config(CheckConfig):
    # a homepage that answered but took this long counts as not opening (the indicator's 15 s)
    timeout_s: float = Field(default=15.0, gt=0)
    # an HTTP status at or above this is a failure (the indicator counts 4xx and 5xx)
    fail_status_min: int = Field(default=400, ge=300, le=600)


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    for site_id in ctx.sites:
        home = ctx.home_url(site_id)
        scan = ctx.scans[site_id]
        page = ctx.home_page(site_id)
        result = ctx.session.scalars(
            select(LinkResult).where(LinkResult.run_id == ctx.run_id, LinkResult.url_hash == url_hash(home))
        ).first() if home else None
        evidence = {
            "home_url": home,
            "page_status": page.status if page else None,
            "status": result.status if result else (page.status if page else None),
            "error_class": result.error_class if result else None,
            "error": (result.error if result else None) or scan.error,
            "redirect_chain": result.redirect_chain if result else [],
            "elapsed_ms": result.elapsed_ms if result else (page.elapsed_ms if page else None),
            "attempts": result.attempts if result else None,
        }
        if page is not None and page.status is not None and page.status < cfg.fail_status_min:
            elapsed = page.elapsed_ms or 0
            if elapsed < cfg.timeout_s * 1000:
                continue
            evidence["error_class"] = "timeout"
            yield FindingDraft(site_id, home, home, f"首页打开超过{cfg.timeout_s:g}秒（{elapsed / 1000:.1f}秒）", evidence)
            ctx.skipped[site_id] = "site_unreachable"
            continue
        if page is None and result is not None and result.error_class in NOT_ASSESSED:
            ctx.skipped[site_id] = f"homepage not fetched ({result.error_class})"
            continue
        if result is not None and result.ok and page is None and not scan.error:
            # fetched fine but not stored as a page (e.g. not HTML): nothing to say it failed
            continue
        yield FindingDraft(site_id, home, home, _detail(evidence), evidence)
        ctx.skipped[site_id] = "site_unreachable"


def _detail(ev: dict) -> str:
    cls = ev.get("error_class")
    status = ev.get("status")
    if cls in (None, "http") and status:
        why = f"HTTP {status}"
    elif cls == "timeout":
        why = "连接超时"
    elif cls == "dns":
        why = "域名解析失败"
    elif cls == "refused":
        why = "连接被拒绝"
    elif cls == "tls":
        why = "TLS/证书错误"
    elif cls:
        why = cls
    else:
        why = ev.get("error") or "未取得首页"
    return f"站点无法访问：扫描时首页无法打开（{why}），本站其他指标未检查"


CHECK = Check(id="site_unreachable", config=Config, run=run, gate=True, doc=__doc__ or "")
