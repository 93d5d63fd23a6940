"""Database faults (issue #7): the database going away in the middle of a scan fails the run clearly
and loses nothing already committed; a second scan of a site being scanned is refused.

The database "goes away" for real: the scan talks to PostgreSQL through a TCP proxy on 127.0.6.x
(tests/faultserver.py TcpProxy) that is cut mid-crawl — open connections reset, new ones refused —
as a database host going down would look to the crawler. The test itself reads PostgreSQL directly.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from typing import Any

import pytest
from conftest_db import PG_SERVER_URL, fresh_pg_schema, run_status
from faultserver import FaultHandler, FaultServer, TcpProxy, page, scan_cmd, site_entry, write_registry
from samples_env import ROOT, run_cli
from sqlalchemy import text
from sqlalchemy.engine import make_url

from db import runs
from db.migrate import upgrade
from db.session import make_engine, session_factory

pytestmark = pytest.mark.slow


def _slow_site(host: str, delay: float, n_pages: int, held: threading.Event) -> FaultServer:
    """A site of `n_pages` pages answered after `delay`, and /held.html that answers once `held` is set
    (so the crawl is still running when the test acts)."""
    body = page("<html><head><title>页面</title></head><body>正文</body></html>")
    srv = FaultServer(host, delay=delay, default=body)
    srv.route("/held.html", lambda h: (held.wait(60), body(h)))
    links = '<a href="/held.html">慢</a>' + "".join(f'<a href="/p/{i}.html">第{i}页</a>' for i in range(n_pages))
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
    return subprocess.Popen([sys.executable, "-m", "cli", *args], cwd=ROOT, text=True,
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
        held = threading.Event()
        with _slow_site("127.0.6.31", delay=0.02, n_pages=100, held=held) as site:
            registry = write_registry(tmp_path / "sites.yaml", [site_entry("slow", site.url("/"))], retry_times=0,
                                      download_timeout=60)
            proc = _popen_scan(*scan_cmd(registry, via_proxy))
            try:
                # some batches are committed (the pipeline flushes every 2 s)...
                _wait_for(lambda: (_count(direct, "SELECT count(*) FROM pages") or 0) >= 10, 60,
                          "the first committed pages", proc)
                committed = _count(direct, "SELECT count(*) FROM pages")
                # ...then the database host goes away, while the crawl is still going
                proxy.cut()
                held.set()
                out, err = proc.communicate(timeout=60)
            finally:
                held.set()
                if proc.poll() is None:
                    proc.kill()
        assert proc.returncode not in (0, None), out[-2000:] + err[-3000:]
        # the crawl log has the pipeline's traceback; the command ends with one line saying what happened
        line = err.strip().splitlines()[-1]
        assert line.startswith("scan error:") and "database failed" in line and "committed before stays" in line, \
            err[-3000:]
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
    release = threading.Event()

    def held(h: FaultHandler) -> None:  # the first scan stays busy until the second one has been refused
        release.wait(60)
        page("<html><head><title>页面</title></head><body>正文</body></html>")(h)

    with FaultServer("127.0.6.32", routes={"/held.html": held}) as site:
        site.route("/", page('<html><head><title>首页</title></head><body><a href="/held.html">慢</a></body></html>'))
        registry = write_registry(tmp_path / "sites.yaml", [site_entry("slow", site.url("/"))], download_timeout=60)
        first = _popen_scan(*scan_cmd(registry, db))
        try:
            _wait_for(lambda: bool(site.hits_for("/held.html")), 60, "the first scan to be crawling", first)
            second = run_cli(*scan_cmd(registry, db))
            release.set()
            assert second.returncode == 3, second.stdout[-2000:] + second.stderr[-3000:]
            line = next((ln for ln in second.stderr.splitlines() if "busy" in ln), "")
            assert "'slow' is being scanned by run 1" in line and "not started" in line, second.stderr[-2000:]
            out, err = first.communicate(timeout=120)
        finally:
            release.set()
            if first.poll() is None:
                first.kill()
    assert first.returncode == 0, out[-2000:] + err[-3000:]
    assert run_status(f"sqlite:///{db}", 1) == ("completed", {"slow": "completed"})


@pytest.mark.postgres
@pytest.mark.parametrize("drops", [1, 2])
def test_a_connection_dropped_mid_batch_is_replaced_once(pg_url: str, drops: int) -> None:
    """pg_terminate_backend on the pipeline's own connection in the middle of a batch: the batch is
    written again on a new connection; a database that drops it again fails the crawl."""
    import datetime as dt

    import psycopg
    from conftest_db import make_registry
    from sqlalchemy import event

    from core.items import PageItem
    from pipelines.database import DatabasePipeline

    engine = make_engine(pg_url)
    try:
        with session_factory(engine)() as s:
            runs.sync_registry(s, make_registry())
            run_id = runs.start_run(s, dt.date(2026, 11, 20), "full", "", ["site-a1"]).id
    finally:
        engine.dispose()
    p = DatabasePipeline(pg_url, run_id, batch_size=1_000_000)
    p.open()
    assert p.engine is not None
    dropped: list[int] = []
    admin = make_url(PG_SERVER_URL)

    @event.listens_for(p.engine, "before_cursor_execute")
    def _drop(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        if statement.startswith("INSERT INTO pages") and len(dropped) < drops:
            pid = conn.connection.dbapi_connection.info.backend_pid
            with psycopg.connect(host=admin.host, port=admin.port, user=admin.username, dbname=admin.database,
                                 autocommit=True) as c:
                assert c.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
                # the backend is gone before the INSERT is sent
                while c.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()[0]:
                    time.sleep(0.01)
            dropped.append(pid)

    for n in range(20):
        p.process_item(PageItem(site_id="site-a1", url=f"http://127.0.2.1/p{n}.html", final_url="", kind="detail",
                                depth=1, status=200))
    ok = p.flush()
    p.close()
    assert len(dropped) == drops
    pages = _count(pg_url, "SELECT count(*) FROM pages")
    if drops == 1:
        assert ok and p.failed is None and pages == 20
    else:
        assert not ok and p.failed and pages == 0


def _scan_and_break(tmp_path: Any, host: str, db: str, pages: Any, break_db: Any) -> tuple[int, str, str]:
    """Scan a slow site on `host` into `db` (crawl log in a file), call `break_db()` once `pages()`
    says some pages are committed while the crawl still runs, then let it finish."""
    held = threading.Event()
    with _slow_site(host, delay=0.02, n_pages=100, held=held) as site:
        registry = write_registry(tmp_path / "sites.yaml", [site_entry("slow", site.url("/"))], retry_times=0,
                                  download_timeout=60)
        proc = _popen_scan(*scan_cmd(registry, db, "--log-file", str(tmp_path / "scan.log")))
        try:
            _wait_for(lambda: (pages() or 0) >= 5, 60, "the first committed pages", proc)
            break_db()
            held.set()
            out, err = proc.communicate(timeout=120)
        finally:
            held.set()
            if proc.poll() is None:
                proc.kill()
    return proc.returncode, out, err


def _one_error_line(err: str) -> str:
    """With the crawl log in a file, the command's stderr is the one line saying what happened."""
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err[-3000:]
    return lines[0]


