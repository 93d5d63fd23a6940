"""Run lifecycle (db.runs): start/claim, heartbeat, finish, reaping dead runs, concurrent scans of one
site refused across processes, registry sync."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest_db import make_registry, read_lines_until, run_status
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from db import runs
from db.models import Account, ScanRun, Site, SiteScan, Unit, utcnow
from db.runs import SiteBusyError
from db.session import make_engine, session_factory

AS_OF = dt.date(2026, 11, 30)
HOST = socket.gethostname()


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        runs.sync_registry(s, make_registry(accounts={"dept-b": ["acct-b1"]}))
        yield s
    engine.dispose()


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _foreign_run(session: Session, owner: str, site_ids: list[str], heartbeat_age: dt.timedelta) -> int:
    """A run as another process would have left it (written directly: start_run would reap)."""
    units = {"site-a1": "county-a", "site-a2": "county-a", "site-b1": "dept-b", "acct-b1": "dept-b"}
    run = ScanRun(as_of=AS_OF, kind="full", status="running", owner=owner, heartbeat_at=utcnow() - heartbeat_age)
    session.add(run)
    session.flush()
    session.add_all(SiteScan(run_id=run.id, site_id=s, unit_id=units[s], status="running") for s in site_ids)
    session.commit()
    return run.id


def test_start_run_claims_sites(session: Session) -> None:
    run = runs.start_run(session, AS_OF, "full", "config/sites.yaml", ["site-a1", "site-b1", "acct-b1"])
    assert run.status == "running"
    assert run.owner == f"{HOST}:{os.getpid()}"
    assert run.as_of == AS_OF and run.config_path == "config/sites.yaml"
    scans = {s.site_id: s for s in session.scalars(select(SiteScan).where(SiteScan.run_id == run.id))}
    assert {k: (v.status, v.unit_id, v.subject) for k, v in scans.items()} == {
        "site-a1": ("running", "county-a", "site"),
        "site-b1": ("running", "dept-b", "site"),
        "acct-b1": ("running", "dept-b", "account"),
    }


def test_unknown_site_writes_nothing(session: Session) -> None:
    with pytest.raises(KeyError, match="nope"):
        runs.start_run(session, AS_OF, "full", "", ["site-a1", "nope"])
    assert session.scalars(select(ScanRun)).all() == []
    assert session.scalars(select(SiteScan)).all() == []


def test_same_site_refused_while_running(session: Session) -> None:
    first = runs.start_run(session, AS_OF, "full", "", ["site-a1", "site-a2"])
    with pytest.raises(SiteBusyError) as err:
        runs.start_run(session, AS_OF, "single", "", ["site-b1", "site-a2"])
    assert (err.value.site_id, err.value.run_id) == ("site-a2", first.id)
    assert "site-a2" in str(err.value) and str(first.id) in str(err.value)
    # refused as a whole: no second run, site-b1 not claimed
    assert [r.id for r in session.scalars(select(ScanRun))] == [first.id]
    other = runs.start_run(session, AS_OF, "single", "", ["site-b1"])  # a different site is fine
    assert other.id != first.id


def test_finished_site_is_free_again(session: Session) -> None:
    first = runs.start_run(session, AS_OF, "full", "", ["site-a1", "site-a2"])
    runs.finish_site_scan(session, first.id, "site-a1", "completed", stats={"pages": 3})
    second = runs.start_run(session, AS_OF, "single", "", ["site-a1"])
    assert run_status_of(session, first.id) == ("running", {"site-a1": "completed", "site-a2": "running"})
    assert run_status_of(session, second.id) == ("running", {"site-a1": "running"})


def run_status_of(session: Session, run_id: int) -> tuple[str, dict[str, str]]:
    session.expire_all()
    run = session.get(ScanRun, run_id)
    assert run is not None
    scans = session.scalars(select(SiteScan).where(SiteScan.run_id == run_id))
    return run.status, {s.site_id: s.status for s in scans}


def test_acquire_site_lock_for_an_existing_run(session: Session) -> None:
    first = runs.start_run(session, AS_OF, "full", "", ["site-a1"])
    second = runs.start_run(session, AS_OF, "full", "", ["site-b1"])
    with pytest.raises(SiteBusyError):
        runs.acquire_site_lock(session, second.id, ["site-a2", "site-a1"])
    assert run_status_of(session, second.id)[1] == {"site-b1": "running"}
    runs.acquire_site_lock(session, second.id, ["site-a2", "site-b1"])  # its own claim again is fine
    assert run_status_of(session, second.id)[1] == {"site-b1": "running", "site-a2": "running"}
    runs.finish_run(session, first.id, "failed", error="network down")
    with pytest.raises(ValueError, match="failed"):
        runs.acquire_site_lock(session, first.id, ["site-a1"])


def test_reap_dead_and_silent_runs(session: Session) -> None:
    dead = _foreign_run(session, f"{HOST}:{dead_pid()}", ["site-a1"], dt.timedelta(seconds=1))
    silent = _foreign_run(session, "other-host:123", ["site-a2"], dt.timedelta(minutes=6))
    # alive: the parent process of this one (on this host), and another host still beating
    alive = _foreign_run(session, f"{HOST}:{os.getppid()}", ["site-b1"], dt.timedelta(minutes=1))
    remote = _foreign_run(session, "other-host:456", ["acct-b1"], dt.timedelta(minutes=4))
    assert runs.reap_stale_runs(session) == [dead, silent]
    assert run_status_of(session, dead) == ("incomplete", {"site-a1": "incomplete"})
    assert run_status_of(session, silent) == ("incomplete", {"site-a2": "incomplete"})
    assert run_status_of(session, alive)[0] == "running"
    assert run_status_of(session, remote)[0] == "running"
    reaped = session.get(ScanRun, dead)
    assert reaped is not None and reaped.finished_at is not None and "gone" in (reaped.error or "")
    # a live run whose heartbeat stops is reaped once stale_after has passed
    later = utcnow() + dt.timedelta(minutes=10)
    assert runs.reap_stale_runs(session, now=later) == [alive, remote]
    # this process's own run is never taken for dead
    mine = runs.start_run(session, AS_OF, "full", "", ["site-a1"])
    assert runs.reap_stale_runs(session, now=later + dt.timedelta(days=1)) == []
    assert run_status_of(session, mine.id)[0] == "running"


def test_pid_alive_counts_a_zombie_as_dead() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    # exited but not waited for: a zombie, which os.kill(pid, 0) still "finds"
    while time.monotonic() < deadline and runs.pid_alive(proc.pid):
        time.sleep(0.02)
    assert not runs.pid_alive(proc.pid)
    proc.wait()
    assert runs.pid_alive(os.getpid())


def test_a_dead_run_does_not_block_its_sites(session: Session) -> None:
    dead = _foreign_run(session, f"{HOST}:{dead_pid()}", ["site-a1"], dt.timedelta(0))
    run = runs.start_run(session, AS_OF, "full", "", ["site-a1"])
    assert run_status_of(session, dead)[0] == "incomplete"
    assert run_status_of(session, run.id) == ("running", {"site-a1": "running"})


def test_heartbeat_and_finish(session: Session) -> None:
    run = runs.start_run(session, AS_OF, "full", "", ["site-a1", "site-a2"])
    run.heartbeat_at = utcnow() - dt.timedelta(hours=1)
    session.commit()
    runs.heartbeat(session, run.id)
    session.expire_all()
    assert utcnow() - session.get(ScanRun, run.id).heartbeat_at < dt.timedelta(seconds=5)  # type: ignore[union-attr]
    runs.finish_site_scan(session, run.id, "site-a1", "completed", stats={"pages": 10})
    runs.finish_site_scan(session, run.id, "site-a1", "completed", stats={"links": 5})
    done = runs.finish_run(session, run.id, "completed", stats={"items": 42})
    assert done.finished_at is not None and done.stats == {"items": 42}
    # a site nobody reported finished cannot count as completed
    assert run_status_of(session, run.id) == ("completed", {"site-a1": "completed", "site-a2": "incomplete"})
    a1 = session.scalars(select(SiteScan).where(SiteScan.site_id == "site-a1")).one()
    assert a1.stats == {"pages": 10, "links": 5} and a1.finished_at is not None
    with pytest.raises(ValueError):
        runs.finish_run(session, run.id, "running")
    with pytest.raises(KeyError):
        runs.finish_run(session, 9999, "failed")


def test_failed_run_fails_its_open_sites(session: Session) -> None:
    run = runs.start_run(session, AS_OF, "full", "", ["site-a1"])
    runs.finish_run(session, run.id, "failed", error="network down")
    assert run_status_of(session, run.id) == ("failed", {"site-a1": "failed"})


def test_sync_registry_upserts_and_deactivates(session: Session) -> None:
    assert {u.id for u in session.scalars(select(Unit))} == {"county-a", "dept-b"}
    assert {s.id: s.active for s in session.scalars(select(Site))} == {"site-a1": True, "site-a2": True, "site-b1": True}
    run = runs.start_run(session, AS_OF, "full", "", ["site-a2"])
    reg = make_registry({"county-a": ["site-a1"], "dept-b": ["site-b1", "site-b2"]})
    reg.units[0].name = "新名称"
    reg.units[0].sites[0].hosts = ["www.example.gov.cn"]
    counts = runs.sync_registry(session, reg)
    assert counts == {"units": 2, "sites": 3, "accounts": 0, "deactivated": 2}
    session.expire_all()
    sites = {s.id: s for s in session.scalars(select(Site))}
    # site-a2 left the registry but its run still refers to it: kept, inactive
    assert {k: v.active for k, v in sites.items()} == {"site-a1": True, "site-a2": False, "site-b1": True, "site-b2": True}
    assert sites["site-a1"].hosts == ["www.example.gov.cn"]
    assert session.get(Unit, "county-a").name == "新名称"  # type: ignore[union-attr]
    assert session.get(Account, "acct-b1").active is False  # type: ignore[union-attr]
    assert run_status_of(session, run.id)[1] == {"site-a2": "running"}
    runs.sync_registry(session, make_registry(accounts={"dept-b": ["acct-b1"]}))
    session.expire_all()
    assert all(s.active for s in session.scalars(select(Site)) if s.id != "site-b2")
    assert session.get(Account, "acct-b1").active is True  # type: ignore[union-attr]


# --- across processes ---------------------------------------------------------------------------

RACER = """
import datetime as dt, json, sys
from db import runs
from db.session import make_engine, session_factory
engine = make_engine(sys.argv[1])
with session_factory(engine)() as s:
    s.connection()  # connect before the start signal so all racers go at once
    s.rollback()
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        if sys.argv[2] == "start":
            run_id = runs.start_run(s, dt.date(2026, 11, 30), "single", "", ["site-a1"]).id
        else:  # claim the site for a run created beforehand
            run_id = int(sys.argv[2])
            runs.acquire_site_lock(s, run_id, ["site-a1"])
        print(json.dumps({"won": run_id}), flush=True)
    except runs.SiteBusyError as exc:
        print(json.dumps({"busy": exc.run_id}), flush=True)
    sys.stdin.readline()  # stay alive (a live owner) until every racer has tried
