"""`govinspect scan` and `govinspect demo`."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cli.options import ConfigFile, DbWrite, LogFile
from core import exitcodes
from core.sanitize import shown
from core.yamlconf import ConfigError
from scan.waiting import NO_WORKER_NOTICE_S

if TYPE_CHECKING:  # the crawl's modules load Scrapy: `govinspect findings` and --help never need them
    from scan.runner import ScanResult

console = Console()
err_console = Console(stderr=True)


def _as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"--as-of must be YYYY-MM-DD, got {value!r}") from None


def print_summary(result: ScanResult, db_url: str) -> None:
    table = Table(title=f"Scan run {result.run_id}: {result.status}")
    for col in ("site", "homepage", "pages", "links", "columns", "items", "errors"):
        table.add_column(col, justify="right" if col not in ("site", "homepage") else "left")
    for sid, st in sorted(result.site_stats.items()):
        home = "[green]ok" if st.get("home_ok") else f"[red]{escape(shown(st.get('home_error') or 'failed'))}"
        table.add_row(sid, home, str(st["pages"]), str(st["links"]), str(st["columns"]), str(st["items"]),
                      str(st["errors"]))
    if result.site_stats:
        console.print(table)
    if result.account_results:
        accounts = Table(title="New-media accounts")
        for col in ("account", "platform", "status", "posts", "newest post", "links"):
            accounts.add_column(col, justify="right" if col in ("posts", "links") else "left")
        for aid, res in sorted(result.account_results.items()):
            st = res["stats"]
            why = shown(res["error"] or res["status"])
            state = "[green]ok" if res["status"] == "completed" else f"[red]{escape(why[:60])}{'…' if len(why) > 60 else ''}"
            accounts.add_row(aid, st.get("platform", ""), state, str(st.get("posts", 0)), (st.get("newest") or "-")[:16],
                             str(st.get("links", 0)))
        console.print(accounts)
    if result.check_summary:
        from cli.cmd_report import print_check_summary

        print_check_summary(console, result.check_summary, db_url)


class Kind(StrEnum):
    """What the run is recorded as; `weekly` is the light scan (homepages and news columns only)."""

    full = "full"
    weekly = "weekly"
    single = "single"
    recheck = "recheck"


# exit code when every selected site is being scanned by another run (the scheduler logs it as skipped)


def scan(
    config: ConfigFile = None,
    db: DbWrite = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The check date (监测时间点), YYYY-MM-DD; default today")] = None,
    site: Annotated[list[str] | None, typer.Option("--site", help="Scan only this site id (repeatable)")] = None,
    log_file: LogFile = None,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress display (plain log on stderr)")] = False,
    no_checks: Annotated[bool, typer.Option("--no-checks", help="Crawl only; run `govinspect check` later")] = False,
    kind: Annotated[Kind | None, typer.Option("--kind", help="Run kind (default: single with --site, else full); "
                                              "weekly = homepages and news columns only")] = None,
    skip_busy: Annotated[bool, typer.Option("--skip-busy", help="Leave out sites another live run is scanning "
                                            f"instead of refusing (exit {exitcodes.BUSY} if all are busy)")] = False,
    workers: Annotated[int | None, typer.Option("--workers", min=1, envvar="GOVINSPECT_WORKERS",
                                                help="Processes crawling sites side by side, a few sites each "
                                                "(default: the number of cores; 1: one crawl in this process)")] = None,
    distributed: Annotated[bool, typer.Option("--distributed", help="Run the site tasks on the Celery workers "
                                              "(`govinspect worker`; broker $GOVINSPECT_BROKER, default "
                                              "redis://127.0.0.1:6379/0) and wait for them")] = False,
    resume: Annotated[int | None, typer.Option("--resume", metavar="RUN", help="Finish run RUN, which died: its "
                                               "sites that did not complete are crawled again, the others "
                                               "not; its date, kind and registry are the run's")] = None,
    worker_timeout: Annotated[float | None, typer.Option(
        "--worker-timeout", metavar="SECONDS", min=1, envvar="GOVINSPECT_WORKER_TIMEOUT",
        help="With --distributed: give up (the run failed, exit 1) when no worker has taken any of the run's "
        "site tasks for this long (default: wait; a line on stderr says so after "
        f"{NO_WORKER_NOTICE_S:g} s, see --worker-notice)")] = None,
    worker_notice: Annotated[float, typer.Option(
        "--worker-notice", metavar="SECONDS", min=1, envvar="GOVINSPECT_WORKER_NOTICE",
        help="With --distributed: the line on stderr saying no worker has taken any of the run's site tasks "
        "comes after this long")] = NO_WORKER_NOTICE_S,
) -> None:
    """Crawl the configured sites into the database, then run the checks and scores."""
    from db.session import resolve_url
    from scan.pool import default_workers
    from scan.runner import ScanBusyError, ScanError, ScanFailedError, run_scan

    try:
        result = run_scan(config, db_url=db, as_of=_as_of(as_of), site_ids=site or [],
                          kind=kind.value if kind else ("single" if site else "full"), progress=not no_progress,
                          log_file=str(log_file) if log_file else None, run_checks=not no_checks,
                          skip_busy=skip_busy, workers=workers or default_workers(),
                          distributed=distributed, resume=resume, worker_timeout=worker_timeout,
                          worker_notice=worker_notice)
    except ConfigError as exc:
        say_error("[red]config error:[/]", exc)
        raise typer.Exit(exitcodes.USAGE) from None
    except ScanBusyError as exc:
        say_error("[yellow]busy:[/]", exc)
        raise typer.Exit(exitcodes.BUSY) from None
    except ScanFailedError as exc:
        say_error("[red]scan error:[/]", exc)
        raise typer.Exit(exitcodes.FAILED) from None
    except ScanError as exc:
        say_error("[red]scan error:[/]", exc)
        raise typer.Exit(exitcodes.USAGE) from None
    print_summary(result, resolve_url(db))
    if result.skipped_busy:
        err_console.print("skipped (being scanned by another run): " + ", ".join(
            f"{sid} (run {rid})" for sid, rid in sorted(result.skipped_busy.items())), highlight=False)
    if result.status != "completed":
        say_error(f"[red]scan {result.run_id} {result.status}:[/]", result.error)
        raise typer.Exit(exitcodes.FAILED)


def say_error(label: str, message: object) -> None:
    """One line on stderr, never wrapped (a script greps it) and never read as Rich markup: the
    message quotes paths, URLs and server text, any of which may contain "[...]"."""
    err_console.print(f"{label} {escape(shown(message))}", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("scan")(scan)