def test_sqlite_file_deleted_mid_scan_fails_it_with_one_line(tmp_path: Any) -> None:
    import sqlite3
    from pathlib import Path

    db = tmp_path / "gone.db"

    def pages() -> int:
        try:
            with contextlib.closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as conn:
                return int(conn.execute("SELECT count(*) FROM pages").fetchone()[0])
        except sqlite3.Error:
            return 0

    def delete() -> None:  # what `rm govinspect.db*` does while the scan runs
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)

    code, out, err = _scan_and_break(tmp_path, "127.0.6.33", str(db), pages, delete)
    assert code == 1, out[-2000:] + err[-3000:]
    line = _one_error_line(err)
    assert line.startswith("scan error:") and "is gone" in line and str(db) in line, line
    assert "completed" not in out
    # nothing put an empty database where the deleted one was
    assert not db.exists() and not Path(f"{db}-wal").exists()


@pytest.mark.postgres
def test_postgresql_connections_terminated_mid_scan_fail_it_with_one_line(tmp_path: Any) -> None:
    """pg_terminate_backend on every connection of the scan, and no new one let in (the server
    refusing its role): the same one line and non-zero exit as a deleted SQLite file."""
    direct, cleanup = fresh_pg_schema("dbkill")
    schema = make_url(direct).query["application_name"]
    role = f"{schema}_r"
    admin = make_url(PG_SERVER_URL)

    def admin_sql(sql: str, *params: Any) -> Any:
        import psycopg

        with psycopg.connect(host=admin.host, port=admin.port, user=admin.username, dbname=admin.database,
                             autocommit=True) as c:
            return c.execute(sql, params).fetchall() if sql.lstrip().upper().startswith("SELECT") else \
                c.execute(sql, params)

    admin_sql(f'CREATE ROLE "{role}" LOGIN')
    admin_sql(f'ALTER SCHEMA "{schema}" OWNER TO "{role}"')
    as_role = make_url(direct).set(username=role).render_as_string(hide_password=False)
    try:
        upgrade(as_role)

        def cut_off() -> None:
            admin_sql(f'ALTER ROLE "{role}" CONNECTION LIMIT 0')
            killed = admin_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", role)
            assert killed and all(ok for (ok,) in killed)

        code, out, err = _scan_and_break(tmp_path, "127.0.6.34", as_role,
                                         lambda: _count(direct, "SELECT count(*) FROM pages"), cut_off)
        assert code == 1, out[-2000:] + err[-3000:]
        line = _one_error_line(err)
        assert line.startswith("scan error:") and "database failed" in line, line
        assert _count(direct, "SELECT count(*) FROM findings") == 0
    finally:
        cleanup()
        admin_sql(f'DROP ROLE IF EXISTS "{role}"')
