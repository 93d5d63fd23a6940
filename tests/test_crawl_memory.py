"""A crawl's memory does not grow with the size of the sites it crawls: its frontier waits on disk
(crawler.frontier) — a scan's pending requests are queued in Scrapy's disk queues, not held in
memory, whatever kind they are (pages, list pages, link checks, redirect hops), and the queue's
directory is gone when the scan ends — and the URL caches of the link readers are bounded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from faultserver import FaultServer, page, redirect, scan_cmd, site_entry, write_registry
from samples_env import run_cli, run_python
from sqlalchemy import select

from crawler.frontier import PREFIX, frontier_dir, remove_orphans
from db.models import Page, ScanRun
from db.session import make_engine, session_factory
from spiders.extract import urls

DETAILS = 120


def _html(title: str, body: str = "") -> str:
    return f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'


def _list(first: int, last: int, nxt: str | None) -> str:
    rows = "".join(f'<li><a href="/news/{n}.html">第{n}条新闻标题</a><span>2026-11-{1 + n % 19:02d}</span></li>'
                   for n in range(first, last))
    pager = f'<div class="page"><a href="{nxt}">下一页</a></div>' if nxt else ""
    return _html("新闻动态", f"<ul>{rows}</ul>{pager}")


def test_frontier_dir_is_removed_when_the_crawl_ends(tmp_path: Path) -> None:
    with frontier_dir(str(tmp_path)) as path:
        assert Path(path).parent == tmp_path and Path(path).name.startswith(f"{PREFIX}{os.getpid()}-")
        (Path(path) / "requests.queue").mkdir()
        (Path(path) / "requests.queue" / "q00000").write_bytes(b"x" * 100)
    assert list(tmp_path.iterdir()) == []


def test_a_killed_crawls_frontier_is_removed_by_the_next_one_a_live_ones_is_not(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    dead = tmp_path / f"{PREFIX}{gone.stdout.strip()}-abc"
    live = tmp_path / f"{PREFIX}{os.getpid()}-def"
    other = tmp_path / "someone-elses"
    for d in (dead, live, other):
        (d / "requests.queue").mkdir(parents=True)
    assert remove_orphans(str(tmp_path)) == [str(dead)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name])


def test_the_open_files_limit_is_raised_up_to_the_hard_limit() -> None:
    code = ("import resource\n"
            "from crawler.frontier import raise_open_files_limit\n"
            "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
            "resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))\n"
            "cap = 2048 if hard == resource.RLIM_INFINITY else min(2048, hard)\n"
            "assert raise_open_files_limit(2048) == cap, resource.getrlimit(resource.RLIMIT_NOFILE)\n"
            "assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == cap\n"
            "assert raise_open_files_limit(16) == cap  # never lowered\n")
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr


def test_the_url_caches_keep_the_repeated_links_not_every_url() -> None:
    nav = [f"http://a.gov.cn/col{n}/" for n in range(20)]
    for n in range(3 * urls.URL_CACHE):
        # every page: its navigation again, and a URL met once
        for url in nav:
            assert urls.is_column_like(url) and not urls.is_attachment(url)
        urls.is_article_like(f"http://a.gov.cn/art/{n}.html")
        urls.is_attachment(f"http://a.gov.cn/files/{n}.pdf")
    for cached in (urls.is_attachment, urls.is_column_like, urls.is_article_like):
        assert cached.cache_info().currsize <= urls.URL_CACHE
    hits = urls.is_attachment.cache_info().hits
    urls.is_attachment(nav[0])
    assert urls.is_attachment.cache_info().hits == hits + 1


@pytest.fixture(scope="module")
def servers() -> object:
    site, other = FaultServer("127.0.12.1"), FaultServer("127.0.12.2", default=page(_html("外部页面")))
    site.route("/", page(_html("首页", '<div class="nav"><a href="/news/">新闻动态</a></div>'
                                      '<a href="/moved.html">旧地址</a>'
                                      f'<a href="{other.url("/ext.html")}">外部链接</a>'
                                      '<a href="/files/a.pdf">附件</a>')))
    half = DETAILS // 2
    site.route("/news/", page(_list(0, half, "/news/index_1.html")))
    site.route("/news/index_1.html", page(_list(half, DETAILS, None)))
    for n in range(DETAILS):
        site.route(f"/news/{n}.html", page(_html(f"第{n}条新闻标题", f"正文{n}<a href='/news/'>返回</a>")))
    site.route("/moved.html", redirect("/news/0.html", 301))
    site.route("/files/a.pdf", page(b"%PDF-1.4", content_type="application/pdf"))
    for s in (site, other):
        s.start()
    yield site, other
    for s in (site, other):
        s.stop()


def test_a_scans_pending_requests_wait_on_disk(tmp_path: Path, servers: tuple[FaultServer, FaultServer]) -> None:
    site, other = servers
    registry = write_registry(tmp_path / "sites.yaml", [site_entry("f", site.url("/"), concurrency=2)],
                              retry_times=0, download_timeout=10,
                              allow_networks=[f"{other.host}/32"])
    temp = tmp_path / "tmp"
    temp.mkdir()
    db = str(tmp_path / "scan.db")
    proc = run_cli(*scan_cmd(registry, db, "--no-checks", "--log-file", str(tmp_path / "scan.log")),
                   timeout=300, env={"TMPDIR": str(temp)})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    engine = make_engine(db)
    try:
        with session_factory(engine)() as session:
            run = session.scalars(select(ScanRun)).one()
            pages = set(session.scalars(select(Page.url)))
    finally:
        engine.dispose()
    assert {site.url(f"/news/{n}.html") for n in range(DETAILS)} <= pages
    assert other.hits_for("/ext.html") and site.hits_for("/moved.html") and site.hits_for("/files/a.pdf")
    # every request the sites' crawl scheduled (pages, list pages, checks, redirect hops)
    # was queued on disk; none was held in memory
    frontier = run.stats["frontier"]
    assert frontier["memory"] == 0 and frontier["disk"] >= DETAILS + 4, frontier
    assert not list(temp.glob(f"{PREFIX}*"))


def test_the_disk_queue_gives_back_each_request_as_it_was_and_stores_it_compressed(tmp_path: Path) -> None:
    import pickle

    from scrapy import Request

    from crawler.diskqueue import CompressedLifoDiskQueue

    class Spider:
        def parse_response(self, response: object) -> None: ...

        def on_error(self, failure: object) -> None: ...

    spider = Spider()
    q = CompressedLifoDiskQueue(spider, str(tmp_path / "q" / "p0"))
    sent = [Request(f"http://127.0.1.17:8080/zwgk/tzgg/202611/t20261120_{n}.html", callback=spider.parse_response,
                    errback=spider.on_error, priority=-1, dont_filter=True,
                    meta={"gi_site": "site17", "gi_kind": "detail", "gi_depth": 3, "gi_chain": [],
                          "gi_column": "http://127.0.1.17:8080/zwgk/tzgg/index.html", "download_slot": "site:site17",
                          "gi_link": {"text": "关于做好安全生产工作的通知"}})
            for n in range(200)]
    for r in sent:
        q.push(r)
    assert len(q) == 200
    on_disk = (tmp_path / "q" / "p0").stat().st_size
    pickled = sum(len(pickle.dumps(r.to_dict(spider=spider), protocol=4)) for r in sent)
    assert on_disk < pickled / 3, (on_disk, pickled)
    assert q.peek().url == sent[-1].url
    got = [q.pop() for _ in range(200)]
    assert q.pop() is None and len(q) == 0
    q.close()
    for want, r in zip(reversed(sent), got, strict=True):  # LIFO, as Scrapy's own disk queue
        assert (r.url, r.meta, r.priority, r.dont_filter) == (want.url, want.meta, want.priority, want.dont_filter)
        assert r.callback == spider.parse_response and r.errback == spider.on_error
    # a request the queue cannot store is refused with ValueError: the scheduler keeps it in memory
    q = CompressedLifoDiskQueue(spider, str(tmp_path / "q" / "p1"))
    with pytest.raises(ValueError):
        q.push(Request("http://127.0.1.17:8080/", callback=lambda r: None))
    with pytest.raises(ValueError):
        q.push(Request("http://127.0.1.17:8080/", callback=spider.parse_response, meta={"obj": Spider()}))
    q.close()
