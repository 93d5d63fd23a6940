"""The demo's one entry into the sample sites: generate them and the sample new-media accounts
into a folder, serve them on their loopback addresses, and hand back where the registry is.

    with serve_demo(out_dir, day) as demo:
        run_scan(demo.registry, db_url=..., as_of=day)

The product never imports samplesites; `govinspect demo` (cli/cmd_demo.py) does, through this module.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from samplesites import DEAD_SITE_ID, DEFAULT_BINDINGS, DEFAULT_EXTERNAL_BINDING, EXTERNAL_ID, generate
from samplesites.accounts import DEFAULT_HOST, serve_accounts
from samplesites.combined import attach_accounts
from samplesites.server import SampleServers

ACCOUNTS_PORT = 8080
PORTAL = "akzf-www"  # the site a scan the day before reads, so that the demo shows backdated_item


class DemoError(Exception):
    """The sample sites could not be served (an address in use: another demo running?)."""


@dataclass
class Demo:
    sites_dir: Path
    registry: Path
    truth: dict[str, Any]
    site_urls: dict[str, str]
    accounts_url: str
    day: dt.date | None = None
    dead_url: str = ""
    accounts_truth: dict[str, Any] | None = None
    base_urls: dict[str, str] | None = None  # the sites' and the expired domain's (samplesites.external)

    def previous_scan(self, db_url: str, log_file: str | None = None) -> int:
        """The run history backdated_item compares with: the portal scanned as of the day before
        (in a child process: one crawl per process), then the portal as the as-of day sees it —
        two news items since, one dated back (samplesites.external). Returns the child's exit code."""
        import multiprocessing

        from scan.runner import run_scan

        assert self.day is not None and self.accounts_truth is not None
        child = multiprocessing.get_context("spawn").Process(target=run_scan, args=(self.registry,), kwargs={
            "db_url": db_url, "as_of": self.day - dt.timedelta(days=1), "site_ids": [PORTAL], "log_file": log_file})
        child.start()
        child.join()
        site_truth = generate(self.sites_dir, self.day, self.base_urls or self.site_urls, dead_url=self.dead_url,
                              backdated=True)
        self.truth = attach_accounts(self.sites_dir, site_truth, self.accounts_truth)
        return child.exitcode or 0

    @property
    def truth_file(self) -> Path:
        return self.sites_dir / "truth.json"


@contextlib.contextmanager
def serve_demo(out: Path, day: dt.date) -> Iterator[Demo]:
    """Write the sample sites and accounts under out/sites (replacing an older copy), serve them
    until the block ends, and put the accounts' tokens in the environment as an operator would
    (credentials_env)."""
    sites_dir = out / "sites"
    if sites_dir.exists():
        shutil.rmtree(sites_dir)
    out.mkdir(parents=True, exist_ok=True)
    bindings = dict(DEFAULT_BINDINGS)
    dead = bindings.pop(DEAD_SITE_ID)
    bindings[EXTERNAL_ID] = DEFAULT_EXTERNAL_BINDING  # the expired domain a 友情链接 still points to
    try:
        servers = SampleServers(bindings)
    except OSError as exc:
        raise DemoError(f"cannot serve the sample sites: {exc} (is another demo running?)") from None
    try:
        account_server, accounts_truth = serve_accounts(day, DEFAULT_HOST, ACCOUNTS_PORT)
    except OSError as exc:
        servers.stop()
        raise DemoError(f"cannot serve the sample accounts: {exc} (is another demo running?)") from None
    try:
        with servers:
            site_truth = generate(sites_dir, day, servers.base_urls, dead_url=f"http://{dead[0]}:{dead[1]}/")
            truth = attach_accounts(sites_dir, site_truth, accounts_truth)
            servers.start(sites_dir)
            os.environ.update(truth["credentials"])
            yield Demo(sites_dir=sites_dir, registry=sites_dir / "sites.yaml", truth=truth,
                       site_urls={k: v for k, v in servers.base_urls.items() if k != EXTERNAL_ID},
                       accounts_url=account_server.base_url, day=day, dead_url=f"http://{dead[0]}:{dead[1]}/",
                       accounts_truth=accounts_truth, base_urls=dict(servers.base_urls))
    finally:
        account_server.stop()
