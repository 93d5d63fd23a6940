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
from samples_env import ROOT, SampleEnv, run_cli, scan_args, start_samples
from test_scale_workers import snapshot

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

    def __init__(self, tmp: Path, count: int) -> None:
        self.env = {**os.environ, "GOVINSPECT_BROKER": BROKER, "GOVINSPECT_QUEUE": f"gi-test-{uuid.uuid4().hex[:8]}",
                    "PYTHONUNBUFFERED": "1"}
        self.logs = [tmp / f"worker{n}.log" for n in range(count)]
        self.procs = [subprocess.Popen([sys.executable, "-m", "cli", "worker", "--concurrency", "1",
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
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SampleEnv]:
    env = start_samples(tmp_path_factory.mktemp("celery"), first_octet=23)
    yield env
    env.stop()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    if not _redis_up():
        pytest.fail(f"Redis is not answering at {BROKER} (scripts/test.sh starts it)")
    w = Workers(tmp_path, 2)
    try:
        w.wait_ready()
        yield w
    finally:
        w.stop()


@pytest.fixture(scope="module")
def one(env: SampleEnv, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What a one-process scan of the sample sites finds."""
    one_db = str(tmp_path_factory.mktemp("one") / "one.db")
    proc = run_cli(*scan_args(env, one_db, "--workers", "1"))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    return snapshot(one_db)


def _same(one: dict[str, Any], two: dict[str, Any]) -> None:
    assert one["status"] == two["status"] == "completed"
    for key in ("sites", "findings", "results", "pages"):
        assert one[key] == two[key], f"{key}: only one process {sorted(one[key] - two[key])[:5]}; " \
                                     f"only Celery {sorted(two[key] - one[key])[:5]}"


def test_two_celery_workers_find_what_one_process_finds(env: SampleEnv, workers: Workers, one: dict[str, Any]) -> None:
    env.servers.max_inflight.clear()
    pg_url, cleanup = fresh_pg_schema("celery")
    try:
        proc = run_cli(*scan_args(env, pg_url, "--distributed", "--workers", "2"),
                       env={k: workers.env[k] for k in ("GOVINSPECT_BROKER", "GOVINSPECT_QUEUE")})
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


def test_a_worker_process_killed_mid_site_gives_the_site_back(env: SampleEnv, workers: Workers,
                                                             one: dict[str, Any], tmp_path: Path) -> None:
    db = str(tmp_path / "killed.db")
    scan = subprocess.Popen([sys.executable, "-m", "cli", *scan_args(env, db, "--distributed", "--workers", "2")],
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
    _same(one, snapshot(f"sqlite:///{db}"))


def test_a_worker_killed_with_the_scan_is_resumed(env: SampleEnv, workers: Workers, one: dict[str, Any],
                                                  tmp_path: Path) -> None:
    """A whole worker SIGKILLed (its task stays unacknowledged in Redis) and the waiting scan with
    it: `scan --resume --distributed` gives the unfinished sites to the worker left."""
    db = str(tmp_path / "lost.db")
    scan = subprocess.Popen([sys.executable, "-m", "cli", *scan_args(env, db, "--distributed", "--workers", "2")],
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
                   env={k: workers.env[k] for k in ("GOVINSPECT_BROKER", "GOVINSPECT_QUEUE")})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    engine = make_engine(db)
    with session_factory(engine)() as s:
        after = {x.site_id: x.finished_at for x in s.scalars(select(SiteScan))}
    engine.dispose()
    assert {sid: after[sid] for sid in done_before} == done_before  # finished sites not crawled again
    _same(one, snapshot(f"sqlite:///{db}"))
