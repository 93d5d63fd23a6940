"""Scans of the sample sites whose lists plain HTML does not show (issue #4), on 127.0.4.x.

- The Hanweb JCMS site (zyx-www) with a static site (akwjw): every datastore column yields every
  record across the jpage data-proxy calls, with its date, and the crawl never starts a browser.
- The JSON-filled site (akzrzyj), the mixed site (plx-www), the Hanweb site again with
  `render: js`, and the dead site, with screenshots on: Chromium renders only the pages that need
  it, the JSON lists' later pages come from the API without it, and the empty / stale / unreachable
  findings name the PNG taken during the crawl.
Chromium is required (scripts/bootstrap.sh installs it); nothing here is skipped without it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml
from samples_env import SampleEnv, run_cli, run_python, scan_args, start_samples
from sqlalchemy import select

from crawler.chromium import system_chromium
from db.models import Column, ColumnItem, Finding, Link, LinkResult, Page, ScanRun, Screenshot, SiteScan
from db.session import make_engine, session_factory

pytestmark = pytest.mark.slow

STATIC_SITES = ["zyx-www", "akwjw"]
JS_SITES = ["akzrzyj", "plx-www", "zyx-www", "akxx-dead"]
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory):
    env = start_samples(tmp_path_factory.mktemp("render"), first_octet=4)
    yield env
    env.stop()


def _scan(env: SampleEnv, db: str, sites: list[str], registry: Path | None = None) -> Any:
    # one crawl process: the browser's launches are counted per process (each site-task process
    # of `--workers N` starts its own when one of its pages needs it)
    args = scan_args(env, db, "--workers", "1", "--log-file", db + ".log", *[a for s in sites for a in ("--site", s)])
    if registry is not None:
        args[args.index("--config") + 1] = str(registry)
    proc = run_cli(*args)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    engine = make_engine(db)
    session = session_factory(engine)()
    run = session.scalars(select(ScanRun).order_by(ScanRun.id.desc())).first()
    return engine, session, run


@pytest.fixture(scope="module")
def static_scan(env: SampleEnv, tmp_path_factory: pytest.TempPathFactory):
    engine, session, run = _scan(env, str(tmp_path_factory.mktemp("static") / "s.db"), STATIC_SITES)
    yield session, run
    session.close()
    engine.dispose()


@pytest.fixture(scope="module")
def js_scan(env: SampleEnv, tmp_path_factory: pytest.TempPathFactory):
    assert system_chromium() or list(Path.home().glob(".cache/ms-playwright/chromium-*")), \
        "no Chromium: run scripts/bootstrap.sh as root (apt-get install chromium)"
    tmp = tmp_path_factory.mktemp("js")
    reg = yaml.safe_load(env.registry.read_text(encoding="utf-8"))
    reg["crawl"]["screenshots"] = {"enabled": True, "max_bytes": 150_000}
    for unit in reg["units"]:
        for site in unit["sites"]:
            if site["id"] == "zyx-www":  # the Hanweb site once more, every page through the browser
                site.update(render="js", max_pages=10)
    registry = tmp / "sites.yaml"
    registry.write_text(yaml.safe_dump(reg, allow_unicode=True), encoding="utf-8")
    engine, session, run = _scan(env, str(tmp / "js.db"), JS_SITES, registry)
    yield session, run
    session.close()
    engine.dispose()


def _d(v: str | None) -> dt.date | None:
    return dt.date.fromisoformat(v) if v else None


def _items(session: Any, run: ScanRun, site: str) -> dict[str, set[tuple[str, str, dt.date | None]]]:
    out: dict[str, set[tuple[str, str, dt.date | None]]] = defaultdict(set)
    for it in session.scalars(select(ColumnItem).where(ColumnItem.run_id == run.id, ColumnItem.site_id == site)):
        out[it.column_url].add((it.url, it.title, it.published))
    return out


def _assert_lists_match_truth(session: Any, run: ScanRun, env: SampleEnv, site: str) -> dict[str, Column]:
    truth = env.truth["sites"][site]
    items = _items(session, run, site)
    cols = {c.url: c for c in session.scalars(select(Column).where(Column.run_id == run.id, Column.site_id == site))}
    failed = [(r.method, r.url, r.status, r.error_class) for r in session.scalars(
        select(LinkResult).where(LinkResult.run_id == run.id, LinkResult.site_id == site, LinkResult.ok.is_(False)))]
    for col in truth["columns"]:
        want = {(i["url"], i["title"], _d(i["published"])) for i in col["items"]}
        got = items.get(col["url"], set())
        assert got == want, f"{site} {col['name']}: {len(want - got)} missing; failed requests {failed[:5]}"
        assert cols[col["url"]].kind == col["kind"], col["url"]
        if col["kind"] == "list":
            assert cols[col["url"]].pages_walked == col["pages"], col["url"]
    links = {(lk.source_url, lk.target_url, lk.tag, lk.attr)
             for lk in session.scalars(select(Link).where(Link.run_id == run.id, Link.site_id == site))}
    assert links == {(lk["source"], lk["target"], lk["tag"], lk["attr"]) for lk in truth["links"]}, site
    return cols


def _col(env: SampleEnv, site: str, name: str) -> dict[str, Any]:
    return next(c for c in env.truth["sites"][site]["columns"] if c["name"] == name)


# --- Hanweb, read without a browser -----------------------------------------------------------------


def test_hanweb_datastore_columns_yield_every_record_with_its_date(static_scan: Any, env: SampleEnv) -> None:
    session, run = static_scan
    cols = _assert_lists_match_truth(session, run, env, "zyx-www")
    yw = _col(env, "zyx-www", "紫阳要闻")
    assert len(yw["items"]) == 27 and yw["pages"] == 3  # 10 on the page + two proxy calls
    col = cols[yw["url"]]
    assert (col.extractor, col.pager, col.item_count) == ("hanweb_datastore", "jpage", 27)
    # records 11.. came from the data proxy, asked for the way jpage asks: POST with the column's form
    got = {it.url: it for it in session.scalars(select(ColumnItem).where(
        ColumnItem.run_id == run.id, ColumnItem.column_url == yw["url"]))}
    for pos, want in enumerate(yw["items"]):
        it = got[want["url"]]
        assert it.published == _d(want["published"]) and it.date_source == "list"
        assert ("startrecord=" in it.list_page_url) == (pos >= 10), it.list_page_url
    proxy = [r for r in session.scalars(select(LinkResult).where(LinkResult.run_id == run.id))
             if "dataproxy.jsp" in r.url]
    assert proxy and all(r.method == "POST" and r.ok for r in proxy)
    # the three record markups (span, div.text-date, <a><span/><i/></a>) all give dated items
    assert all(i.published is not None for i in session.scalars(
        select(ColumnItem).where(ColumnItem.run_id == run.id, ColumnItem.site_id == "zyx-www")))
    empty = _col(env, "zyx-www", "在线访谈")
    assert cols[empty["url"]].kind == "list" and cols[empty["url"]].item_count == 0  # an empty datastore


def test_a_static_crawl_never_loads_playwright(tmp_path: Path) -> None:
    """What a crawl process imports before its first rendered page (the site-task pool's preload:
    the crawl's modules and every class its settings name) leaves Playwright out: about 11 MB of
    every static crawl's memory."""
    reg = tmp_path / "sites.yaml"
    reg.write_text(yaml.safe_dump({"units": [{"id": "u", "name": "单位", "kind": "department", "sites": [
        {"id": "s", "name": "站点", "url": "http://127.0.4.61:9/"}]}]}, allow_unicode=True), encoding="utf-8")
    code = ("import sys; from scan.pool import preload; from crawler.render import RenderDownloadHandler; "
            f"preload({str(reg)!r}); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'playwright' "
            "or m in ('scrapy_playwright.handler', 'crawler.browser_handler')))")
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "[]"


def test_static_scan_starts_no_browser(static_scan: Any, env: SampleEnv) -> None:
    session, run = static_scan
    assert run.status == "completed"
    # the render stats (browser launches, driver starts, rendered pages) stay absent
    assert "render" not in run.stats, run.stats
    for scan in session.scalars(select(SiteScan).where(SiteScan.run_id == run.id)):
        assert scan.stats["rendered"] == 0 and scan.stats["pages"] > 50
    assert not any(p.meta.get("rendered") for p in session.scalars(select(Page).where(Page.run_id == run.id)))
    _assert_lists_match_truth(session, run, env, "akwjw")


# --- JavaScript: rendered where needed, JSON read directly ----------------------------------------------


def test_json_columns_yield_every_item_across_api_pages(js_scan: Any, env: SampleEnv) -> None:
    session, run = js_scan
    assert run.status == "completed"
    for site in ("akzrzyj", "plx-www"):
        _assert_lists_match_truth(session, run, env, site)
    cols = {(c.site_id, c.name): c for c in session.scalars(select(Column).where(Column.run_id == run.id))}
    assert (cols["akzrzyj", "工作动态"].extractor, cols["akzrzyj", "工作动态"].pages_walked) == ("json:gkmlpt", 3)
    assert (cols["akzrzyj", "通知公告"].extractor, cols["akzrzyj", "通知公告"].pages_walked) == ("json:jpaas", 3)
    assert (cols["plx-www", "通知公告"].extractor, cols["plx-www", "通知公告"].pages_walked) == ("json:records", 3)
    assert cols["plx-www", "部门动态"].pager == "jpage"
    # the API's later pages were asked for by the crawler itself, GET or POST as the page's script does
    results = {r.url: r for r in session.scalars(select(LinkResult).where(LinkResult.run_id == run.id))}
    api = [r for u, r in results.items() if "/gkmlpt/api/" in u or "build/unit" in u or "/front/api/" in u]
    assert api and all(r.ok for r in api)
    assert {r.method for r in api} == {"GET", "POST"}
    # dates: epoch seconds (gkmlpt), HTML list inside JSON (jpaas), "YYYY-MM-DD hh:mm:ss" (POST API)
    gz = _col(env, "akzrzyj", "工作动态")
    got = {it.url: it.published for it in session.scalars(select(ColumnItem).where(
        ColumnItem.run_id == run.id, ColumnItem.column_url == gz["url"]))}
    assert got == {i["url"]: _d(i["published"]) for i in gz["items"]} and len(got) == 23


def test_only_script_filled_columns_are_rendered(js_scan: Any, env: SampleEnv) -> None:
    session, run = js_scan
    render = run.stats["render"]
    assert render["browser_launches"] == 1 and render["driver_starts"] == 1
    rendered = defaultdict(set)
    for p in session.scalars(select(Page).where(Page.run_id == run.id)):
        if p.meta.get("rendered"):
            rendered[p.site_id].add((p.url, p.meta["rendered"]))
    # auto: exactly the column pages whose scripts fill the list; never their API pages or details
    auto = {u for site in ("akzrzyj", "plx-www") for u, _ in rendered[site]}
    assert auto == ({c["url"] for c in env.truth["sites"]["akzrzyj"]["columns"] if c["kind"] == "list"}
                    | {_col(env, "plx-www", n)["url"] for n in ("通知公告", "乡镇动态", "在线访谈")})
    reasons = {why for site in ("akzrzyj", "plx-www") for _, why in rendered[site]}
    assert reasons == {"auto:xhr", "auto:jpaas", "auto:dom_write"}
    # render: js: every page of the site went through the browser, and its lists are still complete
    zyx = {p.url: p for p in session.scalars(select(Page).where(Page.run_id == run.id, Page.site_id == "zyx-www"))}
    assert len(zyx) >= 8 and all(p.meta.get("rendered") == "site:js" for p in zyx.values())
    yw = _col(env, "zyx-www", "紫阳要闻")
    assert _items(session, run, "zyx-www")[yw["url"]] == {(i["url"], i["title"], _d(i["published"])) for i in yw["items"]}


def _why_no_shot(session: Any, site: str, check: str, finding: Any, shots: dict[Any, Any], env: SampleEnv) -> str:
    """What the scan did about a planted screenshot that is missing: its finding, the pictures
    taken, and the crawl log's lines about the site's host and about screenshots."""
    host = env.truth["sites"][site]["url"].split("/")[2]
    log = Path(session.bind.url.database + ".log")
    lines = [ln for ln in (log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else [])
             if host in ln or "screenshot" in ln.lower() or "Traceback" in ln]
    return (f"no screenshot for {site} {check}: finding {finding and (finding.target, finding.evidence)}, "
            f"shots {sorted(shots)}; log:\n" + "\n".join(lines[-60:]))


def test_empty_stale_and_unreachable_findings_carry_a_screenshot(js_scan: Any, env: SampleEnv) -> None:
    session, run = js_scan
    shots = {(s.site_id, s.url): s for s in session.scalars(select(Screenshot).where(Screenshot.run_id == run.id))}
    findings = {(f.subject_id, f.check_id): f for f in session.scalars(select(Finding))}
    planted = [("plx-www", "column_empty", "empty"), ("akzrzyj", "column_stale", "stale"),
               ("zyx-www", "column_empty", "empty"), ("akxx-dead", "site_unreachable", "unreachable")]
    for site, check, reason in planted:
        f = findings.get((site, check))
        shot = shots.get((site, f.target)) if f is not None else None
        assert shot is not None, _why_no_shot(session, site, check, f, shots, env)
        assert f.evidence["screenshot_id"] == shot.id and shot.reason == reason
        assert shot.png.startswith(PNG) and 0 < shot.size == len(shot.png) <= 150_000
        assert (shot.width, shot.height) != (0, 0)
    assert shots["akxx-dead", env.truth["sites"]["akxx-dead"]["url"]].error  # Chromium's error page
    # nothing else was photographed: fresh columns are not evidence of anything
    assert len(shots) == len(planted)


def test_browser_requests_obey_the_address_policy(tmp_path: Path) -> None:
    """A rendered page cannot make the browser reach the inspector's own network: what its tags and
    scripts ask for goes through the same private-address policy as the crawler's requests."""
    from samplesites.server import SampleServers

    root = tmp_path / "www"
    (root / "t-www").mkdir(parents=True)
    (root / "t-www" / "ok.js").write_text("var ok = 1;\n", encoding="utf-8")
    (root / "t-www" / "index.html").write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>测试</title>'
        '<script src="http://10.1.2.3/x.js"></script><script src="/ok.js"></script></head><body>'
        '<script>fetch("http://169.254.169.254/latest/meta-data/").catch(function () {});</script>'
        "</body></html>", encoding="utf-8")
    servers = SampleServers({"t-www": ("127.0.4.60", 0)})
    url = servers.base_urls["t-www"]
    registry = tmp_path / "sites.yaml"
    registry.write_text(yaml.safe_dump({  # no only_networks: the production policy decides
        "crawl": {"check_external": False, "robots": "ignore", "render": {"idle_timeout": 1}},
        "units": [{"id": "t", "name": "测试", "kind": "department",
                   "sites": [{"id": "t-www", "name": "测试", "url": url, "render": "js"}]}]},
        allow_unicode=True), encoding="utf-8")
    with servers.start(root):
        proc = run_cli("scan", "--config", str(registry), "--db", str(tmp_path / "t.db"), "--as-of", "2026-11-20",
                       "--no-progress")
    assert proc.returncode == 0, proc.stderr[-3000:]
    engine = make_engine(str(tmp_path / "t.db"))
    with session_factory(engine)() as session:
        run = session.scalars(select(ScanRun)).one()
        page = session.scalars(select(Page).where(Page.kind == "home")).one()
    engine.dispose()
    assert page.meta["rendered"] == "site:js"
    # the private script and the metadata fetch were aborted in the browser; /ok.js was not
    assert run.stats["render"]["refused_by_policy"] == 2


