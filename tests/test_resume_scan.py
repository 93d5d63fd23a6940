"""`govinspect scan --resume RUN`: a scan SIGKILLed mid-crawl (the whole process group: the
runner and its site-task processes) is finished by a resume that crawls only the sites that had
not completed, and ends with what an uninterrupted scan finds, without duplicate rows."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from samples_env import ROOT, SampleEnv, run_cli, scan_args, snapshot
from shared_samples import ReferenceScan
from sqlalchemy import func, select

from db.models import Column, ColumnItem, Link, Page, ScanRun, SiteScan
from db.session import make_engine, session_factory

pytestmark = pytest.mark.slow


def _site_states(db: str) -> dict[str, tuple[str, object]]:
    engine = make_engine(db)
    with session_factory(engine)() as s:
        out = {x.site_id: (x.status, x.finished_at) for x in s.scalars(select(SiteScan))}
    engine.dispose()
    return out


def _kill_mid_crawl(env: SampleEnv, db: str, timeout: float = 300) -> None:
    """Start a scan with two workers and SIGKILL all its processes once some site has completed
    and some site is still being crawled."""
    proc = subprocess.Popen([sys.executable, "-m", "cli", *scan_args(env, db, "--workers", "2")], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            env={**os.environ, **env.env})
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            assert proc.poll() is None, "the scan ended before it could be killed mid-crawl"
            if Path(db).exists():
                try:
                    states = [st for st, _ in _site_states(db).values()]
                except Exception:  # the schema is still being created
                    states = []
                if "completed" in states and "running" in states:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
                    return
            time.sleep(0.2)
        raise AssertionError("no moment with a completed and a running site")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _fetched(db: str, site_ids: set[str]) -> dict[tuple[str, str], object]:
    engine = make_engine(db)
    with session_factory(engine)() as s:
        out = {(p.site_id, p.url): p.fetched_at for p in s.scalars(select(Page).where(Page.site_id.in_(site_ids)))}
    engine.dispose()
    return out


def _row_counts(db: str) -> dict[str, int]:
    engine = make_engine(db)
    with session_factory(engine)() as s:
        out = {m.__tablename__: s.scalar(select(func.count()).select_from(m)) for m in (Page, Link, Column, ColumnItem)}
    engine.dispose()
    return out


@pytest.mark.timeout(600)  # the session's reference scan, then a killed scan and its resume
def test_a_killed_scan_resumes_to_what_an_uninterrupted_scan_finds(samples: SampleEnv, reference_scan: ReferenceScan,
                                                                   tmp_path: Path) -> None:
    env = samples
    db = str(tmp_path / "killed.db")
    _kill_mid_crawl(env, db)
    before = _site_states(db)
    finished = {sid for sid, (st, _) in before.items() if st == "completed"}
    assert finished and len(finished) < len(before)
    fetched_before = _fetched(db, finished)

    engine = make_engine(db)
    with session_factory(engine)() as s:
        run_id = s.scalars(select(ScanRun.id)).one()
    engine.dispose()
    proc = run_cli("scan", "--db", db, "--resume", str(run_id), "--no-progress", "--workers", "2", env=env.env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]

    after = _site_states(db)
    # the sites that had finished were not crawled again: same end, not one page fetched again
    assert {sid: after[sid] for sid in finished} == {sid: before[sid] for sid in finished}
    assert fetched_before and _fetched(db, finished) == fetched_before
    assert all(st == "completed" for sid, (st, _) in after.items() if sid in env.truth["sites"])
    whole, resumed = reference_scan.snapshot, snapshot(db)
    assert resumed["status"] == "completed"
    for key in ("sites", "findings", "results", "pages"):
        assert whole[key] == resumed[key], f"{key}: only uninterrupted {sorted(whole[key] - resumed[key])[:5]}; " \
                                           f"only resumed {sorted(resumed[key] - whole[key])[:5]}"
    assert _row_counts(db) == _row_counts(reference_scan.db)  # no duplicate and no leftover row
