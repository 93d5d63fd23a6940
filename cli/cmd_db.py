"""`govinspect db upgrade` and `govinspect db current`: the schema of the results database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.options import DbWrite
from core import exitcodes

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL or SQLite file (default $GOVINSPECT_DB or ./govinspect.db)"),
]

db_app = typer.Typer(help="Database schema: create or migrate it, show its revision.", no_args_is_help=True)


def _display(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _error_line(exc: BaseException) -> str:
    # SQLAlchemy wraps driver errors with the SQL and a help link; the driver's first line says it all
    inner = getattr(exc, "orig", None) or exc
    lines = [ln.strip() for ln in str(inner).strip().splitlines() if ln.strip()]
    return lines[0] if lines else type(inner).__name__


def _fail(command: str, url: str, exc: BaseException) -> typer.Exit:
    typer.echo(f"govinspect db {command}: {_display(url)}: {_error_line(exc)}", err=True)
    return typer.Exit(exitcodes.USAGE)


def _describe(rev: str | None, head: str) -> str:
    if rev is None:
        return "none (empty database: run `govinspect db upgrade`)"
    if rev == head:
        return f"{rev} (head)"
    return f"{rev} (head is {head}: run `govinspect db upgrade`)"


@db_app.command("upgrade")
def upgrade_cmd(
    db: DbWrite = None,
    revision: Annotated[str, typer.Option("--revision", help="Target revision")] = "head",
) -> None:
    """Create the database schema or migrate it to the latest revision; prints the revision reached."""
    from db.migrate import head, upgrade
    from db.session import resolve_url

    url = resolve_url(db)
    try:
        reached = upgrade(url, revision)
    except Exception as exc:  # one line for whatever went wrong: connection, permissions, bad revision
        raise _fail("upgrade", url, exc) from None
    typer.echo(f"{_describe(reached, head())}  {_display(url)}")


@db_app.command("current")
def current_cmd(db: DbOption = None) -> None:
    """Show the schema revision of the database."""
    from sqlalchemy.engine import make_url

    from db.migrate import current, head
    from db.session import resolve_url

    url = resolve_url(db)
    try:
        parsed = make_url(url)
        # connecting would create an empty SQLite file where the user mistyped a path
        if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:" \
                and not Path(parsed.database).exists():
            raise FileNotFoundError(f"no database file {parsed.database}")
        rev = current(url)
    except Exception as exc:
        raise _fail("current", url, exc) from None
    typer.echo(f"{_describe(rev, head())}  {_display(url)}")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
