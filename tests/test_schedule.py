"""The scheduler (scheduler.py, config/schedule.yaml): the quarterly cron's next run times, probe
spreading, jobs kept across a restart with missed runs handled by the misfire policy (SQLite and
PostgreSQL job stores), no overlap of a scan that outlives its interval, one scheduler per
database. Clocks are controlled (triggers asked for fire times at given instants; next run times
set in the past to stand for downtime); nothing sleeps for more than a couple of seconds."""

from __future__ import annotations

import datetime as dt
import random
import sys
import textwrap
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED
from apscheduler.triggers.interval import IntervalTrigger
from conftest_db import make_registry
from sqlalchemy import func, select

import scheduler
from core.probes import ProbeRules
from core.schedule_config import ScheduleConfig, load_schedule, quarterly_fire_times
from core.yamlconf import ConfigError
from db.models import Probe
from db.session import make_engine, session_factory

TZ = "Asia/Shanghai"


def config(tmp_path: Path, **probes: Any) -> ScheduleConfig:
    cfg = load_schedule()
    return cfg.model_copy(update={"log_dir": str(tmp_path / "logs"),
                                  "probes": cfg.probes.model_copy(update=probes) if probes else cfg.probes})


def runtime(tmp_path: Path, db_url: str, cfg: ScheduleConfig, sites: list[str], **kw: Any) -> scheduler.Runtime:
    # every probe target is a closed loopback port of the scheduler range: refused at once
    registry = make_registry({"unit-a": sites}, only_networks=["127.0.0.0/8"])
    for _, site in registry.sites():
        site.url = f"http://127.0.5.200:{9 + len(site.id)}/"
    return scheduler.Runtime(db_url=db_url, registry_path=tmp_path / "sites.yaml", registry=registry, schedule=cfg,
                             probe_rules=ProbeRules(timeout_s=1, slow_s=1), **kw)


FAKE_SCAN = textwrap.dedent('''
    import os, sys, time
    log = os.environ["FAKE_SCAN_LOG"]
    kind = sys.argv[sys.argv.index("--kind") + 1]
    with open(log, "a") as fh:
        fh.write(f"start {kind} {time.time()!r}\\n")
    time.sleep(float(os.environ.get("FAKE_SCAN_SECONDS", "0")))
    with open(log, "a") as fh:
        fh.write(f"end {kind} {time.time()!r}\\n")
''')


@pytest.fixture
def fake_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], Path]:
    """A stand-in for `python -m cli.app` that logs when each scan starts and ends."""
    script = tmp_path / "fake_scan.py"
    script.write_text(FAKE_SCAN)
    log = tmp_path / "scans.log"
    monkeypatch.setenv("FAKE_SCAN_LOG", str(log))
    return [sys.executable, str(script)], log


def scan_log(log: Path) -> list[tuple[str, str, float]]:
    if not log.exists():
        return []
    return [(w[0], w[1], float(w[2])) for w in (line.split() for line in log.read_text().splitlines())]


def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


# --- config and triggers (pure) ---------------------------------------------------------------------------


def test_quarterly_scan_runs_early_in_each_quarters_second_month() -> None:
    cfg = load_schedule()
    tz = cfg.tz
    got = quarterly_fire_times(cfg, dt.datetime(2026, 11, 20, 12, 0, tzinfo=tz), 5)
    assert [t.replace(tzinfo=None) for t in got] == [
        dt.datetime(2027, 2, 1, 2, 0), dt.datetime(2027, 5, 1, 2, 0), dt.datetime(2027, 8, 1, 2, 0),
        dt.datetime(2027, 11, 1, 2, 0), dt.datetime(2028, 2, 1, 2, 0)]
    assert all(t.utcoffset() == dt.timedelta(hours=8) for t in got)  # 02:00 in Asia/Shanghai
    # from just before and just after a fire time
    trigger = cfg.quarterly_scan.cron.trigger(cfg.timezone)
    at = dt.datetime(2026, 5, 1, 2, 0, tzinfo=tz)
    assert trigger.get_next_fire_time(None, at - dt.timedelta(seconds=1)) == at
    assert trigger.get_next_fire_time(None, at + dt.timedelta(seconds=1)) == dt.datetime(2026, 8, 1, 2, 0, tzinfo=tz)
    for t in got:  # each leaves the review days before its quarter's deadline (10th of the 2nd month)
        deadline = cfg.deadline.for_day(t.date())
        assert deadline == dt.date(t.year, t.month, 10)
        assert (deadline - t.date()).days >= cfg.deadline.min_review_days
    weekly = cfg.weekly_scan.cron.trigger(cfg.timezone)
    nxt = weekly.get_next_fire_time(None, dt.datetime(2026, 11, 20, 12, 0, tzinfo=tz))  # a Friday
    assert nxt == dt.datetime(2026, 11, 23, 3, 0, tzinfo=tz) and nxt.weekday() == 0


