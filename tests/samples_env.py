"""Helpers for tests that scan the generated sample sites: serve them on loopback and run
`govinspect scan` in a child process (a Twisted reactor starts once per process)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import samplesites
from samplesites.external import EXTERNAL_ID
from samplesites.server import SampleServers

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 20)


@dataclass
class SampleEnv:
    root: Path
    servers: SampleServers
    truth: dict[str, Any]
    registry: Path
    as_of: dt.date
    account_server: Any = None

    @property
    def env(self) -> dict[str, str]:
        """What a scan's environment needs (the sample accounts' credentials_env)."""
        return dict(self.truth.get("credentials", {}))

    def stop(self) -> None:
        self.servers.stop()
        if self.account_server is not None:
            self.account_server.stop()


def start_samples(tmp: Path, as_of: dt.date = AS_OF, *, first_octet: int = 3, accounts: bool = False,
                  faults: Any = None) -> SampleEnv:
    """Generate and serve the sample sites on 127.0.<first_octet>.N with ephemeral ports, so tests do
    not collide with a demo running on the default addresses. With `accounts`, the sample new-media
    accounts too (on 127.0.<first_octet>.200), in the same registry and truth. `faults`: a
    samplesites.faults.FaultPlan the sites' servers act out (the soak test)."""
    bindings = {}
    for i, site_id in enumerate(sorted(k for k in samplesites.DEFAULT_BINDINGS if k != samplesites.DEAD_SITE_ID)):
        bindings[site_id] = (f"127.0.{first_octet}.{i + 1}", 0)
    # the expired domain a portal's 友情链接 still points to (samplesites.external)
    bindings[EXTERNAL_ID] = (f"127.0.{first_octet}.240", 0)
    servers = SampleServers(bindings, faults=faults)
    root = tmp / "sites"
    truth = samplesites.generate(root, as_of, servers.base_urls, dead_url=f"http://127.0.{first_octet}.250:9/")
    servers.start(root)
    account_server = None
    if accounts:
        from samplesites.accounts import serve_accounts
        from samplesites.combined import attach_accounts

        account_server, accounts_truth = serve_accounts(as_of, f"127.0.{first_octet}.200", 0)
        truth = attach_accounts(root, truth, accounts_truth)
    return SampleEnv(root=root, servers=servers, truth=truth, registry=root / "sites.yaml", as_of=as_of,
                     account_server=account_server)


def run_cli(*args: str, timeout: float = 600, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )


def run_python(code: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh interpreter at the repository's root: what a new process imports and does."""
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def scan_args(env: SampleEnv, db_url: str, *extra: str) -> list[str]:
    return ["scan", "--config", str(env.registry), "--db", db_url, "--as-of", env.as_of.isoformat(),
            "--no-progress", *extra]


def snapshot(db_url: str) -> dict[str, Any]:
    """What a scan concluded, independent of row ids and timing: the last run's status, its site
    ends, every finding, its link results and its pages."""
    from sqlalchemy import select

    from db.models import Finding, LinkResult, Page, ScanRun, SiteScan
    from db.session import make_engine, session_factory

    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        run = s.scalars(select(ScanRun).order_by(ScanRun.id.desc())).first()
        assert run is not None
        out = {
            "status": run.status,
            "sites": {(x.site_id, x.status) for x in s.scalars(select(SiteScan).where(SiteScan.run_id == run.id))},
            "findings": {(f.check_id, f.subject_id, f.target, f.severity, f.detail)
                         for f in s.scalars(select(Finding))},
            "results": {(r.url, r.ok, r.error_class, r.status)
                        for r in s.scalars(select(LinkResult).where(LinkResult.run_id == run.id))},
            "pages": {(p.site_id, p.url, p.status) for p in s.scalars(select(Page).where(Page.run_id == run.id))},
        }
    engine.dispose()
    return out


def load_truth(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
