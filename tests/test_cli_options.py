"""Every option naming a file, a directory or a database is checked before any work (cli/options.py):
a bad one ends the command with one line naming the option and the problem, exit code 2, no
traceback, and no file created — a read command never creates a database."""

from __future__ import annotations

from pathlib import Path

import pytest
from samples_env import ROOT, run_cli

from db.migrate import upgrade

UNREACHABLE_PG = "postgresql://nouser@127.0.0.1:1/x"  # nothing listens on port 1: refused


def _tree(path: Path) -> set[Path]:
    return set(path.rglob("*"))


# (command line with {tmp} and {db} placeholders, the option named, a word of the problem)
CASES = [
    ("scan --db sqlite:////proc/x.db", "--db", "cannot create"),
    ("findings --db sqlite:////proc/x.db", "--db", "no such database"),
    ("scan --db /nonexistent/dir/x.db", "--db", "does not exist"),
    ("findings --db /nonexistent/dir/x.db", "--db", "no such database"),
    (f"scan --db {UNREACHABLE_PG}", "--db", "cannot connect"),
    (f"findings --db {UNREACHABLE_PG}", "--db", "cannot connect"),
    (f"schedule list --db {UNREACHABLE_PG}", "--db", "cannot connect"),
    (f"status --db {UNREACHABLE_PG}", "--db", "cannot connect"),
    ("scan --db foo://bar", "--db", "unsupported database"),
    ("findings --db mysql://user@127.0.0.1/x", "--db", "unsupported database"),
    ("findings --db not-a-url://", "--db", ""),
    ("scan --config {tmp}", "--config", "directory"),
    ("schedule list --db {db} --config {tmp}", "--config", "directory"),
    ("status --db {db} --schedule {tmp}/nope.yaml", "--schedule", "no such file"),
    ("check --db {db} --indicators {tmp}", "--indicators", "directory"),
    ("findings --db {db} -o /proc/nope.csv", "--output", "cannot create"),
    ("scores --db {db} --output {tmp}", "--output", "directory"),
    ("scan --db {db} --log-file /nonexistent/dir/scan.log", "--log-file", "does not exist"),
    ("findings --db {tmp}/missing.db", "--db", "no such database"),
    ("scores --db {tmp}/missing.db", "--db", "no such database"),
    ("status --db {tmp}/missing.db", "--db", "no such database"),
    ("schedule list --db {tmp}/missing.db", "--db", "no such database"),
    ("check --db {tmp}/missing.db", "--db", "no such database"),
    ("review 1 --status confirmed --db {tmp}/missing.db", "--db", "no such database"),
    ("findings --db {tmp}/empty.db", "--db", "no govinspect schema"),
    ("findings --db {tmp}/text.db", "--db", "not a SQLite database"),
    ("findings --db {tmp}", "--db", "is a directory"),
    ("report findings --db {db} -o /proc/nope.xlsx", "--output", "cannot create"),
    ("report tongbao --db {tmp}/missing.db -o {tmp}/t.docx", "--db", "no such database"),
    ("user list --db {tmp}/missing.db", "--db", "no such database"),
    ("serve --db foo://bar", "--db", "unsupported database"),
    ("serve --db {db} --config {tmp}", "--config", "directory"),
    ("demo --out /proc/demo", "--out", "cannot create"),
]


@pytest.fixture(scope="module")
def good_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("gooddb") / "good.db"
    upgrade(str(db))
    return db


@pytest.mark.parametrize(("cmd", "option", "problem"), CASES, ids=[c[0] for c in CASES])
def test_a_bad_option_is_one_line_and_exit_2(tmp_path: Path, good_db: Path, cmd: str, option: str,
                                            problem: str) -> None:
    (tmp_path / "text.db").write_text("not a database\n")
    (tmp_path / "empty.db").touch()
    before, root_before = _tree(tmp_path), _tree(ROOT / "config")
    args = [a.format(tmp=tmp_path, db=good_db) for a in cmd.split()]
    proc = run_cli(*args, timeout=60, env={"GOVINSPECT_DB": ""})
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 2, proc.stdout[-1000:] + proc.stderr[-2000:]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert option in lines[0] and problem in lines[0], lines[0]
    # nothing created: not the database, not the output file, nothing next to them
    assert _tree(tmp_path) == before and _tree(ROOT / "config") == root_before
    assert not Path("/proc/x.db").exists() and not (ROOT / "govinspect.db").exists() or \
        (ROOT / "govinspect.db").stat().st_size > 0
    assert not Path("/nonexistent").exists()


def test_the_default_database_is_not_created_by_a_read_command(tmp_path: Path) -> None:
    """Without --db, a read command looks for ./govinspect.db and says so when it is not there."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "cli", "findings"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env={**__import__("os").environ, "GOVINSPECT_DB": "", "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2 and "no such database" in proc.stderr, proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_good_options_still_work(tmp_path: Path, good_db: Path) -> None:
    out = tmp_path / "f.csv"
    proc = run_cli("findings", "--db", str(good_db), "--format", "csv", "--output", str(out))
    assert proc.returncode == 0 and out.read_text(encoding="utf-8-sig").startswith("id,"), proc.stderr


@pytest.mark.parametrize("line", [
    "download_timeout: .inf", "download_timeout: 1.0e+300", "download_timeout: .nan", "max_retry_after: 1.0e+9",
    "max_page_bytes: 100000000000000000000000000", "max_page_bytes: 1.0e+26", "max_pages: 10000000000",
    "tls_ca_file: /nonexistent/ca.pem",
])
def test_registry_numbers_have_bounds_and_the_ca_file_must_exist(tmp_path: Path, line: str) -> None:
    """Reported like every config error: file:line: field: message, exit 2, before anything is created."""
    registry = tmp_path / "sites.yaml"
    registry.write_text(f"crawl:\n  {line}\nunits:\n  - id: u\n    name: 单位\n    kind: county\n    sites:\n"
                        "      - id: s\n        name: 站点\n        url: http://127.0.7.60:9/\n", encoding="utf-8")
    proc = run_cli("scan", "--config", str(registry), "--db", str(tmp_path / "x.db"), "--no-progress", timeout=60)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr[-2000:]
    field = line.split(":")[0]
    assert f"{registry}:2: crawl.{field}:" in lines[0], lines[0]
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("cmd", ["findings", "scores", "status", "check", "review 1 --status confirmed"])
def test_a_database_failing_after_the_check_is_one_line_too(tmp_path: Path, cmd: str) -> None:
    """A database that passes the up-front check and fails later (here: an old schema stamp and no
    tables)."""
    import sqlite3
    from contextlib import closing

    db = tmp_path / "stamped.db"
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('0001')")
        conn.commit()
    proc = run_cli(*cmd.split(), "--db", str(db), timeout=60)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode in (1, 2) and len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert "--db" in lines[0] or "database" in lines[0], lines[0]
    # the schema is older than this govinspect's: the line says how to bring it up to date
    assert proc.returncode == 1 and f"govinspect db upgrade --db {db}" in lines[0], lines[0]
