"""End to end: scan the generated sample sites and compare the database with their truth file.

The truth file is written by the generator as it writes each page; the crawler reads the served
pages with no knowledge of it. Equality here is the issue's acceptance criterion: exactly the
columns, list items (across all pages), dates, detail metadata and links the truth lists.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from samples_env import SampleEnv, run_cli, scan_args
from sqlalchemy import select

from db.models import Column, ColumnItem, Link, LinkResult, Page, ScanRun, SiteScan
from db.session import make_engine, session_factory

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env(samples: SampleEnv) -> SampleEnv:
    return samples


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def scanned(request: pytest.FixtureRequest, env: SampleEnv):
    """The session's one-process reference scan on SQLite; a scan of the same sites on PostgreSQL."""
    cleanup = None
    if request.param == "sqlite":
        db_url = request.getfixturevalue("reference_scan").db
    else:
        from conftest_db import fresh_pg_schema

        db_url, cleanup = fresh_pg_schema("e2e")
        proc = run_cli(*scan_args(env, db_url), env=env.env)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    engine = make_engine(db_url)
    session = session_factory(engine)()
    run = session.scalars(select(ScanRun).order_by(ScanRun.id.desc())).first()
    yield session, run
    session.close()
    engine.dispose()
    if cleanup:
        cleanup()


def _site_ids(env: SampleEnv) -> list[str]:
    return [sid for sid, s in env.truth["sites"].items() if s.get("reachable", True)]


