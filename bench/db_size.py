"""Database growth per scan run: a one-process govinspect scan of the generated benchmark corpus
(bench/scale_bench.py's corpus, nginx on loopback), then the SQLite file's size per table and
index (the `dbstat` virtual table) and the bytes the scan wrote to disk.

    .venv/bin/python bench/db_size.py [--sites 49] [--pages 300] [--runs 1] [--out /tmp/gi-db-size]

Every run scans into the same database file, so `--runs 2` also shows what a second run of the
same sites adds. Disk writes are the scan process tree's (os.wait4's ru_oublock, as scale_bench).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_bench  # noqa: E402  (a sibling script, not a package)


def breakdown(db: Path) -> list[tuple[str, float]]:
    """(table or index, MB) of a SQLite file, largest first. The WAL is checkpointed first so that
    the pages counted are the file's."""
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        rows = c.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    return [(name, round(size / 2**20, 1)) for name, size in rows]


def file_mb(db: Path) -> float:
    return round(sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / 2**20, 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", type=int, default=49)
    ap.add_argument("--pages", type=int, default=300, help="pages per site (approximately)")
    ap.add_argument("--runs", type=int, default=1, help="scans into the same database, one after the other")
    ap.add_argument("--out", type=Path, default=Path("/tmp/gi-db-size"))
    ap.add_argument("--top", type=int, default=12, help="tables and indexes listed")
    a = ap.parse_args()
    out = a.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    scale_bench.generate(out, a.sites, a.pages)
    db = out / "scan.db"
    for p in out.glob("scan.db*"):
        p.unlink()
    runs: list[dict[str, Any]] = []
    with scale_bench.serving(out):
        for n in range(a.runs):
            before = file_mb(db) if db.exists() else 0.0
            m = scale_bench.Measured([scale_bench.PY, "-m", "cli", "scan", "--config", str(out / "sites.yaml"),
                                      "--db", str(db), "--no-progress", "--workers", "1",
                                      "--log-file", str(out / f"scan{n + 1}.log")], log=out / f"scan{n + 1}.out")
            res = m.reap()
            res |= scale_bench._govinspect_counts(db)
            res["tables_mb"] = breakdown(db)
            res["file_mb_checkpointed"] = file_mb(db)
            res["grew_mb"] = round(res["file_mb_checkpointed"] - before, 1)
            runs.append(res)
            print(f"run {n + 1}: exit {res['exit']}, {res['wall_s']} s, {res['pages']} pages, {res['urls']} URLs, "
                  f"{res['findings']} findings; database {res['file_mb_checkpointed']} MB (+{res['grew_mb']} MB), "
                  f"disk writes {res['disk_write_mb']} MB", flush=True)
            for name, mb in res["tables_mb"][: a.top]:
                print(f"    {name:<32}{mb:>8} MB")
    (out / "db_size.json").write_text(json.dumps({"command": " ".join(sys.argv), "runs": runs}, indent=1))
    print(f"figures: {out / 'db_size.json'}")


if __name__ == "__main__":
    main()
