"""Reliability (issue #7): one `govinspect scan` of a registry of misbehaving servers (tests/faultserver.py,
127.0.6.x), then what the database says about each fault.

Grouped into a single scan to keep the suite fast; each test below is one item of the issue:
network faults, hostile content, traps, politeness, TLS, SSRF and crawled text reaching the report.
"""

from __future__ import annotations

import codecs
import time
from typing import Any

import pytest
from faultserver import (
    FaultHandler,
    FaultServer,
    drip,
    hang,
    huge,
    make_cert,
    page,
    redirect,
    reset_mid_body,
    sequence,
    server_tls,
    site_entry,
    status,
    write_registry,
)
from samples_env import run_cli
from sqlalchemy import select

from db.models import Finding, Link, LinkResult, Page, ScanRun, SiteScan
from db.session import make_engine, session_factory

pytestmark = pytest.mark.slow

TITLE = "安康市人民政府办公室关于印发通知的函"
# crawled text that must reach the database verbatim and the report escaped
INJECTION = "x'); DROP TABLE pages;-- <script>alert(1)</script> [red]红[/red] [/] =cmd|' /C calc'!A0 $(rm -rf ~)"
BROKEN_MARKUP_PATH = "/x[/]y.html"  # a broken link whose URL is Rich markup that would crash a table
RETRY_AFTER = 2
DOWNLOAD_TIMEOUT = 5.0
POLITE_LIMIT = 2
LINK_CAP = 200
PAGE_CAP = 4_000_000  # the 50 MB pages exceed it long before the download timeout (100,000 links: 3.3 MB)
SSRF_TARGETS = ["http://10.255.0.1/intranet", "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/",
                "http://0.0.0.0:9/", "http://192.168.255.1/admin"]


def _html(title: str, body: str = "", head: str = "", charset: str = "utf-8") -> str:
    return (f'<html><head><meta charset="{charset}">{head}<title>{title}</title></head>'
            f"<body>{body}</body></html>")


def _links(*hrefs: str) -> str:
    return "".join(f'<a href="{h}">链接{i}</a>' for i, h in enumerate(hrefs))


def _gbk_query(h: FaultHandler) -> None:
    # a GBK site's search answers only the query a browser sends from a GBK page
    ok = h.query == "kw=%B0%B2%BF%B5"
    h.send(200 if ok else 404, _html("检索结果" if ok else "404").encode("utf-8"))


def _calendar(h: FaultHandler) -> None:
    import datetime as dt

    day = dt.date.fromisoformat(h.query.split("=", 1)[1]) if "=" in h.query else dt.date(2026, 11, 20)
    links = _links(f"/cal?d={day - dt.timedelta(days=1)}", f"/cal?d={day + dt.timedelta(days=1)}")
    h.send(200, _html(f"日历 {day}", links).encode("utf-8"))


