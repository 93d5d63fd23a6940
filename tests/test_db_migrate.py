"""Alembic migrations: the upgraded schema is exactly db.models, on SQLite and PostgreSQL; the
programmatic API and `govinspect db` commands."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import typer
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from samples_env import run_python
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from cli import cmd_db
from db import migrate
from db.models import Base
from db.session import make_engine


def schema_diffs(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
            return compare_metadata(ctx, Base.metadata)
    finally:
        engine.dispose()


def test_upgraded_schema_equals_models(db_url: str) -> None:
    assert migrate.current(db_url) == migrate.head()
    assert schema_diffs(db_url) == []
    engine = make_engine(db_url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


def test_compare_sees_a_drifted_schema(sqlite_url: str) -> None:
    # guards the test above: a schema that differs from the models must show up as diffs
    engine = make_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_site_scans_site_id"))
        conn.execute(text("ALTER TABLE pages ADD COLUMN stray INTEGER"))
    engine.dispose()
    kinds = {d[0] if isinstance(d, tuple) else d[0][0] for d in schema_diffs(sqlite_url)}
    assert {"add_index", "remove_column"} <= kinds


def test_downgrade_to_base_and_back(db_url: str) -> None:
    assert migrate.downgrade(db_url, "base") is None
    engine = make_engine(db_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    assert migrate.upgrade(db_url) == migrate.head()
    assert migrate.upgrade(db_url) == migrate.head()  # again: nothing to do
    assert schema_diffs(db_url) == []


def test_head_constant_is_alembics_head() -> None:
    assert migrate.head() == migrate.HEAD


def test_upgrade_of_a_database_at_head_leaves_alembic_unloaded(sqlite_url: str) -> None:
    """Every scan starts with upgrade(): on a database already migrated it costs one query, not
    Alembic's import (11 MB of the crawl process's memory)."""
    code = ("import sys; from db import migrate; "
            f"r = migrate.upgrade({sqlite_url!r}); print(r, 'alembic' in sys.modules)")
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == [migrate.HEAD, "False"]


def test_upgrade_works_from_any_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVINSPECT_DB", raising=False)
    assert migrate.current(None) is None  # ./govinspect.db, created empty
    assert migrate.upgrade() == migrate.head()
    assert (tmp_path / "govinspect.db").exists()
    assert migrate.current("govinspect.db") == migrate.head()


# --- govinspect db ... ---------------------------------------------------------------------------


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()
    cmd_db.register(app)

    @app.callback()
    def _root() -> None:  # keeps `db` a sub-command even with a single group
        pass

    return app


def test_cli_upgrade_then_current(cli: typer.Typer, tmp_path: Path) -> None:
    runner = CliRunner()
    db_file = tmp_path / "cli.db"
    res = runner.invoke(cli, ["db", "upgrade", "--db", str(db_file)])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith(f"{migrate.head()} (head)")
    res = runner.invoke(cli, ["db", "current", "--db", str(db_file)])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith(f"{migrate.head()} (head)")
    assert str(db_file) in res.stdout


def test_cli_db_from_environment(cli: typer.Typer, tmp_path: Path) -> None:
    db_file = tmp_path / "env.db"
    res = CliRunner().invoke(cli, ["db", "upgrade"], env={"GOVINSPECT_DB": str(db_file)})
    assert res.exit_code == 0, res.output
    assert db_file.exists()


def test_cli_current_of_empty_database(cli: typer.Typer, tmp_path: Path) -> None:
    db_file = tmp_path / "empty.db"
    make_engine(str(db_file)).connect().close()
    res = CliRunner().invoke(cli, ["db", "current", "--db", str(db_file)])
    assert res.exit_code == 0
    assert res.stdout.startswith("none (empty database")


@pytest.mark.parametrize(
    "args",
    [
        ["db", "upgrade", "--db", "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=3"],
        ["db", "current", "--db", "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=3"],
        ["db", "current", "--db", "/nonexistent/dir/none.db"],
        ["db", "upgrade", "--db", "/nonexistent/dir/none.db"],
    ],
)
def test_cli_errors_are_one_line_and_exit_2(cli: typer.Typer, args: list[str]) -> None:
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2, res.output
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith(f"govinspect db {args[1]}: ")
    assert not os.path.exists("/nonexistent/dir/none.db")
