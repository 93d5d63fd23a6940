"""The frontier's disk queue: Scrapy's pickled LIFO disk queue, each request compressed.

A crawl queues every page and link it will fetch (tens of thousands of requests on a large
site) and each one is written to disk once. Pickled, a request is half a kilobyte of the same
keys and callback names; zlib with a preset dictionary of those (a pickled template request)
brings it to about a fifth, so the frontier adds little to the scan's disk writes
(SCHEDULER_DISK_QUEUE in crawler/settings.py). The dictionary never leaves the process: a
frontier lives exactly as long as its crawl (crawler.frontier).
"""

from __future__ import annotations

import pickle
import zlib
from pathlib import Path
from typing import Any

from queuelib.queue import LifoDiskQueue
from scrapy import Request
from scrapy.utils.request import request_from_dict

_TEMPLATE = {
    "url": "http://www.gov.cn/index.html", "callback": "parse_response", "errback": "on_error",
    "headers": {}, "body": b"", "cookies": {},
    "meta": {"gi_site": "s", "gi_kind": "detail", "gi_depth": 1, "gi_column": "http://www.gov.cn/",
             "gi_chain": [], "gi_origin": "http://www.gov.cn/", "dont_redirect": True, "handle_httpstatus_all": True,
             "download_slot": "site:s", "dont_obey_robotstxt": True, "download_timeout": 30.0},
    "encoding": "utf-8", "flags": [], "cb_kwargs": {}, "dont_filter": True, "method": "GET", "priority": 0,
}
ZDICT = pickle.dumps(_TEMPLATE, protocol=4)
LEVEL = 1  # each request is compressed once and read once: speed over the last few bytes


def pack(obj: dict[str, Any]) -> bytes:
    """A request's dict, pickled and compressed; ValueError when it cannot be pickled (Scrapy's
    scheduler then keeps that request in memory and counts it)."""
    try:
        raw = pickle.dumps(obj, protocol=4)
    except (pickle.PicklingError, AttributeError, TypeError) as exc:  # TypeError: a parsel Selector
        raise ValueError(str(exc)) from exc
    c = zlib.compressobj(LEVEL, zdict=ZDICT)
    return c.compress(raw) + c.flush()


def unpack(data: bytes) -> dict[str, Any]:
    d = zlib.decompressobj(zdict=ZDICT)
    return pickle.loads(d.decompress(data) + d.flush())


class CompressedLifoDiskQueue:
    """A downstream queue of Scrapy's priority queue (SCHEDULER_DISK_QUEUE): push, pop, peek,
    close and len, as scrapy.squeues.PickleLifoDiskQueue."""

    def __init__(self, spider: Any, path: str) -> None:
        self.spider = spider
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._queue = LifoDiskQueue(path)

    @classmethod
    def from_crawler(cls, crawler: Any, key: str, *args: Any, **kwargs: Any) -> CompressedLifoDiskQueue:
        return cls(crawler.spider, key)

    def push(self, request: Request) -> None:
        self._queue.push(pack(request.to_dict(spider=self.spider)))

    def pop(self) -> Request | None:
        return self._request(self._queue.pop())

    def peek(self) -> Request | None:
        return self._request(self._queue.peek())

    def _request(self, data: bytes | None) -> Request | None:
        return None if data is None else request_from_dict(unpack(data), spider=self.spider)

    def close(self) -> None:
        self._queue.close()

    def __len__(self) -> int:
        return len(self._queue)