def _session_page(h: FaultHandler) -> None:
    # every visit hands out fresh session ids in its links: an endless URL space without canonical()
    sid = f"{time.monotonic_ns()}"
    h.send(200, _html("会话", _links(f"/s;jsessionid={sid}", f"/s?PHPSESSID={sid}", f"/s?sid={sid}")).encode())


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("faults")
    certs = tmp / "certs"
    ca_files, ca = make_cert(certs, "test-ca", "127.0.6.9", ca=True)
    ss_files, _ = make_cert(certs, "selfsigned", "127.0.6.3")
    exp_files, _ = make_cert(certs, "expired", "127.0.6.4", issuer=ca, expired=True)
    ok_files, _ = make_cert(certs, "good", "127.0.6.5", issuer=ca)
    _, other_ca = make_cert(certs, "unknown-ca", "127.0.6.9", ca=True)  # not in tls_ca_file
    gap_files, _ = make_cert(certs, "gap", "127.0.6.10", issuer=other_ca, aia="http://127.0.6.9/ca.crt")
    unknown_files, _ = make_cert(certs, "unknown", "127.0.6.11", issuer=other_ca)

    s: dict[str, FaultServer] = {
        "f1": FaultServer("127.0.6.1"),
        "polite": FaultServer("127.0.6.2", delay=0.25, default=page(_html("页面"))),
        "tls_ss": FaultServer("127.0.6.3", tls=server_tls(ss_files), default=page(_html("自签名"))),
        "tls_exp": FaultServer("127.0.6.4", tls=server_tls(exp_files), default=page(_html("过期"))),
        "tls_ok": FaultServer("127.0.6.5", tls=server_tls(ok_files), default=page(_html("证书正常"))),
        "tls_gap": FaultServer("127.0.6.10", tls=server_tls(gap_files), default=page(_html("缺中间证书"))),
        "tls_unknown": FaultServer("127.0.6.11", tls=server_tls(unknown_files), default=page(_html("未知CA"))),
        "soft": FaultServer("127.0.6.6", default=page(_html("页面不存在", "您访问的页面不存在 " + _links("more/")))),
        "trap": FaultServer("127.0.6.7"),
        "big": FaultServer("127.0.6.8", default=page(_html("小页面"))),
    }
    f1 = s["f1"]
    pages = {
        # network faults
        "/reset": reset_mid_body(), "/drip": drip(), "/hang": hang(),
        "/loop/a": redirect("/loop/b"), "/loop/b": redirect("/loop/a"),
        "/ra": sequence(status(503, {"Retry-After": str(RETRY_AFTER)}), page(_html("恢复"))),
        "/ra429": sequence(status(429, {"Retry-After": "1"}), page(_html("恢复"))),
        "/ra-long": status(503, {"Retry-After": "3600"}),  # longer than max_retry_after: not waited for
        # hostile content
        "/huge": huge(50 * 1024 * 1024), "/hugedecl": huge(50 * 1024 * 1024, declare_length=True),
        "/bin.html": page(bytes(range(256)) * 800),
        "/trunc.html": page('<html><head><title>截断</title></head><body><div><a href="/ok1.html">一</a>'
                            '<table><tr><td><a href="/ok2.html">二'),
        "/ok1.html": page(_html("一")), "/ok2.html": page(_html("二")),
        "/gbk-as-utf8.html": page(_html(TITLE, "正文", charset="gbk").encode("gbk"),
                                  content_type="text/html; charset=utf-8"),
        "/utf8-as-gbk.html": page(_html(TITLE + "二", "正文二"), content_type="text/html; charset=gbk"),
        "/base/index.html": page(_html("base", _links("rel.html", "../up.html"), head='<base href="/other/dir/">')),
        "/other/dir/rel.html": page(_html("相对")), "/other/up.html": page(_html("上级")),
        "/中文/页面.html": page(_html("中文路径")),
        "/%D6%D0%CE%C4/gbk.html": page(_html("GBK路径")),
        "/gbk/search.html": page(_html("GBK检索", _links("/search?kw=安康"), charset="gbk").encode("gbk"),
                                 content_type="text/html; charset=gbk"),
        "/search": _gbk_query,
        "/inj.html": page(_html(INJECTION.replace("<", "&lt;").replace(">", "&gt;"),
                                f'<a href="{BROKEN_MARKUP_PATH}">{INJECTION.replace("<", "&lt;").replace(">", "&gt;")}</a>')),
    }
    for i in range(30):
        pages[f"/chain/{i}"] = redirect(f"/chain/{i + 1}")
    pages["/chain/30"] = page(_html("终点"))
    for path, behaviour in pages.items():
        f1.route(path, behaviour)
    polite = s["polite"]
    home_links = [
        *pages.keys() - {"/loop/b", "/ok1.html", "/ok2.html", "/other/dir/rel.html", "/other/up.html", "/search",
                         *(f"/chain/{i}" for i in range(1, 31))},
        "http://nosuch.invalid/x", "http://政府.invalid/", "javascript:void(0)", "mailto:ban@ak.gov.cn", "tel:12345",
        s["tls_exp"].url("/x"), s["tls_ok"].url("/x"), s["tls_ss"].url("/page"), s["tls_gap"].url("/x"),
        s["tls_unknown"].url("/x"),
        *SSRF_TARGETS,
        # another configured site's files, checked from here: they count against *its* limit
        *(polite.url(f"/img/{i}.png") for i in range(10)),
    ]
    f1.route("/", page(_html("故障站首页", _links(*home_links))))
    polite.route("/", page(_html("礼貌站首页", _links(*(f"/p/{i}.html" for i in range(20))))))
    s["soft"].route("/", page(_html("软404站首页", _links("/gone.html", "/d/"))))
    trap = s["trap"]
    trap.route("/", page(_html("陷阱站首页", _links("/cal?d=2026-11-20", "/s"))))
    trap.route("/cal", _calendar).route("/s", _session_page)
    s["big"].route("/", page(_html("十万链接", "".join(f'<a href="/b/{i}.html">{i}</a>' for i in range(100_000)))))
    for srv in s.values():
        srv.start()
    yield s, tmp, ca_files
    for srv in s.values():
        srv.stop()


