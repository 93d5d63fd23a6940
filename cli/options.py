"""The options that name a file, a directory or a database, shared by every command and checked
before any work starts: a bad one ends the command with one line naming the option and the
problem, exit code 2, no traceback, and nothing created.

- `DbRead`: a database a command only reads or reviews (findings, scores, check, review, status,
  schedule list, recheck): it must exist and hold the govinspect schema — a mistyped path never
  becomes a new empty SQLite file.
- `DbWrite`: a database a command may create (scan, db upgrade, schedule run): a SQLite file's
  directory must exist and take new files; a PostgreSQL server must answer.
- `ConfigFile`, `ScheduleFile`, `IndicatorsFile`: an existing, readable file (its content is
  checked by the config loaders, which report file:line).
- `OutputFile`, `LogFile`: a file whose directory exists and takes new files.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from core import exitcodes
from core.sanitize import shown

DB_HELP = "Database URL or SQLite file (default $GOVINSPECT_DB or ./govinspect.db)"
SQLITE_MAGIC = b"SQLite format 3\x00"
CONNECT_TIMEOUT_S = 5


class OptionError(Exception):
    """A bad option value; str() says what is wrong with it."""


def command_name(ctx: Any) -> str:
    """'govinspect db upgrade', however the program was started."""
    names: list[str] = []
    while ctx is not None and ctx.parent is not None:
        names.insert(0, ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(["govinspect", *names])


def fail(ctx: Any, option: str, value: Any, problem: str) -> NoReturn:
    typer.echo(f"{command_name(ctx)}: {option} {shown(value)}: {shown(problem)}", err=True)
    raise typer.Exit(exitcodes.USAGE)


def _first_line(exc: BaseException) -> str:
    inner = getattr(exc, "orig", None) or exc
    lines = [ln.strip() for ln in str(inner).strip().splitlines() if ln.strip()]
    return lines[0] if lines else type(inner).__name__


def _takes_new_files(directory: Path) -> None:
    if not directory.exists():
        raise OptionError(f"the directory {directory} does not exist")
    if not directory.is_dir():
        raise OptionError(f"{directory} is not a directory")
    try:  # access() says yes to root even where the file system refuses (/proc): try it
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as exc:
        raise OptionError(f"cannot create files in {directory} ({exc.strerror or exc})") from None


# --- databases ---------------------------------------------------------------------------------------------


def _check_sqlite(database: str | None, *, existing: bool) -> None:
    if not database or database == ":memory:" or database.startswith("file:"):
        raise OptionError("an in-memory SQLite database keeps nothing; name a file")
    path = Path(os.path.abspath(database))
    if path.is_dir():
        raise OptionError(f"{path} is a directory, not a database file")
    if not path.exists():
        if existing:
            raise OptionError("no such database file (this command never creates one; `govinspect scan` or "
                              "`govinspect db upgrade` does)")
        _takes_new_files(path.parent)
        return
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise OptionError(f"cannot read it ({exc.strerror or exc})") from None
    if head and head != SQLITE_MAGIC:
        raise OptionError("not a SQLite database file")
    if existing and not _has_schema(path):
        raise OptionError("no govinspect schema in it (`govinspect db upgrade` creates it)")
    if not existing and not os.access(path, os.W_OK):
        raise OptionError("the file is not writable")


def _has_schema(path: Path) -> bool:
    import sqlite3
    from contextlib import closing

    try:  # mode=rw: opens the file that is there, never creates one
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True, timeout=30)) as conn:
            return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")\
                .fetchone() is not None
    except sqlite3.Error as exc:
        raise OptionError(f"cannot open it ({exc})") from None


def _check_server(url: str, *, existing: bool) -> None:
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.pool import NullPool

    try:
        make_url(url).get_dialect().import_dbapi()
    except ImportError as exc:
        raise OptionError(f"its driver is not installed ({exc})") from None
    engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    try:
        with engine.connect() as conn:
            if existing and not inspect(conn).has_table("alembic_version"):
                raise OptionError("no govinspect schema there (`govinspect db upgrade` creates it)")
    except SQLAlchemyError as exc:
        raise OptionError(f"cannot connect ({_first_line(exc)})") from None
    finally:
        engine.dispose()


def check_database(value: str | None, *, existing: bool) -> str:
    """The database URL `value` names (as db.session.resolve_url reads it), or OptionError."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from db.session import resolve_url

    url = resolve_url(value)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise OptionError("not a database URL: give a SQLite file or postgresql://user@host/db") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        _check_sqlite(parsed.database, existing=existing)
    elif backend == "postgresql":
        _check_server(url, existing=existing)
    else:
        raise OptionError(f"unsupported database {backend!r}: give a SQLite file or postgresql://user@host/db")
    return url


