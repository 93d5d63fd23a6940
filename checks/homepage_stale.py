"""homepage_stale — the newest dated item the homepage shows is older than `max_age_days` (14)
before the as-of date; undated items are not updates.

Indicator: 首页不更新 (单项否决 W-V3): 「监测2周，首页无信息更新的，即单项否决。如首页仅为网站栏目
导航入口，所有二级页面无信息更新的，即单项否决。」 and the 2015 note 「未注明信息发布时间的视为不更新」.

Reads: the Column kind='homepage' (url = the homepage) and its ColumnItems.
Navigation-only homepage (our rule): when the homepage shows no dated item at all, the pages one
click away decide instead — the items of the list columns linked from the homepage (Column
source 'nav' with no parent, or parent = the homepage; configured columns count too). The site is
then stale only when none of those second-level pages has an item in the window. An item dated
more than `future_tolerance_days` after the as-of date is implausible and proves nothing.
Target: the homepage URL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pydantic import Field

from checks.base import (
    Check,
    CheckConfig,
    CheckContext,
    FindingDraft,
    is_first_level,
    iso,
    item_evidence,
    newest_dated,
)
from core.urls import url_hash
from db.models import Column


class Config(CheckConfig):
    max_age_days: int = Field(default=14, ge=1)
    future_tolerance_days: int = Field(default=2, ge=0)
    navigation_fallback: bool = True  # apply the 二级页面 rule when the homepage lists no item at all


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    cutoff = ctx.as_of - dt.timedelta(days=cfg.max_age_days)
    latest_allowed = ctx.as_of + dt.timedelta(days=cfg.future_tolerance_days)
    for site_id in ctx.sites:
        home = ctx.home_url(site_id)
        items = ctx.items(site_id)
        home_items = items.get(url_hash(home), [])
        for col in ctx.columns(site_id):
            if col.kind == "homepage" and col.url_hash != url_hash(home):
                home_items = home_items + items.get(col.url_hash, [])
        newest, future = newest_dated(home_items, latest_allowed=latest_allowed)
        evidence: dict = {
            "home_url": home, "as_of": iso(ctx.as_of), "cutoff": iso(cutoff), "max_age_days": cfg.max_age_days,
            "mode": "homepage", "homepage_items": len(home_items),
            "homepage_dated_items": sum(1 for i in home_items if i.published is not None),
            "newest": item_evidence(newest),
        }
        if future:
            evidence["future_dated"] = [item_evidence(i) for i in future[:10]]
        # only a homepage that lists nothing is "navigation only"; one whose items are all undated
        # is not updated (the indicator: 未注明日期视为不更新), fresh columns behind it or not
        if not home_items and cfg.navigation_fallback:
            evidence["mode"] = "navigation"
            best_col, best = None, None
            second = [c for c in ctx.columns(site_id) if c.kind == "list" and _one_click(c, home)]
            for col in second:
                n, _ = newest_dated(items.get(col.url_hash, []), latest_allowed=latest_allowed)
                if n is not None and (best is None or n.published > best.published):  # type: ignore[operator]
                    best_col, best = col, n
            evidence["second_level_columns"] = [{"name": c.name, "url": c.url} for c in second[:50]]
            evidence["newest"] = item_evidence(best)
            if best_col is not None:
                evidence["newest_column"] = {"name": best_col.name, "url": best_col.url}
            newest = best
        if newest is not None and newest.published >= cutoff:  # type: ignore[operator]
            continue
        yield FindingDraft(site_id, home, home, _detail(evidence, cfg, ctx.as_of), evidence)


def _one_click(col: Column, home: str) -> bool:
    return is_first_level(col, home)


def _detail(ev: dict, cfg: Config, as_of: dt.date) -> str:
    newest = ev.get("newest")
    where = "首页" if ev["mode"] == "homepage" else "首页为栏目导航入口，其二级页面"
    if newest is None:
        return f"首页不更新：{where}没有注明发布日期的信息（未注明日期视为不更新）"
    age = (as_of - dt.date.fromisoformat(newest["published"])).days
    return (f"首页不更新：{where}最新信息发布于{newest['published']}（{age}天前），"
            f"超过{cfg.max_age_days}天未更新")


CHECK = Check(id="homepage_stale", config=Config, run=run, doc=__doc__ or "")
