"""interaction_stale — a site's 政务咨询 columns published no reply in the past 2 months: the newest
答复时间 of their messages is older than that, or no message shows one at all.

Indicator: 互动交流 / 留言办理 (扣分) 「监测时间点前2个月内未更新留言答复，扣3分」 [C] (国管局 self-check;
北京 「超过2个月未公开网民留言及答复情况」).

Reads: the messages of the 政务咨询 columns (checks/interaction_data.py). A site whose columns list
no message is not judged here (an empty column is column_empty's).
Target: the site's first 政务咨询 column (by URL). Evidence: the newest reply (message URL and date),
the cut-off, the columns and how many messages were read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pydantic import Field

from checks.base import Check, CheckConfig, CheckContext, FindingDraft, iso, months_before
from checks.interaction_data import site_interaction


class Config(CheckConfig):
    months: int = Field(default=2, ge=1)  # 「前2个月内未更新留言答复」
    future_tolerance_days: int = Field(default=2, ge=0)  # reply dates later than as-of + this prove nothing


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    cutoff = months_before(ctx.as_of, cfg.months)
    latest_allowed = ctx.as_of + dt.timedelta(days=cfg.future_tolerance_days)
    for site_id in ctx.sites:
        data = site_interaction(ctx, site_id)
        if not data.messages:
            continue
        replied = [m for m in data.messages if m.answered is not None and m.answered <= latest_allowed]
        newest = max(replied, key=lambda m: m.answered or dt.date.min, default=None)
        if newest is not None and newest.answered is not None and newest.answered >= cutoff:
            continue
        target = sorted(data.columns)[0]
        names = "、".join(f"「{n}」" for n in dict.fromkeys(data.columns[u] for u in sorted(data.columns)))
        if newest is None:
            detail = (f"留言答复未更新：{names}共{len(data.messages)}条留言均未公开答复时间，"
                      f"无法认定近{cfg.months}个月有答复")
        else:
            detail = (f"留言答复未更新：{names}最新答复时间为{iso(newest.answered)}"
                      f"（{(ctx.as_of - newest.answered).days}天前，留言「{newest.title}」），"  # type: ignore[operator]
                      f"近{cfg.months}个月未更新留言答复")
        evidence = {"columns": [{"url": u, "name": data.columns[u]} for u in sorted(data.columns)],
                    "as_of": iso(ctx.as_of), "cutoff": iso(cutoff), "messages": len(data.messages),
                    "with_reply_date": len(replied), "newest_reply": newest.evidence() if newest else None}
        yield FindingDraft(site_id, target, newest.url if newest else target, detail, evidence)


CHECK = Check(id="interaction_stale", config=Config, run=run, doc=__doc__ or "")
