"""Engine and session factory. SQLite file by default; PostgreSQL (or any SQLAlchemy URL) by URL."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_DB_FILE = "govinspect.db"
# A new SQLite file gets 1 KiB pages (an existing one keeps its own). A crawl commit rewrites, in the
# WAL, every page its rows touch; the unique keys on URL hashes (urls, pages, link results, column
# items) take a batch's rows at scattered places, a page each, so a smaller page writes fewer bytes.
PAGE_SIZE = 1024
WAL_CHECKPOINT_BYTES = 256 * 2**20
CACHE_KIB = 2048  # per connection (SQLite's default): a crawl process holds several connections for hours

# Execution option asking a SQLite transaction to start with BEGIN IMMEDIATE (take the write lock
# first). A transaction that reads and then writes must do so: in WAL mode a deferred transaction
# whose snapshot went stale cannot upgrade to a writer and fails at once with "database is locked".
SQLITE_IMMEDIATE = "govinspect_sqlite_immediate"


def resolve_url(url: str | None = None) -> str:
    """--db beats GOVINSPECT_DB beats ./govinspect.db. A bare path means a SQLite file."""
    url = url or os.environ.get("GOVINSPECT_DB") or DEFAULT_DB_FILE
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    elif url.startswith("postgresql://"):
        # psycopg 3 is the declared driver; plain postgresql:// would ask for psycopg2
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _json_dumps(value: Any) -> str:
    # Chinese text stays readable in the database; a stray date in page meta must not fail a batch.
    return json.dumps(value, ensure_ascii=False, default=str)


class DatabaseGoneError(SQLAlchemyError):
    """The SQLite database file was deleted or replaced while in use: what is written now would be
    lost with the unlinked file, so nothing more is written."""


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for another database or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:" \
            or parsed.database.startswith("file:"):
        return None
    return Path(os.path.abspath(parsed.database))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _guard_sqlite_file(engine: Engine, path: Path) -> None:
    """A SQLite connection keeps writing into a file that was deleted under it (the inode lives
    on) and reports success. So: once this engine has a database file, every new connection opens
    that file only if it is there (never creates an empty one in its place), and every transaction
    first checks it is still the same file."""
    known: dict[str, tuple[int, int] | None] = {"id": _identity(path)}

    @event.listens_for(engine, "do_connect")
    def _open_existing_only(dialect, conn_rec, cargs, cparams):  # type: ignore[no-untyped-def]
        if known["id"] is not None:
            cargs[:] = [path.as_uri() + "?mode=rw"]
            cparams["uri"] = True

    @event.listens_for(engine, "connect")
    def _remember(dbapi_conn, conn_rec):  # type: ignore[no-untyped-def]
        if known["id"] is None:
            known["id"] = _identity(path)

    @event.listens_for(engine, "begin")
    def _still_there(conn):  # type: ignore[no-untyped-def]
        if known["id"] is not None and _identity(path) != known["id"]:
            raise DatabaseGoneError(f"the database file {path} was deleted or replaced while in use")


def make_engine(url: str | None = None) -> Engine:
    """Any SQLAlchemy URL works; query parameters reach the driver (e.g. PostgreSQL
    `?options=-csearch_path%3Dmyschema` to work inside one schema)."""
    url = resolve_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, json_serializer=_json_dumps)
        if (path := sqlite_path(url)) is not None:
            _guard_sqlite_file(engine, path)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            # WAL keeps readers (checks, UI) working while a crawl writes, and makes a killed
            # writer lose at most its uncommitted batch.
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA page_size={PAGE_SIZE}")  # before WAL: a no-op once the file has pages
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            # a checkpoint copies each page the WAL holds into the database once, however many
            # commits rewrote it: checkpointing every 256 MB rather than SQLite's 4 MB copies the
            # pages a crawl keeps rewriting (index pages, the tables' last pages) far less often
            page_size = cur.execute("PRAGMA page_size").fetchone()[0]
            cur.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_BYTES // page_size}")
            # a transaction whose dirty pages overflow the cache spills them into the WAL before its
            # commit, and rewrites them there when it touches them again
            cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
            # sqlite3 (Python < 3.12) only BEGINs before DML and never before a SELECT or DDL;
            # let SQLAlchemy emit BEGIN itself (the recipe of SQLAlchemy's SQLite docs) so that a
            # transaction is one transaction and BEGIN IMMEDIATE is possible.
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # type: ignore[no-untyped-def]
            immediate = conn.get_execution_options().get(SQLITE_IMMEDIATE)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, json_serializer=_json_dumps)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
