"""Alembic environment for govinspect: the target schema is db.models.Base.metadata.

The database comes from, in order: a Connection or URL handed over by db.migrate in
config.attributes, `-x db=URL` on the alembic command line, then db.session.resolve_url() ($GOVINSPECT_DB,
./govinspect.db). Engines come from db.session.make_engine so migrations see the same SQLite pragmas and
transaction handling as the application.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from db.models import Base
from db.session import make_engine, resolve_url

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None and not config.attributes.get("skip_logging_config"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    return resolve_url(config.attributes.get("url") or context.get_x_argument(as_dictionary=True).get("db"))


def _include_name(name: str | None, type_: str, _parents: dict) -> bool:
    # the scheduler's job store (scheduler.py) is APScheduler's own table in the same database,
    # created by APScheduler; autogenerate must not propose dropping it
    return not (type_ == "table" and (name or "").startswith("apscheduler_"))


def _configure(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=_include_name,
        compare_type=True,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=sqlite,
        # db.session makes SQLAlchemy emit BEGIN itself, so SQLite DDL is transactional too: a failed
        # migration leaves the previous schema, not half of the new one.
        transactional_ddl=True,
    )


def run_migrations_offline() -> None:
    url = _url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
