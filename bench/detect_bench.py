"""Benchmark: the list and pager detectors on a 1 MB list page (issue 12: median under 50 ms).

The page has the shape of a TRS column page (div.newslist > ul > li > span.date + a[title], as on
gk.tj.gov.cn in ../shared/realpages) grown to the target size, with what a real page carries around
its list: a top menu, a left-hand column menu, a 热门排行 side box, a footer with the marks, and a
createPageHTML pager script plus rendered pager links.

The figure the target applies to is one reading of the page as the spider does it: the list
reader (PageContext.build + extract_list: regions, titles, URLs, dates) and the pager detector
(find_pager), timed together. Two per-page structures are timed apart, not in it, because the
spider builds each once per page and every reader shares it (spiders/site.py): the parsed tree
(Scrapy caches response.selector; _parse_page and _parse_column_page read the same one) and the
region map (regions_for caches it per document; extract_links builds it before any reader runs).
Per-URL memos that outlive a page (urls.is_attachment ...) are emptied before every run, so no
run profits from the one before. Wall-clock and CPU-time medians are both shown; on a loaded
machine the CPU time is the steadier of the two.

    .venv/bin/python bench/detect_bench.py [--size-kb 1024] [--reps 21] [--json out.json]

Figures depend on the machine; no test times anything here. A change made for speed must leave the
readers' output as it was: bench/detect_outputs.py writes it for some 2,900 pages, before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
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
from spiders.extract.regions import RegionMap, regions_for  # noqa: E402
from spiders.extract.urls import base_url, is_article_like, is_attachment, is_column_like  # noqa: E402

URL = "http://127.0.0.1:8080/zwgk/tzgg/index.html"
AS_OF = dt.date(2026, 11, 20)
PLACEHOLDERS = ["暂无信息", "暂无数据", "暂无内容"]
PAGER_SCRIPT = '<script type="text/javascript">createPageHTML(50, 0, "index", "html");</script>'
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
    tail = ['</ul></div><div class="page">' + PAGER_SCRIPT +
            '<a href="index_1.html">下一页</a> <a href="index_49.html">尾页</a> 共50页</div>',
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


TARGET_MS = 50.0


def _cold() -> None:
    """Forget what an earlier run memoised per URL."""
    for fn in (is_attachment, is_column_like, is_article_like):
        fn.cache_clear()


def timed(fn: Callable[[], Any], reps: int) -> tuple[list[float], list[float], Any]:
    """(wall ms, CPU ms, last result) of `reps` cold runs."""
    wall, cpu = [], []
    result = None
    for _ in range(reps):
        _cold()
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return wall, cpu, result


def run(size_kb: int, reps: int) -> dict[str, Any]:
    html, n_rows = list_page(size_kb * 1024)
    parse = timed(lambda: Selector(text=html), reps)
    sel = parse[2]
    region_map = timed(lambda: RegionMap(sel.root), reps)
    regions_for(sel)  # the spider's link extractor has built the page's map before the readers run

    def records() -> Any:
        resolver = Resolver(base_url(sel, URL))
        return main_region(find_regions(sel.root, resolver, regions_for(sel), resolver(URL), "127.0.0.1"))

    def list_reader() -> Any:
        return extract_list(PageContext.build(URL, sel, AS_OF, PLACEHOLDERS, text=html))[0]

    def detect() -> tuple[Any, Any]:
        return list_reader(), find_pager(sel, URL, html)

    # the same page whose pager is only links (下一页, 尾页, 共50页): the slower, generic path
    links_html = html.replace(PAGER_SCRIPT, "")
    links_sel = Selector(text=links_html)
    figures = {"parse": parse, "region_map": region_map, "regions": timed(records, reps),
               "list": timed(list_reader, reps), "pager": timed(lambda: find_pager(sel, URL, html), reps),
               "detect": timed(detect, reps),
               "link_pager": timed(lambda: find_pager(links_sel, URL, links_html), reps)}
    best, listed, pager = figures["regions"][2], figures["list"][2], figures["pager"][2]
    if len(listed.entries) != n_rows or any(e.published is None for e in listed.entries):
        raise SystemExit(f"list detector read {len(listed.entries)} of {n_rows} dated items")
    if best is None or len(best.records) != n_rows:
        raise SystemExit(f"region detector found {len(best.records) if best else 0} of {n_rows} records")
    if pager.count != 50:
        raise SystemExit(f"pager detector read {pager.count} pages, the page declares 50")
    link_pager = figures["link_pager"][2]
    if link_pager.kind != "links" or link_pager.count != 50:
        raise SystemExit(f"link pager read {link_pager.kind} {link_pager.count}, the page declares 50 pages")
    out: dict[str, Any] = {"page_bytes": len(html.encode("utf-8")), "items": n_rows, "reps": reps,
                           "load_avg": os.getloadavg()[0], "target_ms": TARGET_MS}
    for name, (wall, cpu, _) in figures.items():
        out[f"{name}_ms"] = statistics.median(wall)
        out[f"{name}_cpu_ms"] = statistics.median(cpu)
    out["target_met"] = out["detect_ms"] < TARGET_MS
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-kb", type=int, default=1024)
    ap.add_argument("--reps", type=int, default=21)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    fig = run(args.size_kb, args.reps)
    print(f"{fig['page_bytes'] / 1e6:.2f} MB list page, {fig['items']} items, median of {fig['reps']} runs "
          f"(load average {fig['load_avg']:.1f} on {os.cpu_count()} CPUs)")
    print("                              wall      CPU")
    rows = [("parse (parsel/lxml)", "parse", "shared: parsed once per page"),
            ("region map", "region_map", "shared: built once per page"),
            ("record regions", "regions", "find_regions + main_region"),
            ("list reader", "list", "PageContext.build + extract_list"),
            ("pager detector", "pager", "find_pager"),
            ("list + pager", "detect", f"the target: < {TARGET_MS:.0f} ms"),
            ("pager, links only", "link_pager", "the page without its pager script")]
    for label, key, note in rows:
        print(f"  {label:22s} {fig[key + '_ms']:7.1f} ms {fig[key + '_cpu_ms']:7.1f} ms   ({note})")
    verdict = "met" if fig["target_met"] else "NOT met"
    print(f"target {verdict}: list + pager {fig['detect_ms']:.1f} ms median wall-clock "
          f"(parse and region map excluded, see above)")
    if args.json:
        args.json.write_text(json.dumps(fig, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