def _db_label(value: str | None) -> tuple[str, str]:
    from db.session import DEFAULT_DB_FILE

    if value is not None:
        return "--db", _display(value)
    env = os.environ.get("GOVINSPECT_DB")
    return ("GOVINSPECT_DB", _display(env)) if env else ("--db (default)", DEFAULT_DB_FILE)


def _display(url: str) -> str:
    from sqlalchemy.engine import make_url

    if "://" not in url:
        return url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def _db_callback(existing: bool) -> Any:
    def callback(ctx: typer.Context, value: str | None) -> str | None:
        if ctx.resilient_parsing:
            return value
        try:
            check_database(value, existing=existing)
        except OptionError as exc:
            fail(ctx, *_db_label(value), str(exc))
        return value

    return callback


db_read, db_write = _db_callback(existing=True), _db_callback(existing=False)
DbRead = Annotated[str | None, typer.Option("--db", help=DB_HELP, callback=db_read)]
DbWrite = Annotated[str | None, typer.Option("--db", help=DB_HELP, callback=db_write)]


@contextmanager
def database_errors(db: str | None) -> Iterator[None]:
    """A database failing in the middle of a command (it was checked up front): one line, exit 1."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except SQLAlchemyError as exc:
        option, value = _db_label(db)
        hint = _behind_hint(db, option, value)
        typer.echo(f"govinspect: {option} {shown(value)}: the database failed ({shown(_first_line(exc))}){hint}",
                   err=True)
        raise typer.Exit(exitcodes.FAILED) from None


def _behind_hint(db: str | None, option: str, value: str) -> str:
    """What to do when the failure is a schema older than this govinspect's (a column it reads
    is missing): "" when the schema is current or cannot be read."""
    from db.migrate import current, head

    try:
        at, want = current(db), head()
    except Exception:  # the hint must never hide the failure itself
        return ""
    if at is None or at == want:
        return ""
    return (f"; its schema is at revision {at} and this govinspect reads {want}: run "
            f"`govinspect db upgrade {option} {shown(value)}` (a scan upgrades it too)")


# --- files and directories ---------------------------------------------------------------------------------


def check_input_file(path: Path) -> None:
    if not path.exists():
        raise OptionError("no such file")
    if path.is_dir():
        raise OptionError("is a directory, not a file")
    if not os.access(path, os.R_OK):
        raise OptionError("the file is not readable")


def check_output_file(path: Path) -> None:
    if path.is_dir():
        raise OptionError("is a directory, not a file")
    if path.exists() and not os.access(path, os.W_OK):
        raise OptionError("the file is not writable")
    _takes_new_files(Path(os.path.abspath(path)).parent)


def check_output_dir(path: Path) -> None:
    """A directory the command may create: it, or its nearest existing parent, takes new files."""
    path = Path(os.path.abspath(path))
    if path.exists() and not path.is_dir():
        raise OptionError("is not a directory")
    existing = next(p for p in (path, *path.parents) if p.exists())
    _takes_new_files(existing)


def _path_callback(check: Any) -> Any:
    def callback(ctx: typer.Context, param: typer.CallbackParam, value: Path | None) -> Path | None:
        if ctx.resilient_parsing or value is None:
            return value
        try:
            check(value)
        except OptionError as exc:
            fail(ctx, param.opts[0] if param.opts else str(param.name), value, str(exc))
        return value

    return callback


# for an option with its own help text: typer.Option("--output", help=..., callback=output_path)
input_path = _path_callback(check_input_file)
output_path = _path_callback(check_output_file)
_input, _output = input_path, output_path

ConfigFile = Annotated[Path | None, typer.Option("--config", "-c", help="Site registry YAML (default config/sites.yaml)",
                                                 callback=_input)]
ScheduleFile = Annotated[Path | None, typer.Option("--schedule", help="Scheduler config (default config/schedule.yaml)",
                                                   callback=_input)]
IndicatorsFile = Annotated[Path | None, typer.Option("--indicators", help="Indicator config (default "
                                                     "config/indicators.yaml)", callback=_input)]
OutputFile = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file", callback=_output)]
LogFile = Annotated[Path | None, typer.Option("--log-file", help="Write the crawl log here", callback=_output)]
OutputDir = Annotated[Path, typer.Option("--out", help="Where the sample sites, database and reports go",
                                         callback=_path_callback(check_output_dir))]