def test_schedule_config_errors_name_file_line_and_field(tmp_path: Path) -> None:
    good = Path(load_schedule().path).read_text(encoding="utf-8")
    cases = {
        # fires on the 9th: 1 day before the deadline, less than min_review_days
        "cron: {month: \"2,5,8,11\", day: 1,": ("cron: {month: \"2,5,8,11\", day: 9,", "quarterly_scan.cron",
                                                "before that quarter's publication deadline"),
        "per_day: 24 ": ("per_day: 12 ", "probes.per_day", "greater than or equal to 20"),
        "day_of_week: mon,": ("day_of_week: moonday,", "weekly_scan.cron", "moonday"),
        "timezone: Asia/Shanghai": ("timezone: Asia/Nowhere", "timezone", "unknown time zone"),
    }
    for old, (new, field, message) in cases.items():
        assert old in good, old
        path = tmp_path / "schedule.yaml"
        path.write_text(good.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(ConfigError) as err:
            load_schedule(path)
        line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if new.strip() in text)
        assert (err.value.field, err.value.line) == (field, line), str(err.value)
        assert message in err.value.message and str(err.value).startswith(f"{path}:{line}:")
    # jitter must leave per_day probes a day
    path.write_text(good.replace("jitter_s: 600", "jitter_s: 3600"), encoding="utf-8")
    with pytest.raises(ConfigError, match="jitter_s must be below one probe period"):
        load_schedule(path)


