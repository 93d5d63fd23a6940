"""`govinspect schedule run|list` (scheduler.py) and `govinspect status` (reports/status.py)."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cli.options import ConfigFile, DbRead, DbWrite, ScheduleFile, database_errors
from core import exitcodes
from core.sanitize import shown
from core.yamlconf import ConfigError

console = Console()
err_console = Console(stderr=True)


schedule_app = typer.Typer(help="The scheduler: quarterly and weekly scans, availability probes.",
                           no_args_is_help=True)


def _runtime(db: str | None, config: Path | None, schedule: Path | None) -> Any:
    import scheduler

    try:
        return scheduler.load_runtime(db, config, schedule)
    except ConfigError as exc:
        err_console.print(f"[red]config error:[/] {exc}", highlight=False)
        raise typer.Exit(exitcodes.USAGE) from None


def _when(value: dt.datetime | None, tz: Any) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z") if value else "paused"


def jobs_table(jobs: list[Any], tz: Any, title: str = "Scheduled jobs") -> Table:
    table = Table(title=title)
    for col in ("id", "name", "trigger", "next run", "misfire grace"):
        table.add_column(col, overflow="fold")
    for job in jobs:
        grace = f"{job.misfire_grace_time:g} s" if job.misfire_grace_time is not None else "-"
        table.add_row(escape(shown(job.id)), escape(shown(job.name)), escape(shown(job.trigger)),
                      _when(job.next_run_time, tz), grace)
    return table


@schedule_app.command("run")
def run_cmd(
    db: DbWrite = None,
    config: ConfigFile = None,
    schedule: ScheduleFile = None,
) -> None:
    """Run the scheduler in the foreground until Ctrl-C / SIGTERM. Jobs are kept in the database;
    a restart picks them up (missed runs follow each job's misfire grace)."""
    import threading

    import scheduler

    rt = _runtime(db, config, schedule)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()
    scheduler.install_signal_handlers(stop)

    def ready(sched: Any, report: dict[str, list[str]]) -> None:
        console.print(jobs_table(sched.get_jobs(), rt.schedule.tz, title="Scheduler running"))
        console.print("jobs " + ", ".join(f"{k} {len(v)}" for k, v in report.items()) +
                      f"; scan logs in {Path(rt.schedule.log_dir).resolve()}; Ctrl-C to stop")

    try:
        scheduler.serve(rt, stop=stop, on_ready=ready)
    except scheduler.SchedulerBusyError as exc:
        err_console.print(f"[red]{exc}[/]", highlight=False)
        raise typer.Exit(exitcodes.BUSY) from None


@schedule_app.command("list")
def list_cmd(
    db: DbRead = None,
    config: ConfigFile = None,
    schedule: ScheduleFile = None,
    sync: Annotated[bool, typer.Option("--sync", help="Apply the config to the stored jobs first "
                                       "(as `schedule run` does at start)")] = False,
) -> None:
    """Show the stored jobs and their next run times (nothing is run)."""
    import scheduler
    from db.migrate import upgrade

    rt = _runtime(db, config, schedule)
    with database_errors(db):
        upgrade(rt.db_url)
        jobs = scheduler.list_jobs(rt, sync=sync)
    if not jobs:
        console.print("No jobs stored yet: `govinspect schedule run` (or `schedule list --sync`) adds them "
                      f"from {rt.schedule.path}.")
        return
    console.print(jobs_table(jobs, rt.schedule.tz))


def status(
    db: DbRead = None,
    schedule: ScheduleFile = None,
    today: Annotated[str | None, typer.Option("--today", help="Pretend today is YYYY-MM-DD (default: today, "
                                              "in the schedule's time zone)")] = None,
) -> None:
    """Per unit: this quarter's scan state, open findings and the days left to the publication deadline."""
    from core.schedule_config import load_schedule
    from db.migrate import upgrade
    from db.session import make_engine, resolve_url, session_factory
    from reports.status import quarter_status

    try:
        cfg = load_schedule(schedule)
    except ConfigError as exc:
        err_console.print(f"[red]config error:[/] {exc}", highlight=False)
        raise typer.Exit(exitcodes.USAGE) from None
    try:
        day = dt.date.fromisoformat(today) if today else cfg.today()
    except ValueError:
        raise typer.BadParameter(f"--today must be YYYY-MM-DD, got {today!r}") from None
    url = resolve_url(db)
    with database_errors(db):
        upgrade(url)
        engine = make_engine(url)
        try:
            with session_factory(engine)() as session:
                qs = quarter_status(session, day, cfg.deadline)
        finally:
            engine.dispose()
    left = qs.days_left
    when = (f"{left} day(s) left" if left > 0 else "today" if left == 0 else f"passed {-left} day(s) ago")
    if left < 0:
        nxt = cfg.deadline.for_day(qs.end + dt.timedelta(days=1))
        when += f"; next deadline {nxt} in {(nxt - day).days} day(s)"
    table = Table(title=f"{qs.quarter} ({qs.start} – {qs.end}): publish the self-check result by {qs.deadline} "
                        f"— {when}")
    for col in ("unit", "name", "scan state", "scanned", "last full scan", "open findings", "vetoes", "days left"):
        table.add_column(col, justify="right" if col in ("scanned", "open findings", "vetoes", "days left") else "left")
    colors = {"done": "green", "partial": "yellow", "running": "cyan", "not scanned": "red", "no sites": "dim"}
    for u in qs.units:
        state = f"[{colors.get(u.state, 'white')}]{u.state}"
        if u.running:
            state += f" (run {', '.join(map(str, u.running))})"
        last = f"run {u.last_run}, as of {u.last_as_of}" if u.last_run else "-"
        table.add_row(escape(shown(u.unit_id)), escape(shown(u.name)), state, f"{len(u.scanned)}/{len(u.subjects)}", last,
                      str(u.open_findings),
                      str(u.vetoes), str(left))
    console.print(table)
    if not qs.units:
        console.print("No units in the database yet: run `govinspect scan` first.")


def register(app: typer.Typer) -> None:
    app.add_typer(schedule_app, name="schedule")
    app.command("status")(status)
