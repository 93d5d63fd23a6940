"""govinspect's scheduler: the quarterly full scan, the weekly light scan and the availability
probes, run by APScheduler 3 with its jobs persisted in the project database.

Jobs (config/schedule.yaml):
- `scan:quarterly` (cron) and `scan:weekly` (cron) start `govinspect scan --kind full|weekly
  --skip-busy` in a subprocess (a Twisted reactor runs once per process). The child is in its own
  session: stopping the scheduler does not stop a scan, which finishes and records its run.
- `probe:<site id>` (interval, one per site) fetches the site's homepage once (monitor/probe.py)
  and stores a Probe row. The interval is (1 day / per_day) - jitter and APScheduler adds 0..jitter
  to each gap, so a site gets at least `per_day` probes a day at times that drift over the day;
  each site starts at its own offset (a hash of its id) so sites are not probed all at once.

No overlap: every job has max_instances=1 and coalesce=True (a scan still running when its next
time comes is not started twice; many missed times run once), and a misfire grace (a time missed
by more than that, e.g. while the scheduler was down, is skipped). Across processes, a scan's
sites are claimed in the database (db/runs.py): a scheduled scan leaves out sites another live
run is scanning and logs them. One scheduler per database (SchedulerLock).

Restarts: the jobs live in the job store table (`apscheduler_jobs`, APScheduler's own, next to the
project's tables), so a restarted scheduler finds them with their next run times; `sync_jobs`
adds what the config added, reschedules what it changed, removes what it dropped and leaves an
unchanged job alone — so a run missed during the downtime is handled by the misfire policy, not
by a fresh schedule computed from "now".

APScheduler calls jobs by reference ("scheduler:scan_job"); a job reads the process's `Runtime`
(database, registry, config) from this module, set by `serve` or `use_runtime`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Connection, Engine, text

from core import exitcodes
from core.probes import ProbeRules
from core.registry import DEFAULT_REGISTRY, Registry, load_registry
from core.schedule_config import ScheduleConfig, load_schedule
from db.probes import record
from db.session import make_engine, resolve_url, session_factory
from monitor.probe import probe

log = logging.getLogger("govinspect.scheduler")

JOBSTORE_TABLE = "apscheduler_jobs"
OUR_PREFIXES = ("scan:", "probe:")
QUARTERLY = "scan:quarterly"
WEEKLY = "scan:weekly"
SCAN_EXECUTOR = "scans"
# a fixed origin for the probe intervals, so a probe job's trigger is identical at every start
# (an unchanged job is then recognised and kept with its next run time)
PROBE_ORIGIN = dt.datetime(2024, 1, 1)


# --- runtime ---------------------------------------------------------------------------------------


@dataclass
class Runtime:
    """What the jobs of this process work with."""

    db_url: str
    registry_path: Path
    registry: Registry
    schedule: ScheduleConfig
    probe_rules: ProbeRules
    # how to start `govinspect ...` in a child process
    cli: list[str] = field(default_factory=lambda: [sys.executable, "-m", "cli"])
    stopping: threading.Event = field(default_factory=threading.Event)
    _engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.db_url)
        return self._engine

    def site_urls(self) -> dict[str, str]:
        return {s.id: s.url for _, s in self.registry.sites()}

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def load_runtime(db_url: str | None = None, registry_path: str | Path | None = None,
                 schedule_path: str | Path | None = None, indicators_path: str | Path | None = None) -> Runtime:
    """Read the configs (ConfigError names file:line) into a Runtime."""
    from checks.config import load_indicators

    reg_path = Path(registry_path or DEFAULT_REGISTRY).resolve()
    indicators = load_indicators(indicators_path)
    unreachable = next(c for c in indicators.checks if c.check.id == "site_unreachable")
    return Runtime(db_url=resolve_url(db_url), registry_path=reg_path, registry=load_registry(reg_path),
                   schedule=load_schedule(schedule_path),
                   probe_rules=unreachable.config.probe_rules())  # type: ignore[attr-defined]


_runtime: Runtime | None = None


def use_runtime(rt: Runtime | None) -> None:
    global _runtime
    _runtime = rt


def runtime() -> Runtime:
    if _runtime is None:
        raise RuntimeError("the scheduler's runtime is not set (scheduler.serve or use_runtime)")
    return _runtime


# --- jobs ----------------------------------------------------------------------------------------------


def scan_job(kind: str) -> str:
    """Run `govinspect scan --kind KIND --skip-busy` in a child process and wait for it (the job
    stays 'running' meanwhile, which is what max_instances counts). Returns the outcome."""
    rt = runtime()
    job = rt.schedule.quarterly_scan if kind == "full" else rt.schedule.weekly_scan
    log_dir = Path(rt.schedule.log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(rt.schedule.tz).strftime("%Y%m%d-%H%M%S")
    crawl_log = log_dir / f"scan-{kind}-{stamp}.log"
    out_file = log_dir / f"scan-{kind}-{stamp}.out"
    cmd = [*rt.cli, "scan", "--config", str(rt.registry_path), "--db", rt.db_url, "--kind", kind, "--skip-busy",
           "--no-progress", "--log-file", str(crawl_log)]
    log.info("%s scan: starting (output %s)", kind, out_file)
    with out_file.open("w", encoding="utf-8") as out:
        # own session: a Ctrl-C or a stop of the scheduler does not reach the scan
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        outcome = _wait(proc, rt, job.max_hours * 3600, kind)
    tail = out_file.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
    for line in tail:
        if line.startswith("skipped (being scanned by another run)") or line.startswith("busy:"):
            log.warning("%s scan: %s", kind, line)
    if outcome == "completed":
        log.info("%s scan: completed", kind)
    elif outcome == "busy":
        log.warning("%s scan: every site is being scanned by another run; skipped this time", kind)
    elif outcome not in ("detached",):
        log.error("%s scan: %s; last output:\n%s", kind, outcome, "\n".join(tail))
    return outcome


def _wait(proc: subprocess.Popen[Any], rt: Runtime, limit_s: float, kind: str) -> str:
    start = time.monotonic()
    while True:
        try:
            rc = proc.wait(timeout=0.5)
            break
        except subprocess.TimeoutExpired:
            pass
        if rt.stopping.is_set():
            log.warning("%s scan: scheduler stopping; scan pid %s continues on its own", kind, proc.pid)
            return "detached"
        if time.monotonic() - start > limit_s:
            log.error("%s scan: still running after %.1f h; stopping pid %s", kind, limit_s / 3600, proc.pid)
            proc.terminate()  # Scrapy closes gracefully and the run is recorded
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()  # the next scan's reaper marks the run incomplete
                proc.wait()
            return "timed out"
    if rc == 0:
        return "completed"
    if rc == exitcodes.BUSY:
        return "busy"
    return f"failed (exit {rc})"


def probe_job(site_id: str) -> str:
    """Probe the site's homepage once and store the outcome; returns the outcome class."""
    rt = runtime()
    url = rt.site_urls().get(site_id)
    if url is None:
        log.warning("probe %s: not in the registry any more", site_id)
        return "unknown site"
    from core.netpolicy import AddressPolicy

    result = probe(url, rt.probe_rules, user_agent=rt.registry.crawl.user_agent,
                   policy=AddressPolicy.from_registry(rt.registry))
    if result.error_class == "skipped":  # the address policy refused a hop: we did not look, no probe
        log.warning("probe %s: %s", site_id, result.error)
        return "skipped"
    with session_factory(rt.engine)() as session:
        record(session, site_id, result)
    if not result.ok:
        log.info("probe %s: %s (%s, %d ms)", site_id, result.error_class, result.error, result.elapsed_ms)
    return result.error_class or "ok"


