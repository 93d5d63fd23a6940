"""Weibo mobile container API (m.weibo.cn/api/container/getIndex?containerid=107603<uid>)."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from spiders.platforms import FeedError, parse_feed, weibo
from spiders.platforms.times import parse_weibo_time

URL = "https://m.weibo.cn/api/container/getIndex?type=uid&value=2656274875&containerid=1076032656274875"


def _mblog(mid: str, created: str, text: str, **extra: object) -> dict:
    return {
        "visible": {"type": 0, "list_id": 0}, "created_at": created, "id": mid, "mid": mid, "bid": "Ox1a2b3c",
        "can_edit": False, "text": text, "source": "微博 weibo.com", "favorited": False, "pic_ids": [],
        "user": {"id": 2656274875, "screen_name": "安康发布", "verified": True, "verified_type": 1},
        "reposts_count": 1, "comments_count": 4, "attitudes_count": 9, "isLongText": False, "mblogtype": 0,
        **extra,
    }


def page(cards: list[dict], since_id: int | None = 4987000000000001) -> bytes:
    info: dict = {"containerid": "1076032656274875", "v_p": 42, "show_style": 1, "total": 2315, "page": None}
    if since_id is not None:
        info["since_id"] = since_id
    return json.dumps({"ok": 1, "data": {"cardlistInfo": info, "cards": cards, "scheme": ""}},
                      ensure_ascii=False).encode()


PINNED = {"card_type": 9, "mblog": _mblog("4900000000000099", "Mon Sep 21 09:00:00 +0800 2026",
                                           "【置顶】12345热线欢迎您", isTop=1, title={"text": "置顶", "base_color": 1})}
NEWEST = {"card_type": 9, "mblog": _mblog(
    "4987654321000001", "Wed Nov 18 09:30:00 +0800 2026",
    "全市森林防火会议召开<br />详见<a href=\"http://www.ankang.gov.cn/Content-2612345.html\">"
    "<span class=\"surl-text\">网页链接</span></a> <a href='/n/安康发布'>@安康发布</a> "
    "<a href=\"https://m.weibo.cn/search?containerid=231522type%3D1%26q%3D%23安康%23\">#安康#</a>",
)}
HINT = {"card_type": 58, "desc": "已加载全部内容"}


def test_parses_posts_text_links_and_times() -> None:
    feed = parse_feed(page([PINNED, NEWEST, HINT]), URL)
    assert feed.format_name == "weibo_container"
    assert [p.post_id for p in feed.posts] == ["4900000000000099", "4987654321000001"]
    pinned, newest = feed.posts
    assert pinned.pinned and not newest.pinned
    assert newest.posted_at == dt.datetime(2026, 11, 18, 9, 30)
    assert newest.text.splitlines()[0] == "全市森林防火会议召开"
    assert "网页链接" in newest.text and "<" not in newest.text
    # @mentions and #topics# are Weibo's navigation, not links the account published
    assert [lk.url for lk in newest.links] == ["http://www.ankang.gov.cn/Content-2612345.html"]
    assert newest.links[0].anchor == "网页链接"
    assert newest.url == "https://m.weibo.cn/status/4987654321000001"
    assert newest.raw["comments_count"] == 4
    assert feed.total == 2315


def test_pinned_by_title_or_mblogtype_alone() -> None:
    by_title = {"card_type": 9, "mblog": _mblog("1", "Sat Nov 01 10:00:00 +0800 2026", "a", title={"text": "置顶"})}
    by_type = {"card_type": 9, "mblog": _mblog("2", "Sat Nov 01 10:00:00 +0800 2026", "b", mblogtype=2)}
    plain = {"card_type": 9, "mblog": _mblog("3", "Sat Nov 01 10:00:00 +0800 2026", "c", title={"text": "热门"})}
    feed = weibo.parse(page([by_title, by_type, plain]), URL)
    assert [p.pinned for p in feed.posts] == [True, True, False]


def test_next_page_is_same_url_with_since_id() -> None:
    feed = weibo.parse(page([NEWEST], since_id=4987000000000001), URL)
    assert feed.next_request is not None
    q = parse_qs(urlsplit(feed.next_request.url).query)
    assert q["since_id"] == ["4987000000000001"]
    assert q["containerid"] == ["1076032656274875"] and q["type"] == ["uid"]
    # asking again from page 2 replaces since_id rather than adding a second one
    again = weibo.parse(page([NEWEST], since_id=4986000000000000), feed.next_request.url)
    assert parse_qs(urlsplit(again.next_request.url).query)["since_id"] == ["4986000000000000"]


def test_no_since_id_or_no_posts_means_last_page() -> None:
    assert weibo.parse(page([NEWEST], since_id=None), URL).next_request is None
    assert weibo.parse(page([], since_id=123), URL).next_request is None


def test_card_group_is_read() -> None:
    feed = weibo.parse(page([{"card_type": 11, "card_group": [NEWEST]}]), URL)
    assert [p.post_id for p in feed.posts] == ["4987654321000001"]


def test_end_of_timeline_is_an_empty_page_not_an_error() -> None:
    body = json.dumps({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}, ensure_ascii=False).encode()
    feed = parse_feed(body, URL)
    assert feed.posts == [] and feed.next_request is None


@pytest.mark.parametrize(("body", "kind"), [
    ({"ok": 0, "msg": "请求过于频繁，歇歇吧"}, "api_error"),
    ({"ok": -100, "url": "https://passport.weibo.com/sso/signin?entry=wapsso"}, "auth"),
])
def test_api_errors(body: dict, kind: str) -> None:
    with pytest.raises(FeedError) as err:
        parse_feed(json.dumps(body, ensure_ascii=False).encode(), URL)
    assert err.value.kind == kind


def test_login_page_is_auth() -> None:
    html = (b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Sina Visitor System</title></head>"
            b"<body><script src='https://passport.weibo.com/js/visitor/mini.js'></script></body></html>")
    with pytest.raises(FeedError) as err:
        parse_feed(html, URL)
    assert err.value.kind == "auth"


def test_malformed() -> None:
    with pytest.raises(FeedError) as err:
        parse_feed(b'{"ok":1,"data":{"cards":[{"card_type":9,"mblog":{"id":"1","created_at":"Sat', URL)
    assert err.value.kind == "malformed"
    with pytest.raises(FeedError) as err:
        weibo.parse(page([{"card_type": 9, "mblog": _mblog("5", "yesterday-ish", "x")}]), URL)
    assert err.value.kind == "malformed"


def test_times_to_beijing_local() -> None:
    now = dt.datetime(2026, 11, 20, 15, 0)
    assert parse_weibo_time("Sat Nov 01 10:00:00 +0800 2026") == dt.datetime(2026, 11, 1, 10, 0)
    # a UTC timestamp is converted, not taken at face value
    assert parse_weibo_time("Sat Oct 31 22:30:00 +0000 2026") == dt.datetime(2026, 11, 1, 6, 30)
    assert parse_weibo_time("刚刚", now) == now
    assert parse_weibo_time("5分钟前", now) == dt.datetime(2026, 11, 20, 14, 55)
    assert parse_weibo_time("3小时前", now) == dt.datetime(2026, 11, 20, 12, 0)
    assert parse_weibo_time("今天 08:15", now) == dt.datetime(2026, 11, 20, 8, 15)
    assert parse_weibo_time("昨天 23:59", now) == dt.datetime(2026, 11, 19, 23, 59)
    assert parse_weibo_time("11-01", now) == dt.datetime(2026, 11, 1)
    assert parse_weibo_time("12-25", now) == dt.datetime(2025, 12, 25)  # a later month-day is last year
    assert parse_weibo_time("2024-03-05", now) == dt.datetime(2024, 3, 5)
