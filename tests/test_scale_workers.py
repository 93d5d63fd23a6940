"""`govinspect scan --workers N`: site tasks in local processes on SQLite give what one process
gives, and a link outside the sites is requested once per run whichever process meets it."""

from __future__ import annotations

from pathlib import Path

import pytest
from faultserver import FaultServer, page, site_entry, write_registry
from samples_env import SampleEnv, run_cli, scan_args, snapshot
from shared_samples import ReferenceScan
from sqlalchemy import select

from db.models import LinkResult
from db.session import make_engine, session_factory

pytestmark = pytest.mark.slow


@pytest.mark.timeout(600)  # with the session's reference scan: two scans of every sample site
def test_two_workers_find_what_one_process_finds(samples: SampleEnv, reference_scan: ReferenceScan,
                                                 tmp_path: Path) -> None:
    db = str(tmp_path / "w2.db")
    proc = run_cli(*scan_args(samples, db, "--workers", "2"), env=samples.env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    one, two = reference_scan.snapshot, snapshot(db)
    assert one["status"] == two["status"] == "completed"
    assert one["findings"], "the sample sites have planted defects"
    for key in ("sites", "findings", "results", "pages"):
        assert one[key] == two[key], f"{key}: only one process {sorted(one[key] - two[key])[:5]}; " \
                                     f"only two workers {sorted(two[key] - one[key])[:5]}"


def test_an_external_link_is_requested_once_per_run(tmp_path: Path) -> None:
    ext = FaultServer("127.0.22.100").route("/shared.html", page("<html><title>门户</title></html>")).start()
    sites = {}
    try:
        for n in range(1, 5):
            srv = FaultServer(f"127.0.22.{n}")
            links = "".join(f'<a href="/p{k}.html">第{k}页</a>' for k in range(3))
            srv.route("/", page(f'<html><title>站{n}首页</title><body>{links}'
                                f'<a href="{ext.url("/shared.html")}">省政府门户</a></body></html>'))
            for k in range(3):
                srv.route(f"/p{k}.html", page(f'<html><title>页{k}</title><a href="{ext.url("/shared.html")}">门户</a>'
                                              f'</html>'))
            sites[f"s{n}"] = srv.start()
        registry = write_registry(tmp_path / "sites.yaml", [site_entry(sid, srv.url("/")) for sid, srv in sites.items()],
                                  only_networks=["127.0.22.0/24"], allow_networks=["127.0.22.100/32"])
        db = str(tmp_path / "ext.db")
        proc = run_cli("scan", "--config", str(registry), "--db", db, "--as-of", "2026-11-20", "--no-progress",
                       "--workers", "2")
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
        assert all(any(h.path == "/" for h in srv.hits) for srv in sites.values())
        # four site tasks in two processes, one request (HEAD, or GET where outbound pages are read)
        assert len([h for h in ext.hits if h.path == "/shared.html"]) == 1
        engine = make_engine(db)
        with session_factory(engine)() as s:
            result = s.scalars(select(LinkResult).where(LinkResult.url == ext.url("/shared.html"))).one()
            assert result.ok and result.status == 200
        engine.dispose()
    finally:
        ext.stop()
        for srv in sites.values():
            srv.stop()


def test_site_groups_start_the_largest_sites_first_and_keep_every_worker_busy() -> None:
    from scan.sitetask import SITES_PER_TASK, site_groups

    sites = [f"s{i:02d}" for i in range(49)]
    groups = site_groups(sites, 2)
    assert sorted(s for g in groups for s in g) == sites
    assert len(groups) % 2 == 0 and all(len(g) <= SITES_PER_TASK for g in groups)
    assert max(map(len, groups)) - min(map(len, groups)) <= 1
    # one big site and many small ones: the big one starts first, alone or nearly
    sizes = dict.fromkeys(sites, 100) | {"s30": 5000}
    groups = site_groups(sites, 2, sizes)
    assert groups[0][0] == "s30"
    loads = [sum(sizes[s] for s in g) for g in groups]
    assert loads == sorted(loads, reverse=True)
    assert sorted(s for g in groups for s in g) == sites
    assert site_groups(["a", "b", "c"], 4) == [("a",), ("b",), ("c",)]


def test_a_task_forked_from_a_warm_parent_parses_nothing_again(tmp_path: Path) -> None:
    """The pool's parent parses the indicators and the registry once; a changed file is read again."""
    from scan import runner
    from scan.pool import preload

    reg = tmp_path / "sites.yaml"
    write_registry(reg, [site_entry("a", "http://127.0.0.1:9/")])
    preload(str(reg))
    first = runner.registry_of(reg)
    assert runner.registry_of(reg) is first
    assert runner.indicators() is runner.indicators()
    write_registry(reg, [site_entry("a", "http://127.0.0.1:9/"), site_entry("b", "http://127.0.0.2:9/")])
    assert [s.id for _, s in runner.registry_of(reg).sites()] == ["a", "b"]
