"""Between the quarter's full scans: a scheduled scan leaves out sites another live run holds
(db.runs skip_busy), a weekly light run judges and fixes only what it re-read and is not scored,
`govinspect recheck --url` re-requests one broken link, and `govinspect status` shows each unit's
quarter and the days left to the publication deadline."""

from __future__ import annotations

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from conftest_db import make_registry
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from checks.engine import check_and_score
from checks.testing import RunBuilder
from cli import cmd_recheck, cmd_schedule
from core.schedule_config import Deadline
from db import runs
from db.models import Finding, ScanRun, Score, Site, SiteScan
from reports.queries import query_findings
from reports.status import quarter_status

AS_OF = dt.date(2026, 11, 20)


@pytest.fixture
def session(db_session: Session) -> Session:  # conftest_db: SQLite and PostgreSQL
    return db_session


def test_a_scheduled_scan_leaves_out_sites_another_run_is_scanning(session: Session) -> None:
    runs.sync_registry(session, make_registry())
    live = runs.start_run(session, AS_OF, "full", "", ["site-a1"])  # a live run (this very process)
    with pytest.raises(runs.SiteBusyError):
        runs.start_run(session, AS_OF, "weekly", "", ["site-a1", "site-a2"])
    weekly = runs.start_run(session, AS_OF, "weekly", "", ["site-a1", "site-a2", "site-b1"], skip_busy=True)
    assert weekly.stats == {"skipped_busy": {"site-a1": live.id}}
    claimed = session.execute(select(SiteScan.site_id, SiteScan.status).where(SiteScan.run_id == weekly.id)).all()
    assert sorted(claimed) == [("site-a2", "running"), ("site-b1", "running")]
    with pytest.raises(runs.SiteBusyError) as err:  # nothing left to scan: refused like before
        runs.start_run(session, AS_OF, "weekly", "", ["site-a1", "site-b1"], skip_busy=True)
    assert err.value.site_id in ("site-a1", "site-b1")
    runs.finish_run(session, live.id, "completed")
    runs.finish_run(session, weekly.id, "completed", stats={"requests": 3})
    session.expire_all()
    assert session.get(ScanRun, weekly.id).stats == {"skipped_busy": {"site-a1": live.id}, "requests": 3}


def _full(session: Session, day: dt.date) -> int:
    rb = RunBuilder(session, day)
    rb.site("a")
    home = rb.homes["a"]
    rb.home("a", text="首页")
    rb.homepage_items("a", [rb.days_ago(1)])
    rb.column("a", "/ywdt/", "要闻动态", category="news", items=[rb.days_ago(30)])  # stale news
    rb.column("a", "/tzgg/", "通知公告", category="notice", items=[rb.days_ago(300)])  # stale notice
    rb.result("a", rb.url("a", "/gone.html"), ok=False, status=404)
    rb.link("a", home, rb.url("a", "/gone.html"))
    rb.done()
    session.commit()
    check_and_score(session, rb.id)
    session.commit()
    return rb.id


