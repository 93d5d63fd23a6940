"""The one address policy (core.netpolicy) and the request paths that need no crawl: the policy's
decisions, the connect-time resolver, the browser's policy proxy, the availability probe and
`recheck --url`. Each network test serves on its own loopback address; a Tripwire on another
loopback address or port asserts that no connection reached it. The crawls: test_address_policy_scan.py."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import pytest
import typer
from faultserver import FaultServer, page, redirect, site_entry, write_registry
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.orm import Session
from tripwire import Tripwire
from typer.testing import CliRunner

from checks.engine import check_and_score
from checks.testing import RunBuilder
from core.netpolicy import AddressPolicy, block_of, own_origins
from core.probes import ProbeRules
from core.registry import Registry, load_registry
from db.models import Finding
from monitor.probe import probe

# --- the policy itself ----------------------------------------------------------------------------


def _registry(**crawl: Any) -> Registry:
    return Registry.model_validate({"crawl": crawl, "units": [{
        "id": "u", "name": "单位", "kind": "county",
        "sites": [
            {"id": "lo", "name": "环回站", "url": "http://127.0.9.1:8080/"},
            {"id": "intra", "name": "内网站", "url": "http://www.intra.gov.cn/", "hosts": ["intra.gov.cn", "10.1.2.3:8443"]},
        ],
        "accounts": [{"id": "feed", "platform": "rss", "name": "订阅", "url": "http://127.0.9.7:81/feed"}],
    }]})


def test_own_origins_are_exactly_the_registered_hosts_and_ports() -> None:
    assert own_origins(_registry(canary_urls=["https://www.gov.cn/"])) == [
        "10.1.2.3:8443", "127.0.9.1:8080", "127.0.9.7:81", "intra.gov.cn:443", "intra.gov.cn:80",
        "www.gov.cn:443", "www.gov.cn:80", "www.intra.gov.cn:443", "www.intra.gov.cn:80"]


@pytest.mark.parametrize(("url", "addr", "allowed"), [
    ("http://127.0.9.1:8080/a", None, True),  # the site itself
    ("http://127.0.9.1:8081/a", None, False),  # another port of its address: not the site
    ("http://127.0.0.1:8080/", None, False),  # its block, never: the inspector's own services
    ("http://localhost:8080/", "127.0.0.1", False),
    ("http://127.0.9.7:81/other", None, True),  # a registered account's host and port
    ("http://www.intra.gov.cn/x", "10.9.9.9", True),  # an intranet site lives where its name says
    ("https://www.intra.gov.cn/x", "10.9.9.9", True),  # ...over https as well (80 and 443 go together)
    ("http://www.intra.gov.cn:8080/x", "10.9.9.9", False),
    ("http://intra.gov.cn/x", "10.9.9.9", True),  # a listed host
    ("http://10.1.2.3:8443/x", None, True),  # a listed host with its own port
    ("http://10.1.2.3/x", None, False),
    ("http://10.1.2.4/x", None, False),  # its neighbour is not the site
    ("http://www.intra.gov.cn/x", "169.254.169.254", False),  # metadata: not even for a registered name
    ("http://www.intra.gov.cn/x", "0.0.0.0", False),
    ("http://evil.example/x", "127.0.0.1", False),  # a name resolving into loopback (rebinding)
    ("http://evil.example/x", "::ffff:10.0.0.1", False),
    ("http://evil.example/x", "8.8.8.8", True),  # public: fine
    ("http://169.254.169.254/latest/meta-data/", None, False),
    ("http://100.100.100.200/latest/meta-data/", None, False),  # Alibaba Cloud's metadata
    ("http://[fe80::1]/", None, False),
    ("http://[::1]:8080/", None, False),
    ("http://224.0.0.1/", None, False),
    ("http://240.0.0.1/", None, False),
    ("ftp://8.8.8.8/", None, False),
])
def test_policy_decisions(url: str, addr: str | None, allowed: bool) -> None:
    why = AddressPolicy.from_registry(_registry()).check(url, addr)
    assert (why is None) is allowed, why
    if why and url.startswith("http"):
        assert "allow_networks" in why


def test_allow_networks_and_only_networks() -> None:
    allow = AddressPolicy.from_registry(_registry(allow_networks=["127.0.0.0/24", "169.254.169.254/32"]))
    assert allow.check("http://127.0.0.1:6379/") is None
    assert allow.check("http://www.intra.gov.cn/", "169.254.169.254") is None  # the operator's explicit choice
    only = AddressPolicy.from_registry(_registry(only_networks=["127.0.0.0/8"]))
    assert "only_networks" in (only.check_url("http://bszs.conac.cn/") or "")  # no lookup at all
    assert "only_networks" in (only.check_url("http://10.1.2.3:8443/") or "")
    # confinement never opens anything: loopback stays the registered host and port only
    assert only.check_url("http://127.0.9.1:8080/") is None
    assert "allow_networks" in (only.check_url("http://127.0.0.1:8080/") or "")
    assert "allow_networks" in (only.check_url("http://localhost:9/") or "")
    assert block_of(__import__("ipaddress").ip_address("8.8.8.8")) is None


def test_an_idn_site_is_its_punycode_host() -> None:
    policy = AddressPolicy(own=("政府.cn:80",))
    assert policy.check("http://xn--mxtq1m.cn/", "10.0.0.5") is None
    assert policy.check("http://政府.cn/", "10.0.0.5") is None


def test_no_registry_means_public_addresses_only() -> None:
    policy = AddressPolicy()
    assert policy.check("http://www.gov.cn/", "202.1.2.3") is None
    assert policy.check("http://www.gov.cn/", "127.0.0.1") is not None
    assert policy.check("http://127.0.0.1/") is not None


# --- the connect-time resolver -------------------------------------------------------------------------


def test_resolver_filters_every_answer_and_keeps_the_reason() -> None:
    from twisted.internet.address import IPv4Address

    from crawler.resolver import PolicyResolver

    answers = {"rebind.test": ["127.0.0.1"], "mixed.test": ["127.0.0.1", "8.8.4.4"], "site.test": ["10.0.0.5"]}

    class Names:  # the reactor's resolver underneath: answers the test controls
        def resolveHostName(self, receiver: Any, host: str, port: int = 0, *rest: Any) -> Any:  # noqa: N802
            receiver.resolutionBegan(None)
            for a in answers[host]:
                receiver.addressResolved(IPv4Address("TCP", a, port))
            receiver.resolutionComplete()

    resolver = PolicyResolver(None, None, AddressPolicy(own=("site.test:80",)))  # type: ignore[arg-type]
    resolver._names = Names()

    def resolve(host: str, port: int) -> list[str]:
        got: list[str] = []

        class Receiver:
            def resolutionBegan(self, r: Any) -> None: ...  # noqa: N802
            def addressResolved(self, a: Any) -> None: got.append(a.host)  # noqa: N802
            def resolutionComplete(self) -> None: ...  # noqa: N802

        resolver.resolveHostName(Receiver(), host, port)
        return got

    assert resolve("rebind.test", 80) == []
    assert "rebind.test:80 resolves to 127.0.0.1 (loopback" in (resolver.refusal("rebind.test", 80) or "")
    assert resolver.refusal("rebind.test", 80) is None  # asked once
    assert resolve("mixed.test", 443) == ["8.8.4.4"] and resolver.refusal("mixed.test", 443) is None
    assert resolve("site.test", 80) == ["10.0.0.5"]  # the registered host lives there
    assert resolve("site.test", 8080) == [] and resolver.refusal("site.test", 8080)


def test_downloader_middleware_needs_the_connect_time_check_and_reports_its_refusals(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from scrapy.http import Request
    from twisted.internet.error import DNSLookupError

    from crawler import resolver
    from crawler.middlewares.target_policy import TargetPolicyMiddleware, TargetSkipped

    mw = TargetPolicyMiddleware(AddressPolicy())
    monkeypatch.setattr(resolver, "installed", lambda: None)
    with pytest.raises(TargetSkipped, match="TWISTED_DNS_RESOLVER"):  # a name nobody would check: not requested
        mw.process_request(Request("http://www.gov.cn/"))
    with pytest.raises(TargetSkipped, match="allow_networks"):  # an IP literal needs no resolver
        mw.process_request(Request("http://10.0.0.1/"))
    policy_resolver = resolver.PolicyResolver(None, None, AddressPolicy())  # type: ignore[arg-type]
    policy_resolver.remember("evil.test", 80, "evil.test:80 resolves to 127.0.0.1 (loopback ...)")
    monkeypatch.setattr(resolver, "installed", lambda: policy_resolver)
    assert mw.process_request(Request("http://www.gov.cn/")) is None
    # the lookup error of a refused connection becomes the refusal, with the resolver's reason
    with pytest.raises(TargetSkipped, match="evil.test:80 resolves to 127.0.0.1"):
        mw.process_exception(Request("http://evil.test/x"), DNSLookupError("no results for hostname lookup"))
    assert mw.process_exception(Request("http://nosuch.test/"), DNSLookupError("no results")) is None  # a real dns error


# --- the browser's proxy -----------------------------------------------------------------------------------


@pytest.fixture
def dot_test_is_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The resolver hook: every *.test name resolves to 127.0.0.1 (a rebinding DNS server's answer)."""
    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: real(
        "127.0.0.1" if str(host).endswith(".test") else host, *a, **k))


