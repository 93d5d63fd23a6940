"""spiders.extract.hidden: links hidden by inline styles, the hidden attribute, <style> rules and
document.write into hidden containers, vs. drop-downs the page shows on demand and visible links."""

from __future__ import annotations

from parsel import Selector

from spiders.extract.hidden import find_hidden_links, hiding

BASE = "http://127.0.2.1:8001/"


def found(html: str) -> dict[str, tuple[str, bool]]:
    out = find_hidden_links(Selector(text=html), BASE, html)
    return {u: (h.why, h.by_script) for u, h in out.items()}


def test_style_declarations() -> None:
    assert hiding("display: none !important") == "display_none"
    assert hiding("VISIBILITY:hidden") == "visibility_hidden"
    assert hiding("height:0;overflow:hidden") == "zero_size"
    assert hiding("height:0px") is None  # content overflows visibly
    assert hiding("font-size:0") == "font_size_zero"
    assert hiding("position:absolute;left:-9999px;top:0") == "off_screen"
    assert hiding("position:relative;left:-9999px") is None
    assert hiding("text-indent:-2000px") == "text_indent"
    assert hiding("display:block;color:#333") is None


def test_inline_hidden_containers() -> None:
    html = """<html><body>
      <div style="display:none"><a href="http://bet.example/">真人娱乐</a><a href="/xxgk/">信息公开</a></div>
      <p style="position:absolute;top:-999px;left:-999px"><a href="http://x.example/a">百家乐</a></p>
      <span hidden><a href="http://y.example/">y</a></span>
      <div style="height:0;overflow:hidden"><ul><li><a href="http://z.example/">z</a></li></ul></div>
      <a href="http://visible.example/">友情链接</a>
      <div style="display:none"><a href="http://visible.example/">twice</a></div>
    </body></html>"""
    got = found(html)
    assert got == {
        "http://bet.example/": ("display_none", False), "http://127.0.2.1:8001/xxgk/": ("display_none", False),
        "http://x.example/a": ("off_screen", False), "http://y.example/": ("hidden_attr", False),
        "http://z.example/": ("zero_size", False),
    }
    h = find_hidden_links(Selector(text=html), BASE, html)["http://bet.example/"]
    assert h.markup == '<div style="display:none">' and h.link.anchor == "真人娱乐"


def test_style_rules_and_dropdowns() -> None:
    html = """<html><head><style>
      .lk{display:none} #menu2{display:none} .yqlj-list{display:none} .yqlj:hover .yqlj-list{display:block}
    </style><script>function show(){document.getElementById('menu2').style.display='block'}</script></head>
    <body>
      <div class="lk"><a href="http://bet.example/">博彩</a></div>
      <ul id="menu2"><li><a href="http://gov.example/">省政府</a></li></ul>
      <div class="yqlj"><div class="yqlj-list"><a href="http://city.example/">市政府</a></div></div>
      <li onmouseover="show()"><div style="display:none"><a href="http://dept.example/">部门</a></div></li>
    </body></html>"""
    got = find_hidden_links(Selector(text=html), BASE, html)
    assert set(got) == {"http://bet.example/"}
    assert got["http://bet.example/"].why == "display_none" and got["http://bet.example/"].rule == ".lk{display:none}"


def test_inline_display_overrides_a_class_rule() -> None:
    html = """<html><head><style>.content{display:none}</style></head><body>
      <div class="content newcontent" style="display: block;"><a href="http://service.weibo.com/share">微博</a></div>
    </body></html>"""
    assert found(html) == {}


def test_script_written_links() -> None:
    html = """<html><body>
      <div style="display:none"><script>document.write('<a href="http://bet.example/">娱乐城</a>');</script></div>
      <script>document.write('<div style="font-size:0"><a href="http://porn.example/">x</a></div>');</script>
      <script>document.write('<a href="http://ok.example/">正常链接</a>');</script>
    </body></html>"""
    assert found(html) == {"http://bet.example/": ("display_none", True),
                           "http://porn.example/": ("font_size_zero", True)}


def test_zero_size_frames() -> None:
    html = """<html><body>
      <iframe src="http://trojan.example/x.htm" width="0" height="0" frameborder="0"></iframe>
      <iframe src="http://video.example/embed" width="640" height="360"></iframe>
      <div style="display:none"><iframe src="http://ads.example/"></iframe></div>
    </body></html>"""
    got = find_hidden_links(Selector(text=html), BASE, html)
    assert {u: (h.why, h.link.tag, h.link.attr) for u, h in got.items()} == {
        "http://trojan.example/x.htm": ("zero_size", "iframe", "src"),
        "http://ads.example/": ("display_none", "iframe", "src")}


def test_plain_page_has_none() -> None:
    html = "<html><body><a href='http://a.example/'>a</a><div><a href='/b.html'>b</a></div></body></html>"
    assert found(html) == {}


def test_a_page_of_100000_links_stays_linear() -> None:
    import time

    rows = "".join(f'<li><a href="/news/t{i}.html">标题{i}</a></li>' for i in range(100_000))
    footer = "".join(f'<a href="http://other{i}.example/">x</a>' for i in range(500))
    html = (f'<html><body><div style="width:1200px"><ul>{rows}</ul></div>'
            f'<div class="footer" style="display:none">{footer}</div></body></html>')
    sel = Selector(text=html)
    t0 = time.process_time()  # CPU time: other jobs on the machine do not count
    got = find_hidden_links(sel, BASE, html)
    assert len(got) == 500
    assert time.process_time() - t0 < 15  # about 1 s on an idle core; a quadratic walk takes minutes
