"""Visible text, region text, title and document.write strings."""

from __future__ import annotations

from pathlib import Path

from parsel import Selector

from spiders.extract.text import (
    collapse,
    page_title,
    region_text,
    script_writes,
    strip_js_comments,
    visible_text,
)

FIX = Path(__file__).parent / "fixtures" / "idioms"


def test_visible_text_skips_scripts_styles_and_separates_blocks():
    html = """<html><head><title>T</title><style>.a{}</style></head><body>
      <div>第一段  <b>粗体</b>\n 文字</div><script>var hidden = 1;</script><noscript>no js</noscript>
      <template><p>tpl</p></template><p>第二段<br>换行</p>
      <table><tr><td>索引号</td><td>0001/2026-1</td></tr></table><!-- comment --><span>尾</span>
    </body></html>"""
    text = visible_text(Selector(text=html))
    assert text.split("\n") == ["第一段 粗体 文字", "第二段", "换行", "索引号", "0001/2026-1", "尾"]
    assert "hidden" not in text and "no js" not in text and "tpl" not in text and "comment" not in text


def test_visible_text_cap():
    html = "<html><body>" + "".join(f"<p>{'字' * 50}</p>" for _ in range(1000)) + "</body></html>"
    assert len(visible_text(Selector(text=html), cap=1000)) == 1000
    assert len(visible_text(Selector(text=html))) > 40_000


def test_nbsp_and_ideographic_space_collapse():
    assert collapse("文\xa0\xa0\xa0号\u3000：  无 ") == "文 号 ： 无"
    assert visible_text(Selector(text="<p>网站标识码&nbsp;&nbsp;1304000009</p>")) == "网站标识码 1304000009"


def test_region_text_footer_of_real_page():
    sel = Selector(text=(FIX / "trs_handan_xxgk_details.html").read_text(encoding="utf-8"))
    footer = region_text(sel, "footer")
    assert "网站标识码 1304000009" in footer
    assert "冀ICP备05029117号-1" in footer and "冀公网安备 13042002000523号" in footer
    assert "索引号" not in footer
    assert "document.write" not in footer  # script text is never text
    body = region_text(sel, "body")
    assert "索引号：000014348/2020-35147" in body and "网站标识码" not in body


def test_region_text_tail_belongs_to_parent_region():
    sel = Selector(text="<html><body><div class='footer'><span>a</span>版权所有</div><div>正文<div class='nav'>导航</div>尾巴</div></body></html>")
    assert region_text(sel, "footer") == "a版权所有"
    assert region_text(sel, "body").split("\n") == ["正文", "尾巴"]
    assert region_text(sel, "nav") == "导航"


def test_page_title():
    sel = Selector(text=(FIX / "trs_handan_xxgk_gkzn.html").read_text(encoding="utf-8"))
    assert page_title(sel) == "邯郸市人民政府-政府信息公开指南"
    assert page_title(Selector(text="<html><body>x</body></html>")) == ""


def test_script_writes_unescape_conac_loader():
    html = (FIX / "trs_handan_xxgk_details.html").read_text(encoding="utf-8")
    written = script_writes(html)
    assert "<span id='_ideConac' ></span><script src='http://dcs.conac.cn/js/05/107/0000/41468768/CA051070000414687680001.js'" in written


def test_script_writes_string_forms():
    js = r'''
      document.write("<div class=\"footer\">网站标识码：4403000002&nbsp;");
      document.writeln('<a href="http://bszs.conac.cn/sitename?method=show&id=51C1">' + "党政机关" + '</a>');
      document.write("\u7f51\u7ad9" + decodeURIComponent("%E6%A0%87%E8%AF%86%E7%A0%81"));
      // document.write("commented out");
      /* document.write("block comment"); */
      var s = "document.write('inside a string')";
      document.write(unescape("%u4E2D%3Cb%3E") + someVar + "<\/b>");
    '''
    out = script_writes(js)
    assert '<div class="footer">网站标识码：4403000002&nbsp;' in out
    assert '<a href="http://bszs.conac.cn/sitename?method=show&id=51C1">党政机关</a>\n' in out
    assert "网站标识码" in out
    assert "中<b></b>" in out
    assert "commented out" not in out and "block comment" not in out and "inside a string" not in out


def test_script_writes_pager_literals_and_external_scripts_ignored():
    html = """<script src="/script/0/1.js">document.write("x")</script>
      <script>document.write("<a href=\\"index"+"_"+nextPage+"."+"html\\">下一页</a>");</script>"""
    assert script_writes(html) == '<a href="index_.html">下一页</a>'


def test_strip_js_comments_keeps_strings_and_regexes():
    js = 'var u = "http://x//y"; // c\nvar r = /a\\/"b/g; /* x */ var d = a / 2 / 3; //createPageHTML(1,0)\n'
    out = strip_js_comments(js)
    assert '"http://x//y"' in out and '/a\\/"b/g' in out and "a / 2 / 3" in out
    assert "createPageHTML" not in out and "// c" not in out
