"""One error taxonomy (core/errors.py) for the spider, the availability probe and `recheck --url`:
each transport failure a misbehaving server can produce (tests/faultserver.py, 127.0.7.x) lands in
its named class — a reset on accept, right after the request or in the middle of the headers is
`reset`, never `other` — whichever client met it."""

from __future__ import annotations

import errno
from typing import Any

import pytest
from faultserver import (
    FaultServer,
    hang,
    make_cert,
    page,
    reset_after_request,
    reset_mid_body,
    reset_mid_headers,
    scan_cmd,
    server_tls,
    site_entry,
    write_registry,
)
from samples_env import run_cli
from scrapy.exceptions import DownloadFailedError
from sqlalchemy import select
from twisted.internet.error import ConnectError, ConnectionLost
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from core.errors import CONNECTION_CLASSES, classify_exception
from core.netpolicy import AddressPolicy
from db.models import LinkResult
from db.session import make_engine, session_factory
from monitor.probe import fetch

HOME = "<html><head><title>首页</title></head><body>{links}</body></html>"
REFUSED = "http://127.0.7.250:9/"  # nothing listens there


@pytest.fixture(scope="module")
def faults(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """name -> (URL, expected class), served for the module."""
    tmp = tmp_path_factory.mktemp("classes")
    cert, _ = make_cert(tmp / "certs", "selfsigned", "127.0.7.3")
    servers = {
        "f": FaultServer("127.0.7.1", routes={"/after-request": reset_after_request(),
                                             "/mid-headers": reset_mid_headers(), "/mid-body": reset_mid_body(),
                                             "/hang": hang(30)}),
        "accept": FaultServer("127.0.7.2", reset_on_accept=True),
        "tls": FaultServer("127.0.7.3", tls=server_tls(cert), default=page(HOME.format(links=""))),
    }
    f = servers["f"]
    cases = {
        "reset-on-accept": (servers["accept"].url("/x.html"), "reset"),
        "reset-after-request": (f.url("/after-request"), "reset"),
        "reset-mid-headers": (f.url("/mid-headers"), "reset"),
        "reset-mid-body": (f.url("/mid-body"), "reset"),
        "refused": (REFUSED, "refused"),
        "timeout": (f.url("/hang"), "timeout"),
        "dns": ("http://nosuch.invalid/x", "dns"),
        "tls": (servers["tls"].url("/x"), "tls"),
    }
    for srv in servers.values():
        srv.start()
    yield tmp, f, cases
    for srv in servers.values():
        srv.stop()


CASES = ["reset-on-accept", "reset-after-request", "reset-mid-headers", "reset-mid-body", "refused", "timeout",
         "dns", "tls"]


@pytest.mark.parametrize("name", CASES)
def test_probe_and_recheck_classify_each_failure(faults: Any, name: str) -> None:
    """monitor/probe.py's fetch (the probes and `recheck --url` use it) names each failure."""
    url, want = faults[2][name]
    # the fault servers live on loopback: allowed as the scan below allows them
    result = fetch(url, timeout_s=2.0, policy=AddressPolicy(allow_networks=("127.0.7.0/24",)))
    assert not result.ok and result.error_class == want, (name, result.error_class, result.error)


@pytest.fixture(scope="module")
def crawled(faults: Any) -> dict[str, LinkResult]:
    """One scan of a site whose homepage links to every fault: the spider's LinkResult per URL."""
    tmp, f, cases = faults
    links = "".join(f'<a href="{url}">{name}</a>' for name, (url, _) in cases.items())
    f.route("/", page(HOME.format(links=links)))
    registry = write_registry(tmp / "sites.yaml", [site_entry("f", f.url("/"))], download_timeout=2, retry_times=0,
                              allow_networks=["127.0.7.0/24"])
    db = str(tmp / "classes.db")
    proc = run_cli(*scan_cmd(registry, db))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    engine = make_engine(db)
    try:
        with session_factory(engine)() as s:
            return {r.url: r for r in s.scalars(select(LinkResult))}
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("name", CASES)
def test_spider_classifies_each_failure(faults: Any, crawled: dict[str, LinkResult], name: str) -> None:
    url, want = faults[2][name]
    r = crawled[url]
    assert not r.ok and r.error_class == want and r.error, (name, r.error_class, r.error)


@pytest.mark.parametrize(("exc", "want"), [
    # Scrapy >= 2.13 re-raises Twisted's ResponseFailed as DownloadFailedError: the cause decides
    (DownloadFailedError("[<Failure ConnectionLost>]").with_traceback(None), "reset"),
    (ConnectError(errno.ECONNRESET, "Connection reset by peer"), "reset"),
    (ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"), "reset"),
    (ConnectionAbortedError(errno.ECONNABORTED, "Software caused connection abort"), "reset"),
    (ResponseNeverReceived([Failure(ConnectionLost("lost"))]), "reset"),
    (OSError(errno.ENETUNREACH, "Network is unreachable"), "refused"),
    (OSError(errno.ETIMEDOUT, "Connection timed out"), "timeout"),
    # Playwright's error for a page Chromium could not load
    (Exception("Page.goto: net::ERR_CONNECTION_RESET at http://127.0.7.1/x.html"), "reset"),
    (Exception("Page.goto: net::ERR_EMPTY_RESPONSE at http://127.0.7.1/x.html"), "reset"),
    (Exception("Page.goto: net::ERR_CONNECTION_REFUSED at http://127.0.7.1/x.html"), "refused"),
    (Exception("Page.goto: net::ERR_TIMED_OUT at http://127.0.7.1/x.html"), "timeout"),
    (Exception("Page.goto: net::ERR_NAME_NOT_RESOLVED at http://x.invalid/"), "dns"),
])
def test_wrapped_and_errno_failures_have_a_named_class(exc: BaseException, want: str) -> None:
    if isinstance(exc, DownloadFailedError):
        exc.__cause__ = ResponseFailed([Failure(ConnectionLost("Connection to the other side was lost"))])
    cls, message = classify_exception(exc)
    assert cls == want, (exc, cls, message)
    assert want in CONNECTION_CLASSES


def test_other_is_left_for_what_fits_nothing() -> None:
    assert classify_exception(ValueError("something odd"))[0] == "other"
