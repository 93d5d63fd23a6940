"""interaction_channel_missing — no consultation channel reachable from the homepage works: no
letter box / 12345 / 咨询 entry whose page loads and shows a letter form or a link to write (我要写信,
the city's platform) that loads.

Indicator: 互动回应差 (单项否决, W-V5 item 1) 「未提供网上有效咨询建言渠道（网上信访、纪检举报等专门渠道除外）」 [V].
Whether a working channel is also 有效 (answers a test letter) is for a human (陕西's 测试信件).

Reads: the homepage's `channels` (its links to consultation channels), the channel pages' `channel`
facts (form, write and platform links) and whether each target loaded (pages, link results). A site
whose homepage was read without recording channels (an older crawl) is not judged.
A homepage link straight to another site's channel (the city's 12345 platform) counts when it loads.
Target: the homepage URL. Evidence: every entry and channel page examined, and why each fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks.base import Check, CheckConfig, CheckContext, FindingDraft
from checks.interaction_data import loaded, site_interaction


class Config(CheckConfig):
    pass


def _judge(ctx: CheckContext, site_id: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]], list[Any]]:
    """(the working channel, or None; the channel pages examined; the homepage entries)."""
    data = site_interaction(ctx, site_id)
    home = ctx.home_page(site_id)
    entries = list((home.meta or {}).get("channels") or []) if home is not None else []
    pages = [p for p in data.pages if "channel" in p.meta]
    targets = [entry["url"] for entry in entries]
    for p in pages:
        targets += [x["url"] for x in p.meta["channel"].get("write_links", []) + p.meta["channel"].get("platform_links", [])]
    ok = loaded(ctx, site_id, targets)
    examined: list[dict[str, Any]] = []
    for p in pages:
        ch = p.meta["channel"]
        row = {"url": p.url, "status": p.status, "form": bool(ch.get("form")), "form_action": ch.get("form_action"),
               "write_links": ch.get("write_links", []), "platform_links": ch.get("platform_links", [])}
        examined.append(row)
        if p.status is None or p.status >= 400:
            row["why"] = "页面无法打开"
            continue
        if ch.get("form"):
            return {"page": p.url, "by": "form", "form_action": ch.get("form_action")}, examined, entries
        for link in ch.get("write_links", []) + ch.get("platform_links", []):
            if ok.get(link["url"]):
                return {"page": p.url, "by": "link", "link": link}, examined, entries
        row["why"] = "无留言表单，写信/平台链接无法打开" if row["write_links"] or row["platform_links"] else "无留言表单或写信入口"
    crawled = {p.url for p in data.pages}
    for entry in entries:
        if entry["url"] not in crawled and ok.get(entry["url"]):
            # another site's channel (the city's platform), checked and loading
            return {"page": entry["url"], "by": "platform", "link": entry}, examined, entries
    return None, examined, entries


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    for site_id in ctx.sites:
        home = ctx.home_page(site_id)
        if home is None or "channels" not in (home.meta or {}):
            continue  # the crawl did not look for channels: nothing to judge
        working, examined, entries = _judge(ctx, site_id)
        if working is not None:
            continue
        home_url = ctx.home_url(site_id)
        if not entries and not examined:
            detail = "互动回应差：首页未提供网上咨询建言渠道（未找到领导信箱、12345、咨询留言等入口）"
        else:
            names = "、".join(dict.fromkeys(e["name"] for e in entries)) or "咨询栏目"
            detail = f"互动回应差：首页咨询入口（{names}）均无可用的留言表单或写信入口，未提供有效咨询建言渠道"
        evidence = {"home_url": home_url, "entries": entries[:20], "pages": examined[:20]}
        yield FindingDraft(site_id, home_url, home_url, detail, evidence)


CHECK = Check(id="interaction_channel_missing", config=Config, run=run, doc=__doc__ or "")