# --- the job set -------------------------------------------------------------------------------------


@dataclass
class JobSpec:
    id: str
    name: str
    func: str  # textual reference, as the job store keeps it
    trigger: BaseTrigger
    kwargs: dict[str, Any]
    misfire_grace_time: int
    executor: str = "default"

    def fingerprint(self) -> tuple[Any, ...]:
        return (self.func, repr(self.trigger), sorted(self.kwargs.items()), self.name, self.misfire_grace_time,
                self.executor, 1, True)


def job_fingerprint(job: Job) -> tuple[Any, ...]:
    return (job.func_ref, repr(job.trigger), sorted(job.kwargs.items()), job.name, job.misfire_grace_time,
            job.executor, job.max_instances, job.coalesce)


def probe_offset(site_id: str, interval_s: float) -> float:
    """Where in the probe interval a site starts: stable per site, spread over the interval."""
    h = int.from_bytes(hashlib.sha1(site_id.encode()).digest()[:8], "big")
    return (h / 2**64) * interval_s


def probe_trigger(site_id: str, cfg: ScheduleConfig) -> IntervalTrigger:
    p = cfg.probes
    start = PROBE_ORIGIN.replace(tzinfo=cfg.tz) + dt.timedelta(seconds=round(probe_offset(site_id, p.interval_s)))
    return IntervalTrigger(seconds=p.interval_s, start_date=start, timezone=cfg.tz, jitter=p.jitter_s or None)


