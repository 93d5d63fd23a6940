"""`govinspect demo`: the bundled sample sites and accounts, scanned end to end, then where to look.
The only command that uses samplesites, through its one entry point (samplesites.demo)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.cmd_scan import _as_of, console, print_summary, say_error
from cli.options import OutputDir
from core import exitcodes
from core.clock import local_today


def demo(
    out: OutputDir = Path("govinspect-demo"),
    as_of: Annotated[str | None, typer.Option("--as-of", help="Check date, YYYY-MM-DD (default today)")] = None,
) -> None:
    """Generate the bundled sample government sites, serve them on loopback, scan them, show the
    results and where they are, stop the sites and exit."""
    from samplesites.demo import DemoError, serve_demo
    from scan.runner import run_scan

    day = _as_of(as_of) or local_today()
    out = out.resolve()
    db_path = out / "govinspect.db"
    if db_path.exists():
        db_path.unlink()
    try:
        with serve_demo(out, day) as sample:
            console.print(f"Serving {len(sample.site_urls)} sample sites: " + ", ".join(sample.site_urls.values()))
            console.print(f"Serving {len(sample.truth['accounts'])} sample new-media accounts at {sample.accounts_url}")
            # the run history backdated_item reads: the portal a day earlier, then as it is today
            console.print("Scanning the city portal as of the day before (the run history a second scan compares with)")
            sample.previous_scan(str(db_path), log_file=str(out / "scan-previous.log"))
            result = run_scan(sample.registry, db_url=str(db_path), as_of=day, progress=True,
                              log_file=str(out / "scan.log"))
    except DemoError as exc:
        say_error("[red]demo:[/]", exc)
        raise typer.Exit(exitcodes.USAGE) from None
    sites_dir, truth = sample.sites_dir, sample.truth
    truth_file = sample.truth_file
    print_summary(result, str(db_path))
    if result.check_summary:
        from cli.cmd_report import print_worst_findings

        print_worst_findings(console, str(db_path))
    console.print()
    console.print("[bold]Where to look[/]")
    console.print(f"  database      {db_path}")
    console.print(f"  crawl log     {out / 'scan.log'}")
    console.print(f"  sample sites  {sites_dir} (truth: {truth_file}, {len(truth['findings'])} planted defects)")
    from cli.cmd_report import cli_name

    console.print(f"  findings      {cli_name()} findings --db {db_path} --format table")
    console.print(f"  scores        {cli_name()} scores --db {db_path}")
    console.print(f"  web UI        {cli_name()} user add admin --role admin --db {db_path}   (once: sets a password)")
    console.print(f"                {cli_name()} serve --db {db_path}   then open http://127.0.0.1:8000/")
    if result.status != "completed":
        raise typer.Exit(exitcodes.FAILED)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
