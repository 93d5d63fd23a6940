"""Memory of one crawl process as the crawl grows, and of the browser with screenshots on.

    .venv/bin/python bench/memory_bench.py [--pages 10000,50000] [--sites 5] [--out /tmp/gi-memory-bench]
        [--port 8280] [--screenshot-sites 5] [--json FILE]

Growth: for each total in --pages, a corpus of --sites government-style sites of total/sites pages
each (tests/fixtures/bench/gen_sites.py, no over-timeout links: memory is the point, not waiting),
served by nginx on loopback, crawled by one process (`scan --workers 1 --no-checks`: one crawl,
the code a site task runs, into a database created beforehand with `db upgrade`) with every page-level check's extraction on; its peak RSS, the pages it
wrote, its RSS every 15 s against the pages written so far, the requests its frontier queued on
disk and in memory, and the growth between the smallest and the largest total (the issue's
target: at most 25 % from 10,000 to 50,000 pages, at most 250 MB at 50,000).

Browser: a corpus of --screenshot-sites sites of 300 pages crawled with evidence screenshots on
(the default of a real registry) at an as-of date after every generated item, so that every
column is stale and photographed; the peak RSS of the whole process tree (Python, Playwright's driver,
Chromium's processes) and its peak PSS (shared pages counted once, sampled every second), of the
largest process, the browsers launched and the screenshots taken.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_bench import PY, ROOT, Measured, _rss_kb, _tree, generate, serving  # noqa: E402  (a sibling script, not a package)

# memory is the point, not waiting: no over-timeout or slow links
QUICK = ["--timeout-every", "0", "--slow-per-site", "0"]
SHOTS_AS_OF = "2030-06-30"


def registry(out: Path, per_site: int, *, screenshots: bool) -> Path:
    """The corpus's registry with caps above its size (every page is crawled), screenshots on or off."""
    reg = yaml.safe_load((out / "sites.yaml").read_text(encoding="utf-8"))
    reg["crawl"].update({"max_pages": per_site * 2, "max_list_pages": 100_000, "max_depth": 30})
    if screenshots:
        reg["crawl"].pop("screenshots", None)  # the default: on
    path = out / ("sites-shots.yaml" if screenshots else "sites-big.yaml")
    path.write_text(yaml.safe_dump(reg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _pages_so_far(db: Path) -> int:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)) as c:
            return int(c.execute("SELECT coalesce(max(rowid), 0) FROM pages").fetchone()[0])
    except sqlite3.Error:
        return 0