def test_a_light_run_fixes_only_what_it_reread_and_is_not_scored(session: Session) -> None:
    full = _full(session, AS_OF)
    before = {(f.check_id, f.target.rsplit("/", 2)[-2] if "/" in f.target else f.target): f.status
              for f in session.scalars(select(Finding))}
    assert before[("column_stale", "ywdt")] == before[("column_stale", "tzgg")] == "open"
    assert before[("link_broken", "a.example.gov.cn")] == "open"
    assert any(k[0] == "disclosure_missing" for k in before)

    # a week later, the weekly scan re-reads the homepage and the news column, now updated
    rb = RunBuilder(session, AS_OF + dt.timedelta(days=7), kind="weekly")
    rb.site("a")
    rb.home("a", text="首页")
    rb.homepage_items("a", [rb.days_ago(1)])
    rb.column("a", "/ywdt/", "要闻动态", category="news", items=[rb.days_ago(2)])
    rb.done()
    session.commit()
    summary = check_and_score(session, rb.id)
    session.commit()
    assert summary["light"] is True and summary["scores"] == []
    assert set(summary["checks"]) == {"site_unreachable", "homepage_stale", "column_stale"}
    assert summary["fixed"] == 1 and summary["new"] == 0
    assert session.scalars(select(Score).where(Score.run_id == rb.id)).all() == []
    session.expire_all()
    after = {(f.check_id, f.target): f for f in session.scalars(select(Finding))}
    news = next(f for (c, t), f in after.items() if c == "column_stale" and "/ywdt/" in t)
    notice = next(f for (c, t), f in after.items() if c == "column_stale" and "/tzgg/" in t)
    assert news.status == "fixed" and news.evidence["fixed_in_run"] == rb.id
    assert notice.status == "open" and notice.last_seen_run == full  # not walked this week: unchanged
    assert all(f.status == "open" for (c, _), f in after.items() if c in ("link_broken", "disclosure_missing",
                                                                            "footer_missing"))
    # the findings list still shows the full scan's findings, plus what the light run changed
    listed = {(r["check"], r["status"]) for r in query_findings(session, site="a")}
    assert ("column_stale", "fixed") in listed and ("column_stale", "open") in listed
    assert ("link_broken", "open") in listed and ("disclosure_missing", "open") in listed


