"""Reading 政务咨询 pages: message lists (header tables, per-message blocks with inline labels),
letter detail pages (label cells, definition lists, 「办理状态：已办结」), channel pages and the
homepage's channel entries. Shapes from real letter boxes (MinMore 局长信箱 templates, the nfra
政务咨询 block, 政务服务网 detail tables)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from parsel import Selector

from core.registry import load_column_rules
from spiders.extract.interaction import channel_page, home_channels, message_detail, message_list, status_kind

AS_OF = dt.date(2026, 11, 20)
BASE = "http://www.xx.gov.cn/hdjl/ldxx/"
RULES = load_column_rules().consultation


def page(body: str) -> Selector:
    return Selector(f"<html><head><title>领导信箱</title></head><body>{body}"
                    "<div class='footer'>联系电话：0915-3212345　办理状态：无</div></body></html>")


def test_header_table_with_status_and_a_lone_time_column() -> None:
    # MinMore 局长信箱: 来信主题 | 状态 | 时间 | 受理单位
    sel = page("""<table><thead><tr><th>来信主题</th><th>状态</th><th>时间</th><th>受理单位</th></tr></thead>
      <tbody><tr><td><a href="mail?mailid=12">关于路灯不亮的反映</a></td><td>已办结</td><td>2026-10-02</td><td>住建局</td></tr>
      <tr><td><a href="mail?mailid=13">关于噪音扰民</a></td><td><span class="red">办理中</span></td><td>2026/11/02 10:21</td>
      <td>生态环境局</td></tr></tbody></table>""")
    rows = message_list(sel, BASE, AS_OF)
    assert [(r.url, r.title, r.asked, r.answered, r.status) for r in rows] == [
        (BASE + "mail?mailid=12", "关于路灯不亮的反映", dt.date(2026, 10, 2), None, "已办结"),
        (BASE + "mail?mailid=13", "关于噪音扰民", dt.date(2026, 11, 2), None, "办理中")]
    assert [r.to_meta()["state"] for r in rows] == ["answered", "pending"]


def test_header_table_with_both_dates() -> None:
    sel = page("""<table class="xjlb"><tr><td>序号</td><td>信件标题</td><td>留言时间</td><td>答复时间</td><td>办理状态</td></tr>
      <tr><td>1</td><td><a href="/hdjl/ldxx/202609/t20260901_1.html">咨询公积金提取</a></td><td>2026-09-01</td>
      <td>2026-09-08</td><td>已答复</td></tr>
      <tr><td>2</td><td><a href="/hdjl/ldxx/202610/t20261003_2.html">咨询学区划分</a></td><td>2026-10-03</td>
      <td></td><td>未答复</td></tr></table>""")
    rows = message_list(sel, BASE, AS_OF)
    assert [(r.asked, r.answered, r.status) for r in rows] == [
        (dt.date(2026, 9, 1), dt.date(2026, 9, 8), "已答复"), (dt.date(2026, 10, 3), None, "未答复")]


def test_blocks_with_inline_labels() -> None:
    # nfra 政务咨询: one tbody per message, the date in a second row as <span>留言时间：</span><span>…</span>
    sel = page("""<table class="zwzx-table"><tbody><tr><td><a href="/x/1.html">请问许可证还在使用吗？</a></td></tr>
      <tr><td class="zwzx-date"><span>留言时间：</span><span class="ng-binding">2025-04-27</span></td></tr></tbody>
      <tbody><tr><td><a href="/x/2.html">关于办理时限的咨询</a></td></tr>
      <tr><td><span>留言时间：</span><span>2026-04-28</span><span>状态：</span><span>已回复</span></td></tr></tbody></table>
      <ul class="list"><li><a href="/x/3.html">问题三</a><span>留言时间：2026-05-02</span><span>回复时间：2026-05-06</span></li>
      <li><a href="/x/4.html">通知：留言时间调整</a></li></ul>""")
    rows = {r.url.rsplit("/", 1)[1]: r for r in message_list(sel, BASE, AS_OF)}
    assert set(rows) == {"1.html", "2.html", "3.html"}  # 4.html: a title mentioning 留言时间 is no label
    assert rows["1.html"].asked == dt.date(2025, 4, 27) and rows["1.html"].status is None
    assert rows["2.html"].status == "已回复"
    assert (rows["3.html"].asked, rows["3.html"].answered) == (dt.date(2026, 5, 2), dt.date(2026, 5, 6))


def test_a_news_list_is_no_message_list() -> None:
    sel = page("""<ul><li><a href="/a/1.html">我市召开会议</a><span>2026-11-02</span></li></ul>
      <table><tr><th>标题</th><th>发布日期</th></tr><tr><td><a href="/b.html">通知</a></td><td>2026-11-01</td></tr></table>""")
    assert message_list(sel, BASE, AS_OF) == []


def test_detail_label_cells_and_empty_reply() -> None:
    # MinMore 信件查看: row-prompt / row-content cells, 办理时间 暂无, an empty 处理情况
    sel = page("""<table class="result-table"><tr><td class="row-prompt">编号:</td><td>C2026090112</td>
      <td class="row-prompt">来信人:</td><td>张**</td></tr>
      <tr><td class="row-prompt">来信时间:</td><td>2026-09-01 10:11:12</td><td>受理单位:</td><td>市住建局</td></tr>
      <tr><td class="row-prompt">办事状态:</td><td>办理中</td></tr></table>
      <table class="result-table"><tr><td>办理时间:</td><td>暂无</td></tr><tr><td>处理情况:</td><td></td></tr></table>""")
    assert message_detail(sel, AS_OF) == {"asked": "2026-09-01", "answered": None, "status": "办理中",
                                          "replied": False, "state": "pending"}


def test_detail_definition_list_and_inline_status() -> None:
    sel = page("""<dl class="xx"><dt>留言时间</dt><dd>2026年9月1日</dd><dt>答复时间</dt><dd>2026-09-08</dd>
      <dt>答复内容</dt><dd>您好，经核实，该路段路灯已修复。</dd></dl><p>办理状态：已办结</p>""")
    assert message_detail(sel, AS_OF) == {"asked": "2026-09-01", "answered": "2026-09-08", "status": "已办结",
                                          "replied": True, "state": "answered"}


def test_an_article_is_no_message() -> None:
    sel = page("<h1>我市召开安全生产会议</h1><p>发布时间：2026-11-02</p><p>会议要求，各部门要提高办理效率。</p>")
    assert message_detail(sel, AS_OF) is None


def test_status_words() -> None:
    assert status_kind("未办结") == "pending" and status_kind("已办结") == "answered"
    assert status_kind("已受理") == "pending" and status_kind(" 已 回 复 ") == "answered"
    assert status_kind("公开") is None and status_kind(None) is None


def is_internal(url: str) -> bool:
    return "www.xx.gov.cn" in url


def test_channel_page_form_write_and_platform_links() -> None:
    sel = Selector("""<html><body><div class="search"><form action="/search"><input name="searchword">
      <button>搜索</button></form></div>
      <div class="main"><a href="write.html">我要写信</a> <a href="http://12345.ak.gov.cn/">安康12345政务服务热线</a>
      <a href="http://www.gov.cn/">中国政府网</a></div></body></html>""")
    got = channel_page(sel, BASE, is_internal, RULES.matches)
    assert got["form"] is False  # a search box is no letter form
    assert got["write_links"] == [{"name": "我要写信", "url": BASE + "write.html"}]
    assert got["platform_links"] == [{"name": "安康12345政务服务热线", "url": "http://12345.ak.gov.cn/"}]
    form = Selector("""<html><body><div class="main"><form action="submit.jsp" method="post"><input name="name">
      <input name="phone"><textarea name="content"></textarea><button type="submit">提交</button></form></div></body></html>""")
    got = channel_page(form, BASE, is_internal, RULES.matches)
    assert got["form"] is True and got["form_action"] == BASE + "submit.jsp"


@dataclass
class L:
    url: str
    anchor: str
    tag: str = "a"


def test_home_channels_take_consultation_names_not_the_excluded_ones() -> None:
    links = [L("http://www.xx.gov.cn/hdjl/xzxx/", "县长信箱"), L("http://www.xx.gov.cn/hdjl/zxft/", "在线访谈"),
             L("http://www.xx.gov.cn/hdjl/wsxf/", "网上信访"), L("http://12345.ak.gov.cn/", "12345热线"),
             L("http://www.xx.gov.cn/jjjb/", "纪检举报"), L("http://www.xx.gov.cn/xw/", "新闻中心"),
             L("http://www.xx.gov.cn/hdjl/xzxx/", "县长信箱"), L("http://www.xx.gov.cn/img.png", "留言", tag="img")]
    assert home_channels(links, RULES.matches) == [
        {"name": "县长信箱", "url": "http://www.xx.gov.cn/hdjl/xzxx/"},
        {"name": "12345热线", "url": "http://12345.ak.gov.cn/"}]
