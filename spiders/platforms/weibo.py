"""政务微博: the mobile container API (m.weibo.cn /api/container/getIndex?containerid=107603<uid>).

    {"ok": 1, "data": {"cardlistInfo": {"since_id": 4900000000000000, "total": 1234},
                       "cards": [{"card_type": 9, "mblog": {"id": "…", "created_at":
                                  "Sat Nov 01 10:00:00 +0800 2026", "text": "<html>", "isTop": 1}}]}}

Pinned posts (isTop, mblogtype 2, or a title "置顶") are flagged: an old pinned post sits on top
of the newest ones and must never decide freshness. The next page is the same URL with
`since_id`; the spider stops at its page limit or when a page adds nothing new.

`ok` other than 1: -100 means "log in first" (auth). ok 0 with an empty card list and
"这里还没有内容" is how the API ends a timeline (an empty account, or past the last page), so it is
an empty page, not an error; any other ok 0 is the platform's error (api_error).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from spiders.platforms.base import (
    FeedError,
    FeedRequest,
    ParsedFeed,
    ParsedPost,
    as_dict,
    as_list,
    load_json,
)
from spiders.platforms.htmltext import html_fragment
from spiders.platforms.times import parse_weibo_time

FORMAT = "weibo_container"
POST_CARD = 9
# links inside a post that are the platform's own navigation (@mentions, #topics#, super topics),
# not content the account published
NAV_PATHS = ("/n/", "/search", "/k/", "/p/", "/u/")
WEIBO_HOSTS = frozenset({"m.weibo.cn", "weibo.cn", "weibo.com", "www.weibo.com", "s.weibo.com", "huati.weibo.cn"})
END_OF_TIMELINE = "还没有内容"
RAW_KEYS = ("id", "mid", "bid", "created_at", "edit_at", "isTop", "mblogtype", "source", "isLongText",
            "reposts_count", "comments_count", "attitudes_count", "pending_approval_count", "region_name")


def with_query(url: str, **params: Any) -> str:
    """The URL with these query parameters set (replacing earlier values), the rest kept in order."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query += [(k, str(v)) for k, v in params.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


def is_nav_link(link: str, account_url: str) -> bool:
    """An @mention, #topic# or super-topic link of Weibo itself (or of the API host serving it)."""
    parts = urlsplit(link)
    host = (parts.hostname or "").lower()
    own = host in WEIBO_HOSTS or host == (urlsplit(account_url).hostname or "").lower()
    return own and parts.path.startswith(NAV_PATHS)


def is_pinned(mblog: dict[str, Any]) -> bool:
    title = mblog.get("title")
    title_text = title.get("text", "") if isinstance(title, dict) else ""
    return bool(mblog.get("isTop")) or mblog.get("mblogtype") == 2 or "置顶" in str(title_text)


def _mblogs(cards: list[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for card in cards:
        if not isinstance(card, dict):
            continue
        if card.get("card_type") == POST_CARD and isinstance(card.get("mblog"), dict):
            out.append(card["mblog"])
        # card_type 11 groups cards (e.g. a pinned block) in card_group
        elif isinstance(card.get("card_group"), list):
            out.extend(_mblogs(card["card_group"]))
    return out


def post_url(account_url: str, post_id: str) -> str:
    parts = urlsplit(account_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/status/{post_id}", "", ""))


def _post(mblog: dict[str, Any], url: str, now: dt.datetime | None) -> ParsedPost:
    post_id = str(mblog.get("id") or mblog.get("mid") or "").strip()
    if not post_id:
        raise FeedError("malformed", "a post (mblog) without id")
    created = mblog.get("created_at")
    posted_at = parse_weibo_time(str(created), now) if created else None
    if created and posted_at is None:
        raise FeedError("malformed", f"post {post_id}: unreadable created_at {created!r}")
    text, links = html_fragment(str(mblog.get("text") or ""), url)
    links = [lk for lk in links if not is_nav_link(lk.url, url)]
    raw = {k: mblog[k] for k in RAW_KEYS if k in mblog}
    if isinstance(mblog.get("retweeted_status"), dict):
        raw["retweet_of"] = str(mblog["retweeted_status"].get("id", ""))
    return ParsedPost(post_id=post_id, posted_at=posted_at, text=text, url=post_url(url, post_id),
                      pinned=is_pinned(mblog), links=links, raw=raw)


def parse(body: bytes | str, url: str, request: FeedRequest | None = None, *,
          now: dt.datetime | None = None) -> ParsedFeed:
    data = as_dict(load_json(body), "the response")
    ok = data.get("ok")
    msg = str(data.get("msg") or data.get("message") or "")
    payload = data.get("data") if isinstance(data.get("data"), dict) else {}
    if ok == -100:
        raise FeedError("auth", f"Weibo asks to log in (ok=-100){': ' + msg if msg else ''}")
    if ok != 1:
        if ok == 0 and END_OF_TIMELINE in msg and not _mblogs(as_list(payload.get("cards"), "data.cards")):
            return ParsedFeed(posts=[], next_request=None, format_name=FORMAT, total=None)
        if "ok" not in data:
            raise FeedError("malformed", "not a Weibo container response (no 'ok')")
        raise FeedError("api_error", f"Weibo API ok={ok!r}: {msg or 'no message'}")
    payload = as_dict(data.get("data"), "data")
    posts = [_post(m, url, now) for m in _mblogs(as_list(payload.get("cards"), "data.cards"))]
    info = payload.get("cardlistInfo") if isinstance(payload.get("cardlistInfo"), dict) else {}
    since_id = info.get("since_id")
    total = info.get("total")
    next_request = None
    if posts and since_id not in (None, "", 0, "0"):
        next_request = FeedRequest(url=with_query(url, since_id=since_id))
    return ParsedFeed(posts=posts, next_request=next_request, format_name=FORMAT,
                      total=total if isinstance(total, int) else None)