def desired_jobs(cfg: ScheduleConfig, site_ids: Sequence[str]) -> list[JobSpec]:
    specs: list[JobSpec] = []
    for job_id, kind, job, name in ((QUARTERLY, "full", cfg.quarterly_scan, "quarterly full scan"),
                                    (WEEKLY, "weekly", cfg.weekly_scan, "weekly light scan")):
        if job.enabled:
            specs.append(JobSpec(id=job_id, name=name, func="scheduler:scan_job", trigger=job.cron.trigger(cfg.timezone),
                                 kwargs={"kind": kind}, misfire_grace_time=int(job.misfire_grace_hours * 3600),
                                 executor=SCAN_EXECUTOR))
    if cfg.probes.enabled:
        for sid in sorted(site_ids):
            specs.append(JobSpec(id=f"probe:{sid}", name=f"probe {sid}", func="scheduler:probe_job",
                                 trigger=probe_trigger(sid, cfg), kwargs={"site_id": sid},
                                 misfire_grace_time=cfg.probes.misfire_grace_s))
    return specs


def sync_jobs(scheduler: BackgroundScheduler, specs: Sequence[JobSpec]) -> dict[str, list[str]]:
    """Make the job store hold exactly `specs` (among our job ids), touching only what differs."""
    existing = {j.id: j for j in scheduler.get_jobs()}
    report: dict[str, list[str]] = {"added": [], "updated": [], "kept": [], "removed": []}
    for spec in specs:
        job = existing.pop(spec.id, None)
        if job is None:
            scheduler.add_job(spec.func, trigger=spec.trigger, id=spec.id, name=spec.name, kwargs=spec.kwargs,
                              misfire_grace_time=spec.misfire_grace_time, coalesce=True, max_instances=1,
                              executor=spec.executor)
            report["added"].append(spec.id)
        elif job_fingerprint(job) != spec.fingerprint():
            scheduler.modify_job(spec.id, func=spec.func, name=spec.name, kwargs=spec.kwargs,
                                 misfire_grace_time=spec.misfire_grace_time, coalesce=True, max_instances=1,
                                 executor=spec.executor)
            scheduler.reschedule_job(spec.id, trigger=spec.trigger)
            report["updated"].append(spec.id)
        else:
            report["kept"].append(spec.id)
    for job_id in existing:
        if job_id.startswith(OUR_PREFIXES):
            scheduler.remove_job(job_id)
            report["removed"].append(job_id)
    return report


class _Scheduler(BackgroundScheduler):
    def _process_jobs(self) -> float | None:
        # APScheduler 3's loop runs one more round after shutdown() (it checks the state before
        # waiting, not after). With the executors already shut, that round would mark every due
        # job as run — its next run time advanced in the store — without running it: a missed
        # quarterly scan would be lost by merely stopping a (paused) scheduler. A stopped
        # scheduler must leave the jobs alone.
        if self.state == STATE_STOPPED:
            return None
        return super()._process_jobs()  # type: ignore[no-any-return]


def build_scheduler(rt: Runtime) -> BackgroundScheduler:
    jobstore = SQLAlchemyJobStore(engine=make_engine(rt.db_url), tablename=JOBSTORE_TABLE)
    scheduler = _Scheduler(
        jobstores={"default": jobstore},
        executors={"default": ThreadPoolExecutor(rt.schedule.probes.workers),
                   SCAN_EXECUTOR: ThreadPoolExecutor(2)},
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=rt.schedule.tz,
    )
    scheduler.add_listener(_on_event, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES | EVENT_JOB_ERROR)
    return scheduler


