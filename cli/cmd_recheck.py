"""`govinspect recheck --site ID [--url URL]`: after a webmaster says a problem is fixed, rescan the
site now (findings no longer seen are marked fixed, as after any scan), or request one broken link
again and mark its findings fixed if it works (monitor/recheck.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select

from cli.options import ConfigFile, DbRead, database_errors
from core import exitcodes
from core.sanitize import shown
from core.yamlconf import ConfigError

console = Console()
err_console = Console(stderr=True)



def _snapshot(db_url: str, site: str) -> dict[int, tuple[str, str, str]]:
    """finding id -> (check, target, status) of a site."""
    from db.models import Finding
    from db.session import make_engine, session_factory

    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as s:
            return {f.id: (f.check_id, f.target, f.status)
                    for f in s.scalars(select(Finding).where(Finding.subject_id == site))}
    finally:
        engine.dispose()


def _recheck_site(config: Path | None, db_url: str, site: str, as_of: dt.date | None) -> None:
    from cli.cmd_scan import print_summary
    from db.migrate import upgrade
    from scan.runner import ScanBusyError, ScanError, ScanFailedError, run_scan

    upgrade(db_url)
    before = _snapshot(db_url, site)
    try:
        result = run_scan(config, db_url=db_url, as_of=as_of, site_ids=[site], kind="recheck", progress=False)
    except ScanBusyError as exc:
        err_console.print(f"[yellow]busy:[/] {exc}", highlight=False)
        raise typer.Exit(exitcodes.BUSY) from None
    except ScanError as exc:
        err_console.print(f"[red]scan error:[/] {escape(shown(exc))}", highlight=False)
        # the database went away mid-scan is a failed scan; anything else is what was asked
        raise typer.Exit(exitcodes.FAILED if isinstance(exc, ScanFailedError) else exitcodes.USAGE) from None
    print_summary(result, db_url)
    if result.status != "completed":
        err_console.print(f"[red]recheck scan {result.run_id} {result.status}:[/] {escape(shown(result.error))}",
                          highlight=False)
        raise typer.Exit(exitcodes.FAILED)
    after = _snapshot(db_url, site)
    table = Table(title=f"Findings of {site} after recheck run {result.run_id}")
    for col in ("id", "check", "target", "was", "now"):
        table.add_column(col, overflow="fold")
    changed = 0
    for fid, (check, target, status) in sorted(after.items()):
        was = before.get(fid, (None, None, "-"))[2]
        if was != status or status in ("open", "confirmed"):
            color = "green" if status == "fixed" else "red" if status in ("open", "confirmed") else "white"
            table.add_row(str(fid), check, escape(shown(target)), was, f"[{color}]{status}")
            changed += was != status
    console.print(table)
    still = sum(1 for _, _, st in after.values() if st in ("open", "confirmed"))
    console.print(f"{changed} finding(s) changed status; {still} still open.")


def _recheck_url(config: Path | None, db_url: str, site: str, url: str) -> None:
    from checks.config import load_indicators
    from core.netpolicy import AddressPolicy
    from core.registry import DEFAULT_REGISTRY, load_registry
    from db.migrate import upgrade
    from db.session import make_engine, session_factory
    from monitor.recheck import recheck_url

    registry = load_registry(config or DEFAULT_REGISTRY)
    link_cfg = next(c.config for c in load_indicators().checks if c.check.id == "link_broken")
    policy = AddressPolicy.from_registry(registry)
    why = policy.check_url(url)
    if why:
        err_console.print(f"[red]not requested:[/] {why}", highlight=False)
        raise typer.Exit(exitcodes.USAGE)
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session:
            try:
                res = recheck_url(session, site, url, timeout_s=registry.crawl.download_timeout,
                                  user_agent=registry.crawl.user_agent,
                                  soft_404=link_cfg.soft_404, policy=policy)  # type: ignore[attr-defined]
            except LookupError as exc:
                err_console.print(f"[red]{exc}[/]", highlight=False)
                raise typer.Exit(exitcodes.USAGE) from None
            ids = ", ".join(str(f.id) for f in res.findings)
    finally:
        engine.dispose()
    if res.working:
        console.print(f"[green]fixed:[/] {escape(shown(res.url))} works now ({escape(shown(res.why))}); "
                      f"finding(s) {ids} marked fixed.",
                      highlight=False)
        return
    console.print(f"[red]still broken:[/] {escape(shown(res.url))} ({escape(shown(res.why))}); finding(s) {ids} "
                  "stay open.", highlight=False)
    raise typer.Exit(exitcodes.FAILED)


def recheck(
    site: Annotated[str, typer.Option("--site", help="The site (or account) id to recheck")],
    url: Annotated[str | None, typer.Option("--url", help="Recheck only this broken link of the site")] = None,
    config: ConfigFile = None,
    db: DbRead = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Check date of the site rescan, YYYY-MM-DD (default "
                                              "today); not with --url")] = None,
) -> None:
    """Rescan one site now and update its findings (fixed when gone), or with --url request one
    broken link again: fixed if it works now (exit 0), else it stays open (exit 1)."""
    from db.session import resolve_url

    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise typer.BadParameter(f"--as-of must be YYYY-MM-DD, got {as_of!r}") from None
    if url and as_of:
        # a link is requested now and its answer is recorded with the time it came: there is no
        # scan run to carry a check date, and backdating the verdict would misstate when it held
        raise typer.BadParameter("applies to the site rescan only (without --url): a single link is "
                                 "requested now and recorded with the time of the request", param_hint="'--as-of'")
    db_url = resolve_url(db)
    try:
        with database_errors(db):
            if url:
                _recheck_url(config, db_url, site, url)
            else:
                _recheck_site(config, db_url, site, day)
    except ConfigError as exc:
        err_console.print(f"[red]config error:[/] {exc}", highlight=False)
        raise typer.Exit(exitcodes.USAGE) from None


def register(app: typer.Typer) -> None:
    app.command("recheck")(recheck)
