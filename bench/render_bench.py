"""Benchmark: crawl speed of a static site against a JavaScript site, and how many pages needed the
browser.

Generates the sample sites, serves them on loopback (127.0.4.x, ephemeral ports), and scans one
site per case in its own process (one Twisted reactor per process), each into a fresh SQLite
database. Per case it reports the pages stored, the pages rendered in Chromium, their share,
the crawl time (the run's start to its end, read from the database) and pages per second.

Cases (default all):
  static       akzf-www   TRS portal, read without a browser
  static-off   akzf-www   the same with rendering switched off (no render download handler at all):
                          the lazy handler's cost on a static crawl is the difference
  hanweb       zyx-www    Hanweb datastore + jpage data proxy, read without a browser
  js-auto      akzrzyj    JSON-filled lists: only their column pages go through Chromium
  js-forced    akzrzyj    the same site with `render: js`: every page through Chromium

    .venv/bin/python bench/render_bench.py [--cases static,js-auto] [--reps 3] [--json out.json]

Figures depend on the machine; the tests never time anything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import samplesites  # noqa: E402
from samplesites.server import SampleServers  # noqa: E402

AS_OF = dt.date(2026, 11, 20)
CASES: dict[str, tuple[str, str | None]] = {  # name -> (site id, render override; "off": crawl.render off)
    "static": ("akzf-www", None),
    "static-off": ("akzf-www", "off"),
    "hanweb": ("zyx-www", None),
    "js-auto": ("akzrzyj", None),
    "js-forced": ("akzrzyj", "js"),
}


def _registry(base: Path, out: Path, site_id: str, render: str | None) -> Path:
    reg = yaml.safe_load(base.read_text(encoding="utf-8"))
    if render == "off":
        reg["crawl"]["render"] = {"enabled": False}
        render = None
    for unit in reg["units"]:
        for site in unit["sites"]:
            if site["id"] == site_id and render:
                site["render"] = render
    out.write_text(yaml.safe_dump(reg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def _measure(registry: Path, db: Path, site_id: str) -> dict[str, Any]:
    from sqlalchemy import func, select

    from db.models import Page, ScanRun
    from db.session import make_engine, session_factory

    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "scan", "--config", str(registry), "--db", str(db),
         "--as-of", AS_OF.isoformat(), "--site", site_id, "--no-progress"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}, timeout=900)
    wall = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"scan of {site_id} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    engine = make_engine(str(db))
    with session_factory(engine)() as s:
        run = s.scalars(select(ScanRun).order_by(ScanRun.id.desc())).first()
        assert run is not None and run.finished_at is not None
        pages = s.scalar(select(func.count()).select_from(Page).where(Page.run_id == run.id)) or 0
        rendered = sum(1 for m in s.scalars(select(Page.meta).where(Page.run_id == run.id)) if m.get("rendered"))
        crawl = (run.finished_at - run.started_at).total_seconds()
        render = dict(run.stats.get("render", {}))
        requests = run.stats.get("requests", 0)
    engine.dispose()
    return {"pages": pages, "rendered": rendered, "requests": requests, "crawl_s": crawl, "wall_s": wall,
            "browser_launches": render.get("browser_launches", 0)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated: " + ", ".join(CASES))
    ap.add_argument("--reps", type=int, default=1, help="runs per case (the median is reported)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        ap.error(f"unknown case(s) {unknown}")

    sites = sorted(k for k in samplesites.DEFAULT_BINDINGS if k != samplesites.DEAD_SITE_ID)
    servers = SampleServers({sid: (f"127.0.4.{100 + i}", 0) for i, sid in enumerate(sites)})
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="govinspect-bench-") as tmp_name:
        tmp = Path(tmp_name)
        samplesites.generate(tmp / "sites", AS_OF, servers.base_urls, dead_url="http://127.0.4.250:9/")
        with servers.start(tmp / "sites"):
            for case in cases:
                site_id, render = CASES[case]
                registry = _registry(tmp / "sites" / "sites.yaml", tmp / f"{case}.yaml", site_id, render)
                runs = [_measure(registry, tmp / f"{case}-{r}.db", site_id) for r in range(args.reps)]
                crawl = statistics.median(r["crawl_s"] for r in runs)
                last = runs[-1]
                results[case] = {**last, "site": site_id, "render": render or "auto", "crawl_s": round(crawl, 2),
                                 "wall_s": round(statistics.median(r["wall_s"] for r in runs), 2),
                                 "pages_per_s": round(last["pages"] / crawl, 1) if crawl else None,
                                 "rendered_share": round(last["rendered"] / last["pages"], 3) if last["pages"] else 0.0}
                print(f"{case}: done", file=sys.stderr)

    header = f"{'case':<10} {'site':<9} {'render':<6} {'pages':>5} {'rendered':>8} {'share':>6} {'crawl s':>8} " \
             f"{'pages/s':>8} {'browsers':>8}"
    print(header)
    print("-" * len(header))
    for case, r in results.items():
        print(f"{case:<10} {r['site']:<9} {r['render']:<6} {r['pages']:>5} {r['rendered']:>8} "
              f"{r['rendered_share']:>6.1%} {r['crawl_s']:>8.2f} {r['pages_per_s']:>8} {r['browser_launches']:>8}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
