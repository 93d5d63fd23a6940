"""Availability probes (monitor/probe.py, scheduler.probe_job) and the week-of-probes rule of
site_unreachable (站点无法访问: ≥5 % of a week's visits failing or taking ≥15 s is a veto; one
scan's failure alone is then a notice)."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from conftest_db import make_registry
from sqlalchemy import select
from sqlalchemy.orm import Session

import scheduler
from checks.engine import check_and_score
from checks.testing import RunBuilder, drafts_of
from core.probes import ProbeRules
from core.schedule_config import load_schedule
from db.models import Finding, Probe
from db.session import make_engine, session_factory

AS_OF = dt.date(2026, 11, 20)
# the end of the as-of day in Asia/Shanghai, naive UTC like stored times
WINDOW_END = dt.datetime(2026, 11, 20, 16, 0)


class Site(BaseHTTPRequestHandler):
    """A homepage whose behaviour the test switches: ok | slow | error | placeholder."""

    mode = "ok"
    delay = 0.0

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        mode = type(self).mode
        if mode == "slow":
            time.sleep(type(self).delay)
        if mode == "error":
            self.send_response(503)
            self.end_headers()
            return
        body = ("<html><body><h1>某某县人民政府</h1><p>网站升级改版中，敬请期待</p></body></html>" if mode == "placeholder"
                else "<html><body><h1>某某县人民政府</h1>" + "<p>要闻 2026-11-19 县政府召开常务会议</p>" * 40
                + "</body></html>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the prober gave up (slow mode)
            self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def serve(port: int = 0) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.5.1", port), Site)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_probe_of_a_site_slow_or_down_part_of_the_time(sqlite_url: str, tmp_path: Path) -> None:
    server = serve()
    port = server.server_address[1]
    registry = make_registry({"unit-a": ["site-a"]}, only_networks=["127.0.0.0/8"])
    registry.units[0].sites[0].url = f"http://127.0.5.1:{port}/"
    rt = scheduler.Runtime(db_url=sqlite_url, registry_path=tmp_path / "sites.yaml", registry=registry,
                           schedule=load_schedule(),
                           probe_rules=ProbeRules(timeout_s=0.5, slow_s=0.5, placeholders=("升级改版中",)))
    scheduler.use_runtime(rt)
    Site.delay = 1.0
    plan = ["ok", "slow", "ok", "error", "placeholder", "down", "ok"]
    outcomes = []
    try:
        for mode in plan:
            if mode == "down":
                server.shutdown()
                server.server_close()
            Site.mode = mode if mode != "down" else "ok"
            outcomes.append(scheduler.probe_job("site-a"))
            if mode == "down":
                server = serve(port)  # back up on the same address
    finally:
        server.shutdown()
        server.server_close()
        scheduler.use_runtime(None)
        rt.close()
    assert outcomes == ["ok", "timeout", "ok", "http", "placeholder", "refused", "ok"]
    engine = make_engine(sqlite_url)
    with session_factory(engine)() as s:
        rows = s.scalars(select(Probe).order_by(Probe.id)).all()
    engine.dispose()
    assert [(r.site_id, r.url) for r in rows] == [("site-a", f"http://127.0.5.1:{port}/")] * len(plan)
    assert [r.ok for r in rows] == [True, False, True, False, False, False, True]
    assert [r.status for r in rows] == [200, None, 200, 503, 200, None, 200]
    slow = rows[1]
    assert 500 <= slow.elapsed_ms < 900 and "timed out" in slow.error  # gave up at the deadline, not later
    assert all(r.elapsed_ms < 400 for r in rows if r.ok)
    assert rows[3].error == "HTTP 503" and "升级改版中" in rows[4].error and rows[5].elapsed_ms < 400
    assert all(r.at <= rows[i + 1].at for i, r in enumerate(rows[:-1]))  # each probe's own time


# --- the week of probes ----------------------------------------------------------------------------------


def store_week(session: Session, site_id: str, total: int, failed: int, slow: int, *,
               end: dt.datetime = WINDOW_END) -> None:
    """`total` probes spread evenly over the 7 days before `end`; the first `failed` failed, the
    next `slow` answered but took 15 s or more; the rest took 300 ms."""
    step = dt.timedelta(days=7) / total
    for i in range(total):
        at = end - dt.timedelta(days=7) + step * i + dt.timedelta(seconds=1)
        if i < failed:
            row = Probe(site_id=site_id, url="x", at=at, ok=False, status=None, elapsed_ms=15000,
                        error_class="timeout")
        elif i < failed + slow:
            row = Probe(site_id=site_id, url="x", at=at, ok=True, status=200, elapsed_ms=15000 + i)
        else:
            row = Probe(site_id=site_id, url="x", at=at, ok=True, status=200, elapsed_ms=300)
        session.add(row)
    session.flush()


def noise(session: Session, site_id: str) -> None:
    """Failed probes just outside the window: 8 days back, and after the as-of day."""
    for at in (WINDOW_END - dt.timedelta(days=7, seconds=1), WINDOW_END, WINDOW_END + dt.timedelta(hours=5)):
        for _ in range(30):
            session.add(Probe(site_id=site_id, url="x", at=at, ok=False, elapsed_ms=0, error_class="refused"))
    session.flush()


def healthy_run(session: Session, sites: list[str]) -> RunBuilder:
    rb = RunBuilder(session, AS_OF)
    for sid in sites:
        rb.site(sid)
        rb.home(sid, text="首页")
    return rb


def test_a_week_of_probes_decides_at_5_percent_or_15_s(db_url: str) -> None:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        rb = healthy_run(s, ["pass19", "fail20", "slow20"])
        store_week(s, "pass19", 400, failed=10, slow=9)  # 19 of 400 = 4.75 %
        store_week(s, "fail20", 400, failed=20, slow=0)  # 20 of 400 = 5 %
        store_week(s, "slow20", 400, failed=0, slow=20)  # answered, but each after ≥15 s
        for sid in ("pass19", "fail20", "slow20"):
            noise(s, sid)
        rb.done()
        drafts = {d.site_id: d for d in drafts_of(s, rb.id, "site_unreachable")}
    engine.dispose()
    assert set(drafts) == {"fail20", "slow20"}
    for sid in ("fail20", "slow20"):
        d = drafts[sid]
        assert d.severity == "veto" and d.target == "http://fail20.example.gov.cn/".replace("fail20", sid)
        ev = d.evidence["probes"]
        assert (ev["probes"], ev["bad"], ev["ratio"], ev["decides"]) == (400, 20, 0.05, True)
        assert "近7天监测400次，20次15秒内未能打开（5.0%），达到5%" in d.detail
    assert drafts["slow20"].evidence["probes"]["by_class"] == {"slow": 20}
    assert drafts["fail20"].evidence["probes"]["by_class"] == {"timeout": 20}


def test_one_failed_scan_is_a_notice_when_the_week_passes(sqlite_session: Session) -> None:
    s = sqlite_session
    rb = RunBuilder(s, AS_OF)
    for sid in ("weekok", "weekbad", "fewprobes", "noprobes"):
        rb.site(sid, error="refused: Connection refused")  # the scan could not open any of them
        rb.result(sid, rb.homes[sid], ok=False, status=None, error_class="refused")
    rb.site("readfine")
    rb.home("readfine", text="首页")
    rb.homepage_items("readfine", [rb.days_ago(1)])
    store_week(s, "weekok", 200, failed=3, slow=0)
    store_week(s, "weekbad", 200, failed=12, slow=0)
    store_week(s, "fewprobes", 100, failed=0, slow=0)  # fewer than min_probes (140): the scan decides
    store_week(s, "readfine", 160, failed=16, slow=0)  # read fine by the scan, down 10 % of the week
    rb.done()
    s.commit()
    summary = check_and_score(s, rb.id)
    found = {f.subject_id: f for f in s.scalars(select(Finding).where(Finding.check_id == "site_unreachable"))}
    assert {k: v.severity for k, v in found.items()} == {
        "weekok": "notice", "weekbad": "veto", "fewprobes": "veto", "noprobes": "veto", "readfine": "veto"}
    assert "不作单项否决" in found["weekok"].detail and found["weekok"].evidence["mode"] == "scan"
    assert found["fewprobes"].evidence["probes"]["decides"] is False
    # nothing of weekok was read: not assessed (not 100 points); the vetoed ones score as failed
    assert summary["not_assessed"] == ["weekok"]
    scores = {r["subject_id"]: r for r in summary["scores"] if r["subject"] == "site"}
    assert "weekok" not in scores
    for sid in ("weekbad", "fewprobes", "noprobes", "readfine"):
        assert not scores[sid]["passed"] and [v["id"] for v in scores[sid]["vetoes"]] == ["W-V2"]
    # the site the scan read is still checked for everything else
    assert "readfine" not in summary["skipped"]
    assert summary["skipped"]["weekbad"] == "site_unreachable"
