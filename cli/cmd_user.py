"""`govinspect user add/list/disable/enable`: the web UI's accounts, from the shell (the first
admin too)."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cli.options import DB_HELP, db_read, db_write
from core.exitcodes import USAGE

console = Console()
err_console = Console(stderr=True)
user_app = typer.Typer(help="The web UI's users (admin, inspector, unit webmaster).", no_args_is_help=True)


class Role(StrEnum):
    admin = "admin"
    inspector = "inspector"
    webmaster = "webmaster"


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    env = os.environ.get("GOVINSPECT_PASSWORD")
    if env:
        return env
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@user_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Sign-in name")],
    role: Annotated[Role, typer.Option("--role", help="admin, inspector or webmaster")],
    unit: Annotated[str | None, typer.Option("--unit", help="The unit a webmaster manages (unit id)")] = None,
    name: Annotated[str, typer.Option("--name", help="Display name")] = "",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin "
                                                 "(else $GOVINSPECT_PASSWORD, else a prompt)")] = False,
    db: Annotated[str | None, typer.Option("--db", help=DB_HELP, callback=db_write)] = None,
) -> None:
    """Create a user."""
    from db.migrate import upgrade
    from db.session import make_engine, resolve_url, session_scope
    from reports.users import UserError, add_user

    password = _password(password_stdin)
    url = resolve_url(db)
    upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            user = add_user(session, username, password, role.value, unit, name)
            console.print(f"user {escape(user.username)} ({user.role}{', unit ' + user.unit_id if user.unit_id else ''}) created")
    except UserError as exc:
        err_console.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(USAGE) from None
    finally:
        engine.dispose()


@user_app.command("list")
def list_(db: Annotated[str | None, typer.Option("--db", help=DB_HELP, callback=db_read)] = None) -> None:
    """The users and their roles."""
    from db.migrate import upgrade
    from db.session import make_engine, resolve_url, session_factory
    from reports.users import list_users

    url = resolve_url(db)
    upgrade(url)
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            users = list_users(session)
            table = Table(title=f"Users ({len(users)})")
            for col in ("username", "name", "role", "unit", "active", "last login (UTC)"):
                table.add_column(col)
            for u in users:
                table.add_row(escape(u.username), escape(u.display_name), u.role, u.unit_id or "all",
                              "yes" if u.active else "[red]no", f"{u.last_login_at:%Y-%m-%d %H:%M}" if u.last_login_at else "")
    finally:
        engine.dispose()
    console.print(table)


def _set_active(username: str, active: bool, db: str | None) -> None:
    from db.migrate import upgrade
    from db.session import make_engine, resolve_url, session_scope
    from reports.users import UserError, set_active

    url = resolve_url(db)
    upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            set_active(session, username, active)
    except UserError as exc:
        err_console.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(USAGE) from None
    finally:
        engine.dispose()
    console.print(f"user {escape(username)} {'enabled' if active else 'disabled'}")


@user_app.command("disable")
def disable(username: Annotated[str, typer.Argument(help="Sign-in name")],
            db: Annotated[str | None, typer.Option("--db", help=DB_HELP, callback=db_read)] = None) -> None:
    """Disable a user: their sessions end at their next request."""
    _set_active(username, False, db)


@user_app.command("enable")
def enable(username: Annotated[str, typer.Argument(help="Sign-in name")],
           db: Annotated[str | None, typer.Option("--db", help=DB_HELP, callback=db_read)] = None) -> None:
    """Enable a disabled user again."""
    _set_active(username, True, db)


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
