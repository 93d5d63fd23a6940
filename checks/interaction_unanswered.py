"""interaction_unanswered — a message left in a 政务咨询 column within the past year that was not
answered for more than 90 days, or was answered more than 90 days after it was left.

Indicator: 互动回应差 (单项否决, W-V5 item 2) 「监测时间点前1年内，对网民留言应及时答复处理的政务咨询类栏目
（在线访谈、调查征集、网上信访、纪检举报类栏目除外）存在超过3个月未回应有效留言的现象」 [V].

Reads: the messages of the 政务咨询 columns (list rows merged with their detail pages, see
checks/interaction_data.py). A message counts as unanswered when its status says so (办理中, 未回复 …)
or its page shows an empty reply field; a message with neither a reply date nor such a sign proves
nothing and is left alone (whether it is 有效 is for the inspector to confirm).
Target: the message's URL. Evidence: both dates, the day count, the column and its list page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pydantic import Field

from checks.base import Check, CheckConfig, CheckContext, FindingDraft, iso
from checks.interaction_data import site_interaction


class Config(CheckConfig):
    window_days: int = Field(default=365, ge=1)  # messages left in the past year
    max_days: int = Field(default=90, ge=1)  # 「超过3个月」: more than this many days


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    since = ctx.as_of - dt.timedelta(days=cfg.window_days)
    for site_id in ctx.sites:
        for msg in site_interaction(ctx, site_id).messages:
            if msg.asked is None or not since <= msg.asked <= ctx.as_of:
                continue
            if msg.answered is not None:
                days = (msg.answered - msg.asked).days
                if days <= cfg.max_days:
                    continue
                detail = (f"互动回应差：「{msg.column}」留言「{msg.title}」{iso(msg.asked)}留言，"
                          f"{iso(msg.answered)}才答复，用时{days}天，超过{cfg.max_days}天")
                kind = "answered_late"
            elif msg.state == "pending" or (msg.replied is False and msg.state != "answered"):
                days = (ctx.as_of - msg.asked).days
                if days <= cfg.max_days:
                    continue
                shown = f"状态为「{msg.status}」" if msg.status else "答复内容为空"
                detail = (f"互动回应差：「{msg.column}」留言「{msg.title}」{iso(msg.asked)}留言，至检查日"
                          f"{iso(ctx.as_of)}已{days}天未答复（{shown}），超过{cfg.max_days}天")
                kind = "unanswered"
            else:
                continue
            evidence = {**msg.evidence(), "kind": kind, "days": days, "max_days": cfg.max_days,
                        "as_of": iso(ctx.as_of), "window_since": iso(since)}
            yield FindingDraft(site_id, msg.url, msg.url, detail, evidence)


CHECK = Check(id="interaction_unanswered", config=Config, run=run, doc=__doc__ or "")
