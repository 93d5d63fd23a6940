"""Which format a response is, decided from the response itself (JSON shape or XML root), not from
the account's configured platform: an account configured as weibo but read through an RSS bridge
(RSSHub and the like) still works, and a login page served instead of data is named as such."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from spiders.platforms import rss, wechat, weibo
from spiders.platforms.base import FeedError, FeedRequest, ParsedFeed, load_json

Parser = Callable[..., ParsedFeed]

PARSERS: dict[str, Parser] = {
    weibo.FORMAT: weibo.parse,
    wechat.FREEPUBLISH: wechat.parse_freepublish,
    wechat.APPMSG: wechat.parse_appmsg,
    "rss": rss.parse_rss,
    "atom": rss.parse_atom,
}

# what a login or visitor-verification page shows instead of the data (Weibo's "Sina Visitor
# System" on passport.weibo.com, the WeChat backend's 请重新登录 / 登录超时): a login title, a
# password field or the platforms' passport hosts. A plain "登录" link is not enough: an ordinary
# portal page served by mistake has one too and is a wrong URL, not missing credentials.
_LOGIN_MARK = re.compile(rb"passport\.weibo|Sina Visitor System|visitor\.passport|type\s*=\s*[\"']?password", re.I)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
_LOGIN_TITLE = re.compile("登录|登陆|login|log in|sign in|signin|visitor", re.I)
_HTML_START = re.compile(rb"^(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_BOM = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _head(body: bytes | str) -> bytes:
    data = body.encode("utf-8", "replace") if isinstance(body, str) else bytes(body)
    for bom in _BOM:
        if data.startswith(bom):
            data = data[len(bom):]
            break
    return data.lstrip()


def json_format(data: Any) -> str:
    if not isinstance(data, dict):
        raise FeedError("unknown_format", f"JSON {type(data).__name__}, not a known feed object")
    if "ok" in data:
        return weibo.FORMAT
    if "app_msg_list" in data or "app_msg_cnt" in data or "base_resp" in data:
        return wechat.APPMSG
    if "item" in data or "total_count" in data or "errcode" in data:
        return wechat.FREEPUBLISH
    keys = ", ".join(sorted(map(str, data))[:8])
    raise FeedError("unknown_format", f"JSON object with keys {keys or '(none)'}, not a known feed")


def xml_format(body: bytes | str) -> str:
    root = rss.parse_xml(body)
    name = rss.local(root.tag)
    if name in ("rss", "RDF"):
        return "rss"
    if root.tag == f"{{{rss.ATOM}}}feed":
        return "atom"
    if name.lower() == "html":
        raise _html_error(_head(body))
    raise FeedError("unknown_format", f"XML root <{name}>, not RSS or Atom")


def _html_error(head: bytes) -> FeedError:
    title = _TITLE.search(head[:20000])
    title_text = title.group(1).decode("utf-8", "replace") if title else ""
    if _LOGIN_MARK.search(head[:50000]) or _LOGIN_TITLE.search(title_text):
        return FeedError("auth", "a login page was served instead of the feed"
                         + (f" ({' '.join(title_text.split())[:80]})" if title_text.strip() else ""))
    return FeedError("unknown_format", "an HTML page, not a feed")


def detect_format(body: bytes | str, content_type: str = "") -> str:
    """The format name (a key of PARSERS); FeedError when the body is none of them."""
    head = _head(body)
    if not head:
        raise FeedError("malformed", "empty response")
    first = head[:1]
    if first in (b"{", b"["):
        return json_format(load_json(body))
    if _HTML_START.match(head[:4096]):
        raise _html_error(head)
    if first == b"<":
        return xml_format(body)
    if "json" in content_type.lower():
        load_json(body)  # raises malformed with the decoder's message
    if "xml" in content_type.lower():
        rss.parse_xml(body)
    raise FeedError("unknown_format", f"neither JSON nor XML (starts with {head[:20]!r})")


def parse_feed(body: bytes | str, url: str, request: FeedRequest | None = None, *, content_type: str = "",
               now: dt.datetime | None = None) -> ParsedFeed:
    """Detect the format, then parse with that format's parser."""
    return PARSERS[detect_format(body, content_type)](body, url, request, now=now)
