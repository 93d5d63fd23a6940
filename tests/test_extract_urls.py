"""Column-like / article-like / attachment URLs and <base href>."""

from __future__ import annotations

import pytest
from parsel import Selector

from spiders.extract.urls import ATTACHMENT_EXTS, base_url, is_article_like, is_attachment, is_column_like


@pytest.mark.parametrize(
    "url",
    [
        "http://h/", "http://h", "http://h/xxgk/zcwj/", "http://h/col/col123/index.html",
        "http://h/a/index_3.html", "http://h/a/list.shtml", "http://h/a/list_2.shtml", "http://h/a/default.aspx",
        "http://h/list.jsp?catid=3", "http://h/a/INDEX.HTML", "http://h/index.php", "http://h/a/index.htm",
    ],
)
def test_column_like(url: str):
    assert is_column_like(url)
    assert not is_article_like(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://h/a/202611/t20261102_123.html", "http://h/art/2026/11/2/art_1_2.html", "http://h/content_5.htm",
        "http://h/a/b.shtml", "http://h/f/a.pdf", "http://h/f/A.DOCX", "http://h/f/x.ofd", "http://h/f/x.et",
        "http://h/module/download/downfile.jsp?classid=0&filename=be5f1a4be0294db7abf660dd336b3fa5.pdf",
        "http://h/a/indexes.html", "http://h/a/list_a.html",
    ],
)
def test_article_like(url: str):
    assert is_article_like(url)
    assert not is_column_like(url)


@pytest.mark.parametrize("url", ["http://h/xxgk/zcjd", "http://h/a.jsp?id=1", "http://h/img/a.png", "http://h/a.asp"])
def test_neither(url: str):
    assert not is_article_like(url) and not is_column_like(url)


def test_attachments():
    assert set(ATTACHMENT_EXTS) >= {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar", ".wps", ".txt",
                                    ".ppt", ".pptx", ".et", ".ofd"}
    assert is_attachment("http://h/attach/0/f7356da352d846a7a6f0117ba58bb986.pdf")
    assert is_attachment("http://h/%E9%99%84%E4%BB%B6.XLSX")
    assert not is_attachment("http://h/a/t20261102_1.html")
    assert not is_attachment("http://h/pdf/")


def test_base_href():
    sel = Selector(text='<html><head><base href="/sub/dir/"></head><body></body></html>')
    assert base_url(sel, "http://h/a/b.html") == "http://h/sub/dir/"
    sel = Selector(text='<html><head><base href="http://other.gov.cn/x/"></head></html>')
    assert base_url(sel, "http://h/a/b.html") == "http://other.gov.cn/x/"
    sel = Selector(text="<html><head><base target='_blank'></head></html>")
    assert base_url(sel, "http://h/a/b.html") == "http://h/a/b.html"
