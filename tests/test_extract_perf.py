"""Pages with very many links are read whole and stay linear: the CPU time for a page four times
the size grows about four times, not sixteen (a quadratic walk). CPU time, not wall time, so a
busy machine does not fail it; the speed itself is measured in bench/detect_bench.py."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

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


def _cpu(work: Callable[[], object]) -> float:
    t0 = time.process_time()
    work()
    return time.process_time() - t0


def _grows_linearly(run: Callable[[int], object], n: int) -> None:
    run(n // 4)  # warm caches and imports
    small = large = float("inf")
    # the best of three, the sizes interleaved: a page fault, a collection or a slow spell of a
    # shared VM is not the code's cost, and a spell weighs on both sizes alike
    for _ in range(3):
        small = min(small, _cpu(lambda: run(n)))
        large = min(large, _cpu(lambda: run(4 * n)))
    # linear: about 4x; quadratic: 16x. 8x leaves room for cache effects on a bigger tree
    assert large < 8 * max(small, 0.01), (small, large)


def test_100k_links_page():
    html = _big_page(100_000)
    sel = Selector(text=html)
    links = extract_links(sel, "http://127.0.2.1:8080/index.html")
    assert len(links) == 1000 + 98_000 + 500 + 500
    assert links[0].region == "nav" and links[-1].region == "footer"


def test_link_extraction_stays_linear():
    pages = {n: _big_page(n) for n in (2_500, 10_000, 40_000)}
    _grows_linearly(lambda n: extract_links(Selector(text=pages[n]), "http://127.0.2.1:8080/index.html"), 10_000)


def _read_list(html: str) -> int:
    sel = Selector(text=html)
    result, _ = extract_list(PageContext.build("http://127.0.2.1/news/", sel, dt.date(2026, 11, 20), ["暂无信息"]))
    find_pager(sel, "http://127.0.2.1/news/", html)
    hub_links(sel, "http://127.0.2.1/news/", lambda u: "127.0.2.1" in u)
    return len(result.entries)


def test_big_list_page_is_read_whole():
    assert _read_list(_big_page(20_000)) == 18_000


def test_list_pager_and_hub_readers_stay_linear():
    pages = {n: _big_page(n) for n in (2_500, 10_000, 40_000)}
    _grows_linearly(lambda n: _read_list(pages[n]), 10_000)
