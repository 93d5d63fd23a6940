"""The HTTP download handler, with connections that HTTP/1.0 servers close left out of the pool.

An HTTP/1.0 response closes its connection unless it says `Connection: keep-alive` (RFC 9112
§9.3). Twisted's client only looks for `Connection: close`, so it puts such a connection back in
Scrapy's pool after the server has closed it, and the next request to the host may be sent on
it. Twisted resends an idempotent request that meets a closed connection, but not a POST (the
Hanweb jpage data proxy, JSON list APIs): measured against an HTTP/1.0 server with eight
requests at a time, 155 of 500 POSTs failed as "connection closed", and Scrapy's retries can draw
closed connections again. Old IIS and appliance servers in front of government sites answer in
HTTP/1.0. Twisted offers no setting for this, hence the protocol subclass.
"""

from __future__ import annotations

from typing import Any

from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
)


def _closes_after(parser: Any) -> bool:
    response = getattr(parser, "response", None)
    if response is None or tuple(response.version[1:]) >= (1, 1):
        return False
    tokens = {t.strip().lower() for h in parser.connHeaders.getRawHeaders(b"Connection", ()) for t in h.split(b",")}
    return b"keep-alive" not in tokens


class _Http10AwareProtocol(_LenientHTTP11ClientProtocol):
    def _finishResponse_WAITING(self, rest: bytes) -> None:  # noqa: N802 - Twisted's name
        parser = self._parser
        if parser is not None and _closes_after(parser):
            parser.connHeaders.setRawHeaders(b"Connection", [b"close"])  # Twisted then drops it
        super()._finishResponse_WAITING(rest)


class _Http10AwareFactory(_LenientHTTP11ClientFactory):
    def buildProtocol(self, addr: Any) -> _Http10AwareProtocol:  # noqa: N802 - Twisted's name
        return _Http10AwareProtocol(self._quiescentCallback)  # type: ignore[no-untyped-call]


def keep_closed_connections_out(handler: HTTP11DownloadHandler) -> None:
    """Make `handler`'s connection pool (Scrapy's or scrapy-playwright's) drop HTTP/1.0 connections."""
    handler._pool._factory = _Http10AwareFactory


class HttpDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        keep_closed_connections_out(self)
