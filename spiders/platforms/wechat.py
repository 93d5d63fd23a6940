"""政务微信: the two ways an account's article list can be read with the owner's cooperation (there
is no public timeline).

(a) The official-account publishing API, with the account's access_token:
    POST https://api.weixin.qq.com/cgi-bin/freepublish/batchget?access_token=…
         {"offset": 0, "count": 20, "no_content": 0}
    -> {"total_count": 3, "item_count": 3, "item": [{"article_id": "…", "update_time": 1731800000,
        "content": {"news_item": [{"title": "…", "url": "https://mp.weixin.qq.com/s/…", …}]}}]}
    Errors come as {"errcode": 42001, "errmsg": "access_token expired …"}. One publish can carry
    several articles (多图文); each article is a post "<article_id>:<index>".

(b) The management backend's article list (mp.weixin.qq.com, with a logged-in session):
    GET /cgi-bin/appmsg?action=list_ex&begin=0&count=5&fakeid=…&type=9&token=…&f=json&ajax=1
    -> {"app_msg_cnt": 7, "app_msg_list": [{"aid": "…", "title": "…", "link": "…",
        "create_time": 1731800000, "update_time": …}], "base_resp": {"ret": 0}}
    Paged with begin/count until app_msg_cnt. base_resp.ret 200003 = invalid session (auth),
    200013 = frequency control (api_error).

Times are Unix seconds, converted to Beijing local time.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from spiders.platforms.base import (
    FeedError,
    FeedErrorKind,
    FeedRequest,
    ParsedFeed,
    ParsedPost,
    as_dict,
    as_int,
    as_list,
    load_json,
)
from spiders.platforms.htmltext import html_fragment
from spiders.platforms.times import from_unix
from spiders.platforms.weibo import with_query

FREEPUBLISH = "wechat_freepublish"
APPMSG = "wechat_appmsg"
FREEPUBLISH_PATH = "/cgi-bin/freepublish/batchget"
APPMSG_PATH = "/cgi-bin/appmsg"
PAGE_SIZE = 20  # the API's maximum for batchget

# errcodes of api.weixin.qq.com that mean the credential is the problem
AUTH_ERRCODES = {
    40001: "invalid credential (access_token wrong or not the latest)",
    40014: "invalid access_token",
    41001: "access_token missing",
    42001: "access_token expired",
    40125: "invalid appsecret",
}
FORBIDDEN_ERRCODES = {
    40164: "caller IP not in the account's whitelist",
    48001: "API not authorised for this account",
    50002: "user limited (account blocked from the API)",
}
APPMSG_RETS: dict[int, tuple[FeedErrorKind, str]] = {
    200003: ("auth", "invalid session (log in to the backend again)"),
    200040: ("auth", "invalid csrf token"),
    200013: ("api_error", "frequency control (too many requests)"),
    200002: ("api_error", "invalid arguments"),
}
NEWS_RAW_KEYS = ("author", "digest", "content_source_url", "thumb_url", "need_open_comment",
                 "only_fans_can_comment", "is_deleted")
APPMSG_RAW_KEYS = ("aid", "appmsgid", "itemidx", "create_time", "update_time", "digest", "author_name",
                   "copyright_type", "is_deleted", "item_show_type")


def is_freepublish_url(url: str) -> bool:
    return urlsplit(url).path.rstrip("/").endswith(FREEPUBLISH_PATH)


def is_appmsg_url(url: str) -> bool:
    return urlsplit(url).path.rstrip("/").endswith(APPMSG_PATH)


def first_request(url: str, count: int = PAGE_SIZE) -> FeedRequest:
    """The first page of a freepublish list: a POST with a JSON body; other URLs are plain GETs."""
    if is_freepublish_url(url):
        return freepublish_request(url, 0, count)
    return FeedRequest(url=url)


def freepublish_request(url: str, offset: int, count: int = PAGE_SIZE) -> FeedRequest:
    body = json.dumps({"offset": offset, "count": count, "no_content": 0}).encode()
    return FeedRequest(url=url, method="POST", body=body, headers={"Content-Type": "application/json"})


def raise_errcode(data: dict[str, Any]) -> None:
    code = data.get("errcode")
    if code in (None, 0, "0"):
        return
    try:
        code = int(code)
    except (TypeError, ValueError):
        raise FeedError("api_error", f"WeChat API errcode {code!r}: {data.get('errmsg', '')}") from None
    msg = str(data.get("errmsg") or "")
    if code in AUTH_ERRCODES:
        raise FeedError("auth", f"WeChat API errcode {code} {AUTH_ERRCODES[code]}: {msg}")
    if code in FORBIDDEN_ERRCODES:
        raise FeedError("forbidden", f"WeChat API errcode {code} {FORBIDDEN_ERRCODES[code]}: {msg}")
    raise FeedError("api_error", f"WeChat API errcode {code}: {msg or 'no message'}")


def _unix(value: Any, what: str) -> dt.datetime | None:
    if value in (None, "", 0, "0"):
        return None
    return from_unix(as_int(value, what))


def parse_freepublish(body: bytes | str, url: str, request: FeedRequest | None = None, *,
                      now: dt.datetime | None = None) -> ParsedFeed:
    data = as_dict(load_json(body), "the response")
    raise_errcode(data)
    if "item" not in data:
        raise FeedError("malformed", "freepublish response without 'item'")
    total = as_int(data.get("total_count", 0), "total_count")
    items = as_list(data.get("item"), "item")
    posts: list[ParsedPost] = []
    for n, item in enumerate(items):
        item = as_dict(item, f"item[{n}]")
        article_id = str(item.get("article_id") or "").strip()
        if not article_id:
            raise FeedError("malformed", f"item[{n}] without article_id")
        posted_at = _unix(item.get("update_time"), f"item[{n}].update_time")
        content = item.get("content") if isinstance(item.get("content"), dict) else {}
        news = as_list(content.get("news_item"), f"item[{n}].content.news_item")
        for idx, article in enumerate(news):
            article = as_dict(article, f"item[{n}].content.news_item[{idx}]")
            if article.get("is_deleted"):
                continue  # deleted after publishing: no longer shown to readers
            article_url = str(article.get("url") or "")
            text, links = html_fragment(str(article.get("content") or ""), article_url or url)
            raw = {"article_id": article_id, "index": idx, "update_time": item.get("update_time")}
            raw.update({k: article[k] for k in NEWS_RAW_KEYS if k in article})
            posts.append(ParsedPost(
                post_id=f"{article_id}:{idx}", posted_at=posted_at, title=str(article.get("title") or ""),
                text=text, url=article_url, links=links, raw=raw,
            ))
    sent = request.json_body() if request is not None else {}
    offset = as_int(sent.get("offset", 0), "request offset")
    count = as_int(sent.get("count", PAGE_SIZE), "request count")
    next_offset = offset + len(items)
    next_request = freepublish_request(url, next_offset, count) if items and next_offset < total else None
    return ParsedFeed(posts=posts, next_request=next_request, format_name=FREEPUBLISH, total=total)


def parse_appmsg(body: bytes | str, url: str, request: FeedRequest | None = None, *,
                 now: dt.datetime | None = None) -> ParsedFeed:
    data = as_dict(load_json(body), "the response")
    base = data.get("base_resp") if isinstance(data.get("base_resp"), dict) else {}
    ret = base.get("ret", 0)
    if ret not in (0, "0", None):
        ret_int = as_int(ret, "base_resp.ret")
        kind, what = APPMSG_RETS.get(ret_int, ("api_error", "backend error"))
        raise FeedError(kind, f"WeChat backend ret {ret_int} {what}: {base.get('err_msg', '')}".rstrip(": "))
    raise_errcode(data)
    if "app_msg_list" not in data:
        raise FeedError("malformed", "appmsg response without 'app_msg_list'")
    total = as_int(data.get("app_msg_cnt", 0), "app_msg_cnt")
    items = as_list(data.get("app_msg_list"), "app_msg_list")
    posts: list[ParsedPost] = []
    for n, item in enumerate(items):
        item = as_dict(item, f"app_msg_list[{n}]")
        aid = str(item.get("aid") or item.get("appmsgid") or "").strip()
        if not aid:
            raise FeedError("malformed", f"app_msg_list[{n}] without aid")
        # create_time is when it was sent to readers; update_time changes with later edits
        posted_at = _unix(item.get("create_time") or item.get("update_time"), f"app_msg_list[{n}].create_time")
        posts.append(ParsedPost(
            post_id=aid, posted_at=posted_at, title=str(item.get("title") or ""), url=str(item.get("link") or ""),
            pinned=bool(item.get("is_pin") or item.get("is_top")),
            raw={k: item[k] for k in APPMSG_RAW_KEYS if k in item},
        ))
    query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    begin = as_int(query.get("begin", 0) or 0, "begin")
    count = as_int(query.get("count", len(items) or 5) or 5, "count")
    next_begin = begin + len(items)
    next_request = FeedRequest(url=with_query(url, begin=next_begin, count=count)) \
        if items and next_begin < total else None
    return ParsedFeed(posts=posts, next_request=next_request, format_name=APPMSG, total=total)
