"""Which URLs the crawler may request at all: the address policy (core.netpolicy) on every request
the downloader sees — each redirect hop too, since the spiders follow redirects themselves.

Before the download: scheme, `crawl.only_networks`, and IP-literal hosts are judged here. What a
host name resolves to is judged at connect time by crawler.resolver.PolicyResolver (the process's
TWISTED_DNS_RESOLVER), on the addresses the connection then goes to, so DNS rebinding cannot slip
past a check made earlier. Either refusal ends as `TargetSkipped` (recorded as `skipped` with the
reason, which link_broken ignores): a resolver refusal reaches the download as a failed lookup,
and `process_exception` gives it its reason back.

Without the policy resolver installed (a crawl process set up with another TWISTED_DNS_RESOLVER),
no host name could be checked, so none is requested. Through an outbound HTTP proxy (`http_proxy`
in the environment, Scrapy's HttpProxyMiddleware) the proxy resolves the names itself: the
connect-time check then sees only the proxy's address, and names are judged no further than here.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from core.errors import classify_exception
from core.netpolicy import AddressPolicy, address, origin
from crawler.safety import policy_from_settings


class TargetSkipped(IgnoreRequest):
    """A request the policy refused; the spider records it as `skipped`, not as broken."""


NO_RESOLVER = ("the connect-time address check (TWISTED_DNS_RESOLVER = crawler.resolver.PolicyResolver) is not "
               "installed in this crawl process, so host names are not requested")


class TargetPolicyMiddleware:
    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy

    @classmethod
    def from_crawler(cls, crawler: Any) -> TargetPolicyMiddleware:
        return cls(policy_from_settings(crawler.settings))

    def process_request(self, request: Request, spider: Any = None) -> None:
        why = self.policy.check_url(request.url)
        if why:
            raise TargetSkipped(why)
        found = origin(request.url)
        if found is not None and address(found[0]) is None:
            from crawler.resolver import installed

            if installed() is None:
                raise TargetSkipped(NO_RESOLVER)
        return None

    def process_exception(self, request: Request, exception: BaseException, spider: Any = None) -> None:
        if classify_exception(exception)[0] != "dns":
            return None
        from crawler.resolver import installed

        resolver, found = installed(), origin(request.url)
        why = resolver.refusal(*found) if resolver is not None and found is not None else None
        if why:
            raise TargetSkipped(why)
        return None
