"""What the page readers make of thousands of pages, as one JSON file: run it before and after a
change to the readers (a speed-up must not change a byte) and compare the two files.

    .venv/bin/python bench/detect_outputs.py before.json   # on the old code
    .venv/bin/python bench/detect_outputs.py after.json    # on the new code
    cmp before.json after.json

Pages: the real pages of ../shared/realpages (and tests/fixtures/realpages/corpus when present),
the HTML fixtures under tests/fixtures, a generated benchmark corpus (the bench's gen_sites.py,
`--bench-sites` sites of about 300 pages), the generated sample sites (samplesites.generate) and
bench/detect_bench.py's list page at three sizes, with and without its pager script. Per page: the
list reader (extractor, entries, placeholder, container), the pager, hub links and blocks, column
candidates (homepage and column page), the page kind, the homepage entries, the page dates, every
record region (container, score, records), the main region, whether it is an article, and every
link. Generated pages go to a temporary folder; their URLs are fixed, so two runs compare.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import detect_bench  # noqa: E402
from parsel import Selector  # noqa: E402

import samplesites  # noqa: E402
from core.registry import load_column_rules  # noqa: E402
from spiders.extract.columns import block_columns, classify_page, column_candidates, hub_blocks, hub_links  # noqa: E402
from spiders.extract.dates import date_from_url_match, page_dates, year_in_url  # noqa: E402
from spiders.extract.entries import css_path  # noqa: E402
from spiders.extract.links import Resolver, extract_links  # noqa: E402
from spiders.extract.lists import PageContext, extract_list  # noqa: E402
from spiders.extract.pager import find_pager  # noqa: E402
from spiders.extract.records import find_regions, is_article, main_region  # noqa: E402
from spiders.extract.regions import regions_for  # noqa: E402
from spiders.extract.urls import base_url  # noqa: E402
from spiders.homepage import homepage_entries  # noqa: E402

AS_OF = dt.date(2026, 11, 20)
PLACEHOLDERS = ["暂无信息", "暂无数据", "暂无内容", "建设中"]
REALPAGES = [ROOT.parent / "shared" / "realpages", ROOT / "tests" / "fixtures" / "realpages" / "corpus"]
GENERATOR = ROOT / "tests" / "fixtures" / "bench" / "gen_sites.py"
PAGE_SUFFIXES = {".html", ".htm", ".shtml", ".jsp", ".aspx", ".php", ".json", ".xml"}
RULES = load_column_rules()


def plain(x: Any) -> Any:
    """A reader's result as JSON-able values."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {k: plain(v) for k, v in dataclasses.asdict(x).items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, dt.date):
        return x.isoformat()
    return x


