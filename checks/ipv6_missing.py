"""ipv6_missing — the homepage host has no AAAA record, or has one but the homepage does not
answer over IPv6.

Indicator: 功能设计 IPv6 (扣分; indicators.md §3 and table row 23: 「已完成IPv6改造」 listed by
国管局 under 功能设计 [C E4]; points unknown [U]). Method: 「AAAA record plus a homepage fetch
over v6」.

Reads: the run's Ipv6Check row of the site (the crawl looks the host up with dnspython and asks
for the homepage over the first IPv6 address, through the address policy). A site whose
registered address is an IPv4 literal cannot be reached over IPv6 and counts as missing. A site
without a row, or whose IPv6 address the address policy refused, was not assessed (no finding).
A failed lookup (timeout, resolver error) is not judged unless `judge_lookup_failures`.
Target: the homepage URL.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from checks.base import Check, CheckConfig, CheckContext, FindingDraft
from db.models import Ipv6Check

LOOKUP_NAMES = {"nxdomain": "域名不存在", "no_answer": "无AAAA记录", "timeout": "AAAA查询超时",
                "error": "AAAA查询失败", "ipv4_literal": "网站地址为IPv4地址"}


class Config(CheckConfig):
    # a timed-out or failed lookup says nothing about the site: not judged unless set
    judge_lookup_failures: bool = False


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    sites = set(ctx.sites)
    rows = ctx.session.scalars(select(Ipv6Check).where(Ipv6Check.run_id == ctx.run_id).order_by(Ipv6Check.site_id))
    for row in rows:
        if row.site_id not in sites or row.ok:
            continue
        if row.lookup_error in ("timeout", "error") and not cfg.judge_lookup_failures:
            continue
        if (row.error or "").startswith("skipped"):
            continue  # the address policy refused the address: nothing was asked
        home = ctx.home_url(row.site_id)
        evidence = {"host": row.host, "addresses": row.addresses, "lookup_error": row.lookup_error,
                    "url": row.url, "status": row.status, "error": row.error,
                    "checked_at": row.checked_at.isoformat() if row.checked_at else None}
        if row.lookup_error:
            why = f"{LOOKUP_NAMES.get(row.lookup_error, row.lookup_error)}（{row.host}）"
        else:
            why = (f"{row.host}有AAAA记录（{', '.join(row.addresses[:3])}）但经IPv6访问首页失败："
                   f"{row.error or (f'HTTP {row.status}' if row.status else '无响应')}")
        yield FindingDraft(row.site_id, home, home, f"网站不支持IPv6访问：{why}", evidence)


CHECK = Check(id="ipv6_missing", config=Config, run=run, doc=__doc__ or "")
