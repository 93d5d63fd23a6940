"""RSS 2.0 / RSS 1.0 and Atom feeds, and the refusal of DOCTYPE/entities."""

from __future__ import annotations

import datetime as dt

import pytest

from spiders.platforms import FeedError, parse_feed
from spiders.platforms.rss import parse_atom, parse_rss
from spiders.platforms.times import parse_iso, parse_rfc822

URL = "http://www.ankang.gov.cn/rss/xwzx.xml"

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>安康发布</title>
    <link>http://www.ankang.gov.cn/</link>
    <description>安康市人民政府</description>
    <item>
      <title>安康市发布寒潮蓝色预警</title>
      <link>/Content-2612345.html</link>
      <guid isPermaLink="false">akfb-0131</guid>
      <pubDate>Thu, 19 Nov 2026 20:00:00 GMT</pubDate>
      <description><![CDATA[<p>预计未来48小时……</p><p>详见<a href="http://qxj.ankang.gov.cn/yj/1.html">预警信号</a></p>]]></description>
    </item>
    <item>
      <title>市政府常务会议</title>
      <link>http://www.ankang.gov.cn/Content-2612300.html</link>
      <pubDate>2026-11-10 16:00:00</pubDate>
      <description>&lt;p&gt;会议研究……&lt;/p&gt;</description>
      <content:encoded><![CDATA[<p>会议研究部署冬春农田水利建设。</p>]]></content:encoded>
    </item>
  </channel>
</rss>""".encode()

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>安康教育</title>
  <link rel="self" href="http://jyj.ankang.gov.cn/feed.atom"/>
  <link rel="next" href="/feed.atom?page=2"/>
  <id>tag:jyj.ankang.gov.cn,2026:feed</id>
  <updated>2026-11-16T15:00:00+08:00</updated>
  <entry>
    <title>关于做好冬季学校安全工作的通知</title>
    <link rel="alternate" type="text/html" href="http://jyj.ankang.gov.cn/tzgg/1101.html"/>
    <id>tag:jyj.ankang.gov.cn,2026:1101</id>
    <published>2026-11-15T09:00:00+08:00</published>
    <updated>2026-11-16T09:00:00+08:00</updated>
    <content type="html">&lt;p&gt;各县区教体局……&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>课后服务推进会</title>
    <link href="http://jyj.ankang.gov.cn/xwdt/1097.html"/>
    <id>tag:jyj.ankang.gov.cn,2026:1097</id>
    <updated>2026-11-11T07:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>推进会召开。</p>
      <p>详见<a href="/xwdt/fa.html">实施方案</a></p></div></content>
  </entry>
</feed>""".encode()


def test_rss2() -> None:
    feed = parse_feed(RSS, URL)
    assert feed.format_name == "rss" and feed.next_request is None
    first, second = feed.posts
    assert first.post_id == "akfb-0131"
    # 20:00 GMT is 04:00 the next day in Beijing
    assert first.posted_at == dt.datetime(2026, 11, 20, 4, 0)
    assert first.url == "http://www.ankang.gov.cn/Content-2612345.html"
    assert first.text == "预计未来48小时……\n详见预警信号"
    assert [lk.url for lk in first.links] == ["http://qxj.ankang.gov.cn/yj/1.html"]
    # no guid: the link identifies it; a zone-less date is Beijing time; content:encoded wins
    assert second.post_id == "http://www.ankang.gov.cn/Content-2612300.html"
    assert second.posted_at == dt.datetime(2026, 11, 10, 16, 0)
    assert second.text == "会议研究部署冬春农田水利建设。"
    assert not any(p.pinned for p in feed.posts)


def test_rss1_rdf() -> None:
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://x.gov.cn/"><title>t</title></channel>
  <item rdf:about="http://x.gov.cn/a/1.html"><title>one</title><link>http://x.gov.cn/a/1.html</link>
    <dc:date>2026-11-01T10:00:00+08:00</dc:date></item>
</rdf:RDF>"""
    feed = parse_feed(body, "http://x.gov.cn/rss")
    assert feed.format_name == "rss"
    assert [(p.post_id, p.posted_at) for p in feed.posts] == [("http://x.gov.cn/a/1.html", dt.datetime(2026, 11, 1, 10))]


def test_atom() -> None:
    feed = parse_feed(ATOM, "http://jyj.ankang.gov.cn/feed.atom")
    assert feed.format_name == "atom"
    first, second = feed.posts
    # published, not the later updated
    assert first.posted_at == dt.datetime(2026, 11, 15, 9, 0)
    assert first.post_id == "tag:jyj.ankang.gov.cn,2026:1101"
    assert first.url == "http://jyj.ankang.gov.cn/tzgg/1101.html" and first.text == "各县区教体局……"
    # updated only, in UTC
    assert second.posted_at == dt.datetime(2026, 11, 11, 15, 0)
    assert "推进会召开。" in second.text and "<" not in second.text
    assert [lk.url for lk in second.links] == ["http://jyj.ankang.gov.cn/xwdt/fa.html"]
    assert feed.next_request is not None and feed.next_request.url == "http://jyj.ankang.gov.cn/feed.atom?page=2"


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<rss version="2.0"><channel><title>&lol2;</title></channel></rss>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><title>&xxe;</title></item></channel></rss>"""
DOCTYPE_ONLY = b"""<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
 "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel/></rss>"""


@pytest.mark.parametrize("body", [BOMB, XXE, DOCTYPE_ONLY])
def test_doctype_and_entities_refused(body: bytes) -> None:
    with pytest.raises(FeedError) as err:
        parse_feed(body, URL)
    assert err.value.kind == "malformed" and "DOCTYPE" in err.value.reason


def test_malformed_xml() -> None:
    with pytest.raises(FeedError) as err:
        parse_rss(b"<rss><channel><item><title>x</title></channel></rss>", URL)
    assert err.value.kind == "malformed"
    with pytest.raises(FeedError) as err:
        parse_feed(RSS.replace(b"Thu, 19 Nov 2026 20:00:00 GMT", b"next thursday"), URL)
    assert err.value.kind == "malformed" and "pubDate" in err.value.reason


def test_wrong_parser_is_unknown_format() -> None:
    with pytest.raises(FeedError) as err:
        parse_atom(RSS, URL)
    assert err.value.kind == "unknown_format"


def test_time_helpers() -> None:
    assert parse_rfc822("Tue, 17 Nov 2026 02:00:00 +0000") == dt.datetime(2026, 11, 17, 10, 0)
    assert parse_rfc822("Tue, 17 Nov 2026 10:00:00 +0800") == dt.datetime(2026, 11, 17, 10, 0)
    assert parse_rfc822("2026-11-17T10:00:00+08:00") == dt.datetime(2026, 11, 17, 10, 0)
    assert parse_iso("2026-11-17") == dt.datetime(2026, 11, 17)
    assert parse_iso("2026年11月17日 10:05") == dt.datetime(2026, 11, 17, 10, 5)
    assert parse_rfc822("") is None and parse_iso("soon") is None
