"""Schema migrations, programmatically: `upgrade(url)` before using a database, `current(url)` to see
where it stands. The Alembic configuration is built in code from this package's own directory, so
it works from any working directory and from an installed package.

Alembic is imported only when there is something to migrate: the database's revision is read
from Alembic's version row with one query, and `upgrade()` of a database already at HEAD stops
there, since every scan (and so every one-process crawl) starts with it and Alembic costs 11 MB of
the process's memory."""

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
    # Alembic's version row, read without Alembic (see the module docstring)
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        revisions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(revisions) > 1:  # a history with branches; this project's is one line
        raise RuntimeError(f"the database is at several revisions at once: {', '.join(sorted(revisions))}")
    return revisions[0] if revisions else None


def upgrade(url: str | None = None, revision: str = "head") -> str | None:
    """Migrate the database up to `revision`; returns the revision reached. Safe to call every time
    (a database already there is left alone)."""
    if revision in ("head", HEAD) and current(url) == HEAD:
        return HEAD
    from alembic import command

    command.upgrade(alembic_config(url), revision)
    return current(url)


def downgrade(url: str | None, revision: str) -> str | None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)
    return current(url)
