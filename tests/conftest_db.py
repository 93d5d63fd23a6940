"""Database fixtures and helpers shared by the tests (imported into conftest.py).

- `db_url`: an upgraded, empty database, once on SQLite (a file) and once on PostgreSQL.
- `pg_url`: the same on PostgreSQL only.
- `fresh_pg_schema(label) -> (url, cleanup)`: an empty PostgreSQL schema of its own (the URL sets
  search_path and application_name, so subprocesses given the URL stay inside it); cleanup drops it.
- helpers for crash tests: `sqlite_integrity`, `read_lines_until`, `kill_hard`, `make_registry`,
  `run_status`.

PostgreSQL is always present here (127.0.0.1:5432, see notes/CONTEXT.md): if it is unreachable the
tests needing it FAIL with a message saying so, they never skip. $GOVINSPECT_TEST_PG overrides the
server URL.
"""

from __future__ import annotations

import os
import re
import select as _select
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

PG_SERVER_URL = os.environ.get("GOVINSPECT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

__all__ = [
    "PG_SERVER_URL",
    "assert_recovers_after_kill",
    "db_url",
    "fresh_pg_schema",
    "kill_hard",
    "make_registry",
    "pg_url",
    "read_lines_until",
    "run_status",
    "sqlite_integrity",
    "db_session",
    "sqlite_session",
    "sqlite_url",
]


def _pg_connect_admin() -> Any:
    import psycopg

    url = make_url(PG_SERVER_URL)
    try:
        return psycopg.connect(
            host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres",
            password=url.password, dbname=url.database or "postgres", autocommit=True, connect_timeout=5,
        )
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL at {url.render_as_string(hide_password=True)} is unreachable ({str(exc).strip()}); "
            "the postgres tests need it and it is always provided in this environment — start it, "
            "or point $GOVINSPECT_TEST_PG at one",
            pytrace=False,
        )


def fresh_pg_schema(label: str = "t") -> tuple[str, Callable[[], None]]:
    """Create an empty schema; returns (its URL, a cleanup function dropping it)."""
    slug = re.sub(r"[^a-z0-9]+", "_", label.lower())[:20]
    schema = f"gi_{slug}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with _pg_connect_admin() as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = (
        make_url(PG_SERVER_URL)
        .update_query_dict({"options": f"-csearch_path={schema}", "application_name": schema})
        .render_as_string(hide_password=False)
    )

    def cleanup() -> None:
        with _pg_connect_admin() as conn:
            # connections a test leaked (or a killed child left) would block DROP SCHEMA
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s AND pid <> pg_backend_pid()",
                (schema,),
            )
            conn.execute("SET lock_timeout = '10s'")
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    return url, cleanup


def _upgraded(url: str) -> str:
    from db.migrate import upgrade

    upgrade(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Any) -> str:
    return _upgraded(f"sqlite:///{tmp_path / 'govinspect-test.db'}")


