"""Two Celery workers (Redis broker, PostgreSQL database) scan the sample sites: the findings
equal a one-process scan's, and no site saw more connections at once than its concurrency limit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest_db import fresh_pg_schema
from samples_env import ROOT, SampleEnv, run_cli, scan_args, snapshot
from shared_samples import ReferenceScan

pytestmark = pytest.mark.slow

BROKER = "redis://127.0.0.1:6379/13"


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(BROKER, socket_timeout=2).ping())
    except redis.RedisError:
        return False


class Workers:
    """`govinspect worker` processes on a queue of their own."""

    def __init__(self, tmp: Path, count: int, queue: str | None = None, concurrency: int = 1,
                 extra_env: dict[str, str] | None = None) -> None:
        # extra_env: the sample accounts' credentials, read by whichever worker crawls them
        self.env = {**os.environ, **(extra_env or {}), "GOVINSPECT_BROKER": BROKER,
                    "GOVINSPECT_QUEUE": queue or f"gi-test-{uuid.uuid4().hex[:8]}", "PYTHONUNBUFFERED": "1"}
        self.logs = [tmp / f"worker{n}.log" for n in range(count)]
        self.procs = [subprocess.Popen([sys.executable, "-m", "cli", "worker", "--concurrency", str(concurrency),
                                        "--name", f"w{n}-{uuid.uuid4().hex[:6]}@%h"],
                                       cwd=ROOT, env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                                       start_new_session=True)
                      for n, log in enumerate(self.logs)]

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(" ready." in log.read_text(errors="replace") for log in self.logs):
                return
            assert all(p.poll() is None for p in self.procs), [log.read_text()[-2000:] for log in self.logs]
            time.sleep(0.3)
        raise AssertionError("workers not ready: " + " | ".join(log.read_text()[-1000:] for log in self.logs))

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


@pytest.fixture(scope="module")
def env(samples: SampleEnv) -> SampleEnv:
    return samples


@pytest.fixture
def workers(env: SampleEnv, tmp_path: Path) -> Iterator[Workers]:
    if not _redis_up():
        pytest.fail(f"Redis is not answering at {BROKER} (scripts/test.sh starts it)")
    w = Workers(tmp_path, 2, extra_env=env.env)
    try:
        w.wait_ready()
        yield w
    finally:
        w.stop()


@pytest.fixture(scope="module")
def one(reference_scan: ReferenceScan) -> dict[str, Any]:
    """What a one-process scan of the sample sites finds (the session's reference scan)."""
    return reference_scan.snapshot


def _same(one: dict[str, Any], two: dict[str, Any]) -> None:
    assert one["status"] == two["status"] == "completed"
    for key in ("sites", "findings", "results", "pages"):
        assert one[key] == two[key], f"{key}: only one process {sorted(one[key] - two[key])[:5]}; " \
                                     f"only Celery {sorted(two[key] - one[key])[:5]}"


# the kill tests scan a few sites: the largest two (so a kill lands mid-site) and a small one;
# that every site comes out the same through Celery is the first test's
KILL_SITES = ("hbq-www", "akjyj", "akwjw")


def _same_for_sites(one: dict[str, Any], got: dict[str, Any], sites: tuple[str, ...]) -> None:
    """`got`, a scan of `sites` only, concluded what the whole reference scan concluded of them:
    the same site ends, findings and pages, and every link verdict it reached is the reference's."""
    assert got["status"] == "completed"
    mine = {
        "sites": {x for x in one["sites"] if x[0] in sites},
        "findings": {f for f in one["findings"] if f[1] in sites},
        "pages": {p for p in one["pages"] if p[0] in sites},
    }
    for key, want in mine.items():
        assert got[key] == want, f"{key}: only one process {sorted(want - got[key])[:5]}; " \
                                 f"only Celery {sorted(got[key] - want)[:5]}"
    assert got["results"] <= one["results"], sorted(got["results"] - one["results"])[:5]


@pytest.fixture
def slow_sites(env: SampleEnv) -> Iterator[None]:
    """Every answer of the sample servers 0.1 s late while a kill test runs: a site's crawl then
    lasts seconds, long enough to be cut in the middle however fast the machine; the pages stay
    the same (samplesites.faults: a slow answer is a correct one)."""
    from samplesites.faults import FaultPlan

    env.servers.faults = FaultPlan(rate=0.0, persistent_rate=1.0, kinds=("slow",), slow_seconds=0.1)
    try:
        yield
    finally:
        env.servers.faults = None


def _kill_scan_args(env: SampleEnv, db: str) -> list[str]:
    return scan_args(env, db, "--distributed", "--workers", "2", *[a for s in KILL_SITES for a in ("--site", s)])


@pytest.mark.timeout(600)  # with its fixture: a one-process scan of every sample site, then the distributed one
def test_two_celery_workers_find_what_one_process_finds(env: SampleEnv, workers: Workers, one: dict[str, Any]) -> None:
    env.servers.max_inflight.clear()
    pg_url, cleanup = fresh_pg_schema("celery")
    try:
        proc = run_cli(*scan_args(env, pg_url, "--distributed", "--workers", "2"),
                       env={k: workers.env[k] for k in ("GOVINSPECT_BROKER", "GOVINSPECT_QUEUE", *env.env)})
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
        two = snapshot(pg_url)
    finally:
        cleanup()
    # both workers took site tasks
    assert all("succeeded" in log.read_text(errors="replace") for log in workers.logs), \
        [log.read_text()[-2000:] for log in workers.logs]
    _same(one, two)
    # the sample registry's crawl.concurrency_per_site, held in total across the workers
    limit = 8
    assert env.servers.max_inflight, "the sample servers saw no connection"
    assert max(env.servers.max_inflight.values()) <= limit, env.servers.max_inflight


def _pool_children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_a_worker_process_killed_mid_site_gives_the_site_back(env: SampleEnv, workers: Workers, slow_sites: None,
                                                             one: dict[str, Any], tmp_path: Path) -> None:
    db = str(tmp_path / "killed.db")
    scan = subprocess.Popen([sys.executable, "-m", "cli", *_kill_scan_args(env, db)],
                            cwd=ROOT, env=workers.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        victim = workers.procs[0].pid
        deadline = time.monotonic() + 120
        while "] received" not in workers.logs[0].read_text(errors="replace"):
            assert time.monotonic() < deadline and scan.poll() is None, "worker 0 never took a task"
            time.sleep(0.1)
        time.sleep(1.0)  # mid-site: the task's crawl is under way
        for child in _pool_children(victim):
            os.kill(child, signal.SIGKILL)
        out, err = scan.communicate(timeout=600)
    finally:
        if scan.poll() is None:
            scan.kill()
    assert scan.returncode == 0, out[-3000:] + err[-5000:]
    log = workers.logs[0].read_text(errors="replace")
    assert "WorkerLostError" in log or "exited prematurely" in log, log[-3000:]
    _same_for_sites(one, snapshot(f"sqlite:///{db}"), KILL_SITES)


def test_a_worker_killed_with_the_scan_is_resumed(env: SampleEnv, workers: Workers, slow_sites: None,
                                                  one: dict[str, Any], tmp_path: Path) -> None:
    """A whole worker SIGKILLed (its task stays unacknowledged in Redis) and the waiting scan with
    it: `scan --resume --distributed` gives the unfinished sites to the worker left."""
    db = str(tmp_path / "lost.db")
    scan = subprocess.Popen([sys.executable, "-m", "cli", *_kill_scan_args(env, db)],
                            cwd=ROOT, env=workers.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while "] received" not in workers.logs[0].read_text(errors="replace"):
            assert time.monotonic() < deadline and scan.poll() is None, "worker 0 never took a task"
            time.sleep(0.1)
        time.sleep(1.0)
        os.killpg(workers.procs[0].pid, signal.SIGKILL)
        os.killpg(scan.pid, signal.SIGKILL)
        scan.wait()
        workers.procs[0].wait()
    finally:
        if scan.poll() is None:
            os.killpg(scan.pid, signal.SIGKILL)
            scan.wait()
    from sqlalchemy import select

    from db.models import ScanRun, SiteScan
    from db.session import make_engine, session_factory

    engine = make_engine(db)
    with session_factory(engine)() as s:
        run_id = s.scalars(select(ScanRun.id)).one()
        done_before = {x.site_id: x.finished_at for x in s.scalars(select(SiteScan)) if x.status == "completed"}
    engine.dispose()
    proc = run_cli("scan", "--db", db, "--resume", str(run_id), "--no-progress", "--distributed", "--workers", "2",
                   env={k: workers.env[k] for k in ("GOVINSPECT_BROKER", "GOVINSPECT_QUEUE", *env.env)})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    engine = make_engine(db)
    with session_factory(engine)() as s:
        after = {x.site_id: x.finished_at for x in s.scalars(select(SiteScan))}
    engine.dispose()
    assert {sid: after[sid] for sid in done_before} == done_before  # finished sites not crawled again
    _same_for_sites(one, snapshot(f"sqlite:///{db}"), KILL_SITES)


def _purge(queue: str) -> None:
    import redis

    redis.Redis.from_url(BROKER).delete(queue)


def test_a_scan_nobody_takes_says_so_and_gives_up_when_told(env: SampleEnv, tmp_path: Path) -> None:
    """No worker on the queue: one line names the queue and the broker and says how to start a
    worker; with --worker-timeout the scan gives up (exit 1, the run failed), and a worker started
    later crawls nothing into the ended run."""
    if not _redis_up():
        pytest.fail(f"Redis is not answering at {BROKER} (scripts/test.sh starts it)")
    queue = f"gi-test-{uuid.uuid4().hex[:8]}"
    qenv = {"GOVINSPECT_BROKER": BROKER, "GOVINSPECT_QUEUE": queue}
    db = str(tmp_path / "nobody.db")
    try:
        started = time.monotonic()
        # two sites: two tasks nobody takes, then a late worker that skips them
        proc = run_cli(*scan_args(env, db, "--distributed", "--workers", "2", "--worker-timeout", "3",
                                  "--site", "akwjw", "--site", "zyx-www"), env=qenv,
                       timeout=120)
        took = time.monotonic() - started
        assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
        err = " ".join(proc.stderr.split())
        assert f"no worker has taken a task from queue {queue} at {BROKER}" in err, err[-2000:]
        assert "start one with `govinspect worker`" in err, err[-2000:]
        assert "gave up after 3 s" in err and "--worker-timeout" in err, err[-2000:]
        assert took < 60, took
        from sqlalchemy import select

        from db.models import ScanRun, SiteScan
        from db.session import make_engine, session_factory

        engine = make_engine(db)
        with session_factory(engine)() as s:
            run = s.scalars(select(ScanRun)).one()
            assert run.status == "failed" and "no worker" in (run.error or ""), (run.status, run.error)
            assert {x.status for x in s.scalars(select(SiteScan))} == {"failed"}
        engine.dispose()
        # the tasks the scan gave up on are still queued: a worker that comes later skips them
        env.servers.max_inflight.clear()
        late = Workers(tmp_path, 1, queue, extra_env=env.env)
        try:
            late.wait_ready()
            import redis

            deadline = time.monotonic() + 120
            while True:
                log = late.logs[0].read_text(errors="replace")
                if redis.Redis.from_url(BROKER).llen(queue) == 0 and log.count("] received") == log.count(" succeeded in "):
                    break
                assert time.monotonic() < deadline, log[-3000:]
                time.sleep(0.5)
        finally:
            late.stop()
        assert log.count(" succeeded in ") >= 1 and log.count("nothing to crawl") == log.count(" succeeded in "), log
        assert not env.servers.max_inflight, "a task of an ended run crawled a site"
    finally:
        _purge(queue)


def test_a_scan_waiting_for_a_worker_says_so_and_goes_on_when_one_starts(env: SampleEnv, one: dict[str, Any],
                                                                         tmp_path: Path) -> None:
    """Without --worker-timeout the scan keeps waiting after its line, and finishes with the
    worker started then."""
    if not _redis_up():
        pytest.fail(f"Redis is not answering at {BROKER} (scripts/test.sh starts it)")
    queue = f"gi-test-{uuid.uuid4().hex[:8]}"
    qenv = {**os.environ, "GOVINSPECT_BROKER": BROKER, "GOVINSPECT_QUEUE": queue, "PYTHONUNBUFFERED": "1"}
    db = str(tmp_path / "waits.db")
    errlog = tmp_path / "scan.err"
    # one site: that a distributed scan finds what one process finds is the first test's
    notice = 3
    scan = subprocess.Popen([sys.executable, "-m", "cli", *scan_args(env, db, "--distributed", "--workers", "2",
                                                                     "--worker-notice", str(notice),
                                                                     "--site", "akwjw")],
                            cwd=ROOT, env=qenv, stdout=subprocess.DEVNULL, stderr=errlog.open("w"),
                            start_new_session=True)
    late: Workers | None = None
    try:
        deadline = time.monotonic() + notice + 60
        while "start one with `govinspect worker`" not in " ".join(errlog.read_text(errors="replace").split()):
            assert scan.poll() is None, errlog.read_text()[-3000:]
            assert time.monotonic() < deadline, errlog.read_text()[-3000:]
            time.sleep(0.5)
        time.sleep(2)
        assert scan.poll() is None, "the scan stopped waiting without --worker-timeout"
        late = Workers(tmp_path, 1, queue, concurrency=2, extra_env=env.env)
        assert scan.wait(timeout=600) == 0, errlog.read_text()[-3000:]
    finally:
        if scan.poll() is None:
            os.killpg(scan.pid, signal.SIGKILL)
            scan.wait()
        if late is not None:
            late.stop()
        _purge(queue)
    assert " ".join(errlog.read_text().split()).count(f"no worker has taken a task from queue {queue}") == 1
    got = snapshot(f"sqlite:///{db}")
    assert (got["status"], got["sites"]) == ("completed", {("akwjw", "completed")})
    assert any(f[1] == "akwjw" for f in got["findings"])  # the site's planted defects were judged
