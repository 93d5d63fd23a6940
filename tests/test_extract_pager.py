"""Pagination (CONTRACT "Pagination")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from parsel import Selector

from spiders.extract.pager import PagerResult, find_pager

FIX = Path(__file__).parent / "fixtures" / "idioms"
COL = "http://127.0.2.1/xwdt/tzgg/"


def _pager(body: str, url: str = COL + "index.html") -> PagerResult:
    html = f"<html><body><ul><li>x</li></ul>{body}</body></html>"
    return find_pager(Selector(text=html), url, html)


def _names(p: PagerResult) -> list[str]:
    return [u.rsplit("/", 1)[-1] for u in p.urls]


# --- the real TRS inline pager (56 pages, 0-based) ------------------------------------------

HANDAN_DIR = "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/"


def _handan(stripped: bool, current: int = 0) -> str:
    html = (FIX / "trs_handan_xxgk_list.html").read_text(encoding="utf-8")
    if stripped:  # the raw server response has only the script
        html = re.sub(r'(</script>)<a href="http://hdzfxxgk[^\n]*?尾页</a>', r"\1", html)
    return html.replace("var currentPage=0;", f"var currentPage={current};")


@pytest.mark.parametrize("stripped", [False, True])
@pytest.mark.parametrize("url", [HANDAN_DIR, HANDAN_DIR + "index.html"])
def test_real_trs_inline_pager(stripped: bool, url: str):
    html = _handan(stripped)
    p = find_pager(Selector(text=html), url, html)
    assert (p.kind, p.count, p.from_script) == ("trs_inline", 56, True)
    assert p.urls == [f"{HANDAN_DIR}index_{i}.html" for i in range(1, 56)]


def test_real_trs_inline_pager_from_a_later_page_gives_the_same_set():
    html = _handan(True, current=7)
    p = find_pager(Selector(text=html), HANDAN_DIR + "index_7.html", html)
    assert p.kind == "trs_inline" and p.urls == [f"{HANDAN_DIR}index_{i}.html" for i in range(1, 56)]


# --- createPageHTML ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        'createPageHTML(3, 0, "index", "html");',
        "createPageHTML( 3 ,0,'index','html' )",
        "createPageHTML('3', '0', 'index', 'html');",
        'createPageHTML(\n  3,\n  0,\n  "index",\n  "html"\n);',
        'var countPage = 3//共多少页\ncreatePageHTML(countPage, 0, "index", "html");',
    ],
)
def test_trs_call_forms(call: str):
    p = _pager(f"<div class='page'><script>{call}</script></div>")
    assert (p.kind, p.count, p.from_script) == ("trs", 3, True)
    assert p.urls == [COL + "index_1.html", COL + "index_2.html"]


def test_trs_call_name_and_ext_from_the_call_and_from_a_later_page():
    body = '<script>createPageHTML(4, 2, "index", "shtml");</script>'
    for url in (COL, COL + "index.shtml", COL + "index_2.shtml"):
        assert _names(_pager(body, url)) == ["index_1.shtml", "index_2.shtml", "index_3.shtml"]


def test_commented_out_call_is_ignored_unless_inline_vars_exist():
    assert _pager('<script>//createPageHTML(9, 0, "index", "html");</script>').kind is None
    assert _pager('<script>/* createPageHTML(9, 0, "index", "html"); */</script>').kind is None
    assert _pager('<!-- <script>createPageHTML(9, 0, "index", "html");</script> -->').kind is None
    p = _pager('<script>var currentPage = 0;//所在页从0开始\nvar countPage = 9//共多少页\n'
               '//createPageHTML(9, 0, "index", "html");\n'
               'document.write("<a href=\\"index_"+(currentPage+1)+".html\\">下一页</a>");</script>')
    assert (p.kind, p.count) == ("trs_inline", 9)
    assert _names(p) == [f"index_{i}.html" for i in range(1, 9)]


def test_pager_function_definition_is_not_a_call():
    js = ("function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){"
          "var next = _sPageName + '_' + (_nCurrIndex + 1) + '.' + _sPageExt;}\n"
          'createPageHTML(2, 0, "index", "htm");')
    p = _pager(f"<script>{js}</script>")
    assert (p.kind, _names(p)) == ("trs", ["index_1.htm"])


def test_single_page_and_empty_column_still_have_a_pager():
    p = _pager('<script>createPageHTML(1, 0, "index", "html");</script>')
    assert (p.kind, p.urls, p.count) == ("trs", [], 1)
    p = _pager('<script>createPageHTML(0, 0, "index", "html");</script>')
    assert (p.kind, p.urls, p.count) == ("trs", [], 0)


def test_page_div_one_based():
    p = _pager("<div class='page' id='page_div'></div><script>createPageHTML('page_div',3, 1,'list','shtml',41);</script>",
               COL + "list.shtml")
    assert (p.kind, p.count, p.from_script) == ("page_div", 3, True)
    assert p.urls == [COL + "list_2.shtml", COL + "list_3.shtml"]
    # from page 3, same set; quoted numbers; a multi-part name
    p = _pager("<script>createPageHTML('page_div', '10', '3', 'list_zw_wj', 'shtml', '189');</script>",
               COL + "list_zw_wj_3.shtml")
    assert _names(p) == [f"list_zw_wj_{i}.shtml" for i in range(2, 11)]


def test_page_div_without_usable_name_takes_the_page_url():
    # string-typed args where the 4th is not a file name: name/ext come from the page URL
    p = _pager("<script>createPageHTML('page_div','15','1','10','148');</script>", COL + "xlist.shtml")
    assert (p.kind, p.count) == ("page_div", 15)
    assert _names(p)[:2] == ["xlist_2.shtml", "xlist_3.shtml"] and len(p.urls) == 14


def test_script_pager_wins_over_rendered_links():
    body = ('<div class="page"><script>createPageHTML(3, 0, "index", "html");</script>'
            '<a href="index_1.html">2</a><a href="index_1.html">下一页</a></div>')
    p = _pager(body)
    assert p.from_script and p.kind == "trs"


# --- plain links ------------------------------------------------------------------------------


def test_next_links_anywhere_and_numbers_inside_pager_elements():
    body = """<div class="pagination"><a href="?page=1">1</a><a href="?page=2">2</a><a href="?page=3">[3]</a>
      <a href="javascript:goPage(4)">4</a></div>
      <p><a href="list_2.html">下一页</a> <a href="more.html">下一篇</a> <a href="x.html">12</a></p>
      <a href="?page=2">Next</a><a href="p9.html">&gt;</a><a href="p10.html">»</a><a href="p11.html">[下页]</a>"""
    p = _pager(body, COL + "?page=1")
    assert (p.kind, p.from_script, p.count) == ("links", False, None)
    assert p.urls == [COL + "?page=2", COL + "?page=3", COL + "list_2.html", COL + "p9.html", COL + "p10.html",
                      COL + "p11.html"]


def test_pager_tokens_and_excluded_regions():
    for cls in ("pages", "pager", "fenye", "pagebar", "pg", "page_box"):
        assert _pager(f'<div class="{cls}"><a href="index_1.html">2</a></div>').kind == "links", cls
    assert _pager('<div class="pagelist"><a href="index_1.html">2</a></div>').kind is None
    assert _pager('<div class="footer"><a href="n.html">下一页</a></div>').kind is None
    assert _pager("<p>no pager</p>") == PagerResult()


# --- generic pagers: counts, last links, script calls, select options -------------------------


def test_total_pages_text_and_last_link_declare_every_page_0_based():
    # nmpa: 首页 1 2 3 下一页 末页, 共1,227页; page 2 is index_1.html
    body = ('<div class="pagination"><a href="index.html">首页</a><a href="index_1.html">2</a><a href="index_2.html">3</a>'
            '<a href="index_1.html">下一页</a><a href="index_1226.html">末页</a><span>共24,539条</span><span>共1,227页</span></div>')
    p = _pager(body)
    assert p.count == 1227 and len(p.urls) == 1226
    assert _names(p)[:2] == ["index_1.html", "index_2.html"] and _names(p)[-1] == "index_1226.html"


def test_total_pages_with_only_a_next_link_1_based():
    p = _pager('<div class="fy"><a href="list_2.shtml">下一页</a> 共5页</div>', COL + "list.shtml")
    assert _names(p) == ["list_2.shtml", "list_3.shtml", "list_4.shtml", "list_5.shtml"]


def test_javascript_page_calls_through_the_pages_own_url_function_reverse_numbered():
    # the script builds page URLs; page 2 carries the highest number (reverse numbering)
    body = ("<script>function goPage(p){ window.location.href = 'list_' + p + '.html'; }</script>"
            '<div class="page"><a href="javascript:goPage(9)">下一页</a><a href="javascript:goPage(1)">尾页</a>'
            "<span>共10页</span></div>")
    p = _pager(body, COL + "list.html")
    assert _names(p) == [f"list_{n}.html" for n in range(9, 0, -1)]


def test_javascript_calls_carrying_page_urls_and_select_options():
    body = ("<div class=\"pages\"><a href=\"javascript:;\" onclick=\"turnPage('index_2.aspx')\">下一页</a></div>"
            '<select class="page-select" onchange="location=this.value"><option value="index.aspx">1</option>'
            '<option value="index_2.aspx">2</option><option value="index_3.aspx">3</option></select>')
    p = _pager(body, COL + "index.aspx")
    assert _names(p) == ["index_2.aspx", "index_3.aspx"]


def test_select_whose_handler_carries_the_url_pattern_and_split_page_count():
    # PowerEasy ShowPage: 页次：1/3页 split over elements; options carry numbers, onchange the pattern
    body = ('<div class="showpage">共 <b>50</b> 篇文章 首页 上一页 <a href="ArticleList.aspx?ClassID=11&amp;page=2">下一页</a> '
            '<a href="ArticleList.aspx?ClassID=11&amp;page=3">尾页</a> 页次：<strong><font color=red>1</font>/3</strong>页 '
            "转到：<select name='page' onchange=\"javascript:window.location='ArticleList.aspx?ClassID=11&page='"
            "+this.options[this.selectedIndex].value;\"><option value='1' selected>第1页</option>"
            "<option value='2'>第2页</option><option value='3'>第3页</option></select></div>")
    p = _pager(body, "http://127.0.2.1/ArticleList.aspx?ClassID=11")
    assert p.count == 3 and _names(p) == ["ArticleList.aspx?ClassID=11&page=2", "ArticleList.aspx?ClassID=11&page=3"]


def test_vsb_reverse_numbered_javascript_pager_with_count_text_only():
    # page 2 of six is sqyw/5.htm; the numbered window does not show every page
    body = ('<script type="text/javascript">function a1_gopage_fun(n){window.location.href="sqyw/"+n+".htm";}</script>'
            '<span class="p_pages"><span class="p_first_d">首页</span><span class="p_no_d">1</span>'
            '<span class="p_no"><a href="javascript:a1_gopage_fun(5)">2</a></span>'
            '<span class="p_no"><a href="javascript:a1_gopage_fun(4)">3</a></span>'
            '<span class="p_next p_fun"><a href="javascript:a1_gopage_fun(5)">下页</a></span>'
            '<span class="p_last p_fun"><a href="javascript:a1_gopage_fun(1)">尾页</a></span>'
            '<span class="p_t">共6页</span></span>')
    p = _pager(body, "http://127.0.2.1/xwzx/sqyw.htm")
    assert [u.split("/xwzx/", 1)[1] for u in p.urls] == [f"sqyw/{n}.htm" for n in (5, 4, 3, 2, 1)]
