"""backdated_item — 伪造发稿日期: an item that was not in a column at the previous full scan but
carries a publish date before that scan's date. Had it been published then, the previous scan,
which read that column completely, would have listed it: it was added later and dated back (the
「突击更新」 before an inspection).

Indicator: 安全、泄密事故等严重问题 (单项否决), sub-item 5 「存在弄虚作假行为（如伪造发稿日期等）」 [V]
(indicators.md §2.1 sub-item 5: 「items whose first-seen crawl date is much later than their
stated publish date」; §8.2: first-seen per URL is kept for this).

Reads the run history: the site's previous full scan (a completed run of a full kind with an
earlier as-of date and the site completed) and, per column (same URL), its items then and now.
Judged only where the previous scan read the column completely (Column.complete: every list page
its pager offered was read, no cap hit, none failed). An item counts as new when its URL was in
no column of the site at the previous scan. Dates within `tolerance_days` of the previous scan
are not judged (published late that day, time zones). A column where more than
`max_new_share` of the items are such old-dated newcomers was restructured (new URLs after a CMS
change), not backdated: it is left out.
Target: the item's URL; url: the item's URL. Evidence: the column, the item's date as shown and
where it was read, the previous scan's run and date, and this scan's date (first seen).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from pydantic import Field
from sqlalchemy import select

from checks.base import Check, CheckConfig, CheckContext, FindingDraft, iso, item_evidence
from db.models import Column, ColumnItem, ScanRun, SiteScan
from db.runs import FULL_KINDS


class Config(CheckConfig):
    tolerance_days: int = Field(default=1, ge=0)
    max_new_share: float = Field(default=0.5, gt=0, le=1)
    column_kinds: list[str] = ["list"]


def previous_scan(ctx: CheckContext, site_id: str) -> ScanRun | None:
    """The site's latest full scan before this run's as-of date that completed it."""
    return ctx.session.scalars(
        select(ScanRun).join(SiteScan, SiteScan.run_id == ScanRun.id).where(
            SiteScan.site_id == site_id, SiteScan.status == "completed", ScanRun.status == "completed",
            ScanRun.kind.in_(FULL_KINDS), ScanRun.id != ctx.run_id, ScanRun.as_of < ctx.as_of,
        ).order_by(ScanRun.as_of.desc(), ScanRun.id.desc())
    ).first()


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    for site_id in ctx.sites:
        prev = previous_scan(ctx, site_id)
        if prev is None:
            continue
        prev_cols = {c.url_hash: c for c in ctx.session.scalars(
            select(Column).where(Column.run_id == prev.id, Column.site_id == site_id))}
        prev_items: dict[str, set[str]] = defaultdict(set)
        seen_before: set[str] = set()
        for col_hash, item_hash in ctx.session.execute(
            select(ColumnItem.column_hash, ColumnItem.url_hash).where(ColumnItem.run_id == prev.id,
                                                                      ColumnItem.site_id == site_id)):
            prev_items[col_hash].add(item_hash)
            seen_before.add(item_hash)
        limit = prev.as_of - dt.timedelta(days=cfg.tolerance_days)
        items = ctx.items(site_id)
        for col in ctx.columns(site_id):
            before = prev_cols.get(col.url_hash)
            if col.kind not in cfg.column_kinds or before is None or not before.complete:
                continue
            now_items = items.get(col.url_hash, [])
            late = [i for i in now_items if i.url_hash not in seen_before and i.published is not None
                    and i.published < limit]
            if not late or len(late) > cfg.max_new_share * len(now_items):
                continue
            for item in late:
                yield _draft(ctx, site_id, col, before, prev, item)


def _draft(ctx: CheckContext, site_id: str, col: Column, before: Column, prev: ScanRun,
           item: ColumnItem) -> FindingDraft:
    days = (prev.as_of - item.published).days  # type: ignore[operator]
    evidence: dict[str, Any] = {
        "column": col.name, "column_url": col.url, "item": item_evidence(item),
        "published": iso(item.published), "previous_run": prev.id, "previous_as_of": iso(prev.as_of),
        "previous_items": before.item_count, "previous_pages_walked": before.pages_walked,
        "first_seen_run": ctx.run_id, "first_seen_as_of": iso(ctx.as_of), "days_before_previous": days,
    }
    detail = (f"疑似伪造发稿日期：「{item.title[:40]}」标注发布于{iso(item.published)}，但{iso(prev.as_of)}"
              f"的上次全面检查完整读取了栏目「{col.name}」而未见该条信息（早于上次检查{days}天），"
              f"本次{iso(ctx.as_of)}检查首次出现")
    return FindingDraft(site_id, item.url, item.url, detail, evidence)


CHECK = Check(id="backdated_item", config=Config, run=run, doc=__doc__ or "")