"""


@pytest.mark.parametrize("how", ["start_run", "acquire_site_lock"])
def test_concurrent_processes_one_wins(db_url: str, tmp_path: Path, how: str) -> None:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        runs.sync_registry(s, make_registry())
        if how == "start_run":
            modes = ["start"] * 4
        else:
            modes = [str(runs.start_run(s, AS_OF, "full", "", [f"site-{x}"]).id) for x in ("a2", "b1")] * 2
    engine.dispose()
    script = tmp_path / "racer.py"
    script.write_text(RACER)
    procs = [subprocess.Popen([sys.executable, str(script), db_url, mode], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for mode in modes]
    try:
        for p in procs:
            read_lines_until(p, lambda line: line == "ready")
        for p in procs:
            p.stdin.write("go\n")  # type: ignore[union-attr]
            p.stdin.flush()  # type: ignore[union-attr]
        results = [json.loads(read_lines_until(p, lambda line: line.startswith("{"))) for p in procs]
    finally:
        for p in procs:
            p.communicate("exit\n", timeout=30)
    assert all(p.returncode == 0 for p in procs)
    winners = [r["won"] for r in results if "won" in r]
    if how == "acquire_site_lock" and len(winners) == 2 and winners[0] == winners[1]:
        winners = winners[:1]  # the same run claiming twice: the second is a no-op, not a conflict
    assert len(winners) == 1, results
    assert all(r.get("busy") == winners[0] for r in results if "busy" in r), results
    assert run_status(db_url, winners[0])[1]["site-a1"] == "running"
    if how == "start_run":
        # the winner exited without finishing: its run is dead now and gets reaped
        engine = make_engine(db_url)
        with session_factory(engine)() as s:
            assert runs.reap_stale_runs(s) == [winners[0]]
        engine.dispose()


def test_sqlite_claim_waits_for_a_concurrent_writer(sqlite_url: str) -> None:
    """Another connection is mid-way through claiming site-a1: our claim must wait for it and then
    see it (SiteBusyError), not read a stale snapshot and fail to write ("database is locked")."""
    engine = make_engine(sqlite_url)
    with session_factory(engine)() as s:
        runs.sync_registry(s, make_registry())
        first = runs.start_run(s, AS_OF, "full", "", ["site-b1"]).id
        second = runs.start_run(s, AS_OF, "full", "", ["site-a2"]).id
    outcome: list[BaseException | None] = []

    def claim() -> None:
        with session_factory(engine)() as s:
            try:
                runs.acquire_site_lock(s, second, ["site-a1"])
                outcome.append(None)
            except BaseException as exc:
                outcome.append(exc)

    other = engine.connect()
    other.execute(text("INSERT INTO site_scans (run_id, site_id, unit_id, subject, status, started_at, home_url, stats)"
                       " VALUES (:r, 'site-a1', 'county-a', 'site', 'running', :t, '', '{}')"),
                  {"r": first, "t": utcnow()})
    thread = threading.Thread(target=claim)
    thread.start()
    time.sleep(0.3)
    other.commit()
    other.close()
    thread.join(30)
    engine.dispose()
    assert len(outcome) == 1 and isinstance(outcome[0], SiteBusyError), outcome
    assert outcome[0].run_id == first
