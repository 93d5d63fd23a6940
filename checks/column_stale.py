"""column_stale — a column's newest item is older than its category's limit: news 14 days;
notice and policy 6 months; personnel and planning 12 months (`limits`). The newest dated item
decides wherever it sits in the list (pinned items count like any other, oldest-first lists
are fine); a column whose items are all undated counts as stale (「未注明信息发布时间的视为不更新」).

Indicator: 栏目不更新 (单项否决 W-V4a: 动态要闻 2 weeks + 通知公告/政策文件 一级栏目 6 months, ≥5;
W-V4b: 应更新但长期未更新 ≥10 — 人事/规划计划 1 year per vendor practice) and the 扣分 item
「政策文件类一级栏目6个月未更新，扣5分」 (W-D1). Counting is done by the scoring rules, which read
`category` and `first_level` from the evidence.

Reads: Column kind='list' (not the homepage) with its ColumnItems. Columns whose page did not
load are left to link_broken; columns with no item at all are left to column_empty.
Target: the column's list-page URL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field, model_validator

from checks.base import (
    Check,
    CheckConfig,
    CheckContext,
    FindingDraft,
    column_failed,
    is_first_level,
    iso,
    item_evidence,
    months_before,
    newest_dated,
)


class Limit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: int | None = Field(default=None, ge=1)
    months: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one(self) -> Limit:
        if (self.days is None) == (self.months is None):
            raise ValueError("give exactly one of days or months")
        return self

    def cutoff(self, as_of: dt.date) -> dt.date:
        if self.days is not None:
            return as_of - dt.timedelta(days=self.days)
        return months_before(as_of, self.months or 0)

    def label(self) -> str:
        return f"{self.days}天" if self.days is not None else f"{self.months}个月"


CATEGORY_NAMES = {"news": "动态要闻类", "notice": "通知公告类", "policy": "政策文件类", "personnel": "人事类",
                  "planning": "规划计划类", "disclosure": "信息公开类", "interaction": "互动类", "service": "服务类",
                  "other": "其他"}


class Config(CheckConfig):
    # category -> freshness limit; categories not listed are not judged
    limits: dict[str, Limit]
    future_tolerance_days: int = Field(default=2, ge=0)


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    latest_allowed = ctx.as_of + dt.timedelta(days=cfg.future_tolerance_days)
    for site_id in ctx.sites:
        home = ctx.home_url(site_id)
        items = ctx.items(site_id)
        for col in ctx.columns(site_id):
            limit = cfg.limits.get(col.category)
            if col.kind != "list" or limit is None or column_failed(col):
                continue
            col_items = items.get(col.url_hash, [])
            if not col_items:
                continue  # empty: column_empty's finding
            cutoff = limit.cutoff(ctx.as_of)
            newest, future = newest_dated(col_items, latest_allowed=latest_allowed)
            if newest is not None and newest.published >= cutoff:  # type: ignore[operator]
                continue
            evidence = {
                "column": col.name, "column_url": col.url, "category": col.category,
                "first_level": is_first_level(col, home), "source": col.source, "parent_url": col.parent_url,
                "as_of": iso(ctx.as_of), "limit": limit.model_dump(exclude_none=True), "cutoff": iso(cutoff),
                "items": len(col_items), "dated_items": sum(1 for i in col_items if i.published is not None),
                "newest": item_evidence(newest), "pages_walked": col.pages_walked, "truncated": col.truncated,
            }
            if future:
                evidence["future_dated"] = [item_evidence(i) for i in future[:10]]
            shot = ctx.screenshot_id(site_id, col.url)
            if shot is not None:
                evidence["screenshot_id"] = shot  # the column page as Chromium showed it
            cat = CATEGORY_NAMES.get(col.category, col.category)
            undated = len(col_items) - evidence["dated_items"]
            if newest is None and not future:
                detail = f"栏目不更新：「{col.name}」（{cat}）的{len(col_items)}条信息均未注明发布日期，视为不更新"
            elif newest is None:
                # every date there is lies after the check day (a typo or a placeholder year): no
                # plausible date to judge by, so the column counts as not updated, like an undated one
                dated = (f"{len(future)}条信息日期均晚于检查日" if not undated
                         else f"{undated}条信息未注明发布日期，{len(future)}条日期晚于检查日")
                detail = (f"栏目不更新：「{col.name}」（{cat}）的{dated}（如{iso(future[0].published)}），"
                          f"无法认定更新时间，视为不更新")
            else:
                age = (ctx.as_of - newest.published).days  # type: ignore[operator]
                detail = (f"栏目不更新：「{col.name}」（{cat}）最新信息发布于{iso(newest.published)}（{age}天前），"
                          f"超过{limit.label()}未更新")
            if col.truncated:
                detail += "（列表翻页达到上限，未读完全部页面）"
            yield FindingDraft(site_id, col.url, col.url, detail, evidence)


CHECK = Check(id="column_stale", config=Config, run=run, doc=__doc__ or "")
