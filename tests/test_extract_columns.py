"""Column candidates, hub links and page classification (CONTRACT "Columns")."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from parsel import Selector

from core.registry import load_column_rules
from spiders.extract.columns import ColumnLink, classify_page, column_candidates, hub_links
from spiders.extract.lists import ListEntry, ListResult
from spiders.extract.pager import PagerResult

FIX = Path(__file__).parent / "fixtures" / "idioms"
RULES = load_column_rules()
HOME = "http://127.0.2.1/"


def internal(url: str) -> bool:
    return urlsplit(url).hostname in {"127.0.2.1", "xxgk.example.gov.cn"}


HOMEPAGE = """<html><body>
<div class="header"><div class="logo"><a href="/index.html"><img src="/logo.png" alt="某县人民政府"></a></div>
  <div class="top-l fl"><a href="/zwgk/">政务公开(顶部)</a></div>
  <ul class="nav">
    <li><a href="/">首页</a></li>
    <li><a href="/xwdt/">新闻 动态</a>
      <ul class="dropdown"><li><a href="/xwdt/bmdt/">部门动态</a></li><li><a href="/xwdt/xzdt/index.html">乡镇动态</a></li></ul></li>
    <li><a href="/tzgg/list.jsp?catid=3">通知公告</a></li>
    <li><a href="/zcwj/" title="政策文件与解读材料">政策文件与解...</a></li>
    <li><a href="/zmhd/" title="打开新窗口">政民互动</a></li>
    <li><a href="/xwdt/2026/t20261102_1.html">一篇文章</a></li>
    <li><a href="http://www.gov.cn/">中国政府网</a></li>
    <li><a href="/wzdt/">网站地图</a></li>
    <li><a href="/icon/"><img src="i.png" alt="图标"></a></li>
    <li><a href="javascript:void(0)">更多</a></li>
    <li><a href="/xwdt/#top">新闻again</a></li>
  </ul></div>
<div class="main">
  <div class="box"><a href="http://xxgk.example.gov.cn/">政府信息公开</a><a href="/bsfw/">办事服务</a></div>
  <ul class="list"><li><a href="/xwdt/2026/t20261101_2.html">政府信息公开工作年度报告</a></li></ul>