def _pss_kb(pid: int) -> int:
    """A process's proportional set size: its private pages plus its share of the pages it shares
    (Chromium's processes share most of theirs, so their summed RSS overstates them)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return 0


def crawl(out: Path, reg: Path, name: str, *extra: str, every: float = 15.0) -> dict[str, Any]:
    """One crawl process; its figures and, every `every` seconds, (seconds, pages written, RSS MB
    of the largest process, of the tree): how memory follows the crawl."""
    db = out / f"{name}.db"
    for p in out.glob(f"{name}.db*"):
        p.unlink()
    # created beforehand, as the database of a scheduled scan is: migrating a new one is the
    # `db upgrade` command's work, not the crawl's
    subprocess.run([PY, "-m", "cli", "db", "upgrade", "--db", str(db)], cwd=ROOT, check=True, capture_output=True)
    m = Measured([PY, "-m", "cli", "scan", "--config", str(reg), "--db", str(db), "--no-progress", "--no-checks",
                  "--workers", "1", "--log-file", str(out / f"{name}.log"), *extra], log=out / f"{name}.out")
    series: list[tuple[int, int, float, float]] = []
    next_at, next_pss, peak_pss_kb = every, 0.0, 0
    while True:
        pid, status, usage = os.wait4(m.proc.pid, os.WNOHANG)
        if pid:
            break
        m.sample()
        elapsed = time.monotonic() - m.started
        if elapsed >= next_pss:  # once a second: smaps_rollup walks every mapping of every process
            peak_pss_kb = max(peak_pss_kb, sum(_pss_kb(p) for p in _tree(m.proc.pid)))
            next_pss = elapsed + 1.0
        if elapsed >= next_at:
            sizes = [_rss_kb(p) for p in _tree(m.proc.pid)]
            series.append((round(elapsed), _pages_so_far(db), round(max(sizes, default=0) / 1024, 1),
                           round(sum(sizes) / 1024, 1)))
            next_at += every
        time.sleep(0.2)
    res: dict[str, Any] = {"exit": os.waitstatus_to_exitcode(status), "wall_s": round(time.monotonic() - m.started, 1),
                           "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
                           "peak_rss_proc_mb": round(m.peak_proc_kb / 1024, 1),
                           "peak_rss_tree_mb": round(m.peak_tree_kb / 1024, 1),
                           "peak_pss_tree_mb": round(peak_pss_kb / 1024, 1)}
    with sqlite3.connect(db) as c:
        res["pages"] = c.execute("SELECT count(*) FROM pages").fetchone()[0]
        res["link_results"] = c.execute("SELECT count(*) FROM link_results").fetchone()[0]
        res["screenshots"] = c.execute("SELECT count(*) FROM screenshots").fetchone()[0]
        stats = c.execute("SELECT stats FROM scan_runs ORDER BY id DESC").fetchone()[0]
    run_stats = json.loads(stats) if stats else {}
    res["render"] = run_stats.get("render", {})
    # requests the crawl queued on disk and in memory (crawler.frontier)
    res["frontier"] = run_stats.get("frontier", {})
    res["load_avg"] = os.getloadavg()
    res["series"] = series
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", default="10000,50000", help="total pages of each corpus, comma-separated")
    ap.add_argument("--sites", type=int, default=5, help="sites per corpus (one crawl process holds them all)")
    ap.add_argument("--out", type=Path, default=Path("/tmp/gi-memory-bench"))
    ap.add_argument("--port", type=int, default=8280)
    ap.add_argument("--screenshot-sites", type=int, default=5, help="0: no browser measurement")
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args()
    totals = [int(x) for x in a.pages.split(",") if x]
    report: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                                          "python": platform.python_version()},
                              "command": " ".join(sys.argv), "growth": {}, "screenshots": None}
    for total in totals:
        out = (a.out / f"p{total}").resolve()
        out.mkdir(parents=True, exist_ok=True)
        per_site = max(1, total // a.sites)
        truth = generate(out, a.sites, per_site, a.port, extra=QUICK)
        print(f"{total}: {truth['counts']['html_pages_generated']} pages generated, crawling…", flush=True)
        with serving(out, a.port):
            res = crawl(out, registry(out, per_site, screenshots=False), "crawl")
        report["growth"][str(total)] = res
        print(f"  {json.dumps(res, default=str)}", flush=True)
    if a.screenshot_sites:
        out = (a.out / "shots").resolve()
        out.mkdir(parents=True, exist_ok=True)
        generate(out, a.screenshot_sites, 300, a.port, extra=QUICK)
        print(f"screenshots on, {a.screenshot_sites} sites…", flush=True)
        with serving(out, a.port):
            # a date after every generated item: each column is stale, and photographed
            report["screenshots"] = crawl(out, registry(out, 300, screenshots=True), "shots", "--as-of", SHOTS_AS_OF)
        print(f"  {json.dumps(report['screenshots'], default=str)}", flush=True)
    rows = [report["growth"][str(t)] for t in totals]
    if len(rows) > 1 and rows[0]["peak_rss_proc_mb"]:
        report["growth_pct"] = round(100 * (rows[-1]["peak_rss_proc_mb"] / rows[0]["peak_rss_proc_mb"] - 1), 1)
        # the same within the largest crawl: its RSS when it had written as many pages as the
        # smallest corpus holds, against its peak
        at = next((mb for _, pages, mb, _ in rows[-1]["series"] if pages >= totals[0]), None)
        if at:
            report["growth_in_run"] = {"pages": totals[0], "rss_mb": at,
                                       "pct": round(100 * (rows[-1]["peak_rss_proc_mb"] / at - 1), 1)}
    print(f"\n{'pages (corpus)':>15}{'pages crawled':>15}{'wall s':>8}{'peak RSS MB':>13}{'load':>16}")
    for t, r in zip(totals, rows, strict=True):
        print(f"{t:>15}{r['pages']:>15}{r['wall_s']:>8}{r['peak_rss_proc_mb']:>13}"
              f"{' '.join(f'{x:.1f}' for x in r['load_avg']):>16}")
    if "growth_pct" in report:
        print(f"growth {totals[0]} -> {totals[-1]} pages: {report['growth_pct']} % (target <= 25 %, "
              f"peak <= 250 MB)")
    if "growth_in_run" in report:
        g = report["growth_in_run"]
        print(f"within the {totals[-1]}-page crawl: {g['rss_mb']} MB at {g['pages']} pages written, peak "
              f"{rows[-1]['peak_rss_proc_mb']} MB: {g['pct']} %")
    if report["screenshots"]:
        s = report["screenshots"]
        print(f"screenshots on, {a.screenshot_sites} sites: {s['screenshots']} screenshots, browser launches "
              f"{s['render'].get('browser_launches', 0)}, peak RSS tree {s['peak_rss_tree_mb']} MB (PSS "
              f"{s['peak_pss_tree_mb']} MB), largest process {s['peak_rss_proc_mb']} MB")
    dest = a.json or a.out / "memory_bench.json"
    dest.write_text(json.dumps(report, indent=1, default=str))
    print(f"figures: {dest}")


if __name__ == "__main__":
    main()
