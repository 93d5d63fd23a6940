"""Our own failure is not theirs (issues #7, #13): when the canary URLs fail, or every site of a scan
fails at the connection level (however few) and no canary answered, the scan is marked failed,
`govinspect scan` exits non-zero saying why, and no site_unreachable / link_broken verdict comes out
of it. Earlier findings stay as they were (not "fixed", not re-seen)."""

from __future__ import annotations

from typing import Any

import pytest
from faultserver import (
    FaultServer,
    page,
    reset_mid_body,
    scan_cmd,
    sequence,
    site_entry,
    status,
    write_registry,
)
from samples_env import run_cli
from sqlalchemy import select

from db.models import Finding, LinkResult, ScanRun, SiteScan
from db.session import make_engine, session_factory

pytestmark = pytest.mark.slow

# nothing listens on port 9 of these loopback addresses: every connection is refused
DEAD = [f"http://127.0.6.{n}:9/" for n in (240, 241, 242)]
DEAD_CANARY = "http://127.0.6.243:9/"


def _session(db: str) -> Any:
    engine = make_engine(db)
    return engine, session_factory(engine)()


def _one_line(stderr: str, needle: str) -> str:
    lines = [ln for ln in stderr.splitlines() if needle in ln]
    assert lines, stderr[-3000:]
    return lines[-1]


def _assert_no_verdicts(db: str, error: str) -> None:
    engine, session = _session(db)
    try:
        run = session.scalars(select(ScanRun)).one()
        assert run.status == "failed" and error in run.error, run.error
        assert {s.status for s in session.scalars(select(SiteScan))} == {"failed"}
        # the failures are recorded as crawl data, but no verdict is issued from them
        assert session.scalars(select(LinkResult)).all()
        assert session.scalars(select(Finding)).all() == []
    finally:
        session.close()
        engine.dispose()


def test_three_resetting_sites_fail_the_scan(tmp_path: Any) -> None:
    """Our firewall or proxy resetting every connection looks like three sites resetting: no verdict."""
    servers = [FaultServer(f"127.0.6.{n}", reset_on_accept=True) for n in (244, 245, 246)]
    for srv in servers:
        srv.start()
    try:
        registry = write_registry(tmp_path / "sites.yaml",
                                  [site_entry(f"rst{i}", srv.url("/")) for i, srv in enumerate(servers)],
                                  download_timeout=3, retry_times=0)
        db = str(tmp_path / "reset.db")
        proc = run_cli(*scan_cmd(registry, db))
    finally:
        for srv in servers:
            srv.stop()
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-3000:]
    line = _one_line(proc.stderr, "could not reach any site")
    assert "failed" in line and "reset 3" in line and "crawl.canary_urls" in line, line
    _assert_no_verdicts(db, "could not reach any site")


@pytest.mark.parametrize("canary", [None, DEAD_CANARY])
def test_two_unreachable_sites_fail_the_scan_without_a_canary_that_answers(tmp_path: Any, canary: str | None) -> None:
    """However few sites: two refusing with no canary (or a failing one) say nothing about them."""
    crawl: dict[str, Any] = {"canary_urls": [canary]} if canary else {}
    registry = write_registry(tmp_path / "sites.yaml", [site_entry(f"dead{i}", url) for i, url in enumerate(DEAD[:2])],
                              download_timeout=3, retry_times=0, **crawl)
    db = str(tmp_path / "two.db")
    proc = run_cli(*scan_cmd(registry, db))
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-3000:]
    needle = "network is down" if canary else "could not reach any site"
    assert "failed" in _one_line(proc.stderr, needle)
    engine, session = _session(db)
    try:
        run = session.scalars(select(ScanRun)).one()
        assert run.status == "failed" and needle in run.error, run.error
        assert session.scalars(select(Finding)).all() == []
    finally:
        session.close()
        engine.dispose()


