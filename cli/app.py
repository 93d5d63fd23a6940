"""The `govinspect` command line. Each group of commands lives in its own module; this one only
assembles them."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="govinspect",
    help="Automated inspection of government websites and new-media accounts (政府网站与政务新媒体检查).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    # Imported here so `govinspect --help` stays fast and a broken optional module names itself.
    from cli import (
        cmd_db,
        cmd_demo,
        cmd_recheck,
        cmd_report,
        cmd_reports,
        cmd_scan,
        cmd_schedule,
        cmd_serve,
        cmd_user,
        cmd_worker,
    )

    cmd_scan.register(app)
    cmd_demo.register(app)
    cmd_db.register(app)
    cmd_report.register(app)
    cmd_schedule.register(app)
    cmd_recheck.register(app)
    cmd_serve.register(app)
    cmd_user.register(app)
    cmd_worker.register(app)
    cmd_reports.register(app)


def main() -> None:
    _register()
    app()


if __name__ == "__main__":
    main()
