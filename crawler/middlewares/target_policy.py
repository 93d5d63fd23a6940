"""Which addresses the crawler may request at all.

`only_networks` (config `crawl.only_networks`) confines a scan to IP literals inside the given
networks (plus `localhost`): the demo and the tests use 127.0.0.0/8 so that a footer link to
bszs.conac.cn is recorded as *skipped*, never looked up from a sandbox. Production leaves it empty.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request


class TargetSkipped(IgnoreRequest):
    """A request the policy refused; the spider records it as `skipped`, not as broken."""


class TargetPolicyMiddleware:
    def __init__(self, only_networks: list[str]):
        self.networks = [ipaddress.ip_network(n, strict=False) for n in only_networks]

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls(crawler.settings.getlist("GOVINSPECT_ONLY_NETWORKS"))

    def allowed(self, url: str) -> tuple[bool, str]:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False, f"scheme {parts.scheme!r} is not checked"
        if not self.networks:
            return True, ""
        host = (parts.hostname or "").strip("[]").lower()
        if host == "localhost":
            host = "127.0.0.1"
        try:
            addr = ipaddress.ip_address(host)
        except ValueError:
            return False, f"host {host} is outside the allowed networks (crawl.only_networks)"
        if any(addr in net for net in self.networks):
            return True, ""
        return False, f"address {addr} is outside the allowed networks (crawl.only_networks)"

    def process_request(self, request: Request, spider=None):  # type: ignore[no-untyped-def]
        ok, why = self.allowed(request.url)
        if not ok:
            raise TargetSkipped(why)
        return None
