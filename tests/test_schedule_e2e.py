"""End to end on the sample sites (served on 127.0.5.x): the scheduler's weekly scan job runs a
real `govinspect scan --kind weekly --skip-busy` child that leaves out the site another live run
holds and reads only homepages and news columns; probe jobs record the sites' availability; and
`govinspect recheck --site` rescans one site at once."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from samples_env import AS_OF, SampleEnv, run_cli, start_samples
from sqlalchemy import func, select

import scheduler
from core.registry import load_registry
from db import runs
from db.migrate import upgrade
from db.models import Column, ColumnItem, Link, LinkResult, Page, Probe, ScanRun, Score, SiteScan
from db.session import make_engine, session_factory

pytestmark = pytest.mark.slow


KEEP = {"akzf-www", "akjyj", "akwjw", "akxx-dead"}  # a TRS site with news columns, two without, a dead one


def small_registry(env: SampleEnv, out: Path) -> Path:
    """The sample registry cut down to KEEP (the sample set grows; this test's time should not)."""
    data = yaml.safe_load(env.registry.read_text(encoding="utf-8"))
    data["units"] = [u for u in data["units"] if {s["id"] for s in u.get("sites", [])} & KEEP]
    for unit in data["units"]:
        unit.pop("accounts", None)
    out.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return out


def test_weekly_scan_job_probes_and_recheck(tmp_path: Path) -> None:
    env = start_samples(tmp_path, AS_OF, first_octet=5)
    registry = small_registry(env, tmp_path / "sites.yaml")
    db = f"sqlite:///{tmp_path / 'gi.db'}"
    upgrade(db)
    engine = make_engine(db)
    rt = scheduler.load_runtime(db, registry)
    rt.schedule = rt.schedule.model_copy(update={"log_dir": str(tmp_path / "logs")})
    scheduler.use_runtime(rt)
    try:
        with session_factory(engine)() as s:
            runs.sync_registry(s, load_registry(registry))
            holder = runs.start_run(s, AS_OF, "single", "", ["akjyj"])  # a live scan of akjyj
        assert scheduler.scan_job("weekly") == "completed"
        assert scheduler.probe_job("akzf-www") == "ok"
        assert scheduler.probe_job("akxx-dead") == "refused"
        with session_factory(engine)() as s:
            run = s.scalars(select(ScanRun).where(ScanRun.kind == "weekly")).one()
            assert run.status == "completed" and run.stats["skipped_busy"] == {"akjyj": holder.id}
            scanned = set(s.scalars(select(SiteScan.site_id).where(SiteScan.run_id == run.id)))
            assert scanned == KEEP - {"akjyj"}
            # akjyj stays claimed by the live run it belongs to
            assert s.execute(select(SiteScan.status).where(SiteScan.run_id == holder.id)).scalar_one() == "running"
            # light: homepages and news columns with their list pages; no details, no link checks
            kinds = set(s.scalars(select(Page.kind).where(Page.run_id == run.id)))
            assert kinds == {"home", "column", "list"}
            # no link is checked; only script pagers are recorded as links (the column's own pages)
            assert set(s.scalars(select(Link.tag).where(Link.run_id == run.id))) <= {"pager"}
            assert set(s.scalars(select(LinkResult.method).where(LinkResult.run_id == run.id))) == {"GET"}
            cols = s.execute(select(Column.site_id, Column.category, Column.kind).where(Column.run_id == run.id)).all()
            assert {c.category for c in cols if c.kind != "homepage"} == {"news"}
            assert {c.site_id for c in cols if c.category == "news"} == {"akzf-www"}  # akwjw has none
            assert s.scalar(select(func.count()).select_from(ColumnItem).where(ColumnItem.run_id == run.id)) > 50
            assert s.scalars(select(Score).where(Score.run_id == run.id)).all() == []
            probes = {p.site_id: (p.ok, p.status, p.error_class) for p in s.scalars(select(Probe))}
            assert probes == {"akzf-www": (True, 200, None), "akxx-dead": (False, None, "refused")}
            runs.finish_run(s, holder.id, "incomplete")
        out = next((tmp_path / "logs").glob("scan-weekly-*.out")).read_text(encoding="utf-8")
        assert f"skipped (being scanned by another run): akjyj (run {holder.id})" in " ".join(out.split())
        assert next((tmp_path / "logs").glob("scan-weekly-*.log")).stat().st_size > 0  # the crawl log

        proc = run_cli("recheck", "--config", str(registry), "--db", db, "--site", "akwjw",
                       "--as-of", AS_OF.isoformat(), env={"COLUMNS": "200"})
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        with session_factory(engine)() as s:
            recheck = s.scalars(select(ScanRun).where(ScanRun.kind == "recheck")).one()
            assert recheck.status == "completed"
            assert set(s.scalars(select(SiteScan.site_id).where(SiteScan.run_id == recheck.id))) == {"akwjw"}
            assert s.scalar(select(func.count()).select_from(Page).where(Page.run_id == recheck.id,
                                                                          Page.kind == "detail")) > 0
        assert f"Findings of akwjw after recheck run {recheck.id}" in proc.stdout
        assert "still open" in proc.stdout
    finally:
        scheduler.use_runtime(None)
        rt.close()
        engine.dispose()
        env.servers.stop()
