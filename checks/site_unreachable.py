"""site_unreachable — the homepage could not be fetched during the scan (not open within `timeout_s`, or
a connection/DNS/TLS error, an HTTP error status) after the crawler's retries.

Indicator: 站点无法访问 (单项否决 W-V2). The indicator itself is judged on a week of probes (≥5 % of
≥20 daily probes failing); one scan's failure is the signal this check can give, and it means the
site could not be inspected at all, so it is a gate: an unreachable site gets no other finding
(no stale/empty/footer noise from pages we never read).

Reads: SiteScan.home_url, the homepage's LinkResult (status, error_class) and Page kind='home'.
A homepage that robots.txt or the allowed-network policy kept us from fetching, or that answered
with more than crawl.max_page_bytes, is not "unreachable"; the site is skipped (not assessed).

The monitoring week: when the availability probes (monitor/probe.py, run by the scheduler) hold
at least `probes.min_probes` visits of the site in the `probes.window_days` before the run's
as-of date ends, they decide, with the indicator's rule: a veto when `fail_ratio` (5 %) or more of
them failed or took `slow_s` or more. One scan's failure alone is then a `notice` (the site
is still not assessed further: its pages were never read), and a site the scan read fine can still
be vetoed by its week of probes. With fewer probes the scan alone decides, as above.
Target: the homepage URL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from checks.base import Check, CheckConfig, CheckContext, FindingDraft, iso
from core.probes import ProbeRules
from core.urls import url_hash
from db.models import LinkResult
from db.probes import ProbeWindow, window

# robots / skipped: we did not ask; too_large: it answered, with more than crawl.max_page_bytes;
# challenge: an anti-bot page stood in front of it (not assessed)
# (the site is up; it could not be read, which is ours to raise, not an availability veto)
NOT_ASSESSED = {"robots", "skipped", "too_large", "challenge"}


class ProbeConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    window_days: float = Field(default=7, gt=0)  # 监测1周
    min_probes: int = Field(default=140, ge=1)  # fewer stored probes than this: the scan alone decides
    fail_ratio: float = Field(default=0.05, gt=0, le=1)  # 累计占比超过（含）5%
    slow_s: float = Field(gt=0)  # a visit of this long or longer counts as failed
    timezone: str = "Asia/Shanghai"  # the as-of date is a local date; its end closes the window
    placeholders: list[str] = []  # a short page saying one of these is not an open site
    placeholder_max_chars: int = Field(default=500, ge=1)


class Config(CheckConfig):
    # a homepage that answered but took this long counts as not opening (the indicator's rule; its
    # value is config/indicators.yaml's, the one home of every threshold)
    timeout_s: float = Field(gt=0)
    # an HTTP status at or above this is a failure (the indicator counts 4xx and 5xx)
    fail_status_min: int = Field(default=400, ge=300, le=600)
    probes: ProbeConfig

    def probe_rules(self) -> ProbeRules:
        """How the scheduler's probe judges one visit (its fetch timeout is `timeout_s`)."""
        p = self.probes
        return ProbeRules(timeout_s=self.timeout_s, slow_s=p.slow_s, fail_status_min=self.fail_status_min,
                          placeholders=tuple(p.placeholders), placeholder_max_chars=p.placeholder_max_chars)


def window_end(ctx: CheckContext, tz: str) -> dt.datetime:
    """Naive UTC end of the probe window: the end of the as-of day (local), or the end of the run
    if that came earlier (a scan of today does not wait for tonight)."""
    day_end = dt.datetime.combine(ctx.as_of + dt.timedelta(days=1), dt.time(0), tzinfo=ZoneInfo(tz))
    end = day_end.astimezone(dt.UTC).replace(tzinfo=None)
    run = ctx.run
    ran = run.finished_at or run.heartbeat_at or run.started_at
    return min(end, ran) if ran is not None else end