class Link(BaseHTTPRequestHandler):
    """/gone.html answers with `status` (and, for 200, a normal or a 'page not found' page)."""

    status = 404
    body = "<html><body><h1>关于开展秋季安全生产检查的通知</h1>" + "<p>各乡镇、各部门：……</p>" * 30 + "</body></html>"

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        data = type(self).body.encode()
        self.send_response(type(self).status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def test_recheck_one_link(sqlite_url: str, sqlite_session: Session, monkeypatch: pytest.MonkeyPatch,
                          tmp_path: Path) -> None:
    monkeypatch.setattr(cmd_recheck, "console", Console(width=200))
    monkeypatch.setattr(cmd_recheck, "err_console", Console(width=200, stderr=True))
    server = ThreadingHTTPServer(("127.0.5.2", 0), Link)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    home = f"http://127.0.5.2:{server.server_address[1]}/"
    gone = home + "gone.html"
    # the registry names the site: its own host and port are what a recheck may request on loopback
    registry = tmp_path / "sites.yaml"
    registry.write_text(yaml.safe_dump({"units": [{"id": "u", "name": "单位", "kind": "county", "sites": [
        {"id": "a", "name": "站", "url": home}]}]}, allow_unicode=True), encoding="utf-8")
    s = sqlite_session
    rb = RunBuilder(s, AS_OF)
    rb.site("a", home=home)
    rb.home("a", text="首页")
    rb.result("a", gone, ok=False, status=404)
    rb.link("a", home, gone, anchor="秋季检查通知")
    rb.done()
    s.commit()
    check_and_score(s, rb.id)
    s.commit()
    (finding,) = s.scalars(select(Finding).where(Finding.check_id == "link_broken")).all()
    Link.status = 404
    app = typer.Typer()
    cmd_recheck.register(app)
    app.command("noop", hidden=True)(lambda: None)  # keep `recheck` a named subcommand
    cli = CliRunner()

    def recheck(*extra: str) -> Any:
        return cli.invoke(app, ["recheck", "--config", str(registry), "--db", sqlite_url, "--site", "a", *extra])

    try:
        # a link is requested now: a check date does not apply (refused before any request)
        result = recheck("--url", gone, "--as-of", "2026-11-01")
        assert result.exit_code == 2 and "site rescan only" in result.output, result.output
        result = recheck("--url", gone)  # still 404
        assert result.exit_code == 1, result.output
        assert "still broken" in result.output and "HTTP 404" in result.output
        Link.status = 200
        Link.body = "<html><body><p>您访问的页面不存在</p></body></html>"  # a soft 404
        result = recheck("--url", gone)
        assert result.exit_code == 1 and "soft 404" in result.output, result.output
        s.rollback()
        assert s.get(Finding, finding.id).status == "open"
        Link.body = "<html><body>" + "<p>通知正文……</p>" * 100 + "</body></html>"  # the page is back
        result = recheck("--url", gone)
        assert result.exit_code == 0, result.output
        assert "fixed" in result.output and f"finding(s) {finding.id} marked fixed" in result.output
        result = recheck("--url", home + "never-reported.html")
        assert result.exit_code == 2 and "no open link_broken finding" in result.output
    finally:
        server.shutdown()
        server.server_close()
    s.rollback()  # end the read transaction: see what the command committed
    f = s.get(Finding, finding.id)
    assert f.status == "fixed" and f.status_by == "govinspect recheck" and "the link works now (HTTP 200" in f.status_reason
    assert [r["working"] for r in f.evidence["rechecks"]] == [False, False, True]
    assert f.evidence["rechecks"][0]["status"] == 404 and f.last_seen_run == rb.id

    # the next scan finds it broken again: reopened as a regression of the recheck's verdict
    rb2 = RunBuilder(s, AS_OF + dt.timedelta(days=1))
    rb2.site("a", home=home)
    rb2.home("a", text="首页")
    rb2.result("a", gone, ok=False, status=404)
    rb2.link("a", home, gone)
    rb2.done()
    s.commit()
    check_and_score(s, rb2.id)
    s.commit()
    s.expire_all()
    f = s.get(Finding, finding.id)
    assert f.status == "open" and "after being fixed by govinspect recheck" in f.status_reason


def test_status_counts_current_findings_and_the_vetoes_the_scores_fired(sqlite_session: Session) -> None:
    """Open findings are those `govinspect findings` shows (seen in each subject's latest scan, of
    sites still in the registry); vetoes are the veto items of each member's newest score of the
    quarter, not findings of veto severity (one stale column is one; five veto the site)."""
    s = sqlite_session
    runs.sync_registry(s, make_registry({"u": ["s1", "s2", "gone"]}))
    last_q = RunBuilder(s, dt.date(2026, 9, 30))
    last_q.site("s2", "u")
    first = RunBuilder(s, dt.date(2026, 10, 10))
    for sid in ("s1", "s2", "gone"):
        first.site(sid, "u")
    second = RunBuilder(s, dt.date(2026, 11, 2))
    for sid in ("s1", "s2"):
        second.site(sid, "u")

    def finding(sid: str, target: str, last_run: int, severity: str = "deduct", status: str = "open") -> None:
        s.add(Finding(unit_id="u", subject_id=sid, check_id="column_stale", severity=severity, url=target,
                      target=target, target_hash=target, first_seen_run=first.id, last_seen_run=last_run,
                      status=status))

    finding("s1", "fixed-since", first.id)  # not seen by s1's latest scan
    finding("gone", "of-a-removed-site", first.id)
    finding("s1", "stale-1", second.id, "veto")  # two stale columns: two veto-severity findings, no veto
    finding("s1", "stale-2", second.id, "veto")
    finding("s2", "confirmed", second.id, status="confirmed")
    finding("s2", "dismissed", second.id, status="dismissed")

    def score(run: RunBuilder, subject: str, sid: str, vetoes: list[str], quarter: str = "2026Q4") -> None:
        s.add(Score(run_id=run.id, quarter=quarter, subject=subject, subject_id=sid, unit_id="u", score=0.0,
                    passed=not vetoes, vetoes=[{"id": v} for v in vetoes], deductions=[]))

    score(last_q, "site", "s2", ["W-V1"], quarter="2026Q3")  # last quarter
    score(first, "site", "s1", ["W-V3"])  # superseded by s1's newer score
    score(first, "site", "gone", ["W-V3"])
    score(second, "site", "s1", [])
    score(second, "site", "s2", ["W-V4c"])
    score(second, "unit", "u", ["W-V4c"])  # the unit row repeats its members' vetoes
    s.flush()
    s.get(Site, "gone").active = False
    s.commit()

    unit = {u.unit_id: u for u in quarter_status(s, dt.date(2026, 11, 5), Deadline()).units}["u"]
    assert (unit.open_findings, unit.vetoes) == (3, 1)


def test_status_per_unit_with_days_to_the_deadline(sqlite_url: str, sqlite_session: Session,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    s = sqlite_session
    runs.sync_registry(s, make_registry({"county-a": ["site-a1", "site-a2"], "dept-b": ["site-b1"],
                                         "dept-c": ["site-c1"], "dept-d": ["site-d1"]}))
    old = RunBuilder(s, dt.date(2026, 9, 30))  # last quarter: does not count
    old.site("site-c1", "dept-c")
    done = RunBuilder(s, dt.date(2026, 11, 2))
    for sid, unit in (("site-a1", "county-a"), ("site-b1", "dept-b")):
        done.site(sid, unit)
        done.home(sid, text="首页")
    weekly = RunBuilder(s, dt.date(2026, 11, 9), kind="weekly")  # light: not the quarter's scan
    weekly.site("site-a2", "county-a")
    s.add(Finding(unit_id="dept-b", subject_id="site-b1", check_id="homepage_stale", severity="veto", url="u",
                  target="u", target_hash="h1", first_seen_run=done.id, last_seen_run=done.id))
    s.add(Finding(unit_id="dept-b", subject_id="site-b1", check_id="footer_missing", severity="deduct", url="u",
                  target="icp", target_hash="h2", first_seen_run=done.id, last_seen_run=done.id, status="dismissed"))
    s.commit()
    live = runs.start_run(s, dt.date(2026, 11, 5), "single", "", ["site-d1"])
    qs = quarter_status(s, dt.date(2026, 11, 5), Deadline())
    assert (qs.quarter, qs.start, qs.end, qs.deadline, qs.days_left) == (
        "2026Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31), dt.date(2026, 11, 10), 5)
    by = {u.unit_id: u for u in qs.units}
    assert (by["county-a"].state, sorted(by["county-a"].scanned), by["county-a"].missing) == (
        "partial", ["site-a1"], ["site-a2"])
    # a veto-severity finding is not a veto: no score of the quarter fired one
    assert (by["dept-b"].state, by["dept-b"].last_run, by["dept-b"].open_findings, by["dept-b"].vetoes) == (
        "done", done.id, 1, 0)
    assert by["dept-c"].state == "not scanned" and by["dept-d"].running == [live.id]
    assert by["dept-d"].state == "running"
    # the rule is config: a deadline on the 15th of the quarter's third month
    assert quarter_status(s, dt.date(2026, 11, 5), Deadline(month_of_quarter=3, day=15)).deadline == \
        dt.date(2026, 12, 15)

    app = typer.Typer()
    cmd_schedule.register(app)
    monkeypatch.setattr(cmd_schedule, "console", Console(width=220))
    out = CliRunner().invoke(app, ["status", "--db", sqlite_url, "--today", "2026-11-05"])
    assert out.exit_code == 0, out.output
    title = " ".join(out.output.split())
    assert "2026Q4" in title and "by 2026-11-10 — 5 day(s) left" in title
    lines = {line.split("│")[1].strip(): line for line in out.output.splitlines() if line.count("│") > 5}
    assert "partial" in lines["county-a"] and "1/2" in lines["county-a"]
    assert "done" in lines["dept-b"] and f"run {done.id}, as of 2026-11-02" in lines["dept-b"]
    assert "not scanned" in lines["dept-c"] and f"running (run {live.id})" in lines["dept-d"]
    late = CliRunner().invoke(app, ["status", "--db", sqlite_url, "--today", "2026-12-02"])
    assert "passed 22 day(s) ago; next deadline 2027-02-10 in 70 day(s)" in " ".join(late.output.split())
