"""Session fixtures: the sample sites and accounts served once, and one reference scan of them.

Several end-to-end modules compare a scan with what one process finds (`--workers 2`, Celery, a
resumed scan) or with the generator's truth (columns, items, findings). A whole-sample scan costs
about a minute; running the same one-process scan in each module made the suite the slowest part
of CI, so they share this one. Its database is read-only by convention: a test that writes copies
it (`reference_copy`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from samples_env import SampleEnv, run_cli, scan_args, snapshot, start_samples

__all__ = ["ReferenceScan", "reference_copy", "reference_scan", "samples"]


@dataclass(frozen=True)
class ReferenceScan:
    db: str
    stdout: str
    snapshot: dict[str, Any]


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SampleEnv]:
    """Every sample site and account, served on 127.0.30.x for the whole session."""
    env = start_samples(tmp_path_factory.mktemp("samples"), first_octet=30, accounts=True)
    yield env
    env.stop()


@pytest.fixture(scope="session")
def reference_scan(samples: SampleEnv, tmp_path_factory: pytest.TempPathFactory) -> ReferenceScan:
    """One process (`--workers 1`) scanning every sample site and account into SQLite."""
    db = str(tmp_path_factory.mktemp("reference") / "reference.db")
    proc = run_cli(*scan_args(samples, db, "--workers", "1"), env=samples.env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    return ReferenceScan(db=db, stdout=proc.stdout, snapshot=snapshot(db))


def reference_copy(ref: ReferenceScan, dest: Path) -> str:
    """A private copy of the reference database, through SQLite's backup API so that pages still
    in a WAL file come along."""
    with closing(sqlite3.connect(ref.db)) as src, closing(sqlite3.connect(dest)) as dst:
        src.backup(dst)
    return str(dest)
