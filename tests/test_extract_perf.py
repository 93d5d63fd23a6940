"""Pages with very many links stay linear (budgets are loose for a loaded 2-core box; the real
cost on an idle one is about 1 s for 100,000 links)."""

from __future__ import annotations

import datetime as dt
import time

from parsel import Selector

from spiders.extract.columns import hub_links
from spiders.extract.links import extract_links
from spiders.extract.lists import PageContext, extract_list
from spiders.extract.pager import find_pager


def _big_page(n: int) -> str:
    parts = ['<html><body><div class="header"><ul class="nav">']
    parts += [f'<li><a href="/col{i}/">栏目{i}</a></li>' for i in range(1000)]
    parts.append('</ul></div><div class="main"><div class="wrap"><ul class="list">')
    parts += [
        f'<li><a href="/news/2026{i % 12 + 1:02d}/t2026{i % 12 + 1:02d}01_{i}.html" title="标题{i}">标题{i}</a>'
        f"<span>2026-{i % 12 + 1:02d}-01</span></li>"
        for i in range(n - 2000)
    ]
    parts.append('</ul></div></div><div class="footer">')
    parts += [f'<a href="http://other{i}.gov.cn/x?b={i}&a=2"><img src="/i/{i}.png"></a>' for i in range(500)]
    parts.append("</div></body></html>")
    return "".join(parts)


def test_100k_links_page():
    html = _big_page(100_000)
    sel = Selector(text=html)
    t0 = time.perf_counter()
    links = extract_links(sel, "http://127.0.2.1:8080/index.html")
    elapsed = time.perf_counter() - t0
    assert len(links) == 1000 + 98_000 + 500 + 500
    assert links[0].region == "nav" and links[-1].region == "footer"
    assert elapsed < 10, elapsed


def test_big_list_page_other_extractors_stay_linear():
    html = _big_page(20_000)
    sel = Selector(text=html)
    t0 = time.perf_counter()
    result, _ = extract_list(PageContext.build("http://127.0.2.1/news/", sel, dt.date(2026, 11, 20), ["暂无信息"]))
    find_pager(sel, "http://127.0.2.1/news/", html)
    hub_links(sel, "http://127.0.2.1/news/", lambda u: "127.0.2.1" in u)
    elapsed = time.perf_counter() - t0
    assert len(result.entries) == 18_000
    assert elapsed < 15, elapsed
