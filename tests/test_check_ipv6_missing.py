"""ipv6_missing: the crawl's probe (spiders.ipv6) against a local DNS server answering AAAA with ::1
for one name and only A for another, an HTTP server listening on [::1] — nothing leaves the machine
— and the check over the stored rows: AAAA present and answering vs absent vs present but silent."""

from __future__ import annotations

import datetime as dt
import http.server
import socket
import socketserver
import threading
from collections.abc import Iterator

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest
from sqlalchemy.orm import Session

from checks.testing import RunBuilder, drafts_of
from core.netpolicy import AddressPolicy
from db.models import Ipv6Check
from spiders.ipv6 import probe_ipv6, sandboxed_lookup_allowed

AS_OF = dt.date(2026, 11, 20)
DNS_ADDR = "127.0.31.53"
ZONE = {"v6.gov.test.": "::1", "silent.gov.test.": "::1", "localhost.": "::1"}  # AAAA records; other names: A only
A_ONLY = {"v4.gov.test."}


class _Dns(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        data, sock = self.request
        query = dns.message.from_wire(data)
        reply = dns.message.make_response(query)
        q = query.question[0]
        name = q.name.to_text()
        if name in ZONE and q.rdtype == dns.rdatatype.AAAA:
            reply.answer.append(dns.rrset.from_text(q.name, 60, "IN", "AAAA", ZONE[name]))
        elif name not in ZONE and name not in A_ONLY:
            reply.set_rcode(dns.rcode.NXDOMAIN)
        reply.flags |= dns.flags.AA
        sock.sendto(reply.to_wire(), self.client_address)


class _V6Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6


class _Home(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        body = "<html><title>首页</title></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[str, int]]:
    dns_srv = socketserver.ThreadingUDPServer((DNS_ADDR, 0), _Dns)
    web = _V6Server(("::1", 0), _Home)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (dns_srv, web)]
    for t in threads:
        t.start()
    try:
        yield f"{DNS_ADDR}:{dns_srv.server_address[1]}", web.server_address[1]
    finally:
        for s in (dns_srv, web):
            s.shutdown()
            s.server_close()


def _probe(url: str, ns: str, **policy: object):  # type: ignore[no-untyped-def]
    pol = AddressPolicy(only_networks=("127.0.0.0/8", "::1/128"), **policy)  # type: ignore[arg-type]
    return probe_ipv6("s1", url, pol, [ns], 3.0, "govinspect-test")


def test_aaaa_present_and_answering(servers: tuple[str, int]) -> None:
    ns, port = servers
    rec = _probe(f"http://v6.gov.test:{port}/", ns, own=(f"v6.gov.test:{port}",))
    assert rec is not None and rec.addresses == ["::1"] and rec.lookup_error is None
    assert rec.ok and rec.status == 200 and rec.url == f"http://[::1]:{port}/"


def test_aaaa_absent(servers: tuple[str, int]) -> None:
    ns, port = servers
    rec = _probe(f"http://v4.gov.test:{port}/", ns)
    assert rec is not None and rec.addresses == [] and rec.lookup_error == "no_answer" and not rec.ok
    assert _probe(f"http://nosuch.gov.test:{port}/", ns).lookup_error == "nxdomain"  # type: ignore[union-attr]


def test_aaaa_present_but_nothing_listens(servers: tuple[str, int]) -> None:
    ns, _ = servers
    with socket.socket(socket.AF_INET6) as s:  # a port with nobody behind it
        s.bind(("::1", 0))
        free = s.getsockname()[1]
    rec = _probe(f"http://silent.gov.test:{free}/", ns, own=(f"silent.gov.test:{free}",))
    assert rec is not None and rec.addresses == ["::1"] and not rec.ok and rec.error


def test_policy_refuses_an_address_no_site_lives_on(servers: tuple[str, int]) -> None:
    ns, port = servers
    rec = _probe(f"http://v6.gov.test:{port}/", ns)  # not an own origin: loopback is refused
    assert rec is not None and not rec.ok and (rec.error or "").startswith("skipped")


def test_ipv4_literal_and_sandbox() -> None:
    pol = AddressPolicy(only_networks=("127.0.0.0/8",))
    rec = probe_ipv6("s1", "http://127.0.2.1:8001/", pol, [], 1.0, "t")
    assert rec is not None and rec.lookup_error == "ipv4_literal"
    # a name under only_networks without local nameservers is never looked up
    assert probe_ipv6("s1", "http://www.example.gov.cn/", pol, [], 1.0, "t") is None
    assert not sandboxed_lookup_allowed(pol, ["8.8.8.8"])
    assert sandboxed_lookup_allowed(AddressPolicy(), [])


@pytest.fixture
def session(sqlite_session: Session) -> Session:
    return sqlite_session


def test_check_reads_the_stored_probe(session: Session) -> None:
    rb = RunBuilder(session, AS_OF)
    rows = {
        "ok": dict(host="v6.gov.test", addresses=["::1"], ok=True, status=200),
        "none": dict(host="v4.gov.test", lookup_error="no_answer"),
        "silent": dict(host="silent.gov.test", addresses=["::1"], error="ConnectionRefusedError: refused"),
        "dnsdown": dict(host="x.gov.test", lookup_error="timeout"),
        "refused": dict(host="y.gov.test", addresses=["::1"], error="skipped: not an own origin"),
        "literal": dict(host="127.0.2.9", lookup_error="ipv4_literal"),
    }
    for sid, kw in rows.items():
        rb.site(sid, home=f"http://{sid}.gov.test/")
        rb.home(sid, text="首页")
        session.add(Ipv6Check(run_id=rb.id, site_id=sid, url="", **kw))
    rb.site("unprobed", home="http://unprobed.gov.test/")
    rb.done()
    drafts = {d.site_id: d for d in drafts_of(session, rb.id, "ipv6_missing")}
    assert set(drafts) == {"none", "silent", "literal"}
    assert "无AAAA记录" in drafts["none"].detail and drafts["none"].target == rb.homes["none"]
    assert "有AAAA记录" in drafts["silent"].detail and drafts["silent"].evidence["addresses"] == ["::1"]
    assert "IPv4" in drafts["literal"].detail


@pytest.mark.slow
def test_scan_records_ipv6_per_site(servers: tuple[str, int], tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A whole scan: `localhost`, whose AAAA (from the local nameserver) is ::1 where the homepage
    answers too, passes; a site registered at an IPv4 address cannot be reached over IPv6
    (ipv6_missing). The crawl stores one Ipv6Check row per site."""
    from faultserver import scan_cmd, site_entry, write_registry
    from samples_env import run_cli
    from sqlalchemy import select

    from db.models import Finding
    from db.session import make_engine, session_factory

    ns, _ = servers
    for _ in range(50):  # a port free on both ::1 and 127.0.0.1: the same site over IPv6 and IPv4
        v6 = _V6Server(("::1", 0), _Home)
        port = v6.server_address[1]
        try:
            v4 = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Home)
            break
        except OSError:
            v6.server_close()
    else:
        raise AssertionError("no port free on both ::1 and 127.0.0.1")
    other = http.server.ThreadingHTTPServer(("127.0.31.2", 0), _Home)
    for srv in (v6, v4, other):
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        registry = write_registry(tmp_path / "sites.yaml", [
            site_entry("v6site", f"http://localhost:{port}/"),
            site_entry("v4site", f"http://127.0.31.2:{other.server_address[1]}/"),
        ], only_networks=["127.0.0.0/8", "::1/128"], ipv6_nameservers=[ns], download_timeout=5)
        db = str(tmp_path / "v6.db")
        proc = run_cli(*scan_cmd(registry, db))
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    finally:
        for srv in (v6, v4, other):
            srv.shutdown()
            srv.server_close()
    engine = make_engine(db)
    try:
        with session_factory(engine)() as s:
            rows = {r.site_id: r for r in s.scalars(select(Ipv6Check))}
            found = {(f.subject_id, f.check_id) for f in s.scalars(select(Finding).where(
                Finding.check_id.in_(["ipv6_missing", "site_unreachable"])))}
    finally:
        engine.dispose()
    assert rows["v6site"].ok and rows["v6site"].status == 200 and rows["v6site"].addresses == ["::1"]
    assert rows["v6site"].url == f"http://[::1]:{port}/"
    assert not rows["v4site"].ok and rows["v4site"].lookup_error == "ipv4_literal"
    assert found == {("v4site", "ipv6_missing")}  # both sites were reached (no site_unreachable)
