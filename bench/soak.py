"""Soak benchmark (issue #7): scan the sample sites again and again under seeded random faults and
compare each scan's findings with the planted defects.

    .venv/bin/python bench/soak.py                     # 5 rounds, 5 % transient faults
    .venv/bin/python bench/soak.py --rounds 20 --rate 0.1 --times 2 --persistent 0.01

Transient faults (reset, 503 + Retry-After, slow) must leave no trace: any finding that differs
from the truth is a failure. With --persistent, that fraction of URLs fails every time; findings
naming such a URL (as target or page) are reported as explained, everything else still fails the
round. Exit code 1 when any round has an unexplained difference or the scan itself failed.
The CI-sized version of this is tests/test_soak.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import samplesites  # noqa: E402
from samplesites.faults import FaultPlan  # noqa: E402
from samplesites.server import SampleServers  # noqa: E402

AS_OF = dt.date(2026, 11, 20)


def serve(tmp: Path, plan: FaultPlan, octet: int) -> tuple[SampleServers, dict[str, Any], Path]:
    bindings = {sid: (f"127.0.{octet}.{i + 1}", 0) for i, sid in
                enumerate(sorted(k for k in samplesites.DEFAULT_BINDINGS if k != samplesites.DEAD_SITE_ID))}
    servers = SampleServers(bindings, faults=plan)
    root = tmp / "sites"
    truth = samplesites.generate(root, AS_OF, servers.base_urls, dead_url=f"http://127.0.{octet}.250:9/")
    servers.start(root)
    return servers, truth, root / "sites.yaml"


def findings(db: Path) -> dict[tuple[str, str, str], dict[str, Any]]:
    from sqlalchemy import select

    from db.models import Finding
    from db.session import make_engine, session_factory

    engine = make_engine(str(db))
    try:
        with session_factory(engine)() as s:
            return {(f.subject_id, f.check_id, f.target): {"url": f.url, "detail": f.detail, "evidence": f.evidence}
                    for f in s.scalars(select(Finding))}
    finally:
        engine.dispose()


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def explained(key: tuple[str, str, str], info: dict[str, Any] | None, broken_urls: set[str]) -> bool:
    """A difference a persistent fault accounts for: the finding, or its evidence, names a URL
    that always failed."""
    texts = {key[2], *(_strings(info) if info else [])}
    return bool(texts & broken_urls)


def one_round(n: int, args: argparse.Namespace) -> dict[str, Any]:
    plan = FaultPlan(rate=args.rate, seed=args.seed + n, times=args.times, persistent_rate=args.persistent,
                     slow_seconds=args.slow)
    with tempfile.TemporaryDirectory(prefix="govinspect-soak-") as d:
        tmp = Path(d)
        servers, truth, registry = serve(tmp, plan, args.octet)
        base_urls = servers.base_urls
        db = tmp / "soak.db"
        t0 = time.monotonic()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "cli", "scan", "--config", str(registry), "--db", str(db),
                 "--as-of", AS_OF.isoformat(), "--no-progress", "--log-file", str(tmp / "scan.log")],
                cwd=ROOT, capture_output=True, text=True, timeout=args.timeout,
                env={**os.environ, "PYTHONUNBUFFERED": "1", **truth.get("credentials", {})},
            )
        finally:
            servers.stop()
        elapsed = time.monotonic() - t0
        got = findings(db) if db.exists() else {}
    want = {(t["site"], t["check"], t["target"]) for t in truth["findings"]}
    broken_urls = {base_urls[site].rstrip("/") + path for site, _, path in
                   (k.split(" ", 2) for k, v in plan.faulted_keys.items() if v.startswith("persistent:"))}
    by_key = {(t["site"], t["check"], t["target"]): t for t in truth["findings"]}
    diffs = [("missing", k, by_key[k]) for k in sorted(want - set(got))] + \
            [("extra", k, got[k]) for k in sorted(set(got) - want)]
    unexplained = [d for d in diffs if not explained(d[1], d[2], broken_urls)]
    return {
        "round": n, "seed": plan.seed, "exit": proc.returncode, "seconds": round(elapsed, 1),
        "injected": dict(plan.injected), "faulty_urls": len(plan.faulted_keys), "persistent_urls": len(broken_urls),
        "findings": len(got), "truth": len(want), "explained": len(diffs) - len(unexplained),
        "unexplained": [[kind, list(key)] for kind, key, _ in unexplained],
        "crashed": "Traceback" in proc.stderr and proc.returncode != 0,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--rate", type=float, default=0.05, help="fraction of URLs with transient faults")
    ap.add_argument("--times", type=int, default=2, help="consecutive faulty answers at most (≤ retry_times)")
    ap.add_argument("--persistent", type=float, default=0.0, help="fraction of URLs that always fail")
    ap.add_argument("--slow", type=float, default=1.0, help="seconds a slow answer waits")
    ap.add_argument("--seed", type=int, default=100)
    ap.add_argument("--octet", type=int, default=6, help="serve on 127.0.<octet>.N")
    ap.add_argument("--timeout", type=float, default=900)
    args = ap.parse_args(argv)
    bad = 0
    for n in range(args.rounds):
        result = one_round(n, args)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        if result["exit"] != 0 or result["unexplained"] or result["crashed"]:
            bad += 1
    print(f"{args.rounds - bad}/{args.rounds} rounds clean", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
