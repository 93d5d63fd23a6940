"""account_empty — a new-media account whose post list was read and holds no post at all (a
僵尸/空壳账号: opened and never used, or emptied).

Indicator: 政务新媒体 内容不更新 (单项否决; an account with nothing published has certainly not
updated in the two weeks before the check), indicators.md §5 item 31.

Reads: Post rows of the account in this run, and the account's SiteScan. Only completed scans
are judged: an expired token, a 403 or an unreadable response fails the account's scan with the
reason and is never taken for "no posts".
Target: the account URL (as configured).
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from checks.base import Check, CheckConfig, CheckContext, FindingDraft
from db.models import Post


class Config(CheckConfig):
    pass


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    for account_id in ctx.accounts:
        n = ctx.session.scalar(select(func.count()).select_from(Post)
                               .where(Post.run_id == ctx.run_id, Post.account_id == account_id))
        if n:
            continue
        url = ctx.scans[account_id].home_url or ""  # as configured: the inspector opens this
        stats = ctx.scans[account_id].stats or {}
        evidence = {"account_url": url, "posts": 0, "format": stats.get("format"), "pages_read": stats.get("pages")}
        yield FindingDraft(account_id, url, url, "政务新媒体空白：账号没有发布任何信息", evidence)


CHECK = Check(id="account_empty", config=Config, run=run, subjects=("account",), doc=__doc__ or "")
