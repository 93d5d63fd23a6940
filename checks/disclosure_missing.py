"""disclosure_missing — a required sub-section of the 政府信息公开 section is absent: guide
(政府信息公开指南), rules (制度), statutory (法定主动公开内容), annual_report (年报), application
(依申请公开), as `required` lists them.

Indicator: 政府信息公开专栏不规范 (扣分 W-D17, [U]); 条例 2019 and 国办公开办函〔2019〕61号 require
the 指南/制度/法定主动公开内容/年报 sub-columns; 依申请公开 is checked in practice (陕西 bulletins).

Reads: Column.disclosure_section of the site's columns in the run. A section found as a list, a
hub or a single page counts as present (its emptiness is column_empty's business); a section
whose page did not load (HTTP ≥ 400 or no response) counts as absent and the detail says so.
Target: the section id; url: the 政府信息公开 entry page when found, else the homepage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from checks.base import Check, CheckConfig, CheckContext, FindingDraft, column_failed
from core.registry import DisclosureSection
from core.urls import canonical

SECTION_NAMES = {"guide": "政府信息公开指南", "rules": "政府信息公开制度", "statutory": "法定主动公开内容",
                 "annual_report": "政府信息公开年报", "application": "依申请公开"}


class Config(CheckConfig):
    required: list[DisclosureSection] = ["guide", "rules", "statutory", "annual_report", "application"]
    # names of the section's entry (to point the inspector at it)
    hub_names: list[str] = ["政府信息公开", "信息公开", "政务公开", "公开平台"]


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    for site_id in ctx.sites:
        home = ctx.home_url(site_id)
        cols = ctx.columns(site_id)
        present: dict[str, dict] = {}
        unreachable: dict[str, dict] = {}
        for col in cols:
            section = col.disclosure_section
            if not section or col.kind not in ("list", "hub", "page"):
                continue
            info = {"name": col.name, "url": col.url, "kind": col.kind, "status": col.status}
            if column_failed(col):
                unreachable.setdefault(section, info)
            else:
                present.setdefault(section, info)
        hub = _hub(cols, cfg, home)
        for section in cfg.required:
            if section in present:
                continue
            name = SECTION_NAMES.get(section, section)
            evidence = {"section": section, "section_name": name, "hub_url": hub, "present": present,
                        "required": list(cfg.required)}
            bad = unreachable.get(section)
            if bad:
                evidence["unreachable"] = bad
                status = f"HTTP {bad['status']}" if bad["status"] else "无响应"
                detail = f"政府信息公开缺少「{name}」：栏目「{bad['name']}」页面无法访问（{status}），按缺失计"
            elif hub is None:
                detail = f"政府信息公开缺少「{name}」：未找到政府信息公开专栏"
            else:
                detail = f"政府信息公开缺少「{name}」栏目"
            yield FindingDraft(site_id, section, hub or home, detail, evidence)


def _hub(cols: list, cfg: Config, home: str) -> str | None:
    """The 政府信息公开 entry: the usual parent of the sections, else a column named like it."""
    parents = Counter(canonical(c.parent_url) for c in cols if c.disclosure_section and c.parent_url)
    parents.pop(home, None)
    if parents:
        return parents.most_common(1)[0][0]
    for name in cfg.hub_names:
        for c in cols:
            if c.kind != "homepage" and name in c.name and not c.disclosure_section:
                return c.url
    return None


CHECK = Check(id="disclosure_missing", config=Config, run=run, doc=__doc__ or "")
