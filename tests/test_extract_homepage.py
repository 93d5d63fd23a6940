"""The dated entries a homepage shows are found by their content, whatever their URLs look like."""

from __future__ import annotations

import datetime as dt

from parsel import Selector

from spiders.extract.entries import PageContext
from spiders.homepage import homepage_entries

AS_OF = dt.date(2026, 12, 1)

# PowerEasy-style portal: details at ShowArticle.aspx?ArticleID=…, columns at ArticleList.aspx?ClassID=…
HOME = """<html><body>
<div class="nav"><a href="/ArticleList.aspx?ClassID=1">工作动态</a><a href="/ArticleList.aspx?ClassID=2">通知公告</a></div>
<div class="main"><h3>工作动态</h3><ul>
<li><a href="/ShowArticle.aspx?ArticleID=1201">全县秋冬季农业生产现场会召开</a><span>2026-11-28</span></li>
<li><a href="/ShowArticle.aspx?ArticleID=1198">农技人员下乡指导小麦播种</a><span>2026-11-20</span></li>
<li><a href="javascript:void(0)">更多</a></li>
<li><a href="/ArticleList.aspx?ClassID=1">栏目首页</a></li>
</ul></div></body></html>"""


def _entries(html: str) -> list[tuple[str, dt.date | None]]:
    ctx = PageContext.build("http://127.0.2.8/Default.aspx", Selector(text=html), AS_OF)
    return [(e.url, e.published) for e in homepage_entries(ctx)]


def test_query_addressed_details_are_homepage_entries() -> None:
    assert _entries(HOME) == [
        ("http://127.0.2.8/ShowArticle.aspx?ArticleID=1201", dt.date(2026, 11, 28)),
        ("http://127.0.2.8/ShowArticle.aspx?ArticleID=1198", dt.date(2026, 11, 20)),
    ]


def test_undated_links_are_not_entries() -> None:
    undated = HOME.replace("<span>2026-11-28</span>", "").replace("<span>2026-11-20</span>", "")
    assert _entries(undated) == []
