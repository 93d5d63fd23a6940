"""link_broken and site_unreachable on rows written straight into SQLite: the sample sites'
planted broken links (internal 404, missing pdf and img, refused port, 500, soft 404, 301 -> 404)
and their benign look-alikes (redirect to a good page, HEAD 405 then GET ok, robots, skipped)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from checks.testing import RunBuilder, drafts_of

AS_OF = dt.date(2026, 11, 20)
SOFT_404_TEXT = "您访问的页面不存在 该页面可能已被删除、更名或暂时不可用。"


@pytest.fixture
def session(sqlite_session: Session) -> Session:  # conftest_db: on an upgraded SQLite database
    return sqlite_session


def by_target(drafts):
    return {d.target: d for d in drafts}


def test_planted_broken_links_and_benign_look_alikes(session: Session) -> None:
    rb = RunBuilder(session, AS_OF)
    rb.site("s1", home="http://127.0.2.1:8001/")
    home = rb.homes["s1"]
    rb.home("s1", text="首页")
    u = lambda p: rb.url("s1", p)  # noqa: E731
    art, art2 = u("/xw/t1.html"), u("/xw/t2.html")
    rb.page("s1", art, text="正文一")
    rb.page("s1", art2, text="正文二")
    for page in (art, art2):
        rb.result("s1", page)

    planted = {
        u("/xw/gone.html"): dict(ok=False, status=404),                       # internal 404 (on the homepage)
        u("/files/P020261102.pdf"): dict(ok=False, status=404),                # missing attachment
        u("/images/W020261102.jpg"): dict(ok=False, status=404),               # missing image
        "http://127.0.2.1:9/": dict(ok=False, status=None, error_class="refused", error="Connection refused"),
        u("/cgi/err.jsp"): dict(ok=False, status=500),
        u("/xw/old.html"): dict(ok=False, status=404, redirect_chain=[        # 301 -> 404
            {"url": u("/xw/old.html"), "status": 301}, {"url": u("/xw/new.html"), "status": 404}]),
    }
    for url, kw in planted.items():
        rb.result("s1", url, **kw)
    soft = u("/zt/2019/")
    rb.result("s1", soft)  # 200 ...
    rb.page("s1", soft, kind="other", text=SOFT_404_TEXT)  # ... saying the page does not exist

    benign = {
        u("/moved.html"): dict(ok=True, status=200, redirect_chain=[
            {"url": u("/moved.html"), "status": 301}, {"url": u("/xw/t1.html"), "status": 200}]),
        u("/head405.pdf"): dict(ok=True, status=200, method="GET"),  # HEAD answered 405, the GET was fine
        "http://bszs.conac.cn/sitename?method=show&id=1": dict(ok=False, status=None, error_class="skipped"),
        u("/private/"): dict(ok=False, status=None, error_class="robots"),
        u("/big.zip"): dict(ok=False, status=200, error_class="too_large"),
    }
    for url, kw in benign.items():
        rb.result("s1", url, **kw)
    # a long article that happens to quote a soft-404 phrase is a real page
    long_page = u("/xw/t3.html")
    rb.result("s1", long_page)
    rb.page("s1", long_page, text="本文介绍如何处理“页面不存在”的提示。" + "正文内容。" * 600)

    rb.link("s1", home, u("/xw/gone.html"), anchor="已删除的新闻", region="body")
    rb.link("s1", art, u("/xw/gone.html"), anchor="已删除的新闻")
    rb.link("s1", art2, u("/xw/gone.html"), anchor="已删除的新闻")
    rb.link("s1", art, u("/files/P020261102.pdf"), anchor="附件1.pdf", attachment=True)
    rb.link("s1", art, u("/images/W020261102.jpg"), tag="img")
    rb.link("s1", home, "http://127.0.2.1:9/", anchor="旧系统", region="footer")
    rb.link("s1", art2, u("/cgi/err.jsp"), anchor="查询")
    rb.link("s1", art2, u("/xw/old.html"), anchor="相关报道")
    rb.link("s1", art, soft, anchor="科技专题")
    for url in [*benign, long_page]:
        rb.link("s1", art, url, anchor="好链接", internal="127.0.2.1" in url)
    rb.done()

    got = by_target(drafts_of(session, rb.id, "link_broken"))
    assert set(got) == {*planted, soft}

    gone = got[u("/xw/gone.html")]
    assert gone.url == home  # seen on the homepage: point the inspector there
    assert gone.evidence["on_homepage"] is True
    assert gone.evidence["homepage_links"] == 1 and gone.evidence["other_pages"] == 2
    assert {s["page"] for s in gone.evidence["sources"]} == {home, art, art2}
    assert "首页1处" in gone.detail and "其他页面2个" in gone.detail and "HTTP 404" in gone.detail

    pdf = got[u("/files/P020261102.pdf")]
    assert pdf.evidence["attachment"] is True and pdf.url == art and pdf.evidence["on_homepage"] is False
    assert pdf.detail.startswith("附件不可用")
    assert got[u("/images/W020261102.jpg")].detail.startswith("图片不可用")
    refused = got["http://127.0.2.1:9/"]
    assert refused.evidence["error_class"] == "refused" and "连接被拒绝" in refused.detail
    assert refused.evidence["sources"][0]["region"] == "footer"
    assert got[u("/cgi/err.jsp")].evidence["status"] == 500
    redirected = got[u("/xw/old.html")]
    assert len(redirected.evidence["redirect_chain"]) == 2 and "重定向" in redirected.detail
    s404 = got[soft]
    assert s404.evidence["error_class"] == "soft_404" and s404.evidence["status"] == 200
    assert s404.evidence["soft_404_phrase"] == "您访问的页面不存在"


def test_one_finding_per_site_for_a_shared_external_link(session: Session) -> None:
    rb = RunBuilder(session, AS_OF)
    for sid in ("a", "b"):
        rb.site(sid)
        rb.home(sid)
    rb.site("c", status="incomplete")  # not judged: its scan did not complete
    ext = "http://dead.example.com/page.html"
    rb.result("a", ext, ok=False, status=None, error_class="dns", error="DNS lookup failed")
    for sid in ("a", "b", "c"):
        home = rb.homes[sid]
        rb.link(sid, home, ext, anchor="友情链接", region="footer", internal=False)
        rb.link(sid, home.rstrip("/") + "/about.html", ext, anchor="友情链接", internal=False)
    rb.done()
    got = drafts_of(session, rb.id, "link_broken")
    assert sorted(d.site_id for d in got) == ["a", "b"]
    for d in got:
        assert d.target == ext and d.evidence["source_count"] == 2 and d.evidence["internal"] is False
        assert "域名解析失败" in d.detail


# --- site_unreachable ---------------------------------------------------------------------------------


def test_unreachable_homepages(session: Session) -> None:
    rb = RunBuilder(session, AS_OF)
    rb.site("ok")
    rb.home("ok", text="首页")
    rb.site("refused", error="refused: Connection was refused by other side")
    rb.result("refused", rb.homes["refused"], ok=False, status=None, error_class="refused",
              error="Connection was refused by other side")
    rb.site("err503", error="HTTP 503")
    rb.result("err503", rb.homes["err503"], ok=False, status=503)
    rb.site("timeout", error="timeout: took longer than 15.0 seconds")
    rb.result("timeout", rb.homes["timeout"], ok=False, status=None, error_class="timeout")
    rb.site("robots")
    rb.result("robots", rb.homes["robots"], ok=False, status=None, error_class="robots")
    rb.site("huge")  # answered with more than max_page_bytes: up, but not read
    rb.result("huge", rb.homes["huge"], ok=False, status=200, error_class="too_large")
    rb.done()

    from checks.config import load_indicators
    from checks.engine import run_checks

    stats = run_checks(session, rb.id, config=load_indicators())
    # robots kept us out: not assessed, neither unreachable nor judged on anything else
    assert stats["skipped"] == {"refused": "site_unreachable", "err503": "site_unreachable",
                                "timeout": "site_unreachable", "robots": "homepage not fetched (robots)",
                                "huge": "homepage not fetched (too_large)"}
    from sqlalchemy import select

    from db.models import Finding

    rows = session.scalars(select(Finding)).all()
    by_site = {}
    for f in rows:
        by_site.setdefault(f.subject_id, []).append(f.check_id)
    # an unreachable site gets that finding only: no footer/homepage/disclosure noise
    assert by_site["refused"] == ["site_unreachable"]
    assert by_site["err503"] == ["site_unreachable"]
    assert by_site["timeout"] == ["site_unreachable"]
    assert "robots" not in by_site and "huge" not in by_site
    assert "site_unreachable" not in by_site.get("ok", [])
    details = {f.subject_id: f.detail for f in rows if f.check_id == "site_unreachable"}
    assert "连接被拒绝" in details["refused"] and "HTTP 503" in details["err503"] and "超时" in details["timeout"]
    f = next(f for f in rows if f.subject_id == "refused")
    assert f.target == rb.homes["refused"] and f.severity == "veto"
