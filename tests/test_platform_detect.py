"""Format detection from the response itself, whatever platform the account is configured as."""

from __future__ import annotations

import pytest
from test_platform_rss import ATOM, RSS
from test_platform_wechat import ITEM_MULTI, appmsg, freepublish
from test_platform_weibo import NEWEST, page

from spiders.platforms import FeedError, detect_format, parse_feed

WEIBO_URL = "https://m.weibo.cn/api/container/getIndex?containerid=1076032656274875"


@pytest.mark.parametrize(("body", "fmt"), [
    (page([NEWEST]), "weibo_container"),
    (b'{"ok":0,"msg":"\xe8\xbf\x99\xe9\x87\x8c\xe8\xbf\x98\xe6\xb2\xa1\xe6\x9c\x89\xe5\x86\x85\xe5\xae\xb9"}',
     "weibo_container"),
    (freepublish([ITEM_MULTI], 1), "wechat_freepublish"),
    (b'{"errcode":42001,"errmsg":"access_token expired"}', "wechat_freepublish"),
    (appmsg([], 0), "wechat_appmsg"),
    (b'{"base_resp":{"ret":200003,"err_msg":"invalid session"}}', "wechat_appmsg"),
    (RSS, "rss"),
    (ATOM, "atom"),
    (b"\xef\xbb\xbf\n  " + RSS, "rss"),  # BOM and leading blank lines, as many CMSs send
])
def test_detects(body: bytes, fmt: str) -> None:
    assert detect_format(body) == fmt


def test_weibo_account_served_through_an_rss_bridge() -> None:
    # configured as weibo, but the URL is an RSSHub-style bridge: the response decides
    feed = parse_feed(RSS, "http://rsshub.example.org/weibo/user/2656274875")
    assert feed.format_name == "rss" and len(feed.posts) == 2


@pytest.mark.parametrize(("body", "kind"), [
    (b"", "malformed"),
    (b"   \n", "malformed"),
    (b'{"ok":1,"data":', "malformed"),
    (b"<rss><channel>", "malformed"),
    (b'{"status":"success","rows":[]}', "unknown_format"),
    (b"[1, 2, 3]", "unknown_format"),
    (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>', "unknown_format"),
    (b"plain text", "unknown_format"),
    ("<!DOCTYPE html><html><head><title>安康市人民政府</title></head><body><a href='/login'>用户登录</a>"
     "</body></html>".encode(), "unknown_format"),
    ("<html><head><title>微信公众平台 - 请重新登录</title></head><body></body></html>".encode(), "auth"),
    (b"<!doctype html><html><body><form><input type='password' name='pwd'></form></body></html>", "auth"),
])
def test_refuses(body: bytes, kind: str) -> None:
    with pytest.raises(FeedError) as err:
        parse_feed(body, WEIBO_URL)
    assert err.value.kind == kind, err.value


def test_json_content_type_garbage_is_malformed() -> None:
    with pytest.raises(FeedError) as err:
        detect_format(b"\x00\x01garbage", content_type="application/json")
    assert err.value.kind == "malformed"