def test_a_browser_that_fails_costs_no_static_reading_and_no_false_finding(env: SampleEnv, tmp_path: Path) -> None:
    """Without a working Chromium the script-filled columns are read statically (they come out
    empty) and marked unread: no 空白栏目 finding comes from the inspector's own failure."""
    reg = yaml.safe_load(env.registry.read_text(encoding="utf-8"))
    reg["crawl"]["render"] = {"executable_path": str(tmp_path / "no-such-chromium")}
    registry = tmp_path / "sites.yaml"
    registry.write_text(yaml.safe_dump(reg, allow_unicode=True), encoding="utf-8")
    engine, session, run = _scan(env, str(tmp_path / "f.db"), ["plx-www"], registry)
    try:
        assert run.status == "completed" and run.stats["render"]["fallbacks"] == 3
        assert "browser_launches" not in run.stats["render"]
        cols = {c.name: c for c in session.scalars(select(Column).where(Column.run_id == run.id))}
        assert {n for n, c in cols.items() if c.extractor == "render_failed"} == {"通知公告", "乡镇动态", "在线访谈"}
        assert not session.scalars(select(Finding).where(Finding.check_id == "column_empty")).all()
        yw = _col(env, "plx-www", "平利要闻")  # the static columns are read as ever
        assert _items(session, run, "plx-www")[yw["url"]] == {(i["url"], i["title"], _d(i["published"]))
                                                             for i in yw["items"]}
    finally:
        session.close()
        engine.dispose()