def probe_evidence(pw: ProbeWindow, cfg: ProbeConfig) -> dict[str, Any]:
    return {"window_start": iso(pw.start), "window_end": iso(pw.end), "probes": pw.total, "bad": pw.bad,
            "failed": pw.failed, "slow": pw.slow, "ratio": round(pw.ratio, 4), "by_class": pw.by_class,
            "days_with_probes": pw.days, "fail_ratio": cfg.fail_ratio, "slow_s": cfg.slow_s,
            "min_probes": cfg.min_probes, "decides": pw.total >= cfg.min_probes}


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    end = window_end(ctx, cfg.probes.timezone)
    for site_id in ctx.sites:
        pw = window(ctx.session, site_id, end, cfg.probes.window_days, cfg.probes.slow_s)
        drafts = list(_scan_verdict(ctx, site_id, cfg))
        if pw.total == 0:
            yield from drafts
            continue
        ev = probe_evidence(pw, cfg.probes)
        if pw.total < cfg.probes.min_probes:
            for d in drafts:
                d.evidence["probes"] = ev
            yield from drafts
            continue
        yield from _probe_verdict(ctx, site_id, cfg, pw, ev, drafts)


def _probe_verdict(ctx: CheckContext, site_id: str, cfg: Config, pw: ProbeWindow, ev: dict[str, Any],
                   drafts: list[FindingDraft]) -> Iterator[FindingDraft]:
    """A full week of probes decides; the scan's own result (drafts) is kept as evidence."""
    home = ctx.home_url(site_id)
    scan = drafts[0] if drafts else None
    scan_failed = scan is not None  # a scan draft means the homepage was not read (site skipped)
    days = f"{cfg.probes.window_days:g}"
    share = f"{pw.bad}次{cfg.probes.slow_s:g}秒内未能打开（{pw.ratio:.1%}）"
    if pw.ratio >= cfg.probes.fail_ratio:
        evidence = {"home_url": home, "mode": "probes", "probes": ev, "scan": scan.evidence if scan else None}
        also = "；本次扫描首页也无法打开，本站其他指标未检查" if scan_failed else ""
        yield FindingDraft(site_id, home, home,
                           f"站点无法访问：近{days}天监测{pw.total}次，{share}，达到{cfg.probes.fail_ratio:.0%}{also}",
                           evidence, severity="veto")
        return
    if not scan_failed:
        return
    assert scan is not None
    evidence = {**scan.evidence, "mode": "scan", "probes": ev}
    yield FindingDraft(site_id, home, home,
                       f"扫描时首页无法打开（{_why(scan.evidence)}），但近{days}天监测{pw.total}次仅{share}，"
                       f"未达{cfg.probes.fail_ratio:.0%}，不作单项否决；本站其他指标未检查",
                       evidence, severity="notice")
    # not vetoed, yet nothing of the site was read: not assessed (never scored 100)
    ctx.skipped[site_id] = "homepage not fetched in this scan (probes pass the week)"


def _scan_verdict(ctx: CheckContext, site_id: str, cfg: Config) -> Iterator[FindingDraft]:
    """One scan's view of the homepage (the rule of the module doc's first paragraph)."""
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
    shot = ctx.screenshot_id(site_id, home)
    if shot is not None:
        evidence["screenshot_id"] = shot  # what Chromium showed for the homepage during the crawl
    if page is not None and page.status is not None and page.status < cfg.fail_status_min:
        elapsed = page.elapsed_ms or 0
        if elapsed < cfg.timeout_s * 1000:
            return
        evidence["error_class"] = "timeout"
        yield FindingDraft(site_id, home, home, f"首页打开超过{cfg.timeout_s:g}秒（{elapsed / 1000:.1f}秒）", evidence)
        ctx.skipped[site_id] = "site_unreachable"
        return
    if page is None and result is not None and result.error_class in NOT_ASSESSED:
        ctx.skipped[site_id] = f"homepage not fetched ({result.error_class})"
        return
    if result is not None and result.ok and page is None and not scan.error:
        # fetched fine but not stored as a page (e.g. not HTML): nothing to say it failed
        return
    yield FindingDraft(site_id, home, home, _detail(evidence), evidence)
    ctx.skipped[site_id] = "site_unreachable"


def _detail(ev: dict) -> str:
    return f"站点无法访问：扫描时首页无法打开（{_why(ev)}），本站其他指标未检查"


def _why(ev: dict) -> str:
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
        from core.errors import tls_detail

        why = tls_detail(ev.get("error"))
    elif cls:
        why = cls
    else:
        why = ev.get("error") or "未取得首页"
    return str(why)


CHECK = Check(id="site_unreachable", config=Config, run=run, gate=True, doc=__doc__ or "")