def _read(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", "replace")


def _site_pages(root: Path, base: str) -> Iterator[tuple[str, str]]:
    for f in sorted(root.rglob("*")):
        if f.is_file() and f.suffix in PAGE_SUFFIXES:
            yield base + f.relative_to(root).as_posix(), _read(f)


def pages(work: Path, bench_sites: int) -> Iterator[tuple[str, str, str]]:
    """(source, URL, text) of every page read."""
    for corpus in REALPAGES:
        manifest = corpus / "manifest.json"
        if manifest.is_file():
            for f in json.loads(manifest.read_text(encoding="utf-8"))["files"]:
                yield "realpages", f["url"], _read(corpus / f["file"])
    for f in sorted((ROOT / "tests" / "fixtures").rglob("*")):
        if f.is_file() and f.suffix in {".html", ".htm", ".shtml", ".xml"} and "realpages" not in f.parts:
            yield "fixtures", f"http://fixture.example.gov.cn/{f.parent.name}/{f.name}", _read(f)
    if bench_sites:
        data = work / "bench"
        subprocess.run([sys.executable, str(GENERATOR), "--out", str(data), "--force", "--sites", str(bench_sites)],
                       check=True, capture_output=True)
        for site in sorted((data / "sites").iterdir()):
            for url, text in _site_pages(site, f"http://127.0.1.{int(site.name[4:])}:8080/"):
                yield "bench", url, text
    ids = sorted(k for k in samplesites.DEFAULT_BINDINGS if k != samplesites.DEAD_SITE_ID)
    bases = {sid: f"http://127.0.3.{i + 1}:8080/" for i, sid in enumerate(ids)}
    samplesites.generate(work / "samples", AS_OF, {**bases, samplesites.EXTERNAL_ID: "http://127.0.3.240:8080/"},
                         dead_url="http://127.0.3.250:9/")
    for sid, base in bases.items():
        yield from (("samples", url, text) for url, text in _site_pages(work / "samples" / sid, base))
    for kb in (16, 128, 1024):
        html, _ = detect_bench.list_page(kb * 1024)
        yield "detect_bench", detect_bench.URL, html
        yield "detect_bench", detect_bench.URL, html.replace(detect_bench.PAGER_SCRIPT, "")


def read_page(url: str, text: str) -> dict[str, Any]:
    """Everything the readers make of one page."""
    sel = Selector(text=text)
    if sel.type != "html":  # a JSON body: the spider's selector is an HTML one all the same
        sel = Selector(text=text, type="html")
    host = (urlsplit(url).hostname or "").lower()
    home = f"http://{host}/"

    def internal(u: str) -> bool:
        return (urlsplit(u).hostname or "").lower() == host

    result, extractor = extract_list(PageContext.build(url, sel, AS_OF, PLACEHOLDERS, text=text))
    pager = find_pager(sel, url, text)
    hubs = hub_links(sel, url, internal, rules=RULES, home_url=home)
    out: dict[str, Any] = {
        "page_dates": plain(page_dates(sel)),
        "list": [extractor, plain(result)],
        "pager": plain(pager),
        "hub_links": plain(hubs),
        "hub_blocks": plain(hub_blocks(sel, url, internal, rules=RULES, home_url=home)),
        "block_columns": plain(block_columns(sel, url, internal, rules=RULES, home_url=home)),
        "kind": classify_page(result, pager, hubs),
        "candidates_home": plain(column_candidates(sel, url, internal, RULES, homepage=True)),
        "candidates": plain(column_candidates(sel, url, internal, RULES, homepage=False,
                                              entries={e.url for e in result.entries})),
        "home_entries": plain(homepage_entries(PageContext.build(url, sel, AS_OF, PLACEHOLDERS))),
        "url_dates": [[plain(date_from_url_match(e.url)), year_in_url(e.url, date_from_url_match(e.url)[0])]
                      for e in result.entries],
    }
    root = sel.root
    if isinstance(getattr(root, "tag", None), str):
        resolver = Resolver(base_url(sel, url))
        found = find_regions(root, resolver, regions_for(root), resolver(url), host or None)
        out["regions"] = [[css_path(r.container, 8), round(r.score, 9), r.dated, r.block, r.region, r.depth,
                           r.order, [[x.url, x.title_attr, css_path(x.item, 3)] for x in r.records]] for r in found]
        best = main_region(found)
        out["main"] = None if best is None else [css_path(best.container, 8),
                                                 [[x.url, x.title_attr] for x in best.records]]
        out["is_article"] = is_article(root, regions_for(root), best)
        out["links"] = plain(extract_links(sel, url))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--bench-sites", type=int, default=6, help="generated benchmark sites (0: none)")
    args = ap.parse_args()
    results: dict[str, Any] = {}
    sources: Counter[str] = Counter()
    t0 = time.process_time()
    with tempfile.TemporaryDirectory(prefix="gi-detect-outputs-") as tmp:
        for source, url, text in pages(Path(tmp), args.bench_sites):
            sources[source] += 1
            try:
                results[f"{source} {sources[source]:05d} {url}"] = read_page(url, text)
            except Exception as e:  # noqa: BLE001 -- a reader's failure is an output too
                results[f"{source} {sources[source]:05d} {url}"] = {"error": repr(e)}
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")
    print(f"{sum(sources.values())} pages ({', '.join(f'{k} {v}' for k, v in sources.items())}), "
          f"{time.process_time() - t0:.0f} s CPU -> {args.out}")


if __name__ == "__main__":
    main()
