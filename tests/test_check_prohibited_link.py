"""prohibited_link and hidden_link on rows written straight into SQLite: a 友情链接 to an expired
domain now showing a gambling page vs a 友情链接 to a government page quoting 「打击赌博」; a hidden
link to an external gambling host vs a hidden link to the site's own page."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from checks.prohibited_link import score_page
from checks.testing import RunBuilder, drafts_of

AS_OF = dt.date(2026, 11, 20)
CASINO_TITLE = "澳门皇冠娱乐城-百家乐-真人娱乐官网"
CASINO_TEXT = "注册即送彩金 百家乐 时时彩 体育投注 老虎机 在线下注 24小时客服"
GOV_TITLE = "市公安局开展打击赌博专项行动"
GOV_TEXT = "近日，市公安局组织开展打击赌博违法犯罪专项行动，依法查处网络赌博案件3起。"
HIDE = {"why": "display_none", "markup": '<div style="display:none">', "by_script": False}


@pytest.fixture
def session(db_session: Session) -> Session:  # conftest_db: SQLite and PostgreSQL
    return db_session


def test_score_weights_title_and_threshold() -> None:
    from checks.config import load_indicators

    cfg = next(c.config for c in load_indicators().checks if c.check.id == "prohibited_link")
    score, hits = score_page(CASINO_TITLE, CASINO_TEXT, cfg)
    assert score >= cfg.min_score
    assert {h["word"] for h in hits} >= {"百家乐", "真人娱乐", "彩金"}
    assert next(h for h in hits if h["word"] == "百家乐")["in_title"] is True
    gov, _ = score_page(GOV_TITLE, GOV_TEXT, cfg)
    assert 0 < gov < cfg.min_score


def _read(rb: RunBuilder, url: str, title: str, text: str) -> None:
    """The target's check result with the page title and text the crawl kept (a GET)."""
    r = rb.result("s1", url)
    r.title, r.excerpt = title, text


def _site(rb: RunBuilder) -> str:
    rb.site("s1", home="http://127.0.2.1:8001/")
    rb.home("s1", text="首页")
    return rb.homes["s1"]


def test_hijacked_friend_link_is_prohibited_a_gov_report_is_not(session: Session) -> None:
    rb = RunBuilder(session, AS_OF)
    home = _site(rb)
    hijacked, honest = "http://127.0.9.1:8080/", "http://127.0.9.2:8080/news/1.html"
    rb.link("s1", home, hijacked, anchor="安康市移民局", region="footer", internal=False)
    rb.link("s1", home, honest, anchor="市公安局", region="footer", internal=False)
    _read(rb, hijacked, CASINO_TITLE, CASINO_TEXT)
    _read(rb, honest, GOV_TITLE, GOV_TEXT)
    rb.done()
    drafts = drafts_of(session, rb.id, "prohibited_link")
    assert [d.target for d in drafts] == [hijacked]
    d = drafts[0]
    assert d.url == home and d.evidence["on_homepage"] is True
    assert d.evidence["title"] == CASINO_TITLE and "赌博" in d.evidence["kinds"]
    assert "安康市移民局" in d.detail and "百家乐" in d.detail
    assert d.evidence["sources"][0]["anchor"] == "安康市移民局"


def test_page_not_read_and_internal_pages_are_not_judged(session: Session) -> None:
    rb = RunBuilder(session, AS_OF)
    home = _site(rb)
    unread = "http://127.0.9.3:8080/"
    rb.link("s1", home, unread, internal=False)
    rb.result("s1", unread)  # checked by HEAD: no title recorded
    own = rb.url("s1", "/zt/casino.html")
    rb.link("s1", home, own, internal=True)  # an internal page is the text checks' business
    _read(rb, own, CASINO_TITLE, CASINO_TEXT)
    rb.done()
    assert drafts_of(session, rb.id, "prohibited_link") == []


def test_hidden_external_link_vs_hidden_link_to_own_page(session: Session) -> None:
    rb = RunBuilder(session, AS_OF)
    home = _site(rb)
    ext, own = "http://127.0.9.1:8080/", rb.url("s1", "/xxgk/")
    rb.link("s1", home, ext, anchor="真人娱乐", internal=False).hidden = dict(HIDE)
    rb.link("s1", home, own, anchor="信息公开", internal=True).hidden = dict(HIDE)
    visible = "http://127.0.9.2:8080/"
    rb.link("s1", home, visible, anchor="市政府", internal=False)
    _read(rb, ext, CASINO_TITLE, CASINO_TEXT)
    rb.done()
    drafts = drafts_of(session, rb.id, "hidden_link")
    assert [d.target for d in drafts] == [ext]
    d = drafts[0]
    assert d.url == home and d.evidence["markup"] == '<div style="display:none">'
    assert d.evidence["why"] == "display_none" and d.evidence["target_title"] == CASINO_TITLE
    assert "暗链" in d.detail and "display:none" in d.detail


def test_cms_vendor_signature_and_jiucuo_entry_are_not_hidden_links(session: Session) -> None:
    rb = RunBuilder(session, AS_OF)
    home = _site(rb)
    sig = "http://www.hanweb.com/"
    rb.link("s1", home, sig, anchor="Produced By 大汉网络 大汉版通发布系统", internal=False).hidden = {
        "why": "display_none", "markup": '<a href="http://www.hanweb.com" style="display:none">', "by_script": False}
    jiucuo = "http://121.43.68.40/exposure/jiucuo.html?site_code=3300000020"
    rb.link("s1", home, jiucuo, anchor="", internal=False).hidden = {
        "why": "display_none", "markup": '<a style="display:none;" href="…">', "by_script": False}
    rb.done()
    assert drafts_of(session, rb.id, "hidden_link") == []
    assert len(drafts_of(session, rb.id, "hidden_link", vendor_hosts=[], known_url_parts=[])) == 2


def test_zero_size_iframe_to_an_external_page(session: Session) -> None:
    rb = RunBuilder(session, AS_OF)
    home = _site(rb)
    trojan = "http://127.0.9.7:8080/x.htm"
    rb.link("s1", home, trojan, tag="iframe", internal=False).hidden = {
        "why": "zero_size", "markup": '<iframe src="http://127.0.9.7:8080/x.htm" width="0" height="0">',
        "by_script": False}
    rb.done()
    drafts = drafts_of(session, rb.id, "hidden_link")
    assert [d.target for d in drafts] == [trojan] and "内嵌框架" in drafts[0].detail
