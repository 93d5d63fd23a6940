"""Unit tests of the reliability pieces (issue #7) that need no crawl: error classes, charset choice,
the private-address policy, the network-down verdicts, URL canonicalisation with a page encoding,
and crawled text in report output. The crawls themselves: test_faults_scan.py, test_network_down.py."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from typing import Any

import pytest
from rich.console import Console
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from scrapy.http import Request
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from cli.cmd_report import findings_table
from core import urls
from core.charset import pick_encoding
from core.errors import classify_exception, tls_detail
from crawler.extensions.canary import canary_verdict
from crawler.middlewares.target_policy import TargetPolicyMiddleware, TargetSkipped
from crawler.tls import TLSCertificateError
from reports.export import _cell
from scan.netcheck import network_down_reason, sites_verdict

TITLE = "安康市人民政府办公室关于印发通知的函"


# --- error classes ------------------------------------------------------------------------------


def test_error_classes_and_reasons() -> None:
    assert classify_exception(DownloadCancelledError(""))[0] == "too_large"
    cls, msg = classify_exception(ResponseDataLossError())
    assert cls == "reset" and "whole body" in msg
    # the URL in a timeout message must not make it a TLS error
    assert classify_exception(DownloadTimeoutError("Getting http://x/ssl/tls.html took longer than 15 s"))[0] == "timeout"
    assert classify_exception(CannotResolveHostError("no results for hostname lookup: x.invalid"))[0] == "dns"
    # a certificate refusal arrives wrapped; the finding gets the inner reason, not the wrapper's repr
    wrapped = ResponseNeverReceived([Failure(TLSCertificateError("certificate has expired on 2026-01-01 [CN=x]"))])
    cls, msg = classify_exception(wrapped)
    assert cls == "tls" and msg == "TLSCertificateError: certificate has expired on 2026-01-01 [CN=x]"
    assert classify_exception(TargetSkipped("10.0.0.1 resolves to ..."))[0] == "skipped"
    assert tls_detail("TLSCertificateError: certificate has expired on 2026-01-01") == "TLS/证书错误（证书已过期）"
    assert tls_detail("TLSCertificateError: certificate does not match the host name a.cn") == "TLS/证书错误（证书与域名不符）"
    assert tls_detail("SSL routines: unexpected eof") == "TLS/证书错误"


# --- charsets -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "chosen", "ctype", "want"), [
    ((f'<meta charset="gbk"><title>{TITLE}</title>').encode("gbk"), "utf-8", "text/html; charset=utf-8", "gb18030"),
    ((f'<meta charset="utf-8"><title>{TITLE}</title>').encode(), "gb18030", "text/html; charset=gbk", "utf-8"),
    ((f"<title>{TITLE}</title>").encode("gb2312"), "cp1252", "text/html", "gb18030"),  # no label at all
    ((f'<meta charset="gbk"><title>{TITLE}</title>').encode("gbk"), "gb18030", "text/html; charset=gbk", "gb18030"),
    (b"<title>plain ascii</title>", "utf-8", "text/html", None),
    (b"\xef\xbb\xbf<title>bom</title>", "utf-8", "text/html", None),
])
def test_pick_encoding(body: bytes, chosen: str, ctype: str, want: str | None) -> None:
    got = pick_encoding(body, chosen, ctype)
    assert got == want or (want == "gb18030" and got == chosen == "gb18030")
    if want:
        assert TITLE in body.decode(got or chosen) or "ascii" in str(body)


# --- private addresses ----------------------------------------------------------------------------


def _verdict(home: str, url: str, **crawl: Any) -> str | None:
    """The downloader's verdict on `url` in a crawl of one site at `home` (core.netpolicy decides;
    tests/test_address_policy.py has its whole table)."""
    from core.netpolicy import AddressPolicy
    from core.registry import Registry

    reg = Registry.model_validate({"crawl": crawl, "units": [
        {"id": "u", "name": "单位", "kind": "county", "sites": [{"id": "s", "name": "站", "url": home}]}]})
    try:
        TargetPolicyMiddleware(AddressPolicy.from_registry(reg)).process_request(Request(url, meta={"gi_site": "s"}))
    except TargetSkipped as exc:
        return str(exc)
    return None


@pytest.mark.parametrize(("home", "url", "allowed"), [
    ("http://8.8.8.8/", "http://127.0.0.1:6379/", False),  # the inspector's Redis
    ("http://8.8.8.8/", "http://localhost:5432/", False),
    ("http://8.8.8.8/", "http://169.254.169.254/latest/meta-data/", False),  # cloud metadata
    ("http://8.8.8.8/", "http://[::ffff:127.0.0.1]/", False),
    ("http://8.8.8.8/", "http://[fe80::1]/", False),
    ("http://8.8.8.8/", "http://1.1.1.1/", True),  # public: fine
    ("http://10.9.9.9/", "http://10.9.9.9/x", True),  # an intranet site's own pages
    ("http://10.9.9.9/", "http://10.1.2.3/x", False),  # ...not its neighbours: the site, never its block
    ("http://127.0.6.1:8080/", "http://127.0.6.1:8080/a", True),  # a loopback site (the tests) is crawled
    ("http://127.0.6.1:8080/", "http://127.0.0.1:9/", False),  # ...but loopback is not opened by it
    ("http://127.0.6.1:8080/", "http://0.0.0.0:8080/", False),  # "this host" is never a neighbour
])
def test_private_address_policy(home: str, url: str, allowed: bool) -> None:
    why = _verdict(home, url)
    assert (why is None) is allowed, why
    if why:
        assert "allow_networks" in why


def test_private_address_policy_allow_list_and_only_networks() -> None:
    assert _verdict("http://8.8.8.8/", "http://192.168.3.4/", allow_networks=["192.168.0.0/16"]) is None
    # only_networks still confines everything to IP literals inside it, without DNS
    assert "only_networks" in (_verdict("http://127.0.6.1/", "http://bszs.conac.cn/", only_networks=["127.0.0.0/8"]) or "")


# --- our own network ------------------------------------------------------------------------------


def _site(ok: bool, error: str | None = None) -> dict[str, Any]:
    return {"home_ok": ok, "home_error": error}


def test_network_down_verdicts() -> None:
    refused = {f"s{i}": _site(False, "refused: Connection was refused") for i in range(3)}
    assert "refused 3" in (sites_verdict(refused) or "")
    # however few sites: one or two unreachable with nothing to prove our network works is no verdict
    for few in ({"a": _site(False, "reset: ConnectionLost")},
                {"a": _site(False, "reset: x"), "b": _site(False, "timeout: y")}):
        assert "could not reach any site" in (sites_verdict(few) or "")
        assert "crawl.canary_urls" in (sites_verdict(few) or "")
        # a canary or an account that answered proves it: the sites are down, not us
        assert sites_verdict(few, network_proven=True) is None
    assert sites_verdict({**refused, "ok": _site(True)}) is None
    assert sites_verdict({**refused, "http": _site(False, "HTTP 503")}) is None  # an answer is not our network
    assert sites_verdict({**refused, "tls": _site(False, "tls: self-signed certificate")}) is None
    assert sites_verdict({}) is None
    assert canary_verdict([{"url": "http://a/", "ok": False, "error": "dns: x"}]) is not None
    assert canary_verdict([{"url": "http://a/", "ok": False, "error": "x"}, {"url": "http://b/", "ok": True}]) is None
    assert canary_verdict([]) is None
    stats = [{}, {"govinspect/network_down": "all 1 canary URL(s) failed"}]
    assert network_down_reason(stats, {"ok": _site(True)}) == "all 1 canary URL(s) failed"
    answered = [{"govinspect/canary/start": [{"url": "http://c/", "ok": True, "status": 200}]}]
    assert network_down_reason(answered, refused) is None
    assert network_down_reason([{}], refused, accounts_answered=True) is None
    assert network_down_reason([{}], refused) is not None


# --- URLs -----------------------------------------------------------------------------------------


def test_canonical_query_in_the_page_encoding_and_configured_session_params() -> None:
    assert urls.canonical("http://a/s?kw=安康", encoding="gb18030") == "http://a/s?kw=%B0%B2%BF%B5"
    assert urls.canonical("http://a/s?kw=安康") == "http://a/s?kw=%E5%AE%89%E5%BA%B7"
    assert urls.canonical("http://a/s?kw=%B0%B2%BF%B5") == "http://a/s?kw=%B0%B2%BF%B5"  # kept byte for byte
    try:
        urls.set_session_params(["sid"])
        assert urls.canonical("http://a/p?sid=77&page=2") == "http://a/p?page=2"
    finally:
        urls.set_session_params(urls.DEFAULT_SESSION_PARAMS)
    assert urls.canonical("http://a/p?sid=77") == "http://a/p?sid=77"


# --- crawled text in reports ----------------------------------------------------------------------


def test_crawled_text_is_not_rich_markup_and_not_a_formula() -> None:
    row = {"id": 1, "unit": "u", "site": "s[/]", "check": "link_broken", "severity": "deduct", "status": "open",
           "target": "http://a/x[/]y[red]z.html", "detail": "栏目「[bold]通知[/bold]」"}
    out = io.StringIO()
    Console(file=out, width=300).print(findings_table([row]))
    text = out.getvalue()
    assert "http://a/x[/]y[red]z.html" in text and "[bold]通知[/bold]" in text
    assert _cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert _cell("+1") == "'+1" and _cell("@SUM(A1)") == "'@SUM(A1)"
    assert _cell("http://a/") == "http://a/" and _cell(3) == 3


def test_no_remote_shell_listens_during_a_crawl() -> None:
    """Scrapy's remote-control server and telnet console execute code sent to them; a crawl that
    reads untrusted pages unattended must not open either."""
    from core.registry import Registry
    from scan.runner import crawl_settings

    s = crawl_settings(Registry(units=[]), db_url="sqlite://", run_id=1, log_file=None, progress=False, site_ids=[])
    assert s.getbool("REMOTE_CONTROL_ENABLED") is False
    assert s.getbool("TELNETCONSOLE_ENABLED") is False
    # not even listed: Scrapy imports every listed extension (aiohttp for the remote control)
    listed = set(s.getwithbase("EXTENSIONS"))
    assert not {p for p in listed if "telnet" in p or "remote_control" in p}
    assert "scrapy.extensions.corestats.CoreStats" in listed


def test_one_crawler_in_trouble_does_not_fail_the_other() -> None:
    from scan.runner import run_outcome

    assert run_outcome({"sites": [], "accounts": []}, None) == ("completed", None, {})
    status, error, failed = run_outcome({"sites": [], "accounts": ["database error while writing the accounts: x"]},
                                        None)
    assert status == "incomplete" and set(failed) == {"accounts"} and "accounts" in (error or "")
    status, _, failed = run_outcome({"sites": ["sites crawl ended: shutdown"]}, None)
    assert status == "failed" and set(failed) == {"sites"}
    # our own network down: everything fails, whatever each crawler thought
    status, error, failed = run_outcome({"sites": [], "accounts": []}, "network down: canaries failed")
    assert status == "failed" and failed == {"sites": "network down: canaries failed",
                                             "accounts": "network down: canaries failed"}


def test_a_homepage_gets_the_indicators_15_seconds_whatever_the_crawl_timeout() -> None:

    from core.registry import CrawlConfig, Registry, SiteConfig, UnitConfig
    from scan.runner import crawl_settings
    from spiders.site import SiteSpider

    reg = Registry(crawl=CrawlConfig(download_timeout=10), units=[UnitConfig(
        id="u", name="单位", kind="county", sites=[SiteConfig(id="s", name="站", url="http://127.0.6.77/")])])
    settings = crawl_settings(reg, db_url="sqlite://", run_id=1, log_file=None, progress=False, site_ids=["s"])
    assert settings.getfloat("DOWNLOAD_TIMEOUT") == 10 and settings.getfloat("GOVINSPECT_HOME_TIMEOUT") == 15
    spider = SiteSpider(registry=reg, site_ids=["s"])
    spider.settings = settings  # what Crawler gives the spider (no reactor needed here)

    async def first_request() -> Request:
        async for r in spider.start():
            if isinstance(r, Request):
                return r
        raise AssertionError("no request")

    home = asyncio.run(first_request())
    assert home.meta["gi_kind"] == "home" and home.meta["download_timeout"] == 15


def test_a_screenshot_the_browser_could_not_take_is_asked_for_once_more() -> None:
    """The evidence picture of an unreachable homepage failed before the browser opened a page for
    it: it is requested again, once."""
    from types import SimpleNamespace

    from core.registry import CrawlConfig, Registry, SiteConfig, UnitConfig
    from scan.runner import crawl_settings
    from spiders.site import SiteSpider

    reg = Registry(crawl=CrawlConfig(), units=[UnitConfig(
        id="u", name="单位", kind="county", sites=[SiteConfig(id="s", name="站", url="http://127.0.6.78/")])])
    spider = SiteSpider(registry=reg, site_ids=["s"])
    spider.settings = crawl_settings(reg, db_url="sqlite://", run_id=1, log_file=None, progress=False,
                                     site_ids=["s"])
    state = spider.states["s"]
    first = next(iter(spider.home_failed(state, "refused")))
    assert first.meta["gi_shot"] == "unreachable" and first.meta["playwright_include_page"]

    async def errback(request: Request) -> list[Any]:
        return [x async for x in spider.shot_failed(SimpleNamespace(request=request))]

    again = asyncio.run(errback(first))  # no playwright_page: the browser never opened one
    assert len(again) == 1 and isinstance(again[0], Request)
    assert again[0].url == first.url and again[0].meta["gi_shot_again"] and again[0].errback == spider.shot_failed
    assert asyncio.run(errback(again[0])) == []  # once only


@pytest.mark.parametrize(("body", "ctype"), [
    ("安康市人民政府".encode("gbk"), "text/html; charset=utf-8"),  # GBK labelled UTF-8
    ("安康市人民政府".encode(), "text/html; charset=gbk"),  # UTF-8 labelled GBK
    ('<meta charset="gb2312">安康市人民政府'.encode("gbk"), "text/html"),
])
def test_probe_and_recheck_decode_as_the_crawl_does(body: bytes, ctype: str) -> None:
    from monitor.probe import FetchResult

    result = FetchResult(url="http://x/", at=dt.datetime(2026, 1, 1), ok=True, status=200, elapsed_ms=1,
                         content_type=ctype, body=body)
    assert "安康市人民政府" in result.text()
