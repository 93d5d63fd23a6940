"""Schema migrations, programmatically: `upgrade(url)` before using a database, `current(url)` to see
where it stands. The Alembic configuration is built in code from this package's own directory, so
it works from any working directory and from an installed package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from db.session import make_engine, resolve_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    # configparser interpolates '%'; paths and URLs may contain it
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    # handed to env.py outside the ini (no interpolation, no logging reconfiguration)
    cfg.attributes["url"] = resolve_url(url)
    return cfg


def head() -> str:
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
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(url: str | None = None, revision: str = "head") -> str | None:
    """Migrate the database up to `revision`; returns the revision reached. Safe to call every time
    (a database already there is left alone)."""
    command.upgrade(alembic_config(url), revision)
    return current(url)


def downgrade(url: str | None, revision: str) -> str | None:
    command.downgrade(alembic_config(url), revision)
    return current(url)
