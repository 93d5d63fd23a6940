"""Engine and session factory. SQLite file by default; PostgreSQL (or any SQLAlchemy URL) by URL."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_DB_FILE = "govinspect.db"

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


def make_engine(url: str | None = None) -> Engine:
    """Any SQLAlchemy URL works; query parameters reach the driver (e.g. PostgreSQL
    `?options=-csearch_path%3Dmyschema` to work inside one schema)."""
    url = resolve_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, json_serializer=_json_dumps)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            # WAL keeps readers (checks, UI) working while a crawl writes, and makes a killed
            # writer lose at most its uncommitted batch.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
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
