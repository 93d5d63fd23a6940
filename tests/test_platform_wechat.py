"""WeChat: the publishing API (freepublish/batchget) and the backend article list (appmsg list_ex)."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from spiders.platforms import FeedError, parse_feed
from spiders.platforms.wechat import first_request, freepublish_request

FP_URL = "https://api.weixin.qq.com/cgi-bin/freepublish/batchget"
APPMSG_URL = ("https://mp.weixin.qq.com/cgi-bin/appmsg?action=list_ex&begin=0&count=5&fakeid=MzI0NTAwMDAwMQ%3D%3D"
              "&type=9&query=&token=1392857446&lang=zh_CN&f=json&ajax=1")
T_1119_1800 = 1763546400  # 2025-11-19 18:00 Beijing (10:00 UTC)


def _news(title: str, url: str, content: str = "", **extra: object) -> dict:
    return {"title": title, "author": "安康发布", "digest": title[:10], "content": content,
            "content_source_url": "", "thumb_media_id": "sample_thumb", "show_cover_pic": 0,
            "need_open_comment": 1, "only_fans_can_comment": 0, "url": url, "is_deleted": False, **extra}


def freepublish(items: list[dict], total: int) -> bytes:
    return json.dumps({"total_count": total, "item_count": len(items), "item": items}, ensure_ascii=False).encode()


ITEM_MULTI = {
    "article_id": "Xd8kL3_sample_article_1",
    "content": {"news_item": [
        _news("安康市冬季森林防火工作部署", "https://mp.weixin.qq.com/s/AbC123",
              '<section><p>会议强调……</p><p>附件：<a href="http://www.ankang.gov.cn/Upload/fhtz.pdf">防火通知</a>'
              '</p></section>'),
        _news("寒潮预警", "https://mp.weixin.qq.com/s/AbC124", "<p>注意防寒</p>"),
        _news("已删除的一篇", "https://mp.weixin.qq.com/s/AbC125", is_deleted=True),
    ]},
    "update_time": T_1119_1800,
}


def test_freepublish_posts_per_article() -> None:
    req = first_request(FP_URL)
    assert req.method == "POST" and req.json_body() == {"offset": 0, "count": 20, "no_content": 0}
    feed = parse_feed(freepublish([ITEM_MULTI], 1), FP_URL, req)
    assert feed.format_name == "wechat_freepublish" and feed.total == 1
    assert [p.post_id for p in feed.posts] == ["Xd8kL3_sample_article_1:0", "Xd8kL3_sample_article_1:1"]
    first = feed.posts[0]
    assert first.posted_at == dt.datetime(2025, 11, 19, 18, 0)
    assert first.title == "安康市冬季森林防火工作部署" and first.url == "https://mp.weixin.qq.com/s/AbC123"
    assert first.text == "会议强调……\n附件：防火通知"
    assert [lk.url for lk in first.links] == ["http://www.ankang.gov.cn/Upload/fhtz.pdf"]
    assert feed.next_request is None


def test_freepublish_paging_by_offset() -> None:
    items = [{**ITEM_MULTI, "article_id": f"a{i}"} for i in range(2)]
    feed = parse_feed(freepublish(items, 5), FP_URL, freepublish_request(FP_URL, 0, 2))
    assert feed.next_request is not None
    assert feed.next_request.json_body() == {"offset": 2, "count": 2, "no_content": 0}
    last = parse_feed(freepublish(items[:1], 5), FP_URL, freepublish_request(FP_URL, 4, 2))
    assert last.next_request is None


def test_freepublish_empty_account() -> None:
    feed = parse_feed(b'{"total_count":0,"item_count":0,"item":[]}', FP_URL, first_request(FP_URL))
    assert feed.posts == [] and feed.next_request is None and feed.total == 0


@pytest.mark.parametrize(("code", "msg", "kind"), [
    (42001, "access_token expired rid: 6565a1b2-1c2d3e4f-5a6b7c8f", "auth"),
    (40001, "invalid credential, access_token is invalid or not latest", "auth"),
    (41001, "access_token missing", "auth"),
    (40164, "invalid ip 1.2.3.4, not in whitelist", "forbidden"),
    (48001, "api unauthorized", "forbidden"),
    (45009, "reach max api daily quota limit", "api_error"),
])
def test_freepublish_errcodes(code: int, msg: str, kind: str) -> None:
    with pytest.raises(FeedError) as err:
        parse_feed(json.dumps({"errcode": code, "errmsg": msg}).encode(), FP_URL, first_request(FP_URL))
    assert err.value.kind == kind
    assert str(code) in str(err.value)


def _appmsg(n: int, ts: int) -> dict:
    return {"aid": f"22474837{n:02d}_1", "appmsgid": 2247483700 + n, "itemidx": 1, "title": f"文章{n}",
            "link": f"http://mp.weixin.qq.com/s?__biz=MzI0NTAwMDAwMQ==&mid={2247483700 + n}&idx=1&sn=ab#rd",
            "create_time": ts, "update_time": ts + 300, "digest": "", "copyright_type": 1, "item_show_type": 0}


def appmsg(items: list[dict], cnt: int) -> bytes:
    return json.dumps({"app_msg_cnt": cnt, "app_msg_list": items, "base_resp": {"err_msg": "ok", "ret": 0}}).encode()


def test_appmsg_list_and_paging() -> None:
    items = [_appmsg(i, T_1119_1800 - i * 86400) for i in range(5)]
    feed = parse_feed(appmsg(items, 7), APPMSG_URL, first_request(APPMSG_URL))
    assert feed.format_name == "wechat_appmsg" and feed.total == 7
    assert feed.posts[0].post_id == "2247483700_1"
    # create_time (sent to readers), not update_time (a later edit)
    assert feed.posts[0].posted_at == dt.datetime(2025, 11, 19, 18, 0)
    assert feed.posts[4].posted_at == dt.datetime(2025, 11, 15, 18, 0)
    assert feed.posts[0].url.startswith("http://mp.weixin.qq.com/s?")
    nxt = feed.next_request
    assert nxt is not None and nxt.method == "GET"
    q = parse_qs(urlsplit(nxt.url).query)
    assert q["begin"] == ["5"] and q["count"] == ["5"] and q["fakeid"] == ["MzI0NTAwMDAwMQ=="]
    last = parse_feed(appmsg(items[:2], 7), nxt.url)
    assert last.next_request is None


@pytest.mark.parametrize(("ret", "kind"), [(200003, "auth"), (200013, "api_error"), (200002, "api_error")])
def test_appmsg_errors(ret: int, kind: str) -> None:
    body = json.dumps({"base_resp": {"ret": ret, "err_msg": "invalid session" if ret == 200003 else "freq control"}})
    with pytest.raises(FeedError) as err:
        parse_feed(body.encode(), APPMSG_URL)
    assert err.value.kind == kind


def test_shape_errors_are_malformed() -> None:
    with pytest.raises(FeedError) as err:
        parse_feed(b'{"total_count":1,"item_count":1,"item":[{"update_time":1}]}', FP_URL)
    assert err.value.kind == "malformed"
    with pytest.raises(FeedError) as err:
        parse_feed(b'{"app_msg_cnt":1,"app_msg_list":[{"aid":"1_1","create_time":"soon"}],"base_resp":{"ret":0}}',
                   APPMSG_URL)
    assert err.value.kind == "malformed"