def _d(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def test_run_completed(scanned: Any, env: SampleEnv) -> None:
    session, run = scanned
    assert run.status == "completed"
    assert run.as_of == env.as_of
    scans = {s.site_id: s for s in session.scalars(select(SiteScan).where(SiteScan.run_id == run.id))}
    sites = {sid: s for sid, s in scans.items() if s.subject == "site"}
    assert set(sites) == set(env.truth["sites"])
    assert all(s.status == "completed" for s in sites.values())
    accounts = {sid: s.status for sid, s in scans.items() if s.subject == "account"}
    assert accounts == {aid: a["status"] for aid, a in env.truth["accounts"].items()}


def test_columns_match_truth(scanned: Any, env: SampleEnv) -> None:
    session, run = scanned
    for sid in _site_ids(env):
        truth = env.truth["sites"][sid]
        got = {
            (c.url, c.name, c.category, c.kind, c.disclosure_section)
            for c in session.scalars(select(Column).where(Column.run_id == run.id, Column.site_id == sid))
            if c.kind != "homepage"
        }
        want = {(c["url"], c["name"], c["category"], c["kind"], c["disclosure_section"]) for c in truth["columns"]}
        assert got == want, f"{sid}: missing {sorted(want - got)}; unexpected {sorted(got - want)}"


def test_items_dates_and_pages_match_truth(scanned: Any, env: SampleEnv) -> None:
    session, run = scanned
    items: dict[tuple[str, str], set[tuple[str, str, dt.date | None]]] = defaultdict(set)
    for it in session.scalars(select(ColumnItem).where(ColumnItem.run_id == run.id)):
        items[(it.site_id, it.column_url)].add((it.url, it.title, it.published))
    columns = {(c.site_id, c.url): c for c in session.scalars(select(Column).where(Column.run_id == run.id))}
    total = 0
    for sid in _site_ids(env):
        for col in env.truth["sites"][sid]["columns"]:
            want = {(i["url"], i["title"], _d(i["published"])) for i in col["items"]}
            got = items.get((sid, col["url"]), set())
            assert got == want, f"{sid} {col['name']}: missing {sorted(want - got)[:5]}; unexpected {sorted(got - want)[:5]}"
            if col["kind"] == "list":
                assert columns[(sid, col["url"])].pages_walked == col["pages"], col["url"]
                assert columns[(sid, col["url"])].placeholder == col["placeholder"], col["url"]
            total += len(want)
    assert total > 100  # the sample sites are not trivially small


def test_homepage_items(scanned: Any, env: SampleEnv) -> None:
    session, run = scanned
    for sid in _site_ids(env):
        truth = env.truth["sites"][sid]
        got = {(i.url, i.published) for i in session.scalars(
            select(ColumnItem).where(ColumnItem.run_id == run.id, ColumnItem.site_id == sid,
                                     ColumnItem.column_url == truth["url"]))}
        want = {(i["url"], _d(i["published"])) for i in truth["homepage_items"]}
        assert got == want, sid


def test_jiucuo_site_code_recorded_on_the_homepage(scanned: Any, env: SampleEnv) -> None:
    session, run = scanned
    home = session.scalars(select(Page).where(Page.run_id == run.id, Page.site_id == "akzf-www",
                                              Page.kind == "home")).one()
    assert home.meta["jiucuo_sitecode"] == "6124000001"  # samplesites/sites/akzf.py INFO.code


def test_gbk_site_reads_as_chinese(scanned: Any, env: SampleEnv) -> None:
    session, run = scanned
    gbk_sites = [sid for sid in _site_ids(env) if env.truth["sites"][sid]["encoding"] == "gbk"]
    assert gbk_sites, "the sample set must include a GBK site"
    for sid in gbk_sites:
        home = session.scalars(select(Page).where(Page.run_id == run.id, Page.site_id == sid, Page.kind == "home")).one()
        assert home.encoding.lower() in ("gbk", "gb2312", "gb18030", "cp936")
        assert "人民政府" in home.title
        assert "\ufffd" not in home.text


def test_undated_items_recorded_as_undated(scanned: Any, env: SampleEnv) -> None:
    session, run = scanned
    undated_truth = {(sid, i["url"]) for sid in _site_ids(env) for c in env.truth["sites"][sid]["columns"]
                     for i in c["items"] if i["published"] is None}
    assert undated_truth, "the sample set must include undated items"
    undated_db = {(i.site_id, i.url) for i in session.scalars(
        select(ColumnItem).where(ColumnItem.run_id == run.id, ColumnItem.published.is_(None)))}
    assert undated_truth <= undated_db


def test_detail_metadata(scanned: Any, env: SampleEnv) -> None:
    session, run = scanned
    checked = 0
    for sid in _site_ids(env):
        for url, want in env.truth["sites"][sid]["details"].items():
            page = session.scalars(select(Page).where(Page.run_id == run.id, Page.site_id == sid, Page.url == url)).one()
            got = page.meta.get("metadata", {})
            assert {k: got.get(k, "") for k in want} == want, url
            checked += 1
    assert checked >= 5


def test_links_match_truth(scanned: Any, env: SampleEnv) -> None:
    session, run = scanned
    for sid in _site_ids(env):
        got = {(lk.source_url, lk.target_url, lk.tag, lk.attr)
               for lk in session.scalars(select(Link).where(Link.run_id == run.id, Link.site_id == sid))}
        want = {(lk["source"], lk["target"], lk["tag"], lk["attr"]) for lk in env.truth["sites"][sid]["links"]}
        assert got == want, f"{sid}: missing {sorted(want - got)[:5]}; unexpected {sorted(got - want)[:5]}"


def test_broken_links_recorded(scanned: Any, env: SampleEnv) -> None:
    session, run = scanned
    results = {r.url: r for r in session.scalars(select(LinkResult).where(LinkResult.run_id == run.id))}
    for sid in _site_ids(env):
        for b in env.truth["sites"][sid]["broken"]:
            r = results.get(b["url"])
            assert r is not None, f"{sid}: {b['url']} was never checked"
            if b["error_class"] == "soft_404":
                assert r.status == 200  # a 200 that says 页面不存在: the check reads the page text
            else:
                assert not r.ok and r.error_class == b["error_class"], (b, r.error_class, r.error)
                if b.get("status"):
                    assert r.status == b["status"]
    # links outside the allowed networks are recorded as skipped, never requested, never broken
    skipped = [r for r in results.values() if r.error_class == "skipped"]
    assert any("conac.cn" in r.url for r in skipped)