@pytest.fixture(scope="module")
def scanned(servers: Any) -> Any:
    s, tmp, ca_files = servers
    registry = write_registry(
        tmp / "sites.yaml",
        [site_entry("f1", s["f1"].url("/"), concurrency=8), site_entry("polite", s["polite"].url("/"), concurrency=POLITE_LIMIT),
         site_entry("tls-home", s["tls_ss"].url("/")), site_entry("soft", s["soft"].url("/")),
         site_entry("trap", s["trap"].url("/"), max_pages=40, max_depth=5), site_entry("big", s["big"].url("/"))],
        download_timeout=DOWNLOAD_TIMEOUT, retry_times=1, max_retry_after=5, max_pages=80, max_depth=6,
        tls_ca_file=str(ca_files.cert), max_links_per_page=LINK_CAP, max_page_bytes=PAGE_CAP,
        session_params=["jsessionid", "phpsessid", "sid"],
        # the certificate servers f1 links to are no registered site: the operator allows them
        allow_networks=[f"{s[k].host}/32" for k in ("tls_exp", "tls_ok", "tls_gap", "tls_unknown")],
    )
    db = str(tmp / "faults.db")
    started = time.monotonic()
    proc = run_cli("scan", "--config", str(registry), "--db", db, "--as-of", "2026-11-20", "--no-progress",
                   "--log-file", str(tmp / "scan.log"), timeout=240)
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    engine = make_engine(db)
    session = session_factory(engine)()
    run = session.scalars(select(ScanRun)).one()
    yield {"s": s, "session": session, "run": run, "db": db, "elapsed": elapsed, "proc": proc}
    session.close()
    engine.dispose()


def _results(session: Any) -> dict[str, LinkResult]:
    return {r.url: r for r in session.scalars(select(LinkResult))}


def _pages(session: Any) -> dict[str, Page]:
    return {p.url: p for p in session.scalars(select(Page))}


def _findings(session: Any, check: str) -> dict[str, Finding]:
    return {f.target: f for f in session.scalars(select(Finding).where(Finding.check_id == check))}


def test_scan_completes_without_crash_in_reasonable_time(scanned: Any) -> None:
    assert scanned["run"].status == "completed"
    assert "Traceback" not in scanned["proc"].stderr
    # the slowest faults (drip, hang) cost download_timeout x attempts; 100,000 links must not dominate
    assert scanned["elapsed"] < 90, scanned["elapsed"]


def test_network_faults_are_classified(scanned: Any) -> None:
    f1 = scanned["s"]["f1"]
    res = _results(scanned["session"])
    expect = {
        "/reset": "reset", "/drip": "timeout", "/hang": "timeout", "/loop/a": "redirect_loop",
        "/chain/0": "too_many_redirects",
    }
    for path, cls in expect.items():
        r = res[f1.url(path)]
        assert not r.ok and r.error_class == cls, (path, r.error_class, r.error)
        assert r.error  # a reason, never empty
    assert "whole body" in res[f1.url("/reset")].error
    assert res[f1.url("/drip")].attempts == 2  # retried once (retry_times 1), then recorded
    assert res["http://nosuch.invalid/x"].error_class == "dns"
    broken = _findings(scanned["session"], "link_broken")
    assert {f1.url(p) for p in expect} <= set(broken)
    assert "http://nosuch.invalid/x" in broken


def test_retry_after_is_honoured(scanned: Any) -> None:
    f1 = scanned["s"]["f1"]
    res = _results(scanned["session"])
    for path, wait in (("/ra", RETRY_AFTER), ("/ra429", 1)):
        r = res[f1.url(path)]
        assert r.ok and r.status == 200 and r.attempts == 2, (path, r.status, r.error)
        hits = f1.hits_for(path)
        assert len(hits) == 2
        assert hits[1].at - hits[0].at >= wait - 0.05, (path, hits[1].at - hits[0].at)
    assert f1.url("/ra") not in _findings(scanned["session"], "link_broken")
    long = res[f1.url("/ra-long")]
    assert long.status == 503 and long.attempts == 1 and "exceeds crawl.max_retry_after" in long.error, long.error
    assert len(f1.hits_for("/ra-long")) == 1


