"""The web UI's findings list (reports/findings_list.py) selects what `govinspect findings` shows,
in order and in pages, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.urls import url_hash
from db.models import Finding, ScanRun, Site, SiteScan, Unit
from reports.findings_list import FindingFilter, count_findings, finding_ids, list_findings
from reports.queries import SEVERITY_ORDER, query_findings

SEVERITIES = ["veto", "deduct", "notice"]


def build(s: Any) -> None:
    """Three sites over two full runs and a weekly one: findings seen in the latest run, fixed by it,
    left behind by it (not current), and of a site never scanned completely."""
    s.add_all([Unit(id="u1", name="一", kind="county"), Unit(id="u2", name="二", kind="county")])
    s.add_all([Site(id=f"s{i}", unit_id="u1" if i < 2 else "u2", name=f"站{i}", url=f"http://127.0.0.1:9/{i}/")
               for i in range(4)])
    runs = [ScanRun(as_of=dt.date(2026, 11, d), kind=k, status="completed") for d, k in ((1, "full"), (8, "full"),
                                                                                          (15, "weekly"))]
    s.add_all(runs)
    s.flush()
    r1, r2, r3 = (r.id for r in runs)
    for run, sites in ((r1, ["s0", "s1", "s2"]), (r2, ["s0", "s1"]), (r3, ["s2"])):
        s.add_all([SiteScan(run_id=run, site_id=sid, unit_id="u1" if sid < "s2" else "u2", status="completed")
                   for sid in sites])
    s.add(SiteScan(run_id=r2, site_id="s3", unit_id="u2", status="failed"))
    for n, (site, last, status, fixed_in) in enumerate([("s0", r2, "open", None), ("s0", r1, "open", None),  # left behind
                                         ("s0", r1, "fixed", r2), ("s0", r1, "fixed", r1),
                                         ("s1", r2, "confirmed", None), ("s1", r2, "dismissed", None),
                                         ("s2", r3, "open", None), ("s2", r1, "open", None),  # s2: latest is the weekly run
                                         ("s3", r2, "open", None)] * 3, 1):
        target = f"http://127.0.0.1:9/{site}/{n}"
        s.add(Finding(unit_id="u1" if site < "s2" else "u2", subject="site", subject_id=site, check_id="link_broken"
                      if n % 2 else "column_stale", severity=SEVERITIES[n % 3], url=target, target=target,
                      target_hash=url_hash(target), detail=f"问题{n} 通知公告" if n % 4 == 0 else f"问题{n}",
                      evidence={"fixed_in_run": fixed_in} if fixed_in else {}, first_seen_run=r1, last_seen_run=last,
                      first_seen_at=dt.datetime(2026, 11, 1) + dt.timedelta(hours=n),
                      last_seen_at=dt.datetime(2026, 11, 8), status=status))
    s.commit()


def _expected(session: Any, **kw: Any) -> list[dict[str, Any]]:
    return query_findings(session, **kw)


def test_list_selects_what_the_cli_shows_in_severity_order_across_pages(db_session: Any) -> None:
    build(db_session)
    want = _expected(db_session)
    assert 0 < len(want) < 27
    assert count_findings(db_session, FindingFilter()) == len(want)
    assert sorted(finding_ids(db_session, FindingFilter(), None)) == sorted(r["id"] for r in want)
    ordered = sorted(want, key=lambda r: (SEVERITY_ORDER[r["severity"]], r["id"]))
    got: list[int] = []
    pages = -(-len(want) // 5)
    assert pages >= 3
    for page in range(1, pages + 1):
        p = list_findings(db_session, FindingFilter(per_page=5, page=page))
        assert p.total == len(want) and p.pages == pages
        got += [r["id"] for r in p.rows]
    assert got == [r["id"] for r in ordered]
    desc = list_findings(db_session, FindingFilter(per_page=100, desc=True))
    assert [r["id"] for r in desc.rows] == [r["id"] for r in reversed(ordered)]


def test_filters_scope_and_other_sorts(db_session: Any) -> None:
    build(db_session)
    for kw in ({"site": "s0"}, {"status": "fixed"}, {"check": "link_broken"}, {"severity": "veto"}):
        want = {r["id"] for r in _expected(db_session, **kw)}
        assert set(finding_ids(db_session, FindingFilter(**kw), None)) == want, kw
        assert {r["id"] for r in list_findings(db_session, FindingFilter(per_page=100, **kw)).rows} == want, kw
    u2 = {r["id"] for r in _expected(db_session) if r["unit"] == "u2"}
    assert {r["id"] for r in list_findings(db_session, FindingFilter(per_page=100), "u2").rows} == u2
    assert {r["id"] for r in list_findings(db_session, FindingFilter(per_page=100, unit="u1"), "u2").rows} == set()
    every = list_findings(db_session, FindingFilter(all_runs=True, per_page=100))
    assert every.total == 27
    seen = list_findings(db_session, FindingFilter(sort="first_seen", desc=True, per_page=100)).rows
    assert [r["first_seen"] for r in seen] == sorted((r["first_seen"] for r in seen), reverse=True)
    hits = list_findings(db_session, FindingFilter(q="通知", per_page=100)).rows
    assert hits and all("通知" in r["detail"] for r in hits)
    assert list_findings(db_session, FindingFilter(q="HTTP://127.0.0.1:9/S1/", per_page=100)).rows  # ASCII: any case
    assert list_findings(db_session, FindingFilter(quarter="2026Q3")).total == 0
    assert list_findings(db_session, FindingFilter(quarter="2026Q4")).total == count_findings(db_session, FindingFilter())
    # a page past the end shows the last page
    for f in (FindingFilter(per_page=4, page=99), FindingFilter(site="s0", per_page=1, page=99)):
        p = list_findings(db_session, f)
        assert p.page == p.pages and len(p.rows) == 1 + (p.total - 1) % f.per_page and p.total == count_findings(
            db_session, f)
    assert list_findings(db_session, FindingFilter(site="nowhere", page=3)).total == 0
