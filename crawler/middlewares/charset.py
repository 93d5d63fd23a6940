"""Downloader middleware: HTML whose charset labels lie is decoded by what its bytes are
(core.charset has the rule and why)."""

from __future__ import annotations

from typing import Any

from scrapy.http import Response, TextResponse

from core.charset import pick_encoding, same_encoding


class CharsetMiddleware:
    """Downloader middleware applying `pick_encoding` to HTML responses."""

    def process_response(self, request: Any, response: Response, spider: Any = None) -> Response:
        if not isinstance(response, TextResponse):
            return response
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if ctype and "html" not in ctype.lower():
            return response
        enc = pick_encoding(response.body, response.encoding, ctype)
        if enc is None or same_encoding(enc, response.encoding):
            return response
        return response.replace(encoding=enc)