@pytest.mark.usefixtures("dot_test_is_loopback")
def test_policy_proxy_refuses_redirect_hops_tunnels_and_names() -> None:
    from crawler.policy_proxy import REFUSED_HEADER, PolicyProxy

    with Tripwire("127.0.0.1") as trip:
        site = FaultServer("127.0.10.1")
        # a site cannot pass for a refusal: the proxy's header is dropped from what upstream sends
        site.route("/", page("<html><title>站</title></html>", headers={REFUSED_HEADER: "fake"}))
        site.route("/go", redirect(trip.url("/meta")))
        site.start()
        try:
            policy = AddressPolicy(own=(f"127.0.10.1:{site.port}",))

            async def run() -> list[bytes]:
                proxy = PolicyProxy(policy)
                await proxy.start()
                host, port = proxy.url.removeprefix("http://").split(":")
                out = []
                for req in (f"GET {site.url('/')} HTTP/1.1\r\nHost: x\r\n\r\n",
                            f"GET {trip.url('/meta')} HTTP/1.1\r\nHost: x\r\n\r\n",
                            f"CONNECT 127.0.0.1:{trip.port} HTTP/1.1\r\nHost: x\r\n\r\n",
                            f"GET http://rebind.test:{trip.port}/ HTTP/1.1\r\nHost: x\r\n\r\n"):
                    reader, writer = await asyncio.open_connection(host, int(port))
                    writer.write(req.encode())
                    await writer.drain()
                    out.append(await asyncio.wait_for(reader.read(), 10))
                    writer.close()
                assert proxy.refusal(trip.url("/x")) and proxy.refusal(f"http://rebind.test:{trip.port}/")
                await proxy.close()
                return out

            ok, direct, tunnel, named = asyncio.run(run())
        finally:
            site.stop()
        assert ok.startswith(b"HTTP/1.0 200") and "站".encode() in ok and b"Connection: close" in ok
        assert REFUSED_HEADER.encode() not in ok
        for refused in (direct, tunnel, named):
            assert refused.startswith(b"HTTP/1.1 403") and REFUSED_HEADER.encode() in refused, refused
        assert not trip.hits


