"""Regions by class/id tokens (CONTRACT "Regions")."""

from __future__ import annotations

from pathlib import Path

import pytest
from parsel import Selector

from spiders.extract.regions import RegionMap, region_of, regions_for, tokens

FIX = Path(__file__).parent / "fixtures" / "idioms"


def _region(html: str, css: str) -> str:
    sel = Selector(text=html)
    return region_of(sel.css(css)[0])


def test_tokens_split_on_whitespace_dash_underscore_lowercase():
    assert tokens("Top-L fl  main_Nav") == ["top", "l", "fl", "main", "nav"]
    assert tokens(None) == []


@pytest.mark.parametrize(
    ("attrs", "expected"),
    [
        ('class="footer"', "footer"),
        ('class="footer_bg"', "footer"),
        ('id="bottom"', "footer"),
        ('class="copy-right"', "footer"),  # tokens copy + right
        ('class="bqxx"', "footer"),
        ('class="header_szf"', "header"),
        ('class="logo"', "header"),
        ('class="main-nav"', "nav"),
        ('class="dropdown-menu"', "nav"),
        ('id="topnav"', "nav"),
        ('class="leftnav"', "side"),
        ('class="side-bar"', "side"),
        ('class="xxgknav"', "side"),
        ('class="left"', "side"),
        # a float helper next to a classifying word is not a region
        ('class="top-l fl"', "body"),
        ('class="top-r fr"', "body"),
        ('class="sideMenu"', "body"),  # camel case is one token
        ('class="navigation"', "body"),
        ('class="sx-c1-left1"', "body"),
        ('class="content"', "body"),
    ],
)
def test_token_rules(attrs: str, expected: str):
    html = f'<html><body><div {attrs}><a href="/x">x</a></div></body></html>'
    assert _region(html, "a") == expected


@pytest.mark.parametrize(("tag", "expected"), [("footer", "footer"), ("header", "header"), ("nav", "nav")])
def test_html5_elements(tag: str, expected: str):
    assert _region(f"<html><body><{tag}><p><a href='/x'>x</a></p></{tag}></body></html>", "a") == expected


def test_closest_ancestor_decides_but_footer_beats_everything():
    html = """<html><body>
      <div class="header"><ul class="nav"><li><a id="n" href="/a">nav in header</a></li></ul>
        <a id="h" href="/b">header link</a></div>
      <div class="left"><div class="content"><a id="s" href="/c">side</a></div></div>
      <div class="footer"><div class="nav"><a id="f" href="/d">footer nav</a></div></div>
      <div class="nav"><div class="copyright"><a id="f2" href="/e">copyright in nav</a></div></div>
      <div class="main"><a id="b" href="/f">body</a></div>
    </body></html>"""
    sel = Selector(text=html)
    got = {a.attrib["id"]: region_of(a) for a in sel.css("a")}
    assert got == {"n": "nav", "h": "header", "s": "side", "f": "footer", "f2": "footer", "b": "body"}
    rm = RegionMap(sel.root)
    assert {a.attrib["id"]: rm.of(a) for a in sel.css("a")} == got


def test_one_element_with_several_region_tokens():
    html = """<html><body><div class="left-nav"><a id="ln" href="/a">x</a></div>
      <div class="head-nav"><a id="hn" href="/b">y</a></div>
      <div class="nav footer"><a id="nf" href="/c">z</a></div></body></html>"""
    sel = Selector(text=html)
    got = {a.attrib["id"]: region_of(a) for a in sel.css("a")}
    assert got == {"ln": "side", "hn": "nav", "nf": "footer"}


def test_region_map_matches_walk_up_on_real_pages():
    for name in ("trs_handan_xxgk_list.html", "trs_handan_xxgk_gkzn.html", "trs_handan_xxgk_details.html",
                 "hanweb_lishui_xxgk_detail_2023.html"):
        sel = Selector(text=(FIX / name).read_text(encoding="utf-8"))
        rm = regions_for(sel)
        for a in sel.css("a"):
            assert rm.of(a) == region_of(a), (name, a.get())


def test_handan_real_regions():
    sel = Selector(text=(FIX / "trs_handan_xxgk_details.html").read_text(encoding="utf-8"))
    rm = regions_for(sel)
    # the 信息公开 header block (div.top.cf > div.top-l.fl) is body
    assert rm.of(sel.xpath("//strong[text()='索引号']")[0]) == "body"
    # 网站标识码 in div.footer
    assert rm.of(sel.xpath("//p[contains(., '网站标识码')]")[0]) == "footer"
    assert rm.of(sel.css("div.logo a")[0]) == "header"


def test_text_and_attribute_results_are_body():
    sel = Selector(text="<html><body><div class='footer'>x</div></body></html>")
    assert region_of(sel.xpath("//div/text()")[0]) == "body"


def test_cache_is_per_document():
    a = Selector(text="<html><body><div class='footer'><a href='/x'>x</a></div></body></html>")
    b = Selector(text="<html><body><div class='main'><a href='/x'>x</a></div></body></html>")
    assert regions_for(a).of(a.css("a")[0]) == "footer"
    assert regions_for(b).of(b.css("a")[0]) == "body"
    assert regions_for(a) is regions_for(a)