def _on_event(event: Any) -> None:
    if event.code == EVENT_JOB_MISSED:
        log.warning("job %s missed its run at %s (beyond the misfire grace); skipped", event.job_id,
                    event.scheduled_run_time)
    elif event.code == EVENT_JOB_MAX_INSTANCES:
        log.warning("job %s not started: its previous run is still going", event.job_id)
    elif event.code == EVENT_JOB_ERROR:
        log.error("job %s raised %r", event.job_id, event.exception)


def list_jobs(rt: Runtime, *, sync: bool = False) -> list[Job]:
    """The persisted jobs (after applying the config when `sync`), by next run time; runs nothing."""
    scheduler = build_scheduler(rt)
    scheduler.start(paused=True)
    try:
        if sync:
            sync_jobs(scheduler, desired_jobs(rt.schedule, list(rt.site_urls())))
        return sorted(scheduler.get_jobs(), key=lambda j: (j.next_run_time is None, j.next_run_time or 0, j.id))
    finally:
        scheduler.shutdown(wait=False)


# --- one scheduler per database ----------------------------------------------------------------------


class SchedulerBusyError(RuntimeError):
    """Another scheduler is running on this database."""


class SchedulerLock:
    """Held for the scheduler's lifetime and released by the OS or the server if it dies: an
    flock on `<db file>.scheduler.lock` for SQLite, a session advisory lock (per schema) on
    PostgreSQL. Two schedulers would probe every site twice and race for the same scans."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._fd: int | None = None
        self._conn: Connection | None = None

    def acquire(self) -> bool:
        dialect = self.engine.dialect.name
        if dialect == "sqlite":
            import fcntl

            db = self.engine.url.database
            if not db or db == ":memory:":
                return True
            fd = os.open(f"{db}.scheduler.lock", os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            self._fd = fd
            return True
        if dialect == "postgresql":
            conn = self.engine.connect()
            conn.detach()  # out of the pool: closing it really ends the session (and frees the lock)
            got = conn.execute(text("SELECT pg_try_advisory_lock(hashtext(current_schema() || :name))"),
                               {"name": ":govinspect-scheduler"}).scalar()
            conn.commit()
            if not got:
                conn.close()
                return False
            self._conn = conn
            return True
        log.warning("no scheduler lock on %s: make sure only one scheduler runs", dialect)
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None
        if self._conn is not None:
            self._conn.close()  # a detached connection: the session and its advisory lock end here
            self._conn = None


# --- serving -----------------------------------------------------------------------------------------


def serve(rt: Runtime, *, stop: threading.Event | None = None,
          on_ready: Callable[[BackgroundScheduler, dict[str, list[str]]], None] | None = None) -> None:
    """Run the scheduler until `stop` is set (SIGINT/SIGTERM set it when serving from the CLI)."""
    from db.migrate import upgrade

    upgrade(rt.db_url)
    lock = SchedulerLock(rt.engine)
    if not lock.acquire():
        where = rt.engine.url.render_as_string(hide_password=True)
        rt.close()
        raise SchedulerBusyError(f"another scheduler is running on {where}")
    stop = stop or rt.stopping
    use_runtime(rt)
    scheduler = build_scheduler(rt)
    try:
        scheduler.start(paused=True)
        report = sync_jobs(scheduler, desired_jobs(rt.schedule, list(rt.site_urls())))
        log.info("jobs: %s", ", ".join(f"{len(v)} {k}" for k, v in report.items()))
        scheduler.resume()
        if on_ready:
            on_ready(scheduler, report)
        stop.wait()
    finally:
        rt.stopping.set()
        if scheduler.running:
            scheduler.shutdown(wait=True)
        lock.release()
        use_runtime(None)
        rt.close()


def install_signal_handlers(stop: threading.Event) -> None:
    def handler(signum: int, _frame: Any) -> None:
        log.info("signal %s: stopping the scheduler", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)

