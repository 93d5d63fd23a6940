"""One `govinspect scan` in which every request path meets the address policy: sites on their own
loopback addresses (127.0.9.x) try to make the crawler — the Scrapy downloader, each redirect hop,
the connect-time resolver and Chromium — reach listeners the registry does not allow. Each
listener (a Tripwire) asserts it got no connection at all.

- a site on 127.0.9.1 links to 127.0.0.1:<port> and to another port of its own address;
- its column (`render: auto`) is filled by a script whose API request 302s to 127.0.0.1:<port>;
- a `render: js` site on 127.0.9.2: navigations (http and https) and an iframe that 302 there, a fetch and a
  WebSocket straight there and a WebSocket to a host name that resolves there;
- a host name (`intranet.test`) mapped to 127.0.0.1 by a resolver hook this test controls: the
  scan runs with socket.gethostbyname/getaddrinfo answering *.test with 127.0.0.1 (and refusing any
  other name, so nothing is looked up off this machine), so the refusal comes from the real
  connect-time check (crawler.resolver), not from a URL check.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from faultserver import FaultServer, page, redirect, site_entry, write_registry
from samples_env import ROOT
from sqlalchemy import select
from tripwire import Tripwire

from db.models import LinkResult, Page, ScanRun
from db.session import make_engine, session_factory

pytestmark = pytest.mark.slow

# the resolver hook: *.test is 127.0.0.1, IP literals and localhost as usual, any other name fails
RUNNER = '''
import runpy, socket, sys
_gai, _ghbn = socket.getaddrinfo, socket.gethostbyname

def _map(host):
    text = host.decode() if isinstance(host, bytes) else str(host)
    if text.endswith(".test"):
        return "127.0.0.1"
    if text == "localhost" or text.replace(".", "").isdigit() or ":" in text:
        return host
    raise socket.gaierror(socket.EAI_NONAME, f"{text}: not looked up in this test")

socket.getaddrinfo = lambda host, *a, **k: _gai(_map(host) if host else host, *a, **k)
socket.gethostbyname = lambda host: _ghbn(_map(host))
sys.argv = ["govinspect", *sys.argv[1:]]
runpy.run_module("cli", run_name="__main__", alter_sys=True)
'''


def _html(title: str, body: str = "") -> str:
    return f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'


def _a(*hrefs: tuple[str, str]) -> str:
    return "".join(f'<a href="{h}">{t}</a>' for h, t in hrefs)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("policy")
    # one listener per way in, so the log shows which path met which refusal
    trips = {name: Tripwire("127.0.0.1") for name in ("link", "named", "api", "nav", "tls_nav", "frame", "fetch", "ws")}
    trips["own_ip"] = Tripwire("127.0.9.1")  # the site's own address, another port
    lo, js = FaultServer("127.0.9.1"), FaultServer("127.0.9.2")
    named = f"http://intranet.test:{trips['named'].port}/admin"
    lo.route("/", page(_html("环回站首页", _a(
        ("/ok.html", "正常页面"), (trips["link"].url("/redis"), "本机服务"),
        (trips["own_ip"].url("/other-port"), "同址他端口"), (named, "内网名字")))))
    lo.route("/ok.html", page(_html("正常页面", "正文")))
    # a column whose list its script fills from an API that redirects into the inspector's network
    lo.route("/xwdt/", page(_html("新闻动态", (
        '<div class="list"><ul id="list"></ul></div><script>'
        'fetch("/api/list.json").then(function (r) { return r.json(); }).then(function (d) {'
        ' document.getElementById("list").innerHTML = d.items.map(function (i) {'
        ' return "<li><a href=\\"" + i.url + "\\">" + i.title + "</a><span>" + i.date + "</span></li>"; }).join(""); });'
        "</script>"))))
    lo.route("/api/list.json", redirect(trips["api"].url("/latest/meta-data/")))
    ws = trips["ws"].port
    js.route("/", page(_html("渲染站首页", (
        _a(("/go/", "通知公告"), ("/gos/", "政策文件"), ("/ok.html", "正常页面"))
        + '<iframe src="/frame"></iframe><script>'
        f'fetch("{trips["fetch"].url("/direct")}").catch(function () {{}});'
        f'try {{ new WebSocket("ws://127.0.0.1:{ws}/ws"); }} catch (e) {{}}'
        f'try {{ new WebSocket("ws://intranet.test:{ws}/ws"); }} catch (e) {{}}'
        "</script>"))))
    js.route("/ok.html", page(_html("正常页面", "正文")))
    js.route("/frame", redirect(trips["frame"].url("/frame")))
    js.route("/go/", redirect(trips["nav"].url("/nav")))
    js.route("/gos/", redirect(f"https://127.0.0.1:{trips['tls_nav'].port}/nav"))  # a tunnel the proxy refuses
    for srv in (lo, js):
        srv.start()
    registry = write_registry(
        tmp / "sites.yaml",
        [site_entry("lo", lo.url("/"), columns=[{"name": "新闻动态", "url": lo.url("/xwdt/")}]),
         site_entry("js", js.url("/"), render="js")],
        render={"enabled": True, "idle_timeout": 2}, download_timeout=10, retry_times=0)
    (tmp / "run.py").write_text(RUNNER, encoding="utf-8")
    db = str(tmp / "policy.db")
    try:
        proc = subprocess.run(
            [sys.executable, str(tmp / "run.py"), "scan", "--config", str(registry), "--db", db,
             "--as-of", "2026-11-20", "--no-progress", "--log-file", str(tmp / "scan.log")],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
            env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"})
    finally:
        for srv in (lo, js):
            srv.stop()
        for trip in trips.values():
            trip.stop()
    log = (tmp / "scan.log").read_text(encoding="utf-8", errors="replace")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:] + log[-5000:]
    engine = make_engine(db)
    session = session_factory(engine)()
    yield {"trips": trips, "lo": lo, "js": js, "named": named, "session": session,
           "run": session.scalars(select(ScanRun)).one(), "log": log}
    session.close()
    engine.dispose()


def _refused_in_browser(scanned: Any, host: str, trip: str) -> bool:
    return f"browser request refused: {host}:{scanned['trips'][trip].port} resolves to 127.0.0.1" in scanned["log"]


def _results(session: Any) -> dict[str, LinkResult]:
    return {r.url: r for r in session.scalars(select(LinkResult))}


def test_no_listener_the_registry_does_not_allow_was_reached(scanned: Any) -> None:
    for name, trip in scanned["trips"].items():
        assert trip.hits == [], f"{name} listener {trip.host}:{trip.port} was reached from {trip.hits}"


def test_links_into_the_inspectors_network_are_skipped_with_the_reason(scanned: Any) -> None:
    res = _results(scanned["session"])
    trips = scanned["trips"]
    for url in (trips["link"].url("/redis"), trips["own_ip"].url("/other-port")):
        assert res[url].error_class == "skipped" and "allow_networks" in res[url].error, res[url].error
    assert res[scanned["lo"].url("/ok.html")].ok  # the site itself is crawled as usual


def test_a_name_resolving_into_loopback_is_refused_at_connect_time(scanned: Any) -> None:
    r = _results(scanned["session"])[scanned["named"]]
    # refused by the resolver (the URL check cannot know what a name resolves to), with its reason
    assert r.error_class == "skipped", (r.error_class, r.error)
    assert f"intranet.test:{scanned['trips']['named'].port} resolves to 127.0.0.1" in r.error


def test_rendered_column_api_redirect_is_refused_in_the_browser(scanned: Any) -> None:
    session = scanned["session"]
    column = session.scalars(select(Page).where(Page.url == scanned["lo"].url("/xwdt/"))).one()
    assert column.meta.get("rendered") == "auto:xhr", column.meta  # the browser really read this column
    assert _refused_in_browser(scanned, "127.0.0.1", "api")
    assert scanned["run"].stats["render"]["refused_by_policy"] >= 1


def test_render_js_navigation_iframe_fetch_and_websockets_are_refused(scanned: Any) -> None:
    js = scanned["js"]
    res = _results(scanned["session"])
    for path in ("/go/", "/gos/"):
        nav = res[js.url(path)]
        assert nav.error_class == "skipped" and "allow_networks" in nav.error, (path, nav.error_class, nav.error)
        # the browser's own navigation was refused — a plain-HTTP hop answered 403 by the proxy, an
        # HTTPS hop's tunnel refused — then the page was read without it, and refused again
        assert f"<GET {js.url(path)}> exc_type=<class 'crawler.middlewares.target_policy.TargetSkipped'>" in scanned["log"]
    for trip in ("nav", "tls_nav", "frame", "fetch", "ws"):
        assert _refused_in_browser(scanned, "127.0.0.1", trip), trip
    assert _refused_in_browser(scanned, "intranet.test", "ws")
    assert res[js.url("/frame")].error_class == "skipped"  # the iframe's link check follows it too
