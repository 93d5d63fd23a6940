"""Links recorded on every page (CONTRACT "Links recorded")."""

from __future__ import annotations

from pathlib import Path

from parsel import Selector

from core.urls import as_written
from spiders.extract.links import extract_links

FIX = Path(__file__).parent / "fixtures" / "idioms"
PAGE = "http://127.0.2.1/xxgk/zcwj/index.html"


def _links(html: str, url: str = PAGE):
    return extract_links(Selector(text=html), url)


def test_all_tag_attr_pairs_resolved_and_canonical():
    html = """<html><head>
      <link rel="stylesheet" href="/css/a.css"><link rel="dns-prefetch" href="//cdn.example.com">
      <link rel="preconnect" href="https://fonts.example.com"><script src="js/app.js"></script>
    </head><body>
      <a href="t20261102_1.html">文章</a><area href="/map.html" alt="地图">
      <img src="../img/a.png" alt="图"><iframe src="/frame.html"></iframe><frame src="f.html">
      <embed src="/v.swf"><video><source src="/v.mp4"></video><object data="/o.pdf"></object>
      <a href="HTTP://Example.GOV.cn:80/b?z=1&a=2#frag">外部</a>
    </body></html>"""
    got = [(lk.url, lk.tag, lk.attr) for lk in _links(html)]
    assert got == [
        ("http://127.0.2.1/css/a.css", "link", "href"),
        ("http://127.0.2.1/xxgk/zcwj/js/app.js", "script", "src"),
        ("http://127.0.2.1/xxgk/zcwj/t20261102_1.html", "a", "href"),
        ("http://127.0.2.1/map.html", "area", "href"),
        ("http://127.0.2.1/xxgk/img/a.png", "img", "src"),
        ("http://127.0.2.1/frame.html", "iframe", "src"),
        ("http://127.0.2.1/xxgk/zcwj/f.html", "frame", "src"),
        ("http://127.0.2.1/v.swf", "embed", "src"),
        ("http://127.0.2.1/v.mp4", "source", "src"),
        ("http://127.0.2.1/o.pdf", "object", "data"),
        ("http://example.gov.cn/b?a=2&z=1", "a", "href"),
    ]


def test_skipped_hrefs():
    html = """<html><body>
      <a href="javascript:void(0)">js</a><a href=" JavaScript:window.print()">js2</a>
      <a href="mailto:a@b.cn">mail</a><a href="tel:12345">tel</a><a href="data:text/plain,x">data</a>
      <a href="about:blank">about</a><a href="">empty</a><a href="   ">blank</a><a href="#">hash</a>
      <a href="#top">top</a><a>no href</a><a href="weixin://dl/x">app</a><img src="data:image/png;base64,AAA">
      <a href="ok.html">ok</a>
    </body></html>"""
    assert [lk.url for lk in _links(html)] == ["http://127.0.2.1/xxgk/zcwj/ok.html"]


def test_fragment_dropped_and_dedupe_per_tag_attr():
    html = """<html><body><div class="nav"><a href="a.html#x">导航</a></div>
      <a href="a.html">正文</a><a href="./a.html?">again</a><img src="a.html">
      <div class="footer"><a href="a.html">页脚</a></div></body></html>"""
    links = _links(html)
    assert [(lk.url, lk.tag, lk.anchor, lk.region) for lk in links] == [
        ("http://127.0.2.1/xxgk/zcwj/a.html", "a", "导航", "nav"),
        ("http://127.0.2.1/xxgk/zcwj/a.html", "img", "", "body"),
    ]


def test_base_href_is_honoured():
    html = '<html><head><base href="http://127.0.2.1/other/"></head><body><a href="x.html">x</a><a href="/y.html">y</a></body></html>'
    assert [lk.url for lk in _links(html)] == ["http://127.0.2.1/other/x.html", "http://127.0.2.1/y.html"]


def test_anchor_text_img_alt_title_collapsed_and_capped():
    html = f"""<html><body>
      <a href="1.html">  政府信息<br>
         公开指南 </a>
      <a href="2.html"><img src="i.png" alt="党政机关网站"></a>
      <a href="3.html" title="返回顶部"></a>
      <a href="4.html">{"长" * 300}</a>
      <a href="5.html">可见<script>document.write("x")</script>文字</a>
      <img src="p.png" title="图片标题">
    </body></html>"""
    anchors = {lk.url.rsplit("/", 1)[-1]: lk.anchor for lk in _links(html)}
    assert anchors["1.html"] == "政府信息 公开指南"
    assert anchors["2.html"] == "党政机关网站"
    assert anchors["3.html"] == "返回顶部"
    assert anchors["4.html"] == "长" * 200
    assert anchors["5.html"] == "可见文字"
    assert anchors["p.png"] == "图片标题"


def test_real_page_regions_and_conac_badge():
    sel = Selector(text=(FIX / "trs_handan_xxgk_details.html").read_text(encoding="utf-8"))
    links = extract_links(sel, "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200802_1352104.html")
    by_url = {(lk.url, lk.tag): lk for lk in links}
    conac = by_url[("http://bszs.conac.cn/sitename?id=0A87C46FEE4D331AE053022819ACDC8C&method=show", "a")]
    assert conac.region == "footer"
    assert by_url[("http://www.hd.gov.cn/", "a")].region == "header"  # div.logo
    # '#'-suffixed self links of the dhlm block resolve to the page itself, fragment dropped
    assert ("http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200802_1352104.html", "a") in by_url
    # relative stylesheet links resolve against the page
    assert ("http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/images/xxgkbase.css", "link") in by_url
    # each (url, tag, attr) once
    assert len({(lk.url, lk.tag, lk.attr) for lk in links}) == len(links)


def test_gbk_page_decoded():
    html = '<html><head><meta charset="gbk"></head><body><a href="/zwgk/">政务公开〔2026〕</a></body></html>'
    sel = Selector(body=html.encode("gbk"), encoding="gbk")
    (link,) = extract_links(sel, "http://127.0.2.1/")
    assert link.anchor == "政务公开〔2026〕"
    # percent-encoded GBK in a URL is kept byte-exact
    sel = Selector(text='<a href="/search?q=%D5%FE%CE%F1">搜</a>')
    assert extract_links(sel, "http://127.0.2.1/")[0].url == "http://127.0.2.1/search?q=%D5%FE%CE%F1"


def test_links_keep_the_url_as_written_for_the_request():
    html = ('<html><body><a href="sitename?method=show&amp;id=0B8E">党政机关</a><a href="/a/b.html">b</a>'
            '<a href="list.jsp?b=2&amp;a=1#top">l</a><a href="s.php?a=1&amp;b=2">s</a></body></html>')
    links = {link.anchor: link for link in extract_links(Selector(text=html), "http://127.0.2.1/x/")}
    # identity is canonical (query sorted); the request goes to the URL as the page wrote it
    assert links["党政机关"].url == "http://127.0.2.1/x/sitename?id=0B8E&method=show"
    assert links["党政机关"].written == "http://127.0.2.1/x/sitename?method=show&id=0B8E"
    assert links["l"].written == "http://127.0.2.1/x/list.jsp?b=2&a=1"
    assert links["b"].written is None and links["s"].written is None  # nothing to keep apart


def test_as_written_encodes_like_a_browser_and_drops_the_fragment():
    assert as_written("http://a.gov.cn/s?kw=安康&b=1#x", encoding="gbk") == "http://a.gov.cn/s?kw=%B0%B2%BF%B5&b=1"
    assert as_written("http://a.gov.cn/路径/?z=1&a=2") == "http://a.gov.cn/%E8%B7%AF%E5%BE%84/?z=1&a=2"