def test_tls_certificates_are_checked_with_a_reason(scanned: Any) -> None:
    s = scanned["s"]
    res = _results(scanned["session"])
    expired = res[s["tls_exp"].url("/x")]
    assert not expired.ok and expired.error_class == "tls" and "expired" in expired.error, expired.error
    selfsigned = res[s["tls_ss"].url("/page")]
    assert selfsigned.error_class == "tls" and "self-signed" in selfsigned.error, selfsigned.error
    assert res[s["tls_ok"].url("/x")].ok  # a chain to a trusted CA (crawl.tls_ca_file) passes
    # a server that omits its intermediate (the leaf names it, AIA): browsers fetch it, so do we accept
    assert res[s["tls_gap"].url("/x")].ok, res[s["tls_gap"].url("/x")].error
    unknown = res[s["tls_unknown"].url("/x")]
    assert unknown.error_class == "tls" and "issuer is not trusted" in unknown.error, unknown.error
    broken = _findings(scanned["session"], "link_broken")
    assert broken[s["tls_exp"].url("/x")].evidence["error_class"] == "tls"
    assert "TLS/证书错误（证书已过期）" in broken[s["tls_exp"].url("/x")].detail
    # a homepage behind a self-signed certificate: the site is unreachable, with the reason
    unreachable = _findings(scanned["session"], "site_unreachable")
    home = unreachable[s["tls_ss"].url("/")]
    assert "TLS/证书错误（自签名证书）" in home.detail, home.detail
    assert "self-signed" in (home.evidence.get("error") or ""), home.evidence


def test_hostile_content(scanned: Any) -> None:
    f1 = scanned["s"]["f1"]
    session = scanned["session"]
    res, pages = _results(session), _pages(session)
    for path in ("/huge", "/hugedecl"):  # answered, but more than the size cap: recorded, not broken
        r = res[f1.url(path)]
        assert r.error_class == "too_large" and ("cap" in r.error or "max size" in r.error), (path, r.error)
    assert not {f1.url("/huge"), f1.url("/hugedecl")} & set(_findings(session, "link_broken"))
    assert res[f1.url("/hugedecl")].attempts == 1  # too large is an answer: not retried
    binary = pages[f1.url("/bin.html")]
    assert binary.status == 200 and "\x00" not in binary.text
    # malformed and truncated HTML: the links before the cut are still found and followed
    trunc_links = {lk.target_url for lk in session.scalars(select(Link).where(Link.source_url == f1.url("/trunc.html")))}
    assert {f1.url("/ok1.html"), f1.url("/ok2.html")} <= trunc_links
    assert res[f1.url("/ok2.html")].ok


def test_mislabelled_charsets_read_as_chinese(scanned: Any) -> None:
    f1 = scanned["s"]["f1"]
    pages = _pages(scanned["session"])
    gbk = pages[f1.url("/gbk-as-utf8.html")]
    assert gbk.title == TITLE and codecs.lookup(gbk.encoding).name == "gb18030"
    utf8 = pages[f1.url("/utf8-as-gbk.html")]
    assert utf8.title == TITLE + "二" and codecs.lookup(utf8.encoding).name == "utf-8"


def test_urls_base_href_idn_and_non_http_links(scanned: Any) -> None:
    f1 = scanned["s"]["f1"]
    session = scanned["session"]
    res = _results(session)
    assert res[f1.url("/other/dir/rel.html")].ok and res[f1.url("/other/up.html")].ok  # <base href>
    assert res[f1.url("/%E4%B8%AD%E6%96%87/%E9%A1%B5%E9%9D%A2.html")].ok  # raw UTF-8 path
    assert res[f1.url("/%D6%D0%CE%C4/gbk.html")].ok  # percent-encoded GBK kept byte for byte
    # a raw non-ASCII query on a GBK page is sent GBK-encoded, as a browser does
    assert res[f1.url("/search?kw=%B0%B2%BF%B5")].ok
    idn = res["http://xn--mxtq1m.invalid/"]  # 政府.invalid, looked up as punycode
    assert idn.error_class == "dns" and "xn--mxtq1m.invalid" in idn.error
    targets = {lk.target_url for lk in session.scalars(select(Link))}
    assert not [t for t in targets if t.split(":", 1)[0] not in ("http", "https")]
    assert not [u for u in res if u.startswith(("javascript", "mailto", "tel"))]


