"""bench/web_bench.py at CI size: it fills a PostgreSQL schema of its own, every page it times
answers through the whole app, and the schema is gone afterwards."""

from __future__ import annotations

import os
import sys

import pytest
from samples_env import ROOT
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.postgres


def test_web_bench_runs_and_cleans_up() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import web_bench
    finally:
        sys.path.remove(str(ROOT / "bench"))
    times = web_bench.run(3000, 120, repeat=2)
    assert set(times) == set(web_bench.PAGES) and all(len(ts) == 2 for ts in times.values())
    engine = create_engine(web_bench.PG)
    with engine.connect() as conn:
        left = conn.execute(text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'gi_webbench_%'")).all()
    engine.dispose()
    assert not [n for (n,) in left if n.startswith(f"gi_webbench_{os.getpid()}_")]