def test_probes_reach_every_site_at_least_20_times_a_day_at_spread_times() -> None:
    cfg = load_schedule()
    assert cfg.probes.per_day >= 20
    random.seed(6)  # APScheduler's jitter
    sites = [f"site-{i:02d}" for i in range(40)]
    start = dt.datetime(2026, 11, 20, tzinfo=cfg.tz)
    days = 3
    for sid in sites:
        trigger = scheduler.probe_trigger(sid, cfg)
        fires = []
        prev = None
        now = start
        while True:  # as APScheduler does: the next fire time counts from the previous (jittered) one
            nxt = trigger.get_next_fire_time(prev, now)
            if nxt >= start + dt.timedelta(days=days):
                break
            fires.append(nxt)
            prev = now = nxt
        per_day = Counter(f.date() for f in fires)
        assert len(per_day) == days and min(per_day.values()) >= cfg.probes.per_day, (sid, per_day)
        gaps = [(b - a).total_seconds() for a, b in zip(fires, fires[1:], strict=False)]
        assert max(gaps) <= cfg.probes.period_s + 1  # never a gap longer than one period
        assert min(gaps) >= cfg.probes.interval_s - 1
        # spread over the day: every 2-hour block of every day has a probe
        assert {(f.date(), f.hour // 2) for f in fires} == {(d, h) for d in per_day for h in range(12)}
    # sites start at their own offsets, spread over the interval, not all at once
    offsets = sorted(scheduler.probe_offset(sid, cfg.probes.interval_s) for sid in sites)
    assert offsets[-1] - offsets[0] >= 0.8 * cfg.probes.interval_s
    assert max(b - a for a, b in zip(offsets, offsets[1:], strict=False)) <= 0.15 * cfg.probes.interval_s
    # the offsets are stable: the same trigger at every start (so a restart keeps the job)
    assert repr(scheduler.probe_trigger("site-01", cfg)) == repr(scheduler.probe_trigger("site-01", cfg))


# --- jobs in the database ----------------------------------------------------------------------------------


def test_jobs_survive_a_restart_and_missed_runs_follow_the_misfire_policy(
        db_url: str, tmp_path: Path, fake_cli: tuple[list[str], Path]) -> None:
    cli, log = fake_cli
    cfg = config(tmp_path, jitter_s=0)  # whole-hour probe gaps: the missed times below are exact
    # the weekly scan's real time moved three days ahead of today: with Monday 03:00 as configured,
    # a run of this test on a Monday morning in Shanghai would (rightly) catch up that morning's
    # run, which lies inside the grace window, instead of missing the stored one
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[(dt.datetime.now(cfg.tz) + dt.timedelta(days=3)).weekday()]
    cfg = cfg.model_copy(update={"weekly_scan": cfg.weekly_scan.model_copy(
        update={"cron": cfg.weekly_scan.cron.model_copy(update={"day_of_week": day})})})
    rt = runtime(tmp_path, db_url, cfg, ["site-a", "site-b"], cli=cli)
    scheduler.use_runtime(rt)
    specs = scheduler.desired_jobs(cfg, ["site-a", "site-b"])
    ids = {"scan:quarterly", "scan:weekly", "probe:site-a", "probe:site-b"}

    first = scheduler.build_scheduler(rt)
    first.start(paused=True)
    assert scheduler.sync_jobs(first, specs)["added"] == sorted(ids, key=[s.id for s in specs].index)
    stored = {j.id: j.next_run_time for j in first.get_jobs()}
    first.shutdown(wait=False)  # the process ends here (the store was written when the jobs were added)

    second = scheduler.build_scheduler(rt)
    second.start(paused=True)
    assert {j.id: j.next_run_time for j in second.get_jobs()} == stored
    report = scheduler.sync_jobs(second, scheduler.desired_jobs(cfg, ["site-a", "site-b"]))
    assert report == {"added": [], "updated": [], "kept": [s.id for s in specs], "removed": []}
    assert {j.id: j.next_run_time for j in second.get_jobs()} == stored  # not rescheduled from "now"

    # downtime: the store says these runs were due while no scheduler was running
    now = dt.datetime.now(cfg.tz)
    second.modify_job("scan:quarterly", next_run_time=now - dt.timedelta(hours=2))  # grace 72 h: runs
    second.modify_job("scan:weekly", next_run_time=now - dt.timedelta(hours=13))  # grace 12 h: skipped
    # two missed probe times, 65 and 5 minutes ago: coalesced into one run (the later, within 15 min)
    second.modify_job("probe:site-a", next_run_time=now - dt.timedelta(minutes=65))
    second.modify_job("probe:site-b", next_run_time=now - dt.timedelta(minutes=30))  # beyond 15 min: skipped
    second.shutdown(wait=False)  # "crash" with those times stored
    expected_next = {"scan:quarterly": cfg.quarterly_scan.cron.trigger(cfg.timezone).get_next_fire_time(None, now),
                     "scan:weekly": cfg.weekly_scan.cron.trigger(cfg.timezone).get_next_fire_time(None, now)}

    events: list[tuple[int, str]] = []
    third = scheduler.build_scheduler(rt)
    third.add_listener(lambda e: events.append((e.code, e.job_id)),
                       EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
    third.start(paused=True)
    assert scheduler.sync_jobs(third, specs)["kept"] == [s.id for s in specs]
    third.resume()
    wait_for(lambda: len(events) >= 4)
    time.sleep(0.3)  # anything else that would (wrongly) run
    after = {j.id: j.next_run_time for j in third.get_jobs()}
    third.shutdown(wait=True)
    assert sorted(events) == sorted([(EVENT_JOB_EXECUTED, "scan:quarterly"), (EVENT_JOB_MISSED, "scan:weekly"),
                                     (EVENT_JOB_EXECUTED, "probe:site-a"), (EVENT_JOB_MISSED, "probe:site-b")])
    assert [(w, k) for w, k, _ in scan_log(log)] == [("start", "full"), ("end", "full")]
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        probes = dict(s.execute(select(Probe.site_id, func.count()).group_by(Probe.site_id)).all())
        (row,) = s.scalars(select(Probe)).all()
    engine.dispose()
    assert probes == {"site-a": 1}
    assert (row.ok, row.error_class) == (False, "refused")
    # every job's next time is in the future, on its own schedule
    assert all(t > now for t in after.values())
    assert {k: after[k] for k in expected_next} == expected_next

    # restarting again runs nothing twice
    fourth = scheduler.build_scheduler(rt)
    fourth.start()
    assert {j.id: j.next_run_time for j in fourth.get_jobs()} == after
    time.sleep(0.5)
    fourth.shutdown(wait=True)
    assert len(scan_log(log)) == 2
    scheduler.use_runtime(None)
    rt.close()


def test_config_changes_update_only_the_jobs_they_touch(sqlite_url: str, tmp_path: Path) -> None:
    cfg = config(tmp_path)
    rt = runtime(tmp_path, sqlite_url, cfg, ["site-a", "site-b"])
    sched = scheduler.build_scheduler(rt)
    sched.start(paused=True)
    scheduler.sync_jobs(sched, scheduler.desired_jobs(cfg, ["site-a", "site-b"]))
    before = {j.id: j.next_run_time for j in sched.get_jobs()}
    weekly = cfg.weekly_scan.model_copy(update={"cron": cfg.weekly_scan.cron.model_copy(update={"day_of_week": "wed"})})
    changed = cfg.model_copy(update={"weekly_scan": weekly})
    report = scheduler.sync_jobs(sched, scheduler.desired_jobs(changed, ["site-a", "site-c"]))
    assert report == {"added": ["probe:site-c"], "updated": ["scan:weekly"],
                      "kept": ["scan:quarterly", "probe:site-a"], "removed": ["probe:site-b"]}
    jobs = {j.id: j for j in sched.get_jobs()}
    assert jobs["scan:weekly"].next_run_time.weekday() == 2
    assert jobs["scan:quarterly"].next_run_time == before["scan:quarterly"]
    assert all(j.max_instances == 1 and j.coalesce for j in jobs.values())
    sched.shutdown(wait=False)
    rt.close()


def test_a_scan_that_outlives_its_interval_never_overlaps(
        sqlite_url: str, tmp_path: Path, fake_cli: tuple[list[str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    cli, log = fake_cli
    monkeypatch.setenv("FAKE_SCAN_SECONDS", "0.8")
    cfg = config(tmp_path)
    rt = runtime(tmp_path, sqlite_url, cfg, [], cli=cli)
    scheduler.use_runtime(rt)
    sched = scheduler.build_scheduler(rt)
    events: list[int] = []
    sched.add_listener(lambda e: events.append(e.code), EVENT_JOB_EXECUTED | EVENT_JOB_MAX_INSTANCES)
    sched.start(paused=True)
    # the weekly scan job as configured, but due every 0.2 s: each run outlives several intervals
    spec = next(s for s in scheduler.desired_jobs(cfg, []) if s.id == "scan:weekly")
    spec.trigger = IntervalTrigger(seconds=0.2, timezone=cfg.tz)
    scheduler.sync_jobs(sched, [spec])
    sched.resume()
    wait_for(lambda: events.count(EVENT_JOB_EXECUTED) >= 2, timeout=15)
    sched.shutdown(wait=True)
    scheduler.use_runtime(None)
    rt.close()
    runs = scan_log(log)
    starts = [t for w, _, t in runs if w == "start"]
    ends = [t for w, _, t in runs if w == "end"]
    assert len(starts) >= 2 and len(ends) == len(starts)
    assert [w for w, _, _ in runs] == ["start", "end"] * len(starts)  # strictly one after the other
    assert all(s >= e for s, e in zip(starts[1:], ends, strict=False))
    assert events.count(EVENT_JOB_MAX_INSTANCES) >= 2  # due while running: not started, not queued up


def test_one_scheduler_per_database(db_url: str) -> None:
    engine = make_engine(db_url)
    other = make_engine(db_url)
    try:
        first, second = scheduler.SchedulerLock(engine), scheduler.SchedulerLock(other)
        assert first.acquire()
        assert not second.acquire()
        first.release()
        assert second.acquire()
        second.release()
    finally:
        engine.dispose()
        other.dispose()


def test_serve_runs_until_stopped_and_lists_jobs(sqlite_url: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import typer
    from rich.console import Console
    from typer.testing import CliRunner

    from cli import cmd_schedule

    cfg = config(tmp_path)
    rt = runtime(tmp_path, sqlite_url, cfg, ["site-a"])
    stop = threading.Event()
    ready: list[dict[str, list[str]]] = []
    thread = threading.Thread(target=scheduler.serve, args=(rt,),
                              kwargs={"stop": stop, "on_ready": lambda _s, r: ready.append(r)})
    thread.start()
    wait_for(lambda: bool(ready))
    with pytest.raises(scheduler.SchedulerBusyError):  # a second scheduler on the same database
        scheduler.serve(runtime(tmp_path, sqlite_url, cfg, ["site-a"]), stop=threading.Event())
    stop.set()
    thread.join(timeout=20)
    assert not thread.is_alive()
    assert ready[0]["added"] == ["scan:quarterly", "scan:weekly", "probe:site-a"]

    app = typer.Typer()
    cmd_schedule.register(app)
    monkeypatch.setattr(cmd_schedule, "console", Console(width=200))
    registry = tmp_path / "sites.yaml"
    registry.write_text(textwrap.dedent("""
        units:
          - {id: unit-a, name: 单位A, kind: county, sites: [{id: site-a, name: 网站A, url: "http://127.0.5.200:15/"}]}
    """), encoding="utf-8")
    result = CliRunner().invoke(app, ["schedule", "list", "--db", sqlite_url, "--config", str(registry)])
    assert result.exit_code == 0, result.output
    for text in ("scan:quarterly", "quarterly full scan", "cron[month='2,5,8,11', day='1',",
                 "scan:weekly", "probe:site-a", "interval[0:50:00]", "CST"):
        assert text in result.output