def _session_on(url: str) -> Iterator[Any]:
    from db.session import make_engine, session_factory

    engine = make_engine(url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


@pytest.fixture
def db_session(db_url: str) -> Iterator[Any]:
    """A session on an upgraded database, SQLite and PostgreSQL (db_url's parameters)."""
    yield from _session_on(db_url)


@pytest.fixture
def sqlite_session(sqlite_url: str) -> Iterator[Any]:
    """A session on an upgraded SQLite database, for tests that write rows straight in."""
    yield from _session_on(sqlite_url)


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    url, cleanup = fresh_pg_schema(request.node.name)
    try:
        yield _upgraded(url)
    finally:
        cleanup()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """An upgraded empty database URL, SQLite file or PostgreSQL schema."""
    if request.param == "sqlite":
        yield _upgraded(f"sqlite:///{tmp_path / 'govinspect-test.db'}")
        return
    url, cleanup = fresh_pg_schema(request.node.name)
    try:
        yield _upgraded(url)
    finally:
        cleanup()


# --- helpers for crash and concurrency tests --------------------------------------------------


def make_registry(sites: dict[str, list[str]] | None = None, accounts: dict[str, list[str]] | None = None,
                  **crawl: Any) -> Any:
    """A Registry with units {unit_id: [site ids]} on loopback URLs (and optional accounts)."""
    from core.registry import Registry

    sites = sites if sites is not None else {"county-a": ["site-a1", "site-a2"], "dept-b": ["site-b1"]}
    accounts = accounts or {}
    units = []
    for n, unit_id in enumerate(dict.fromkeys([*sites, *accounts])):
        units.append({
            "id": unit_id, "name": f"单位{unit_id}", "kind": "county" if n % 2 == 0 else "department",
            "sites": [{"id": s, "name": f"网站{s}", "url": f"http://127.0.2.{i + 1}/"}
                      for i, s in enumerate(sites.get(unit_id, []))],
            "accounts": [{"id": a, "platform": "rss", "name": f"账号{a}", "url": f"http://127.0.3.{i + 1}/feed"}
                         for i, a in enumerate(accounts.get(unit_id, []))],
        })
    return Registry.model_validate({"crawl": crawl, "units": units})


def sqlite_integrity(url: str) -> str:
    """PRAGMA integrity_check of a SQLite database ('ok' when sound); 'ok' for other databases,
    whose server guarantees it."""
    from db.session import make_engine

    engine = make_engine(url)
    try:
        if engine.dialect.name != "sqlite":
            return "ok"
        with engine.connect() as conn:
            return "\n".join(r[0] for r in conn.execute(text("PRAGMA integrity_check")))
    finally:
        engine.dispose()


def run_status(url: str, run_id: int) -> tuple[str, dict[str, str]]:
    """(run status, {site_id: site scan status})."""
    from db.session import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            status = conn.execute(text("SELECT status FROM scan_runs WHERE id = :r"), {"r": run_id}).scalar_one()
            sites = dict(conn.execute(text("SELECT site_id, status FROM site_scans WHERE run_id = :r"),
                                      {"r": run_id}).all())
        return status, sites
    finally:
        engine.dispose()


def read_lines_until(proc: subprocess.Popen[str], predicate: Callable[[str], bool], timeout: float = 30.0,
                     seen: list[str] | None = None) -> str:
    """Read the child's stdout line by line until a line satisfies `predicate`; returns that line.
    Fails (with what the child said) on timeout or if the child exits first."""
    assert proc.stdout is not None
    seen = seen if seen is not None else []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = _select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        line = proc.stdout.readline()
        if not line:
            err = proc.stderr.read() if proc.stderr else ""
            pytest.fail(f"child exited ({proc.wait()}) before the expected output; stdout: {seen[-5:]}; "
                        f"stderr: {err[-3000:]}")
        line = line.rstrip("\n")
        seen.append(line)
        if predicate(line):
            return line
    proc.kill()
    pytest.fail(f"timed out after {timeout} s waiting for the child; last output: {seen[-5:]}")


def kill_hard(proc: subprocess.Popen[str]) -> None:
    """SIGKILL (no cleanup of any kind in the child) and reap it, so its pid is really gone."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL


def assert_recovers_after_kill(url: str, run_id: int, site_ids: list[str],
                               work: Callable[[int], None] | None = None) -> int:
    """After the process owning `run_id` was killed (and waited for): the database is sound, the run is
    still 'running', reap_stale_runs marks it and its sites 'incomplete', and a new run of the same
    sites then starts, does `work(new_run_id)` if given, and completes. Returns the new run's id."""
    import datetime as dt

    from db import runs
    from db.session import make_engine, session_factory

    assert sqlite_integrity(url) == "ok"
    status, sites = run_status(url, run_id)
    assert status == "running", f"killed run {run_id} is {status!r}, expected still 'running'"
    engine = make_engine(url)
    try:
        with session_factory(engine)() as s:
            assert run_id in runs.reap_stale_runs(s)
        status, sites = run_status(url, run_id)
        assert status == "incomplete"
        assert all(v != "running" for v in sites.values()), sites
        with session_factory(engine)() as s:
            new = runs.start_run(s, dt.date.today(), "full", "", site_ids).id
            if work is not None:
                work(new)
            for sid in site_ids:
                runs.finish_site_scan(s, new, sid, "completed")
            runs.finish_run(s, new, "completed")
    finally:
        engine.dispose()
    assert run_status(url, new) == ("completed", dict.fromkeys(site_ids, "completed"))
    return new
