"""Web UI benchmark: the findings list page with 100,000 findings over 2,000 sites in PostgreSQL.

    .venv/bin/python bench/web_bench.py                        # 100,000 findings, 2,000 sites, 15 requests per page
    .venv/bin/python bench/web_bench.py --findings 20000 --sites 400 --repeat 5 --limit-ms 300

Fills a schema of its own (created and dropped here) on the PostgreSQL server ($GOVINSPECT_BENCH_PG,
default postgresql+psycopg://postgres@127.0.0.1:5432/test) through the migrations, signs in as an
inspector and times the findings list (unfiltered, filtered by check and status, by unit, by a search
word, sorted by first seen) through the whole app: routing, session, queries, template. Prints the
median and the 90th percentile of each page; exit code 1 when a median exceeds --limit-ms.
tests/test_web_bench.py is its CI-sized version.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from db.models import Finding, ScanRun, Score, Site, SiteScan, Unit  # noqa: E402

PG = os.environ.get("GOVINSPECT_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CHECKS = [("link_broken", "deduct"), ("column_stale", "veto"), ("column_empty", "veto"), ("footer_missing", "deduct"),
          ("privacy_leak", "notice"), ("disclosure_missing", "deduct"), ("homepage_stale", "veto")]
STATUSES = ["open"] * 6 + ["confirmed", "dismissed", "fixed"]
PAGES = {
    "unfiltered": "/findings",
    "check+status": "/findings?check=link_broken&status=open",
    "unit": "/findings?unit=u0042",
    "search": "/findings?q=%E9%80%9A%E7%9F%A5",  # 通知
    "sorted, page 20": "/findings?sort=first_seen&desc=1&page=20",
}
PASSWORD = "bench-password"


def schema_url(schema: str) -> str:
    return make_url(PG).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def populate(url: str, n_findings: int, n_sites: int, per_unit: int = 10) -> None:
    """Units of `per_unit` sites, one completed full run, `n_findings` findings spread over the sites."""
    engine = create_engine(url)
    as_of = dt.date(2026, 11, 20)
    with engine.begin() as conn:
        run_id = conn.execute(insert(ScanRun).values(as_of=as_of, kind="full", status="completed", owner="bench",
                                                     config_path="", stats={}).returning(ScanRun.id)).scalar_one()
        n_units = -(-n_sites // per_unit)
        conn.execute(insert(Unit), [{"id": f"u{u:04d}", "name": f"第{u}单位", "kind": "department"} for u in range(n_units)])
        sites = [{"id": f"s{i:05d}", "unit_id": f"u{i // per_unit:04d}", "name": f"第{i}号政府网站",
                  "url": f"http://www{i}.example.gov.cn/", "hosts": [], "active": True} for i in range(n_sites)]
        conn.execute(insert(Site), sites)
        conn.execute(insert(SiteScan), [{"run_id": run_id, "site_id": s["id"], "unit_id": s["unit_id"], "subject": "site",
                                         "status": "completed", "home_url": s["url"], "stats": {}} for s in sites])
        conn.execute(insert(Score), [{"run_id": run_id, "quarter": "2026Q4", "subject": "site", "subject_id": s["id"],
                                      "unit_id": s["unit_id"], "score": 60 + (i % 40), "passed": True, "grade": "合格",
                                      "vetoes": [], "deductions": []} for i, s in enumerate(sites)])
        base = dt.datetime(2026, 10, 1)
        batch: list[dict[str, Any]] = []
        for i in range(n_findings):
            site = sites[i % n_sites]
            check, severity = CHECKS[i % len(CHECKS)]
            target = f"{site['url']}col/{i}/index.html"
            seen = base + dt.timedelta(minutes=i)
            batch.append({
                "unit_id": site["unit_id"], "subject": "site", "subject_id": site["id"], "check_id": check,
                "severity": severity, "url": target, "target": target, "target_hash": uuid.uuid5(uuid.NAMESPACE_URL, target).hex,
                "detail": f"{'通知公告' if i % 5 == 0 else '部门动态'}栏目第{i}条问题：最新信息发布于2026-05-04，超过6个月未更新",
                "evidence": {"run_id": run_id, "column": "通知公告", "column_url": target},
                "first_seen_run": run_id, "last_seen_run": run_id, "first_seen_at": seen, "last_seen_at": seen,
                "status": STATUSES[i % len(STATUSES)],
            })
            if len(batch) == 5000:
                conn.execute(insert(Finding), batch)
                batch.clear()
        if batch:
            conn.execute(insert(Finding), batch)
    # what autovacuum does soon after a scan: statistics, and the visibility map index-only counts need
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def measure(url: str, repeat: int) -> dict[str, list[float]]:
    """Per page, the time of each request (ms) through the app, signed in as an inspector."""
    from fastapi.testclient import TestClient

    from db.session import make_engine, session_scope
    from reports.users import add_user
    from web.app import WebConfig, create_app

    engine = make_engine(url)
    with session_scope(engine) as s:
        add_user(s, "bench", PASSWORD, "inspector")
    engine.dispose()
    client = TestClient(create_app(WebConfig(db_url=url)))
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    r = client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token.group(1)},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    times: dict[str, list[float]] = {}
    for name, path in PAGES.items():
        client.get(path)  # warm: templates compiled, connections open
        times[name] = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            r = client.get(path)
            times[name].append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200 and "问题清单" in r.text, (path, r.status_code)
    return times


def run(n_findings: int, n_sites: int, repeat: int) -> dict[str, list[float]]:
    from db.migrate import upgrade

    schema = f"gi_webbench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = schema_url(schema)
    try:
        upgrade(url)
        t0 = time.perf_counter()
        populate(url, n_findings, n_sites)
        print(f"filled {n_findings} findings over {n_sites} sites in {time.perf_counter() - t0:.1f} s", flush=True)
        return measure(url, repeat)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--limit-ms", type=float, default=300.0)
    args = parser.parse_args()
    times = run(args.findings, args.sites, args.repeat)
    worst = 0.0
    print(f"{'page':<18} {'median ms':>10} {'p90 ms':>8}")
    for name, ts in times.items():
        med = statistics.median(ts)
        p90 = sorted(ts)[int(0.9 * (len(ts) - 1))]
        worst = max(worst, med)
        print(f"{name:<18} {med:>10.1f} {p90:>8.1f}")
    ok = worst < args.limit_ms
    print(f"{'PASS' if ok else 'FAIL'}: slowest median {worst:.1f} ms (limit {args.limit_ms:g} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
