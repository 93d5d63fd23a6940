"""Benchmark: the list and pager detectors on a 1 MB list page (issue 12: median under 50 ms).

The page has the shape of a TRS column page (div.newslist > ul > li > span.date + a[title], as on
gk.tj.gov.cn in ../shared/realpages) grown to the target size, with what a real page carries around
its list: a top menu, a left-hand column menu, a 热门排行 side box, a footer with the marks, and a
createPageHTML pager script plus rendered pager links. Parsing (lxml via parsel) is timed apart
from the detectors: the spider parses every page once whatever reads it.

    .venv/bin/python bench/detect_bench.py [--size-kb 1024] [--reps 21] [--json out.json]

Figures depend on the machine; no test times anything here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsel import Selector  # noqa: E402

from spiders.extract.links import Resolver  # noqa: E402
from spiders.extract.lists import PageContext, extract_list  # noqa: E402
from spiders.extract.pager import find_pager  # noqa: E402
from spiders.extract.records import find_regions, main_region  # noqa: E402
from spiders.extract.regions import regions_for  # noqa: E402
from spiders.extract.urls import base_url  # noqa: E402

URL = "http://127.0.0.1:8080/zwgk/tzgg/index.html"
AS_OF = dt.date(2026, 11, 20)
PLACEHOLDERS = ["暂无信息", "暂无数据", "暂无内容"]
TOPICS = ["安全生产", "优化营商环境", "乡村振兴", "生态环境保护", "城市更新", "数字政府建设", "防汛抗旱", "政务公开"]


def list_page(size: int) -> tuple[str, int]:
    """A column page of about `size` bytes (UTF-8) and the number of list items in it."""
    head = ['<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
            '<meta name="SiteName" content="示例市人民政府"><meta name="ColumnName" content="通知公告">',
            "<title>通知公告_示例市人民政府</title></head><body>",
            '<div class="header"><div class="nav"><ul>']
    head += [f'<li><a href="/col{i}/">栏目{i}</a></li>' for i in range(12)]
    head.append('</ul></div></div><div class="main"><div class="left"><ul class="menu">')
    head += [f'<li><a href="/zwgk/sub{i}/">子栏目{i}</a></li>' for i in range(8)]
    head.append('</ul><div class="hot"><h3>热门排行</h3><ul>')
    head += [f'<li><a href="/zwgk/hot/t20261101_{i}.html">热门文章{i}</a></li>' for i in range(10)]
    head.append('</ul></div></div><div class="right"><div class="newslist"><ul>')
    tail = ['</ul></div><div class="page"><script type="text/javascript">createPageHTML(50, 0, "index", "html");'
            '</script><a href="index_1.html">下一页</a> <a href="index_49.html">尾页</a> 共50页</div>',
            '</div></div><div class="footer"><p>主办单位：示例市人民政府办公室 网站标识码：1234000001</p>',
            '<p><a href="https://beian.miit.gov.cn/">示ICP备05012345号-1</a></p></div></body></html>']
    fixed = len("".join(head + tail).encode("utf-8"))
    rows: list[str] = []
    total = fixed
    i = 0
    while total < size:
        d = AS_OF - dt.timedelta(days=i // 3)
        title = f"关于做好{d.year}年{TOPICS[i % len(TOPICS)]}工作的通知（第{i}号）"
        row = (f'<li><span class="date">{d.isoformat()}</span><a href="../../gkml/{d:%Y%m}/t{d:%Y%m%d}_{100000 + i}'
               f'.shtml" target="_blank" title="{title}">{title[:24]}...</a></li>\n')
        rows.append(row)
        total += len(row.encode("utf-8"))
        i += 1
    return "".join(head + rows + tail), len(rows)


def timed(fn: Callable[[], Any], reps: int) -> tuple[list[float], Any]:
    times = []
    result = None
    for _ in range(reps):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times, result


def run(size_kb: int, reps: int) -> dict[str, Any]:
    html, n_rows = list_page(size_kb * 1024)
    parse_ms, sel = timed(lambda: Selector(text=html), reps)

    def detect() -> tuple[Any, Any]:
        ctx = PageContext.build(URL, sel, AS_OF, PLACEHOLDERS, text=html)
        result, _ = extract_list(ctx)
        return result, find_pager(sel, URL, html)

    def region() -> Any:
        resolver = Resolver(base_url(sel, URL))
        return main_region(find_regions(sel.root, resolver, regions_for(sel.root), resolver(URL), "127.0.0.1"))

    region_ms, best = timed(region, reps)
    list_ms, (listed, _) = timed(lambda: extract_list(PageContext.build(URL, sel, AS_OF, PLACEHOLDERS, text=html)),
                                 reps)
    pager_ms, pager = timed(lambda: find_pager(sel, URL, html), reps)
    both_ms, _ = timed(detect, reps)
    if len(listed.entries) != n_rows:
        raise SystemExit(f"list detector read {len(listed.entries)} of {n_rows} items")
    if best is None or len(best.records) != n_rows:
        raise SystemExit(f"region detector found {len(best.records) if best else 0} of {n_rows} records")
    if pager.count != 50:
        raise SystemExit(f"pager detector read {pager.count} pages, the page declares 50")
    return {
        "page_bytes": len(html.encode("utf-8")), "items": n_rows, "reps": reps,
        "parse_ms": statistics.median(parse_ms), "region_ms": statistics.median(region_ms),
        "list_ms": statistics.median(list_ms),
        "pager_ms": statistics.median(pager_ms), "detect_ms": statistics.median(both_ms),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-kb", type=int, default=1024)
    ap.add_argument("--reps", type=int, default=21)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    fig = run(args.size_kb, args.reps)
    print(f"{fig['page_bytes'] / 1e6:.2f} MB list page, {fig['items']} items, median of {fig['reps']}:")
    print(f"  parse (parsel/lxml)  {fig['parse_ms']:7.1f} ms")
    print(f"  record-region detector {fig['region_ms']:5.1f} ms   (records.find_regions + main_region)")
    print(f"  list reader          {fig['list_ms']:7.1f} ms   (extract_list: region + titles, URLs, dates)")
    print(f"  pager detector       {fig['pager_ms']:7.1f} ms")
    print(f"  list + pager         {fig['detect_ms']:7.1f} ms   (target < 50 ms)")
    print(f"  region + pager       {fig['region_ms'] + fig['pager_ms']:7.1f} ms")
    if args.json:
        args.json.write_text(json.dumps(fig, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