# --- the availability probe and recheck --url ------------------------------------------------------------


RULES = ProbeRules(timeout_s=5, slow_s=5, fail_status_min=400, placeholders=[], placeholder_max_chars=0)


@pytest.mark.usefixtures("dot_test_is_loopback")
def test_probe_refuses_a_redirect_into_the_inspectors_network() -> None:
    with Tripwire("127.0.0.1") as trip:
        site = FaultServer("127.0.10.2")
        site.route("/", redirect(trip.url("/latest/meta-data/")))
        site.route("/named", redirect(f"http://metadata.test:{trip.port}/"))
        site.route("/ok", page("<html><title>首页</title><body>" + "正文" * 50 + "</body></html>"))
        site.start()
        try:
            policy = AddressPolicy(own=(f"127.0.10.2:{site.port}",))
            home = probe(site.url("/"), RULES, policy=policy)
            named = probe(site.url("/named"), RULES, policy=policy)
            fine = probe(site.url("/ok"), RULES, policy=policy)
            unregistered = probe(site.url("/ok"), RULES)  # no registry: only public addresses
        finally:
            site.stop()
    assert not home.ok and home.error_class == "skipped" and "127.0.0.1" in (home.error or ""), home
    assert home.chain == [{"url": site.url("/"), "status": 302}]
    assert not named.ok and named.error_class == "skipped" and "metadata.test" in (named.error or "")
    assert fine.ok, fine
    assert unregistered.error_class == "skipped"
    assert not trip.hits


def test_recheck_url_does_not_follow_a_redirect_into_the_inspectors_network(
        sqlite_url: str, sqlite_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cli import cmd_recheck

    monkeypatch.setattr(cmd_recheck, "console", Console(width=200))
    monkeypatch.setattr(cmd_recheck, "err_console", Console(width=200, stderr=True))
    with Tripwire("127.0.0.1") as trip:
        site = FaultServer("127.0.10.3")
        site.route("/gone.html", redirect(trip.url("/latest/meta-data/")))
        site.start()
        try:
            home, gone = site.url("/"), site.url("/gone.html")
            registry = write_registry(tmp_path / "sites.yaml", [site_entry("a", home)])
            assert load_registry(registry).crawl.only_networks == []
            rb = RunBuilder(sqlite_session, __import__("datetime").date(2026, 11, 20))
            rb.site("a", home=home)
            rb.home("a", text="首页")
            rb.result("a", gone, ok=False, status=404)
            rb.link("a", home, gone, anchor="通知")
            rb.done()
            sqlite_session.commit()
            check_and_score(sqlite_session, rb.id)
            sqlite_session.commit()
            (finding,) = sqlite_session.scalars(select(Finding).where(Finding.check_id == "link_broken")).all()
            app = typer.Typer()
            cmd_recheck.register(app)
            app.command("noop", hidden=True)(lambda: None)
            result = CliRunner().invoke(app, ["recheck", "--config", str(registry), "--db", sqlite_url,
                                              "--site", "a", "--url", gone])
        finally:
            site.stop()
        assert result.exit_code == 1 and "skipped" in result.output, result.output
        assert not trip.hits
    sqlite_session.rollback()
    f = sqlite_session.get(Finding, finding.id)
    assert f.status == "open" and f.evidence["rechecks"][-1]["error_class"] == "skipped"