def _assert_only_dead_is_unreachable(db: str) -> None:
    engine, session = _session(db)
    try:
        assert session.scalars(select(ScanRun)).one().status == "completed"
        unreachable = session.scalars(select(Finding).where(Finding.check_id == "site_unreachable")).all()
        assert [f.subject_id for f in unreachable] == ["dead"]
    finally:
        session.close()
        engine.dispose()


def test_a_dead_site_is_a_verdict_when_a_canary_answers(tmp_path: Any) -> None:
    """The one site of a scan is down, and the canary proves our network is not: its veto stands."""
    with FaultServer("127.0.6.247", default=page("<html>ok</html>")) as canary:
        registry = write_registry(tmp_path / "sites.yaml", [site_entry("dead", DEAD[0])], download_timeout=3,
                                  retry_times=0, canary_urls=[canary.url("/")])
        db = str(tmp_path / "proven.db")
        proc = run_cli(*scan_cmd(registry, db))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    _assert_only_dead_is_unreachable(db)


def test_a_single_dead_site_is_still_a_verdict(tmp_path: Any) -> None:
    """The look-alike: one site refusing while the others answer is the site's failure."""
    with FaultServer("127.0.6.20", default=page("<html><head><title>首页</title></head><body>正文</body></html>")) as live:
        registry = write_registry(tmp_path / "sites.yaml",
                                  [site_entry("live1", live.url("/")), site_entry("live2", live.url("/two/")),
                                   site_entry("dead", DEAD[0])], download_timeout=3, retry_times=0)
        db = str(tmp_path / "one.db")
        proc = run_cli(*scan_cmd(registry, db))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    _assert_only_dead_is_unreachable(db)


def test_failing_canaries_fail_the_scan_and_keep_earlier_findings(tmp_path: Any) -> None:
    site = FaultServer("127.0.6.21")
    site.route("/", page('<html><head><title>首页</title></head><body><a href="/gone.html">失效</a></body></html>'))
    site.route("/gone.html", status(404))
    # up for the first request only: a network that goes down in the middle of the crawl
    flaky_canary = FaultServer("127.0.6.22", default=sequence(page("<html>ok</html>"), reset_mid_body()))
    good_canary = FaultServer("127.0.6.23", default=page("<html>ok</html>"))
    with site, flaky_canary, good_canary:
        db = str(tmp_path / "canary.db")
        entry = [site_entry("s", site.url("/"))]
        ok = run_cli(*scan_cmd(write_registry(tmp_path / "ok.yaml", entry, canary_urls=[good_canary.url("/")]), db))
        assert ok.returncode == 0, ok.stdout[-2000:] + ok.stderr[-3000:]

        # the canary is dead from the start: the crawl stops at once, whatever the site says
        start = run_cli(*scan_cmd(write_registry(tmp_path / "start.yaml", entry, canary_urls=[DEAD_CANARY],
                                                 retry_times=0), db))
        assert start.returncode == 1, start.stdout[-2000:] + start.stderr[-3000:]
        assert "canary" in _one_line(start.stderr, "network is down")

        # the canary answers at the start and fails at the end: the crawl's results are not trusted
        end = run_cli(*scan_cmd(write_registry(tmp_path / "end.yaml", entry, canary_urls=[flaky_canary.url("/")],
                                               retry_times=1), db))
        assert end.returncode == 1, end.stdout[-2000:] + end.stderr[-3000:]
        assert "canary" in _one_line(end.stderr, "network is down")
        assert len(flaky_canary.hits) >= 2  # asked at the start and again at the end
    engine, session = _session(db)
    try:
        runs = session.scalars(select(ScanRun).order_by(ScanRun.id)).all()
        assert [r.status for r in runs] == ["completed", "failed", "failed"]
        findings = session.scalars(select(Finding)).all()
        broken = [f for f in findings if f.check_id == "link_broken"]
        assert [f.target for f in broken] == [site.url("/gone.html")]
        # the failed scans neither re-saw nor "fixed" anything
        assert all(f.last_seen_run == runs[0].id and f.status == "open" for f in findings)
    finally:
        session.close()
        engine.dispose()
