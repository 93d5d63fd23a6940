"""Column lists (CONTRACT "List entries"): container choice, entries, dates, pinned, Hanweb."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from parsel import Selector

from spiders.extract.lists import (
    LIST_EXTRACTORS,
    HanwebDatastoreExtractor,
    HtmlListExtractor,
    ListExtractor,
    ListResult,
    PageContext,
    extract_list,
    parse_dataproxy,
)

FIX = Path(__file__).parent / "fixtures" / "idioms"
D = dt.date
AS_OF = D(2026, 11, 20)
URL = "http://127.0.2.1/xwdt/gzdt/index.html"
PLACEHOLDERS = ["暂无信息", "暂无数据", "建设中", "暂无"]


def _ctx(html: str, url: str = URL, as_of: dt.date = AS_OF) -> PageContext:
    return PageContext.build(url, Selector(text=html), as_of, PLACEHOLDERS, text=html)


def _page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def _html(html: str, **kw) -> ListResult:
    return HtmlListExtractor().extract(_ctx(html, **kw))


def _items(n: int, start: int = 1) -> str:
    return "".join(
        f'<li><a href="./2026{m:02d}/t2026{m:02d}0{m % 9 + 1}_{m}.html">标题{m}</a><span>2026-{m:02d}-0{m % 9 + 1}</span></li>'
        for m in range(start, start + n)
    )


# --- the real TRS list page -----------------------------------------------------------------

HANDAN_URL = "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index.html"


def _handan(stripped: bool) -> str:
    html = (FIX / "trs_handan_xxgk_list.html").read_text(encoding="utf-8")
    if stripped:  # the server response: the pager script without the links it rendered
        html = re.sub(r'(</script>)<a href="http://hdzfxxgk[^\n]*?尾页</a>', r"\1", html)
        assert "index_55.html" not in html
    return html


def test_real_trs_xxgk_table_raw_and_stripped():
    for stripped in (False, True):
        result, name = extract_list(_ctx(_handan(stripped), HANDAN_URL))
        assert name == "html"
        assert [(e.title, e.url, e.published, e.date_text, e.date_source, e.pinned) for e in result.entries] == [(
            "邯郸市教育局关于印发《邯郸市学校安全工作目标管理考核办法》的通知",
            "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200805_1353179.html",
            D(2020, 8, 5), "2020-08-05", "list", False,
        )]
        assert result.placeholder is None
        assert "table" in result.container or "szbmtclb" in result.container


# --- container choice -----------------------------------------------------------------------


def test_most_article_children_in_body_wins_over_side_nav_footer():
    html = _page(
        f'<div class="left"><ul>{_items(10, 1)}</ul></div>'
        f'<div class="nav"><ul>{_items(10, 1)}</ul></div>'
        f'<div class="main"><ul class="short">{_items(2, 20)}</ul><ul class="list">{_items(3, 30)}</ul></div>'
        f'<div class="footer"><ul>{_items(10, 1)}</ul></div>'
    )
    r = _html(html)
    assert r.container.endswith("ul.list")
    assert [e.title for e in r.entries] == ["标题30", "标题31", "标题32"]


def test_tie_goes_to_first_in_document_order():
    html = _page(f'<ul class="a">{_items(2, 1)}</ul><ul class="b">{_items(2, 5)}</ul>')
    assert _html(html).container.endswith("ul.a")


def test_column_links_do_not_make_a_list():
    html = _page('<ul class="sub"><li><a href="/a/">A</a></li><li><a href="/b/index.html">B</a></li>'
                 '<li><a href="list.jsp?id=3">C</a></li></ul>')
    r = _html(html)
    assert r.entries == [] and r.container == ""


def test_entries_are_read_whatever_the_link_looks_like():
    # .aspx / .asp?id= / .jsp / .php / query-only links, external pages and attachments alike
    titles = ["国务院关于印发某某方案的通知", "2025年政府信息公开工作年度报告", "关于开展安全生产专项检查的通知",
              "市政府办公室关于做好防汛工作的通知", "关于公布第二批示范单位名单的公告", "关于征求意见的公告"]
    hrefs = ["http://www.gov.cn/zhengce/content/202611/content_5.htm", "/files/report.pdf", "/news/show.aspx?id=31",
             "/news/view.asp?id=7", "/info.jsp?infoid=9", "?id=5&m=show"]
    html = _page("<ul>" + "".join(f'<li><a href="{h}">{t}</a></li>' for h, t in zip(hrefs, titles, strict=True)) + "</ul>")
    assert [e.title for e in _html(html).entries] == titles


def test_table_with_th_header_row_and_dl_and_p_children():
    table = _page("""<table class="tab"><tr><th>标题</th><th>日期</th></tr>
      <tr><td><a href="t20261101_1.html">一</a></td><td>2026-11-01</td></tr>
      <tr><td><a href="t20261102_2.html">二</a></td><td>2026-11-02</td></tr></table>""")
    r = _html(table)
    assert [(e.title, e.published) for e in r.entries] == [("一", D(2026, 11, 1)), ("二", D(2026, 11, 2))]
    dl = _page('<dl><dt>通知</dt><dd><a href="a1.html">甲</a> 2026/10/01</dd><dd><a href="a2.html">乙</a></dd></dl>')
    assert [e.title for e in _html(dl).entries] == ["甲", "乙"]
    ps = _page('<div class="con"><p><a href="c_1.html">丙</a>[2026.09.09]</p><p><a href="c_2.html">丁</a></p></div>')
    assert [(e.title, e.published) for e in _html(ps).entries] == [("丙", D(2026, 9, 9)), ("丁", None)]


def test_items_must_contain_links_a_few_linkless_rows_tolerated():
    html = _page(f'<ul class="list">{_items(1)}<li class="line"></li>{_items(1, 2)}</ul>')
    assert len(_html(html).entries) == 2
    # an article body: text paragraphs and one paragraph with an attachment link is no list
    html = _page('<div class="article-con"><p>公民、法人或者其他组织向本机关申请……</p><p>本机关收到申请后……</p>'
                 '<p><a href="/zfxxgk/ysqgk/P020250110512345678901.doc">政府信息公开申请表.doc</a></p></div>')
    assert _html(html).entries == []
    html = _page(f'<ul class="list">{_items(2)}<li>广告位</li><li>说明</li><li>备注</li></ul><ul class="other">{_items(1, 5)}</ul>')
    assert [e.title for e in _html(html).entries] == ["标题5"]
    # a linkless header row made of td cells (old table layouts) and a 共N条 row are tolerated
    html = _page('<table><tr class="tit"><td>标题</td><td>发布日期</td></tr>'
                 '<tr><td><a href="t20261101_1.html">一</a></td><td>2026-11-01</td></tr>'
                 '<tr><td><a href="t20261102_2.html">二</a></td><td>2026-11-02</td></tr>'
                 '<tr><td colspan="2">共2条记录</td></tr></table>')
    assert [(e.title, e.published) for e in _html(html).entries] == [("一", D(2026, 11, 1)), ("二", D(2026, 11, 2))]


def test_wrapper_with_single_list_prefers_the_inner_list():
    html = _page(f'<div class="wrap"><div class="inner"><ul>{_items(1)}</ul></div><div class="page">共1页</div></div>')
    r = _html(html)
    assert r.container.endswith("ul") and len(r.entries) == 1


# --- entries --------------------------------------------------------------------------------


def test_title_attribute_wins_and_text_is_collapsed():
    html = _page('<ul><li><a href="a.html" title="关于印发《完整标题》的通知">关于印发《完整...</a></li>'
                 '<li><a href="b.html">  关于第二批名单\n  的公示 </a></li>'
                 '<li><a href="c.html"><img src="x.png" alt="市领导调研重点项目建设"></a></li></ul>')
    assert [e.title for e in _html(html).entries] == ["关于印发《完整标题》的通知", "关于第二批名单 的公示",
                                                      "市领导调研重点项目建设"]


def test_title_link_of_the_item_and_duplicates_once():
    # the title is the record's longest link: not a leading [分类] link, not a 更多 arrow
    html = _page('<ul><li><a href="/col/">[通知]</a><a href="x1.html">关于做好年度考核工作的通知</a><a href="x2.html">更多</a></li>'
                 '<li><a href="x1.html">关于做好年度考核工作的通知</a></li><li><a href="x3.html">关于开展专项检查的通知</a></li></ul>')
    r = _html(html)
    assert [(e.title, e.url.rsplit("/", 1)[-1]) for e in r.entries] == [
        ("关于做好年度考核工作的通知", "x1.html"), ("关于开展专项检查的通知", "x3.html")]


def test_date_outside_the_link_first_then_inside():
    html = _page('<ul><li><a href="a.html">2025年工作总结 2025-12-30</a><span>2026-01-05</span></li>'
                 '<li><a href="b.html"><span>标题</span><i>2026-08-14</i></a></li>'
                 '<li><a href="c.html">无日期</a></li></ul>')
    assert [(e.published, e.date_source) for e in _html(html).entries] == [
        (D(2026, 1, 5), "list"), (D(2026, 8, 14), "list"), (None, None)]


def test_all_date_forms_in_lists():
    forms = ["2026-11-02", "2026/11/02", "2026.11.02", "2026年11月2日", "2026年11月02日", "2026-11-02 16:16",
             "2026-11-02 16:16:00", "[2026-11-02]", "11-02", "[11-02]", "11/02", "11月02日"]
    lis = "".join(f'<li><a href="n{i}.html">新闻{i}</a><span>{f}</span></li>' for i, f in enumerate(forms))
    r = _html(_page(f"<ul>{lis}</ul>"))
    assert [e.published for e in r.entries] == [D(2026, 11, 2)] * len(forms)
    assert [e.date_text for e in r.entries] == [f.strip("[]") for f in forms]
    assert {e.date_source for e in r.entries} == {"list"}


def test_short_dates_year_from_url_then_page_meta_then_as_of():
    head = '<meta name="others" content="页面生成时间 2024-12-31 08:52:30">'
    lis = (
        '<li><a href="/art/2023/5/6/art_1_1.html">汉</a><span>05-06</span></li>'  # exact URL date
        '<li><a href="/a/202211/t20221103_9.html">拓</a><span>11-02</span></li>'  # the list's 11-02 wins
        '<li><a href="/a/202110/abc.html">目录</a><span>10-09</span></li>'  # /YYYYMM/ directory year
        '<li><a href="/col/col1/art/2021/art_ff.html">新汉</a><span>03-04</span></li>'  # /art/YYYY/
        '<li><a href="/x/plain.html">页</a><span>08-08</span></li>'  # page meta year
    )
    r = _html(_page(f"<ul>{lis}</ul>", head))
    assert [(e.published, e.date_text, e.date_source) for e in r.entries] == [
        (D(2023, 5, 6), "05-06", "list"), (D(2022, 11, 2), "11-02", "list"), (D(2021, 10, 9), "10-09", "list"),
        (D(2021, 3, 4), "03-04", "list"), (D(2024, 8, 8), "08-08", "list")]
    # no URL or page year: the as-of year, moved back when it would be in the future
    r = _html(_page('<ul><li><a href="p.html">x</a>12-30</li><li><a href="q.html">y</a>01-02</li></ul>'),
              as_of=D(2026, 1, 5))
    assert [e.published for e in r.entries] == [D(2025, 12, 30), D(2026, 1, 2)]
    # the day after as-of is a clock a few hours ahead, not last year's item; two days is last year
    r = _html(_page('<ul><li><a href="p.html">x</a>[11-21]</li><li><a href="q.html">y</a>[11-22]</li></ul>'),
              as_of=D(2026, 11, 20))
    assert [e.published for e in r.entries] == [D(2026, 11, 21), D(2025, 11, 22)]


def test_date_from_url_only():
    html = _page('<ul><li><a href="/a/202611/t20261102_1.html">拓</a></li>'
                 '<li><a href="/art/2026/9/11/art_33718_11828204.html">汉</a></li><li><a href="/a/b.html">无</a></li></ul>')
    assert [(e.published, e.date_source, e.date_text) for e in _html(html).entries] == [
        (D(2026, 11, 2), "url", "t20261102"), (D(2026, 9, 11), "url", "art/2026/9/11"), (None, None, "")]


def test_split_date_and_index_numbers_are_not_dates():
    html = _page('<ul><li><a href="a.html">标题</a><span class="span_date_left"><b>14</b> 2026.07</span></li>'
                 '<li><a href="b.html">文件</a><span>000014348/2020-35428</span><span>2020-08-05</span></li></ul>')
    assert [e.published for e in _html(html).entries] == [D(2026, 7, 14), D(2020, 8, 5)]


def test_pinned_entries_and_oldest_first_order_kept():
    html = _page("""<ul class="list">
      <li class="top"><a href="old.html">很久以前的置顶通知</a><span>2019-01-01</span></li>
      <li><span class="zd-icon">[置顶]</span><a href="pin2.html">文字置顶</a><span>2020-01-01</span></li>
      <li><img class="zd" src="zd.gif"><a href="pin3.html">图标置顶</a></li>
      <li><a href="a.html">一</a><span>2026-01-01</span></li>
      <li><a href="b.html">二</a><span>2026-02-01</span></li>
      <li class="topic"><a href="c.html">三</a><span>2026-03-01</span></li></ul>""")
    r = _html(html)
    assert [e.pinned for e in r.entries] == [True, True, True, False, False, False]
    assert [e.published for e in r.entries][3:] == [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)]


# --- placeholders ---------------------------------------------------------------------------


def test_placeholder_in_body_only_and_not_in_titles():
    r = _html(_page('<div class="main"><ul class="list"><li>暂无信息</li></ul></div>'))
    assert r.entries == [] and r.placeholder == "暂无信息"
    r = _html(_page('<div class="main"><p>该栏目正在建设中，暂无数据</p></div>'))
    assert r.placeholder == "暂无数据"  # config order, not text order
    r = _html(_page('<div class="left">暂无信息</div><div class="footer">建设中</div><div class="nav">暂无</div>'))
    assert r.placeholder is None
    r = _html(_page(f'<ul><li><a href="t1.html">重点项目建设中的安全管理</a></li>{_items(1)}</ul>'))
    assert r.placeholder is None and len(r.entries) == 2


# --- Hanweb datastore -----------------------------------------------------------------------

HANWEB_PAGE = """<html><head><meta name="PubDate" content="2026-09-12 08:00"></head><body>
<div class="left-nav"><ul><li><a href="/art/2026/1/1/art_1_1.html">左侧</a></li><li><a href="/art/2026/1/2/art_1_2.html">左侧2</a></li></ul></div>
<div class="main"><ul class="related"><li><a href="/art/2020/1/1/art_9_1.html">相关1</a></li><li><a href="/art/2020/1/2/art_9_2.html">相关2</a></li>
<li><a href="/art/2020/1/3/art_9_3.html">相关3</a></li><li><a href="/art/2020/1/4/art_9_4.html">相关4</a></li></ul>
<div id="212860"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=33718&unitid=212860&webname=江苏省人民政府&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href='/art/2026/9/11/art_33718_11828204.html' title='连云港跨里海班列运输提质提速'>连云港跨里海班列...</a><span>09-11</span></li>]]></record>
<record><![CDATA[<li><a href='/art/2025/12/15/art_33718_11693505.html' title='第二条'>第二条</a><span>2025-12-15</span></li>]]></record>
<record><![CDATA[<li><a href="/art/2026/9/16/art_77278_11830771.html"><span>无日期文字</span></a></li>]]></record>
</recordset></datastore></script></div></div>
<script>var param_212860={columnid:33718,unitid:'212860'}; $('#212860').jpage({totalRecord:4895,perPage:19,proxyUrl:'/module/web/jpage/dataproxy.jsp'});</script>
</body></html>"""


def test_hanweb_datastore_extractor_and_registry_order():
    # a data body first (a datastore or JSON answer at the column URL), then the datastore in a page
    assert isinstance(LIST_EXTRACTORS[1], HanwebDatastoreExtractor)
    assert all(isinstance(e, ListExtractor) for e in LIST_EXTRACTORS)
    ctx = _ctx(HANWEB_PAGE, "http://127.0.2.1/col/col33718/index.html")
    result, name = extract_list(ctx)
    assert name == "hanweb_datastore"
    assert [(e.title, e.url, e.published, e.date_source) for e in result.entries] == [
        ("连云港跨里海班列运输提质提速", "http://127.0.2.1/art/2026/9/11/art_33718_11828204.html", D(2026, 9, 11), "list"),
        ("第二条", "http://127.0.2.1/art/2025/12/15/art_33718_11693505.html", D(2025, 12, 15), "list"),
        ("无日期文字", "http://127.0.2.1/art/2026/9/16/art_77278_11830771.html", D(2026, 9, 16), "url"),
    ]
    assert result.meta["nextgroup"].startswith("http://127.0.2.1/module/web/jpage/dataproxy.jsp?")
    assert result.meta["jpage"]["totalRecord"] == 4895 and result.meta["jpage"]["perPage"] == 19
    assert result.meta["param"]["columnid"] == 33718
    assert "212860" in result.container
    # the plain HTML extractor alone would have taken the related-items list
    assert HtmlListExtractor().extract(ctx).entries[0].title == "相关1"


def test_hanweb_empty_datastore_is_an_empty_list_with_placeholder():
    html = _page('<div id="1"><script type="text/xml"><datastore><totalrecord>0</totalrecord><recordset>'
                 '</recordset></datastore></script></div><div class="main">暂无信息</div>')
    result, name = extract_list(_ctx(html))
    assert (result.entries, result.placeholder, name) == ([], "暂无信息", "hanweb_datastore")
    assert result.meta["totalrecord"] == 0


def test_hanweb_cdata_directly_under_datastore():
    html = _page('<div id="9"><script type="text/xml"><datastore><![CDATA[<li><a class="font14" href="/art/2026/7/14/art_5_1.html">甲</a>'
                 '<span>2026-07-14</span></li>]]><![CDATA[<li><a href="/art/2026/7/13/art_5_2.html">乙</a></li>]]></datastore></script></div>')
    result, _ = extract_list(_ctx(html))
    assert [(e.title, e.published) for e in result.entries] == [("甲", D(2026, 7, 14)), ("乙", D(2026, 7, 13))]


def test_hanweb_dataproxy_response_sample():
    xml = (FIX / "hanweb_dataproxy_zhoushan_kjj.xml").read_text(encoding="utf-8")
    ctx = PageContext(url="http://127.0.2.1/col/col1220132/index.html", sel=Selector(text="<html/>"), as_of=AS_OF)
    r = parse_dataproxy(xml, ctx, proxy_url="http://127.0.2.1/module/web/jpage/dataproxy.jsp?page=2")
    assert [(e.title, e.url, e.published) for e in r.entries] == [
        ("舟山市科技局关于对2017年省重点研发计划项目经费使用监督检查的通知",
         "http://127.0.2.1/art/2017/5/24/art_1312722_7744076.html", D(2017, 5, 24)),
        ("关于组织申报科技支撑“五大会战”重大科技项目的通知", "http://127.0.2.1/art/2017/5/23/art_1312722_7744075.html",
         D(2017, 5, 23)),
        ("关于举办2017年舟山群岛新区科技活动周的通知", "http://127.0.2.1/art/2017/5/12/art_1312722_7744074.html",
         D(2017, 5, 12)),
    ]
    assert r.meta["totalrecord"] == 3432 and r.meta["totalpage"] == 35
    assert r.meta["nextgroup"].startswith("http://127.0.2.1/module/web/jpage/dataproxy.jsp?")
    assert "page=35" in r.meta["nextgroup"] and "columnid=1220132" in r.meta["nextgroup"]


def test_registry_is_extensible_and_falls_back():
    class Nothing:
        name = "nothing"

        def extract(self, ctx):
            return None

    class Fixed:
        name = "json"

        def extract(self, ctx):
            return ListResult(entries=[], placeholder=None, container="json")

    html = _page(f"<ul>{_items(2)}</ul>")
    result, name = extract_list(_ctx(html), [Nothing(), Fixed(), HtmlListExtractor()])
    assert name == "html" and len(result.entries) == 2
    result, name = extract_list(_ctx(_page("<p>x</p>")), [Nothing(), Fixed()])
    assert name == "json" and result.container == "json"
    result, name = extract_list(_ctx(_page("<p>暂无信息</p>")), [Nothing()])
    assert name == "none" and result.placeholder == "暂无信息"


def test_date_inside_the_link_is_not_part_of_a_text_title():
    html = _page('<ul><li><a href="/art/2020/8/14/art_1_1.html"><span>标题甲</span><i>2020-08-14</i></a></li>'
                 '<li><a href="b.html" title="标题乙 2026-01-01">标题乙</a></li></ul>')
    assert [(e.title, e.published) for e in _html(html).entries] == [
        ("标题甲", D(2020, 8, 14)), ("标题乙 2026-01-01", None)]


def test_gbk_page_decoded_with_page_generation_year():
    html = ('<html><head><meta charset="gbk"><meta name="others" content="页面生成时间 2025-03-01 08:00:00"></head>'
            '<body><ul><li><a href="t1.html">关于〔2025〕1号文件的通知</a><span>02-03</span></li>'
            "<li><a href='t2.html'>第二</a><span>12-30</span></li></ul></body></html>")
    sel = Selector(body=html.encode("gbk"), encoding="gbk")
    ctx = PageContext.build(URL, sel, AS_OF, PLACEHOLDERS)
    assert ctx.page_year == 2025
    assert [(e.title, e.published) for e in HtmlListExtractor().extract(ctx).entries] == [
        ("关于〔2025〕1号文件的通知", D(2025, 2, 3)), ("第二", D(2024, 12, 30))]  # not after the page


def test_pubdate_year_is_used_but_does_not_bound_the_items():
    # PubDate gives the year (contract); unlike a generation time it is no upper bound
    html = _page('<ul><li><a href="p1.html">甲</a><span>05-05</span></li></ul>',
                 '<meta name="PubDate" content="2025-01-01 00:00">')
    assert _html(html).entries[0].published == D(2025, 5, 5)


def test_wrapper_with_footer_and_self_links_does_not_steal_a_one_item_list():
    html = _page('<div class="wrap"><div class="header"><a href="/">首页</a></div>'
                 '<div class="main"><ul class="list"><li><a href="/a/t20261101_1.html">唯一条目</a>2026-11-01</li></ul>'
                 '<p><a href="index.html#">本页</a></p></div>'
                 '<div class="footer"><a href="/wzsm/201709/t20170912_719157.html">网站声明</a></div></div>')
    r = _html(html)
    assert [e.title for e in r.entries] == ["唯一条目"]
    assert r.container.endswith("ul.list")
    # a detail page's own '#' link is not an entry of it
    html = _page('<div class="main"><p><a href="t20261102_5.html#">走进邯郸</a></p><p>正文</p></div>')
    assert _html(html, url="http://127.0.2.1/xwdt/t20261102_5.html").entries == []


def test_attachment_in_article_text_makes_no_list():
    # 依申请公开: a single article whose text links the application form; the layout wrapper
    # around side nav and article must not turn that link into a one-item list
    html = _page("""<div class="xxgk-wrap"><div class="xxgknav"><ul><li><a href="/zfxxgk/fdzdgknr/jgzz/">机构职责</a></li></ul></div>
      <div class="main-con"><div class="con-tit"><h2>依申请公开</h2></div><div class="article-con">
        <p>公民、法人或者其他组织向本机关申请获取政府信息的，请填写《政府信息公开申请表》。</p>
        <p>本机关收到申请后，能够当场答复的当场予以答复。</p>
        <p><a href="/zfxxgk/ysqgk/P020250110512345678901.doc">政府信息公开申请表.doc</a></p></div></div></div>""")
    assert _html(html).entries == []
    # while a list of paragraphs, each with its link, is a list
    html = _page('<div class="xxgk-wrap"><div class="main-con"><div class="con">'
                 '<p><a href="/f/a.doc">申请表</a></p><p><a href="/f/b.pdf">指南</a></p></div></div></div>')
    assert [e.title for e in _html(html).entries] == ["申请表", "指南"]
    html = _page('<div class="wrap"><div class="con"><p>请下载附件填写后提交。</p>'
                 '<p><a href="/f/a.doc">申请表</a></p></div></div>')
    assert _html(html).entries == []
    html = _page('<div class="wrap"><div class="con"><p>以下为办事指南：</p><p><a href="/f/a.doc">甲</a></p>'
                 '<p><a href="/f/b.doc">乙</a></p><p><a href="/f/c.doc">丙</a></p></div></div>')
    assert [e.title for e in _html(html).entries] == ["甲", "乙", "丙"]


# --- content decides: lists the visible markup hides, blank lists, menus ----------------------


def test_menu_of_short_undated_names_is_no_list_but_a_dated_side_list_is():
    menu = _page('<div class="main"><ul><li><a href="/a/">工作动态</a></li><li><a href="/b/">通知公告</a></li>'
                 '<li><a href="/c/">政策文件</a></li></ul></div>')
    assert _html(menu).entries == []
    # a layout that calls its main column "left": the dated list there is the page's list
    side = _page(f'<div class="left_wrap"><div class="left"><ul class="newslist">{_items(4)}</ul></div></div>')
    assert len(_html(side).entries) == 4


def test_list_kept_in_a_comment_is_read_when_the_page_shows_none():
    html = _page('<ul class="list"><!--<li><a href="/c/202511/1.shtml" title="关于开展年度考核工作的通知">关于开展年度考核工作的通知</a>'
                 '<b>2025-11-17</b></li><li><a href="/c/202511/2.shtml">关于做好冬季安全生产工作的通知</a><b>2025-11-05</b></li>-->'
                 '</ul>')
    result, name = extract_list(_ctx(html))
    assert name == "html_comment" and [e.published for e in result.entries] == [D(2025, 11, 17), D(2025, 11, 5)]


def test_inline_json_records_of_a_template_page():
    records = [{"title": f"第{i}号通告的政策解读文件", "urls": json.dumps({"pc": f"/col/col1/content/content_{i}.html"}),
                "relationUrl": f"/col1/relation/{i}.json", "pubDate": f"2025-07-0{i} 16:59"} for i in (1, 2, 3)]
    html = _page(f"<script>var listData = {{articleList: {json.dumps(records, ensure_ascii=False)}}};</script>"
                 '<div id="div1"></div>')
    result, name = extract_list(_ctx(html))
    assert name == "inline_json"
    assert [(e.url.rsplit("/", 1)[-1], e.published) for e in result.entries] == [
        ("content_1.html", D(2025, 7, 1)), ("content_2.html", D(2025, 7, 2)), ("content_3.html", D(2025, 7, 3))]


def test_records_opened_by_id_and_the_title_column_of_a_table():
    rows = "".join(f'<tr><td>{i}</td><td><a href="javascript:void(0)" onclick="getDetail(this.id)" id="r{i}abc">药品{i}</a></td>'
                   f'<td><a href="javascript:void(0)" onclick="getDetail(this.id)" id="r{i}abc">第{i}个试验的通俗题目很长</a></td></tr>'
                   for i in (1, 2, 3))
    html = _page(f'<table class="searchTable"><tr><th>序号</th><th>药物名称</th><th>试验通俗题目</th></tr>{rows}</table>')
    result = _html(html)
    assert [e.title for e in result.entries] == [f"第{i}个试验的通俗题目很长" for i in (1, 2, 3)]
    assert result.entries[0].url.endswith("#r1abc")


def test_heading_over_an_empty_list_container_is_a_blank_list():
    html = _page('<div class="main"><div class="col-title"><h2>通知公告</h2></div><ul class="news-list"></ul></div>')
    result = _html(html)
    assert result.entries == [] and result.meta.get("empty_list")


def test_detail_page_with_attachments_is_no_list():
    body = "".join(f"<p>{'本机关依法开展工作，现将有关事项通知如下。' * 4}</p>" for _ in range(6))
    html = _page(f'<div class="article"><h1>关于印发某办法的通知</h1>{body}'
                 '<ul><li><a href="/f/1.pdf">附件1：某办法全文</a></li><li><a href="/f/2.doc">附件2：申请表格式</a></li></ul></div>')
    result = _html(html, url="http://127.0.2.1/zcwj/202601/t20260102_1.html")
    assert result.entries == [] and result.meta.get("page_kind") == "detail"
