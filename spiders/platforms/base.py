"""What every feed parser returns, and the one error it raises.

Parsers are pure: response bytes (plus the URL and the request that produced them) in, a
`ParsedFeed` out. They never fetch; the next page is handed back as a `FeedRequest` for the
spider to schedule, so paging limits and credentials stay the spider's business.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

# auth: credentials missing/expired/refused or a login page; forbidden: the platform refuses this
# client (HTTP 403, IP not whitelisted); malformed: not parseable; unknown_format: parseable but
# no known feed; api_error: the platform answered with an error of its own (rate limit, ...)
FeedErrorKind = Literal["auth", "forbidden", "malformed", "unknown_format", "api_error"]
KINDS: frozenset[str] = frozenset({"auth", "forbidden", "malformed", "unknown_format", "api_error"})

# Post text is kept whole up to this size; the text checks read it from the DB.
TEXT_CAP = 100_000


class FeedError(Exception):
    def __init__(self, kind: FeedErrorKind, reason: str):
        if kind not in KINDS:
            raise ValueError(f"unknown feed error kind {kind!r}")
        super().__init__(f"{kind}: {reason}")
        self.kind: FeedErrorKind = kind
        self.reason = reason


@dataclass(frozen=True)
class FeedRequest:
    """A request for a page of a feed, as the platform's API wants it (credentials are added by
    the spider, so they never appear in a parser's output or in stored URLs)."""

    url: str
    method: str = "GET"
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def json_body(self) -> dict[str, Any]:
        if not self.body:
            return {}
        try:
            data = json.loads(self.body)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}


@dataclass
class PostLink:
    url: str  # absolute, canonical
    anchor: str = ""


@dataclass
class ParsedPost:
    post_id: str
    posted_at: Any  # datetime.datetime (naive, Asia/Shanghai local time) or None when unknown
    title: str = ""
    text: str = ""
    url: str = ""
    pinned: bool = False
    links: list[PostLink] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedFeed:
    posts: list[ParsedPost]
    next_request: FeedRequest | None
    format_name: str  # weibo_container | wechat_freepublish | wechat_appmsg | rss | atom
    total: int | None = None  # the count the platform declares, when it does


def load_json(body: bytes | str) -> Any:
    if isinstance(body, bytes | bytearray) and not body.strip():
        raise FeedError("malformed", "empty response")
    if isinstance(body, str) and not body.strip():
        raise FeedError("malformed", "empty response")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedError("malformed", f"invalid JSON: {exc}") from None


def as_dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FeedError("malformed", f"{what} is {type(value).__name__}, expected an object")
    return value


def as_list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FeedError("malformed", f"{what} is {type(value).__name__}, expected a list")
    return value


def as_int(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise FeedError("malformed", f"{what} is a boolean, expected a number")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise FeedError("malformed", f"{what} is {value!r}, expected a number") from None
