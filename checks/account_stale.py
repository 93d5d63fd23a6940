"""account_stale — a new-media account (政务微博, 政务微信, feed) whose newest post is older than
`max_age_days` (14) before the as-of date. Pinned posts (置顶) never count: an account can pin an
old post for months while publishing nothing. An account whose only posts are pinned, or whose
posts carry no date, is stale as well: nothing proves it is kept up.

Indicator: 政务新媒体 内容不更新 (单项否决, 「监测时间点前2周内无更新」, indicators.md §5 item 31).

Reads: Post rows of the account in this run (posted_at, pinned). Only accounts whose list was
read completely enough to judge (SiteScan completed) are judged; an account that could not be
read is a scan error, not a stale account. Posts dated more than `future_tolerance_days` after
the as-of date are left out as implausible and listed in the evidence.
Target: the account URL (as configured).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pydantic import Field
from sqlalchemy import select

from checks.base import Check, CheckConfig, CheckContext, FindingDraft, iso
from db.models import Post


class Config(CheckConfig):
    max_age_days: int = Field(default=14, ge=1)
    future_tolerance_days: int = Field(default=2, ge=0)


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    oldest_fresh = ctx.as_of - dt.timedelta(days=cfg.max_age_days)
    latest_allowed = ctx.as_of + dt.timedelta(days=cfg.future_tolerance_days)
    for account_id in ctx.accounts:
        posts = ctx.session.scalars(select(Post).where(Post.run_id == ctx.run_id, Post.account_id == account_id)).all()
        if not posts:
            continue  # account_empty's case
        counted = [p for p in posts if not p.pinned and p.posted_at is not None]
        future = [p for p in counted if p.posted_at.date() > latest_allowed]
        counted = [p for p in counted if p.posted_at.date() <= latest_allowed]
        newest = max(counted, key=lambda p: p.posted_at, default=None)
        if newest is not None and newest.posted_at.date() >= oldest_fresh:
            continue
        url = ctx.scans[account_id].home_url or ""  # as configured: the inspector opens this
        pinned = [p for p in posts if p.pinned]
        evidence = {
            "account_url": url,
            "posts": len(posts), "pinned": len(pinned), "undated": sum(p.posted_at is None for p in posts),
            "newest": _post(newest), "limit_days": cfg.max_age_days, "oldest_fresh": iso(oldest_fresh),
            "pinned_posts": [_post(p) for p in pinned[:5]], "future_posts": [_post(p) for p in future[:5]],
        }
        if newest is None:
            detail = f"政务新媒体不更新：共{len(posts)}条信息，除置顶或无日期信息外没有可认定的发布时间"
        else:
            age = (ctx.as_of - newest.posted_at.date()).days
            detail = (f"政务新媒体不更新：最新一条信息发布于{newest.posted_at:%Y-%m-%d}，距检查日{age}天，"
                      f"超过{cfg.max_age_days}天（置顶信息不计）")
        yield FindingDraft(account_id, url, url, detail, evidence)


def _post(post: Post | None) -> dict[str, str | bool | None] | None:
    if post is None:
        return None
    return {"id": post.post_id, "posted_at": iso(post.posted_at), "title": (post.title or post.text)[:80],
            "url": post.url, "pinned": post.pinned}


CHECK = Check(id="account_stale", config=Config, run=run, subjects=("account",), doc=__doc__ or "")
