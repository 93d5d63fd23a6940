"""办事指南 pages (服务不实用): which of the guide's element categories a page shows.

The categories are the indicator's (事项名称、设定依据、申请条件、办理材料、办理地点、办理机构、收费标准、
办理时间、联系电话、办理流程); each is recognised by the labels real guides use for it (the 政务服务网
table 「<th>受理条件</th><td>…</td>」, headings 「三、申请材料」, inline 「咨询电话：…」). A category counts as
shown when its label carries a value: a label left empty (「收费标准：」 then the next label) does not.
Which categories a check requires is the check's configuration; this module reports what it sees.
"""

from __future__ import annotations

from typing import Any

from parsel import Selector

from spiders.extract.labels import LabelSet, labelled, page_lines
from spiders.extract.text import collapse, compact

CATEGORIES = LabelSet({
    "事项名称": ("事项名称", "项目名称", "服务名称", "事项全称", "审批事项"),
    "设定依据": ("设定依据", "法律依据", "办理依据", "实施依据", "政策依据", "法定依据", "设立依据"),
    "申请条件": ("申请条件", "受理条件", "办理条件", "申报条件", "受理标准", "准予批准的条件"),
    "办理材料": ("办理材料", "申请材料", "申报材料", "材料目录", "提交材料", "所需材料", "申请材料目录"),
    "办理地点": ("办理地点", "受理地点", "办公地点", "办理地址", "受理窗口", "窗口地址"),
    "办理机构": ("办理机构", "实施机关", "实施机构", "受理机构", "办理部门", "实施主体", "受理部门", "决定机构"),
    "收费标准": ("收费标准", "收费依据", "是否收费", "收费情况", "收费项目"),
    "办理时间": ("办理时间", "办公时间", "受理时间", "工作时间"),
    "联系电话": ("联系电话", "咨询电话", "咨询方式", "联系方式"),
    "办理流程": ("办理流程", "办理程序", "办事流程", "受理流程", "审批流程", "办理步骤"),
})
GUIDE_TITLES = ("办事指南", "服务指南", "办事须知", "事项指南")
EMPTY = ("", "暂无", "待定", "/", "-", "—")
# a page without a guide title is taken for a guide when it labels this many categories, of which
# at least CORE_LABELS are ones only a guide has (a meeting notice has 地点, 时间 and 联系电话 too)
MIN_LABELS = 3
CORE = ("事项名称", "设定依据", "申请条件", "办理材料", "办理流程")
CORE_LABELS = 2


def guide_page(sel: Selector, lines: list[str] | None = None) -> dict[str, Any] | None:
    """{name, shown: [categories with a value], labelled: [categories whose label is there]}, or
    None when the page is not a 办事指南 (see MIN_LABELS). `name` is the 事项名称 value, else the
    page's main heading. `lines`: the page's page_lines(), when the caller has them already."""
    lines = page_lines(sel) if lines is None else lines
    values = labelled(sel, lines, CATEGORIES)
    heading = collapse(" ".join(sel.xpath("(//h1|//h2)[1]//text()").getall())) or collapse(
        " ".join(sel.xpath("//title//text()").getall()))
    titled = any(t in heading for t in GUIDE_TITLES) or any(t in (lines[0] if lines else "") for t in GUIDE_TITLES)
    if not titled and (len(values) < MIN_LABELS or sum(k in values for k in CORE) < CORE_LABELS):
        return None
    if not values:
        return None
    shown = [k for k in CATEGORIES.labels if k in values and compact(values[k][1]) not in EMPTY]
    name = collapse(values["事项名称"][1]) if "事项名称" in shown else heading
    return {"name": name[:120], "shown": shown, "labelled": [k for k in CATEGORIES.labels if k in values]}
