"""column_empty — a column with no items: an empty list, or only a placeholder such as 暂无信息 /
暂无数据 / 正在建设中 / 栏目建设中.

Indicator: 空白栏目 (单项否决 W-V4c: ≥5 blank columns; 「网站自栏目开设之日起就没有提供过任何
信息资源」). A hub (a page of links to sub-columns) and a single-article page (such as
政府信息公开指南) are not lists and are never empty; a column whose page failed to load is a link
failure (link_broken), not a blank column; nor is a list filled by scripts that Chromium could
not render during the crawl (Column.extractor 'render_failed': unread, not known to be empty), nor
one the crawl could not read at all (Column.extractor 'not_assessed:…': an anti-bot challenge, or
a script-filled list with rendering off).

Reads: Column kind='list' (not the homepage) and the count of its ColumnItems; the placeholder
the crawler saw goes into the evidence.
Target: the column's list-page URL.
"""

from __future__ import annotations

from collections.abc import Iterator

from checks.base import Check, CheckConfig, CheckContext, FindingDraft, column_failed, is_first_level

# a list filled by scripts that the browser could not show was not read: it is not known to be empty
RENDER_FAILED = "render_failed"
# Column.extractor "not_assessed:<why>": an anti-bot challenge answered, or a list only a script
# the crawl did not run would fill (rendering off): not read, so not judged
NOT_ASSESSED = "not_assessed"
NOT_ASSESSED_REASONS = {"challenge": "反爬虫验证页面拦截", "script": "列表由未执行的脚本生成"}


class Config(CheckConfig):
    pass


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    for site_id in ctx.sites:
        home = ctx.home_url(site_id)
        items = ctx.items(site_id)
        for col in ctx.columns(site_id):
            if (col.extractor or "").startswith(NOT_ASSESSED) and not items.get(col.url_hash):
                # not read: said so (a notice, never a veto), with the reason
                why = NOT_ASSESSED_REASONS.get(col.extractor.split(":")[1] if ":" in col.extractor else "", "")
                yield FindingDraft(site_id, col.url, col.url, f"未评估：「{col.name}」未能读取（{why}），不作空白栏目判定",
                                   {"column": col.name, "column_url": col.url, "not_assessed": col.extractor,
                                    "status": col.status}, severity="notice")
                continue
            if col.kind != "list" or column_failed(col) or items.get(col.url_hash) or col.extractor == RENDER_FAILED:
                continue
            evidence = {
                "column": col.name, "column_url": col.url, "category": col.category,
                "first_level": is_first_level(col, home), "source": col.source, "parent_url": col.parent_url,
                "placeholder": col.placeholder, "status": col.status, "pages_walked": col.pages_walked,
            }
            shot = ctx.screenshot_id(site_id, col.url)
            if shot is not None:
                evidence["screenshot_id"] = shot  # the column page as Chromium showed it
            if col.placeholder:
                detail = f"空白栏目：「{col.name}」没有信息，页面显示「{col.placeholder}」"
            else:
                detail = f"空白栏目：「{col.name}」列表中没有任何信息"
            yield FindingDraft(site_id, col.url, col.url, detail, evidence)


CHECK = Check(id="column_empty", config=Config, run=run, doc=__doc__ or "")
