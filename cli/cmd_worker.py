"""`govinspect worker`: a Celery worker that crawls site tasks (scan.tasks)."""

from __future__ import annotations

from typing import Annotated

import typer


def worker(
    concurrency: Annotated[int | None, typer.Option("--concurrency", "-c", min=1, help="Site tasks crawled at "
                                                    "once, each in its own process (default: the number of "
                                                    "cores)")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Worker name (default celery@<host>); unique per "
                                             "worker on one machine")] = None,
    loglevel: Annotated[str, typer.Option("--loglevel", help="Celery's log level")] = "INFO",
) -> None:
    """Take site tasks from the queue ($GOVINSPECT_BROKER, default redis://127.0.0.1:6379/0) until stopped;
    `govinspect scan --distributed` enqueues them. Start one on every machine that should crawl."""
    from scan.pool import default_workers
    from scan.tasks import run_worker

    run_worker(concurrency or default_workers(), loglevel=loglevel, hostname=name)


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