</div>
<div class="left"><a href="/side/">侧栏</a></div>
<div class="footer"><a href="/lxwm/">联系我们</a><a href="/gkpt/">公开平台</a></div>
</body></html>"""


def test_homepage_candidates_nav_then_disclosure_hub_anywhere():
    got = column_candidates(Selector(text=HOMEPAGE), HOME, internal, RULES, homepage=True)
    assert got == [
        ColumnLink("新闻动态", "http://127.0.2.1/xwdt/", "nav"),
        ColumnLink("部门动态", "http://127.0.2.1/xwdt/bmdt/", "nav"),
        ColumnLink("乡镇动态", "http://127.0.2.1/xwdt/xzdt/index.html", "nav"),
        ColumnLink("通知公告", "http://127.0.2.1/tzgg/list.jsp?catid=3", "nav"),
        ColumnLink("政策文件与解读材料", "http://127.0.2.1/zcwj/", "nav"),
        ColumnLink("政民互动", "http://127.0.2.1/zmhd/", "nav"),
        # a menu link is a column whatever its URL looks like (a single-page column)
        ColumnLink("一篇文章", "http://127.0.2.1/xwdt/2026/t20261102_1.html", "nav"),
        ColumnLink("政务公开(顶部)", "http://127.0.2.1/zwgk/", "header"),  # div.header > div.top-l
        ColumnLink("政府信息公开", "http://xxgk.example.gov.cn/", "body"),
        ColumnLink("公开平台", "http://127.0.2.1/gkpt/", "footer"),
    ]


def test_column_page_candidates_come_from_side_regions():
    html = """<html><body><div class="nav"><a href="/xwdt/">新闻动态</a><a href="/zwgk/">政务公开</a></div>
      <div class="leftnav"><ul><li><a href="/xwdt/bmdt/">部门 动态</a></li><li><a href="/xwdt/xzdt/">乡镇动态</a></li>
        <li><a href="/">返回首页</a></li><li><a href="/xwdt/bmdt/">dup</a></li><li><a href="/index.html">主页</a></li></ul></div>
      <div class="main"><a href="/other/">正文里的栏目</a></div></body></html>"""
    got = column_candidates(Selector(text=html), "http://127.0.2.1/xwdt/", internal, RULES, homepage=False,
                            home_url=HOME)
    assert [(c.name, c.url, c.region) for c in got] == [
        ("部门动态", "http://127.0.2.1/xwdt/bmdt/", "side"), ("乡镇动态", "http://127.0.2.1/xwdt/xzdt/", "side")]


def test_real_xxgk_hub_page():
    sel = Selector(text=(FIX / "trs_handan_xxgk_gkzn.html").read_text(encoding="utf-8"))
    page = "http://hdzfxxgk.hd.gov.cn/zfxxgkzn/"

    def hd(url: str) -> bool:
        return (urlsplit(url).hostname or "").endswith("hd.gov.cn")

    links = hub_links(sel, page, hd, rules=RULES)
    urls = [c.url for c in links]
    names = {c.url: c.name for c in links}
    assert names["http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/?id=1780%2F2138"] == "市教育局"
    assert page not in urls and "http://hdzfxxgk.hd.gov.cn/zfxxgkzn/#" not in urls
    assert all(c.region == "body" for c in links)
    # the left 信息公开 menu (div.dl_nav) is a nav region, not the body
    assert "http://hdzfxxgk.hd.gov.cn/ysqgk/" not in urls
    assert classify_page(ListResult(entries=[]), PagerResult(), links) == "hub"


def test_hub_links_skip_breadcrumbs_self_home_documents_and_external():
    html = """<html><body>
      <div class="bt-position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/fdzdgknr/">法定主动公开内容</a></div>
      <div class="sx-more1"><a class="CurrChnlCls" href="/zwgk/">政务公开</a></div>
      <div class="main"><ul>
        <li><a href="/zwgk/fdzdgknr/jgzn/">机构职能</a></li><li><a href="/zwgk/fdzdgknr/ghjh/index.html">规划计划</a></li>
        <li><a href="/zwgk/fdzdgknr/">本页</a></li><li><a href="/zwgk/fdzdgknr/t20261102_1.html">关于印发2026年政务公开工作要点的通知</a></li>
        <li><a href="http://other.gov.cn/col/">外站</a></li><li><a href="/zwgk/fdzdgknr/ysqgk.jsp">依申请公开</a></li>
        <li><a href="/zwgk/fdzdgknr/gz.pdf">指南</a></li>
        <li><a href="/zwgk/fdzdgknr/jgzn/">机构职能dup</a></li></ul></div>
      <div class="left"><a href="/side/">侧栏栏目</a></div></body></html>"""
    links = hub_links(Selector(text=html), "http://127.0.2.1/zwgk/fdzdgknr/", internal, home_url=HOME)
    # sub-columns are named, whatever their URLs look like (.jsp); a document's title and a file are none
    assert [(c.name, c.url) for c in links] == [
        ("机构职能", "http://127.0.2.1/zwgk/fdzdgknr/jgzn/"), ("规划计划", "http://127.0.2.1/zwgk/fdzdgknr/ghjh/index.html"),
        ("依申请公开", "http://127.0.2.1/zwgk/fdzdgknr/ysqgk.jsp")]


def test_classify_page():
    entry = ListEntry("t", "http://h/t.html", None)
    two = [ColumnLink("a", "http://h/a/", "body"), ColumnLink("b", "http://h/b/", "body")]
    assert classify_page(ListResult(entries=[entry]), PagerResult(), two) == "list"
    assert classify_page(ListResult(entries=[], placeholder="暂无信息"), PagerResult(), two) == "list"
    assert classify_page(ListResult(entries=[]), PagerResult(kind="trs", count=1), two) == "list"
    assert classify_page(ListResult(entries=[]), PagerResult(), two) == "hub"
    assert classify_page(ListResult(entries=[]), PagerResult(), two[:1]) == "page"
    assert classify_page(None, None, []) == "page"


def test_disclosure_sub_sections_are_disclosure_columns_whatever_their_name() -> None:
    rules = RULES
    assert rules.categorize("政府信息公开指南", "/zfxxgk/zfxxgkzn/") == ("disclosure", "guide")
    assert rules.categorize("办事指南", "/bszn/") == ("service", None)
    assert rules.categorize("通知公告", "/tzgg/") == ("notice", None)


def test_titled_blocks_make_a_hub_and_name_text_less_more_links():
    from spiders.extract.columns import block_columns, hub_blocks

    box = ('<div class="box"><div class="tit"><span>{name}</span><a class="more" href="{url}"><img src="/i/more.png"></a>'
           '</div><ul><li><a href="{url}202601/t20260102_1.html">关于开展年度考核工作的通知</a><span>2026-01-02</span></li>'
           '<li><a href="{url}202601/t20260101_2.html">关于做好冬季安全生产工作的通知</a><span>2026-01-01</span></li></ul></div>')
    html = "<html><body>" + box.format(name="工作动态", url="/ywdt/gzdt/") + box.format(name="媒体聚焦", url="/ywdt/mtjj/") \
        + "</body></html>"
    got = hub_blocks(Selector(text=html), "http://127.0.2.1/ywdt/", internal, rules=RULES, home_url=HOME)
    assert [(c.name, c.url) for c in got] == [("工作动态", "http://127.0.2.1/ywdt/gzdt/"),
                                              ("媒体聚焦", "http://127.0.2.1/ywdt/mtjj/")]
    one = "<html><body>" + box.format(name="工作动态", url="/ywdt/gzdt/") + "</body></html>"
    assert hub_blocks(Selector(text=one), "http://127.0.2.1/ywdt/", internal, rules=RULES, home_url=HOME) == []
    assert len(block_columns(Selector(text=one), "http://127.0.2.1/", internal, rules=RULES, home_url=HOME)) == 1
