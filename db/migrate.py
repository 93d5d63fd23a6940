"""Schema migrations, programmatically: `upgrade(url)` before using a database, `current(url)` to see
where it stands. The Alembic configuration is built in code from this package's own directory, so
it works from any working directory and from an installed package.

Alembic is imported only when there is something to migrate or to report: `upgrade()` of a
database already at HEAD reads its version row with one query, since every scan (and so every
one-process crawl) starts with it and Alembic costs 11 MB of the process's memory."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from db.session import make_engine, resolve_url

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# the newest revision under migrations/versions (tests/test_db_migrate.py holds it to Alembic's head)
HEAD = "0006"


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    # configparser interpolates '%'; paths and URLs may contain it
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    # handed to env.py outside the ini (no interpolation, no logging reconfiguration)
    cfg.attributes["url"] = resolve_url(url)
    return cfg


def head() -> str:
    from alembic.script import ScriptDirectory

    rev = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert rev is not None
    return rev


def current(url: str | None = None) -> str | None:
    """The revision the database is at; None for a database never migrated (or empty)."""
    engine = make_engine(url)
    try:
        return current_for_engine(engine)
    finally:
        engine.dispose()


def current_for_engine(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(url: str | None = None, revision: str = "head") -> str | None:
    """Migrate the database up to `revision`; returns the revision reached. Safe to call every time
    (a database already there is left alone)."""
    if revision in ("head", HEAD) and _at_head(url):
        return HEAD
    from alembic import command

    command.upgrade(alembic_config(url), revision)
    return current(url)


def _at_head(url: str | None) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return False
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [HEAD]
    finally:
        engine.dispose()


def downgrade(url: str | None, revision: str) -> str | None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)
    return current(url)
