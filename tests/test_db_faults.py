"""Database faults (issue #7): the database going away in the middle of a scan fails the run clearly
and loses nothing already committed; a second scan of a site being scanned is refused.

The database "goes away" for real: the scan talks to PostgreSQL through a TCP proxy on 127.0.6.x
(tests/faultserver.py TcpProxy) that is cut mid-crawl — open connections reset, new ones refused —
as a database host going down would look to the crawler. The test itself reads PostgreSQL directly.
"""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

import pytest
from conftest_db import PG_SERVER_URL, fresh_pg_schema, run_status
from faultserver import FaultServer, TcpProxy, page, scan_cmd, site_entry, write_registry
from samples_env import ROOT, run_cli
from sqlalchemy import text
from sqlalchemy.engine import make_url

from db import runs
from db.migrate import upgrade
from db.session import make_engine, session_factory

pytestmark = pytest.mark.slow


def _slow_site(host: str, delay: float, n_pages: int) -> FaultServer:
    srv = FaultServer(host, delay=delay, default=page("<html><head><title>页面</title></head><body>正文</body></html>"))
    links = "".join(f'<a href="/p/{i}.html">第{i}页</a>' for i in range(n_pages))
    srv.route("/", page(f"<html><head><title>首页</title></head><body>{links}</body></html>"))
    return srv


def _count(url: str, sql: str, **params: Any) -> Any:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def _wait_for(predicate: Any, timeout: float, what: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc.poll() is not None:
            pytest.fail(f"the scan exited ({proc.returncode}) before {what}: {proc.stderr.read()[-3000:] if proc.stderr else ''}")
        time.sleep(0.1)
    proc.kill()
    pytest.fail(f"timed out waiting for {what}")


def _popen_scan(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.postgres
def test_database_going_away_mid_run_fails_clearly_and_keeps_committed_rows(tmp_path: Any) -> None:
    direct, cleanup = fresh_pg_schema("dbgone")
    server = make_url(PG_SERVER_URL)
    proxy = TcpProxy("127.0.6.30", (server.host or "127.0.0.1", server.port or 5432))
    host, port = proxy.address
    via_proxy = make_url(direct).set(host=host, port=port).render_as_string(hide_password=False)
    try:
        upgrade(direct)
        with _slow_site("127.0.6.31", delay=0.05, n_pages=300) as site:
            registry = write_registry(tmp_path / "sites.yaml", [site_entry("slow", site.url("/"))], retry_times=0)
            proc = _popen_scan(*scan_cmd(registry, via_proxy))
            try:
                # some batches are committed (the pipeline flushes every 2 s)...
                _wait_for(lambda: (_count(direct, "SELECT count(*) FROM pages") or 0) >= 10, 60,
                          "the first committed pages", proc)
                committed = _count(direct, "SELECT count(*) FROM pages")
                # ...then the database host goes away
                proxy.cut()
                out, err = proc.communicate(timeout=60)
            finally:
                if proc.poll() is None:
                    proc.kill()
        assert proc.returncode not in (0, None), out[-2000:] + err[-3000:]
        assert "Traceback" not in err, err[-4000:]
        line = next((ln for ln in err.splitlines() if "scan error:" in ln), "")
        assert "database failed" in line and "committed before stays" in line, err[-3000:]
        # nothing committed was lost, and the run is left for the reaper (its process is gone)
        assert _count(direct, "SELECT count(*) FROM pages") >= committed
        run_id = _count(direct, "SELECT max(id) FROM scan_runs")
        assert run_status(direct, run_id)[0] == "running"
        engine = make_engine(direct)
        try:
            with session_factory(engine)() as s:
                assert run_id in runs.reap_stale_runs(s)
        finally:
            engine.dispose()
        assert run_status(direct, run_id) == ("incomplete", {"slow": "incomplete"})
        assert _count(direct, "SELECT count(*) FROM findings") == 0
    finally:
        proxy.cut()
        cleanup()


def test_second_scan_of_a_busy_site_is_refused(tmp_path: Any) -> None:
    db = str(tmp_path / "busy.db")
    with _slow_site("127.0.6.32", delay=0.2, n_pages=30) as site:
        registry = write_registry(tmp_path / "sites.yaml", [site_entry("slow", site.url("/"))])
        first = _popen_scan(*scan_cmd(registry, db))
        try:
            _wait_for(lambda: len(site.hits) > 3, 60, "the first scan to be crawling", first)
            second = run_cli(*scan_cmd(registry, db))
            assert second.returncode == 3, second.stdout[-2000:] + second.stderr[-3000:]
            line = next((ln for ln in second.stderr.splitlines() if "busy" in ln), "")
            assert "'slow' is being scanned by run 1" in line and "not started" in line, second.stderr[-2000:]
            out, err = first.communicate(timeout=120)
        finally:
            if first.poll() is None:
                first.kill()
    assert first.returncode == 0, out[-2000:] + err[-3000:]
    assert run_status(f"sqlite:///{db}", 1) == ("completed", {"slow": "completed"})
