"""`govinspect serve`: the inspectors' web UI (web/)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cli.options import DbWrite, input_path

console = Console(stderr=True)


def serve(
    db: DbWrite = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on", min=1, max=65535)] = 8000,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="Site registry for site rechecks (default config/sites.yaml)", callback=input_path)] = None,
    schedule: Annotated[Path | None, typer.Option("--schedule", help="Schedule config with the publication deadline (default config/schedule.yaml)", callback=input_path)] = None,
) -> None:
    """Start the web UI for inspectors and unit webmasters (Ctrl-C stops it). Sessions are signed with
    $GOVINSPECT_SECRET (random per start when unset: everyone signs in again after a restart)."""
    import uvicorn

    from db.migrate import upgrade
    from db.session import resolve_url

    url = resolve_url(db)
    upgrade(url)
    # the app is named, not imported: cli and web are sibling layers that never import each other
    os.environ["GOVINSPECT_DB"] = url
    for name, value in (("GOVINSPECT_REGISTRY", config), ("GOVINSPECT_SCHEDULE", schedule)):
        if value is not None:
            os.environ[name] = str(value.resolve())
    console.print(f"govinspect web UI on http://{host}:{port}/ (database {url}); Ctrl-C stops it", highlight=False)
    uvicorn.run("web.app:app_from_env", factory=True, host=host, port=port, log_level="warning",
                server_header=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