def test_links_to_private_addresses_are_skipped_not_requested(scanned: Any) -> None:
    res = _results(scanned["session"])
    for url in SSRF_TARGETS:
        r = next((v for k, v in res.items() if k.rstrip("/") == url.rstrip("/")), None)
        assert r is not None, url
        assert r.error_class == "skipped" and r.attempts == 1, (url, r.error_class, r.error)
        assert "allow_networks" in r.error
    assert not set(SSRF_TARGETS) & set(_findings(scanned["session"], "link_broken"))
    # the site's own pages on loopback are requested as usual
    assert res[scanned["s"]["f1"].url("/ok1.html")].ok


def test_100000_links_capped_and_recorded(scanned: Any) -> None:
    big = scanned["s"]["big"]
    session = scanned["session"]
    home = _pages(session)[big.url("/")]
    assert home.meta["links_truncated"] == {"found": 100_000, "kept": LINK_CAP}
    n_links = len(session.scalars(select(Link.target_id).where(Link.site_id == "big")).all())
    assert n_links == LINK_CAP
    stats = session.scalars(select(SiteScan).where(SiteScan.site_id == "big")).one().stats
    assert stats["links_dropped"] == 100_000 - LINK_CAP and stats["capped_pages"] > 0


def test_traps_end_at_the_caps(scanned: Any) -> None:
    trap = scanned["s"]["trap"]
    session = scanned["session"]
    pages = [p.url for p in session.scalars(select(Page).where(Page.site_id == "trap"))]
    assert len(pages) <= 40
    # session ids are dropped by canonicalisation: the session page is one page, fetched once
    assert len(trap.hits_for("/s")) == 1
    assert not [u for u in pages if "jsessionid" in u.lower() or "sid=" in u.lower()]
    # the endless calendar stops at the depth cap, and the cut is recorded
    stats = session.scalars(select(SiteScan).where(SiteScan.site_id == "trap")).one().stats
    assert stats["capped_depth"] >= 1
    assert len(trap.hits_for("/cal")) <= 2 * 6


def test_soft_404_site(scanned: Any) -> None:
    soft = scanned["s"]["soft"]
    session = scanned["session"]
    broken = _findings(session, "link_broken")
    assert broken[soft.url("/gone.html")].evidence["error_class"] == "soft_404"
    stats = session.scalars(select(SiteScan).where(SiteScan.site_id == "soft")).one().stats
    assert stats["capped_depth"] >= 1  # 200 for every more/more/more/...: the depth cap ends it


def test_politeness_per_site_limit(scanned: Any) -> None:
    polite = scanned["s"]["polite"]
    # 20 pages and 10 files checked from another site, each answered after 0.25 s
    assert len(polite.hits) >= 30
    assert polite.max_inflight <= POLITE_LIMIT, polite.max_inflight
    assert polite.max_inflight == POLITE_LIMIT  # the limit was reached, so the measurement means something


def test_crawled_text_stored_verbatim_and_escaped_in_reports(scanned: Any) -> None:
    f1 = scanned["s"]["f1"]
    session = scanned["session"]
    page_row = _pages(session)[f1.url("/inj.html")]
    assert page_row.title == INJECTION
    link = session.scalars(select(Link).where(Link.source_url == f1.url("/inj.html"))).one()
    assert link.anchor == INJECTION
    assert len(_pages(session)) > 10  # the pages table is alive and well
    target = f1.url(BROKEN_MARKUP_PATH)
    assert target in _findings(session, "link_broken")
    # a URL that is Rich markup ("[/]" closes nothing) is printed as is, not parsed (MarkupError)
    table = run_cli("findings", "--db", scanned["db"], "--check", "link_broken", "--format", "table",
                    env={"COLUMNS": "400"})
    assert table.returncode == 0, table.stderr[-2000:]
    assert target in table.stdout
