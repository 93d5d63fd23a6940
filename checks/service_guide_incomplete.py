"""service_guide_incomplete — 办事指南 pages that miss 4 or more of the element categories, flagged
as a veto when 5 or more of a site's guides do.

Indicator: 服务不实用 (单项否决, W-V6 item 2) 「办事指南重点要素类别（包括事项名称、设定依据、申请条件、办理材料、
…办理地点、办理机构、收费标准、办理时间、联系电话、办理流程）缺失4类以上（含）的事项数量超过（含）5个」 —
[V] up to 办理材料, the rest of the list and both numbers [U] (indicators.md §2.6): all three are
configuration (`categories`, `min_missing`, `min_items`).

Reads: the `guide` facts the crawl recorded on the site's pages (spiders/extract/guide.py: which
categories a guide labels with a value). Guides on the provincial service platform are not crawled.
Each incomplete guide is one finding (target: its URL; evidence: the categories shown, missing, and
labelled but left empty). With fewer than `min_items` incomplete guides they are notices: the
deduction item below the veto (办事指南要素不全) has no verified points.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from checks.base import Check, CheckConfig, CheckContext, FindingDraft
from checks.interaction_data import site_interaction


class Config(CheckConfig):
    categories: list[str] = Field(min_length=1)
    min_missing: int = Field(default=4, ge=1)  # 「缺失4类以上（含）」
    min_items: int = Field(default=5, ge=1)  # 「事项数量超过（含）5个」


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    for site_id in ctx.sites:
        guides = [p for p in site_interaction(ctx, site_id).pages
                  if "guide" in p.meta and p.status is not None and p.status < 400]
        bad = []
        for p in guides:
            g = p.meta["guide"]
            shown = [c for c in cfg.categories if c in (g.get("shown") or [])]
            missing = [c for c in cfg.categories if c not in shown]
            if len(missing) >= cfg.min_missing:
                empty = [c for c in missing if c in (g.get("labelled") or [])]
                bad.append((p, g, shown, missing, empty))
        severity = None if len(bad) >= cfg.min_items else "notice"
        for p, g, shown, missing, empty in bad:
            detail = (f"办事指南要素缺失：「{g.get('name') or p.url}」缺少{len(missing)}类要素（{'、'.join(missing)}）"
                      f"，本站缺失{cfg.min_missing}类以上的事项共{len(bad)}个")
            if severity == "notice":
                detail += f"（不足{cfg.min_items}个，不构成单项否决）"
            evidence = {"name": g.get("name"), "url": p.url, "shown": shown, "missing": missing,
                        "labelled_empty": empty, "min_missing": cfg.min_missing, "incomplete_items": len(bad),
                        "min_items": cfg.min_items, "guides_read": len(guides)}
            yield FindingDraft(site_id, p.url, p.url, detail, evidence, severity=severity)


CHECK = Check(id="service_guide_incomplete", config=Config, run=run, doc=__doc__ or "")
