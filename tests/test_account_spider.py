"""AccountSpider: unit tests against hand-made responses, and an end-to-end crawl of the sample
accounts in a child process (a Twisted reactor starts once per process)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from scrapy.http import Request, Response
from test_platform_weibo import NEWEST, PINNED, page
from twisted.internet.error import ConnectionRefusedError
from twisted.python.failure import Failure

from core.items import LinkItem, LinkResultItem, PostItem, SiteScanItem
from core.registry import AccountConfig, CrawlConfig, Registry, UnitConfig
from samplesites.accounts import merge_registry, serve_accounts
from spiders.account import AccountSpider, _RedactSecrets

ROOT = Path(__file__).resolve().parent.parent
WEIBO = "https://m.weibo.cn/api/container/getIndex?type=uid&value=2656274875&containerid=1076032656274875"
FP = "https://api.weixin.qq.com/cgi-bin/freepublish/batchget"


def make_spider(*accounts: dict[str, Any], **kwargs: Any) -> AccountSpider:
    reg = Registry(crawl=CrawlConfig(), units=[UnitConfig(id="akzf", name="安康市人民政府办公室", kind="county",
                                                          accounts=[AccountConfig(**a) for a in accounts])])
    return AccountSpider(registry=reg, **kwargs)


def start(spider: AccountSpider) -> list[Any]:
    async def collect() -> list[Any]:
        return [x async for x in spider.start()]
    return asyncio.run(collect())


def respond(req: Request, status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None) -> Response:
    return Response(url=req.url, status=status, headers=headers or {}, body=body, request=req)


def split(out: list[Any]) -> dict[str, list[Any]]:
    kinds: dict[str, list[Any]] = {"scan": [], "post": [], "link": [], "result": [], "feed": [], "check": []}
    for x in out:
        if isinstance(x, SiteScanItem):
            kinds["scan"].append(x)
        elif isinstance(x, PostItem):
            kinds["post"].append(x)
        elif isinstance(x, LinkItem):
            kinds["link"].append(x)
        elif isinstance(x, LinkResultItem):
            kinds["result"].append(x)
        elif isinstance(x, Request):
            kinds[x.meta["gi_kind"]].append(x)
        else:
            raise AssertionError(f"unexpected output {x!r}")
    return kinds


WB = {"id": "akfb-weibo", "platform": "weibo", "name": "安康发布", "url": WEIBO}


def test_weibo_pages_posts_links_and_completion() -> None:
    spider = make_spider(WB)
    first = split(start(spider))
    assert [(s.status, s.subject, s.home_url) for s in first["scan"]] == [("running", "account", WEIBO)]
    (req,) = first["feed"]
    assert req.meta["gi_site"] == "akfb-weibo" and req.method == "GET" and req.url == WEIBO

    out = split(list(spider.parse_feed_page(respond(req, body=page([PINNED, NEWEST], since_id=4987000000000001)))))
    assert [(p.post_id, p.pinned, p.source_format) for p in out["post"]] == [
        ("4900000000000099", True, "weibo_container"), ("4987654321000001", False, "weibo_container")]
    (link,) = out["link"]
    assert (link.site_id, link.source_url, link.target_url, link.tag, link.attr, link.internal) == (
        "akfb-weibo", "https://m.weibo.cn/status/4987654321000001", "http://www.ankang.gov.cn/Content-2612345.html",
        "a", "href", False)
    (check,) = out["check"]
    assert check.method == "HEAD" and check.url == link.target_url
    (nxt,) = out["feed"]
    assert parse_qs(urlsplit(nxt.url).query)["since_id"] == ["4987000000000001"]
    assert out["scan"] == []

    # a page repeating what was read (a stuck cursor) ends the account
    out2 = split(list(spider.parse_feed_page(respond(nxt, body=page([NEWEST], since_id=4986)))))
    assert out2["post"] == [] and out2["feed"] == [] and out2["check"] == []
    (done,) = out2["scan"]
    assert done.status == "completed" and done.subject == "account"
    assert done.stats["posts"] == 2 and done.stats["pinned"] == 1 and done.stats["pages"] == 2
    # the pinned post (Sep 21) never decides freshness
    assert done.stats["newest"] == "2026-11-18 09:30:00"
    assert spider.account_results()["akfb-weibo"]["status"] == "completed"


def test_page_limit() -> None:
    spider = make_spider(WB, max_pages=1)
    (req,) = split(start(spider))["feed"]
    out = split(list(spider.parse_feed_page(respond(req, body=page([NEWEST])))))
    assert out["feed"] == []
    assert out["scan"][0].status == "completed" and out["scan"][0].stats["truncated"] is True


@pytest.mark.parametrize(("status", "error"), [
    (403, "forbidden: HTTP 403"), (401, "auth: HTTP 401"), (418, "api_error: HTTP 418 (rate limited)"),
    (404, "http: HTTP 404"),
])
def test_http_failures(status: int, error: str) -> None:
    spider = make_spider(WB)
    (req,) = split(start(spider))["feed"]
    out = split(list(spider.parse_feed_page(respond(req, status, b"<html>no</html>"))))
    assert [(s.status, s.error) for s in out["scan"]] == [("failed", error)]


def test_feed_errors_fail_the_account() -> None:
    spider = make_spider(WB)
    (req,) = split(start(spider))["feed"]
    out = split(list(spider.parse_feed_page(respond(req, body=b'{"ok":1,"data":{"cards":['))))
    (failed,) = out["scan"]
    assert failed.status == "failed" and failed.error.startswith("malformed: invalid JSON")
    # once failed, a late response changes nothing
    assert list(spider.parse_feed_page(respond(req, body=page([NEWEST])))) == []


def test_connection_failure() -> None:
    spider = make_spider(WB)
    (req,) = split(start(spider))["feed"]
    failure = Failure(ConnectionRefusedError("Connection was refused by other side"))
    failure.request = req  # type: ignore[attr-defined]
    (failed,) = split(list(spider.on_feed_error(failure)))["scan"]
    assert failed.status == "failed" and failed.error.startswith("refused: ")


def test_login_redirect_is_auth() -> None:
    spider = make_spider(WB)
    (req,) = split(start(spider))["feed"]
    resp = respond(req, 302, headers={"Location": "https://passport.weibo.com/visitor/visitor?entry=miniblog"})
    (failed,) = split(list(spider.parse_feed_page(resp)))["scan"]
    assert failed.error.startswith("auth: redirected to a login page")


def test_later_page_failure_keeps_a_readable_account() -> None:
    spider = make_spider(WB)
    (req,) = split(start(spider))["feed"]
    (nxt,) = split(list(spider.parse_feed_page(respond(req, body=page([PINNED, NEWEST])))))["feed"]
    (done,) = split(list(spider.parse_feed_page(respond(nxt, 403))))["scan"]
    assert done.status == "completed" and done.stats["incomplete"] == "forbidden: HTTP 403"

    # with only a pinned post read so far, freshness cannot be judged: failed
    spider = make_spider(WB)
    (req,) = split(start(spider))["feed"]
    (nxt,) = split(list(spider.parse_feed_page(respond(req, body=page([PINNED])))))["feed"]
    (failed,) = split(list(spider.parse_feed_page(respond(nxt, 403))))["scan"]
    assert failed.status == "failed" and failed.error == "forbidden: HTTP 403"


def test_missing_credentials_env_is_auth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GI_TEST_NO_SUCH_TOKEN", raising=False)
    spider = make_spider({"id": "akfb-wechat", "platform": "wechat", "name": "安康发布", "url": FP,
                          "credentials_env": "GI_TEST_NO_SUCH_TOKEN"},
                         {"id": "hbfb-wechat", "platform": "wechat", "name": "汉滨发布", "url": FP})
    out = split(start(spider))
    assert out["feed"] == []
    assert [(s.site_id, s.status) for s in out["scan"]] == [
        ("akfb-wechat", "running"), ("akfb-wechat", "failed"), ("hbfb-wechat", "running"), ("hbfb-wechat", "failed")]
    assert out["scan"][1].error == ("auth: environment variable GI_TEST_NO_SUCH_TOKEN (credentials_env of account "
                                    "akfb-wechat) is not set")
    assert out["scan"][3].error.startswith("auth: the WeChat publishing API needs an access_token")


def test_freepublish_token_is_sent_but_never_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "72_sEcReTtOkEn-abcdef"
    monkeypatch.setenv("GI_TEST_WX_TOKEN", secret)
    spider = make_spider({"id": "akfb-wechat", "platform": "wechat", "name": "安康发布", "url": FP,
                          "credentials_env": "GI_TEST_WX_TOKEN"})
    try:
        out = split(start(spider))
        (req,) = out["feed"]
        assert req.method == "POST" and parse_qs(urlsplit(req.url).query)["access_token"] == [secret]
        assert json.loads(req.body) == {"offset": 0, "count": 20, "no_content": 0}
        assert req.headers[b"Content-Type"] == b"application/json"
        assert secret not in out["scan"][0].home_url
        body = json.dumps({"errcode": 42001, "errmsg": f"access_token expired, token {secret} rid: 1"}).encode()
        (failed,) = split(list(spider.parse_feed_page(respond(req, body=body))))["scan"]
        assert failed.error.startswith("auth: WeChat API errcode 42001") and secret not in failed.error
        # Scrapy's own log lines carry the request URL; the filter blanks the token out
        record = logging.LogRecord("scrapy", logging.ERROR, __file__, 1, "Gave up retrying %s", (req,), None)
        assert isinstance(spider._log_filter, _RedactSecrets) and spider._log_filter.filter(record)
        assert secret not in record.getMessage() and "access_token=***" in record.getMessage()
    finally:
        spider.closed("finished")


def test_cookie_credentials_for_other_apis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GI_TEST_WX_COOKIE", "slave_sid=abc; slave_user=gh_1")
    url = "https://mp.weixin.qq.com/cgi-bin/appmsg?action=list_ex&begin=0&count=5&fakeid=MzI0&type=9"
    spider = make_spider({"id": "akjy-wechat", "platform": "wechat", "name": "安康教育", "url": url,
                          "credentials_env": "GI_TEST_WX_COOKIE"})
    try:
        (req,) = split(start(spider))["feed"]
        assert req.url == url and req.headers[b"Cookie"] == b"slave_sid=abc; slave_user=gh_1"
        assert req.meta["dont_merge_cookies"] is True
    finally:
        spider.closed("finished")


def test_link_checks_follow_site_spider_semantics() -> None:
    spider = make_spider(WB)
    start(spider)
    target = "http://www.ankang.gov.cn/a.html"
    head = spider._check_request(spider.states["akfb-weibo"], target)
    # HEAD refused -> GET decides
    (get,) = list(spider.parse_check(respond(head, 405)))
    assert get.method == "GET" and get.meta["gi_origin"] == target
    # a redirect is followed hop by hop and recorded
    (hop,) = list(spider.parse_check(respond(get, 302, headers={"Location": "/b.html"})))
    assert hop.url == "http://www.ankang.gov.cn/b.html"
    (result,) = list(spider.parse_check(respond(hop, 404)))
    assert isinstance(result, LinkResultItem)
    assert (result.site_id, result.url, result.ok, result.status, result.error_class) == (
        "akfb-weibo", target, False, 404, "http")
    assert [h["status"] for h in result.redirect_chain] == [302, 404]
    # a redirect back to a URL already in the chain is a loop
    loop = spider._check_request(spider.states["akfb-weibo"], target, "GET")
    (res,) = list(spider.parse_check(respond(loop, 301, headers={"Location": target})))
    assert res.error_class == "redirect_loop"


# --- end to end ------------------------------------------------------------------------------------

RUNNER = textwrap.dedent('''
    import dataclasses, sys
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings
    from crawler import settings as base
    from spiders.account import AccountSpider

    class TagType:
        """Each item as a dict with its type, for the feed export (no database involved)."""
        def process_item(self, item):
            return {"_type": type(item).__name__, **dataclasses.asdict(item)}

    registry, out, as_of = sys.argv[1:4]
    s = Settings()
    s.setmodule(base, priority="project")
    s.set("ITEM_PIPELINES", {TagType: 100})
    # one line per item, as the spider yields them (not batched per callback)
    s.set("SPIDER_MIDDLEWARES", {**s.getdict("SPIDER_MIDDLEWARES"),
                                 "crawler.middlewares.batch_items.ItemBatchMiddleware": None})
    s.set("FEEDS", {out: {"format": "jsonlines", "encoding": "utf8"}})
    s.set("GOVINSPECT_ONLY_NETWORKS", ["127.0.0.0/8"])
    from core.netpolicy import own_origins
    from core.registry import load_registry
    s.set("GOVINSPECT_OWN_ORIGINS", own_origins(load_registry(registry)))  # the accounts' hosts, as a scan sets them
    s.set("AUTOTHROTTLE_ENABLED", False)
    s.set("LOG_LEVEL", "INFO")
    process = CrawlerProcess(s)
    crawler = process.create_crawler(AccountSpider)
    process.crawl(crawler, registry=registry, as_of=as_of)
    process.start()
    print("FINISH", crawler.stats.get_value("finish_reason"))
''')


@pytest.fixture(scope="module")
def e2e(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("accounts")
    as_of = dt.date(2026, 11, 20)
    server, truth = serve_accounts(as_of, "127.0.5.1", 0)
    try:
        data = merge_registry({"crawl": {"only_networks": ["127.0.0.0/8"], "autothrottle": False}, "units": []},
                              truth["registry"])
        registry = tmp / "sites.yaml"
        registry.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        (tmp / "run.py").write_text(RUNNER, encoding="utf-8")
        out = tmp / "items.jsonl"
        proc = subprocess.run(
            [sys.executable, str(tmp / "run.py"), str(registry), str(out), as_of.isoformat()],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
            env={**os.environ, **truth["credentials"], "PYTHONPATH": str(ROOT)},
        )
    finally:
        server.stop()
    assert proc.returncode == 0 and "FINISH finished" in proc.stdout, proc.stdout[-2000:] + proc.stderr[-5000:]
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {"truth": truth, "items": items, "log": proc.stdout + proc.stderr}


def _of(items: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [i for i in items if i["_type"] == kind]


def test_e2e_statuses_equal_truth(e2e: dict[str, Any]) -> None:
    scans = _of(e2e["items"], "SiteScanItem")
    assert all(s["subject"] == "account" for s in scans)
    per: dict[str, list[dict[str, Any]]] = {}
    for s in scans:
        per.setdefault(s["site_id"], []).append(s)
    assert set(per) == set(e2e["truth"]["accounts"])
    for aid, acc in e2e["truth"]["accounts"].items():
        running, final = per[aid]
        assert running["status"] == "running" and running["home_url"] == acc["url"]
        assert final["status"] == acc["status"], (aid, final)
        if acc["status"] == "failed":
            assert final["error"].split(":", 1)[0] == acc["error_kind"], (aid, final["error"])
        else:
            assert final["error"] is None and final["stats"]["posts"] == len(acc["posts"])
            assert final["stats"]["format"] == acc["format"]


def test_e2e_posts_equal_truth(e2e: dict[str, Any]) -> None:
    posts = _of(e2e["items"], "PostItem")
    at = dt.datetime.fromisoformat
    got: dict[str, set[tuple[str, dt.datetime, bool]]] = {}
    for p in posts:
        got.setdefault(p["account_id"], set()).add((p["post_id"], at(p["posted_at"]), p["pinned"]))
    expected = {aid: {(p["id"], at(p["posted_at"]), p["pinned"]) for p in acc["posts"]}
                for aid, acc in e2e["truth"]["accounts"].items() if acc["posts"]}
    assert got == expected
    assert not [k for k, n in Counter((p["account_id"], p["post_id"]) for p in posts).items() if n > 1]


def test_e2e_links_and_checks(e2e: dict[str, Any]) -> None:
    links = {(li["site_id"], li["source_url"], li["target_url"]) for li in _of(e2e["items"], "LinkItem")}
    expected = {(aid, lk["source_url"], lk["target_url"])
                for aid, acc in e2e["truth"]["accounts"].items() for lk in acc["links"]}
    assert links == expected
    results = {r["url"]: (r["ok"], r["status"]) for r in _of(e2e["items"], "LinkResultItem")}
    assert results == {url: (r["ok"], r["status"]) for url, r in e2e["truth"]["link_results"].items()}
    assert len(_of(e2e["items"], "LinkResultItem")) == len(results)  # each URL checked once


def test_e2e_findings_follow_from_posts(e2e: dict[str, Any]) -> None:
    """What the checks will compute from the stored posts matches the planted findings."""
    truth = e2e["truth"]
    as_of = dt.date.fromisoformat(truth["as_of"])
    final = {s["site_id"]: s for s in _of(e2e["items"], "SiteScanItem") if s["status"] != "running"}
    found = []
    for aid, scan in final.items():
        if scan["status"] != "completed":
            continue
        url = truth["accounts"][aid]["url"]
        newest = scan["stats"]["newest"]
        if scan["stats"]["posts"] == 0:
            found.append({"account": aid, "check": "account_empty", "target": url})
        elif newest is None or dt.date.fromisoformat(newest[:10]) < as_of - dt.timedelta(days=truth["stale_days"]):
            found.append({"account": aid, "check": "account_stale", "target": url})
    assert sorted(found, key=lambda f: f["account"]) == truth["findings"]
    assert {f["account"] for f in truth["findings"]} == {"hbfb-weibo", "jkak-wechat"}


def test_e2e_credentials_never_recorded(e2e: dict[str, Any]) -> None:
    dump = json.dumps(e2e["items"], ensure_ascii=False)
    for secret in e2e["truth"]["credentials"].values():
        assert secret not in dump
        assert secret not in e2e["log"]
