"""Which addresses the crawler may request at all (no SSRF into the inspector's own network).

Crawled pages choose the URLs we request; a hostile or hijacked page could point us at the
inspector's intranet (10.x, 192.168.x), its own loopback services (127.x: the database, Redis) or
cloud metadata endpoints (169.254.169.254). So every request's host is resolved *at request time*
(through the reactor's resolver, the same cached answer the download then connects to) and an
address that is not public — loopback, private, link-local, shared/CGNAT, unspecified, reserved,
multicast — is refused with `TargetSkipped` (recorded as `skipped`, which link_broken ignores)
unless:
- the request belongs to a site (or account) that itself lives in that block: its homepage host
  resolves into the same block (an intranet site may link to its intranet neighbours), or the
  request is for the site's own homepage host;
- the address is inside `crawl.allow_networks`;
- `crawl.only_networks` is set and contains it;
- it is a canary URL (`crawl.canary_urls`, the operator's own choice).

`only_networks` additionally confines a scan to IP literals inside the given networks (plus
`localhost`): the demo and the tests use 127.0.0.0/8 so that a footer link to bszs.conac.cn is
recorded as *skipped*, never looked up from a sandbox. Production leaves it empty.

A host that does not resolve fails here with the resolver's DNSLookupError (classified `dns`),
so it is looked up once, not twice.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Blocks that are not the public internet, each with the name used in the skip reason. Order
# matters: the first block containing an address is its block.
NON_PUBLIC: list[tuple[str, Network]] = [
    (name, ipaddress.ip_network(net))
    for name, net in [
        ("loopback", "127.0.0.0/8"), ("loopback", "::1/128"),
        ("unspecified", "0.0.0.0/8"), ("unspecified", "::/128"),
        ("private", "10.0.0.0/8"), ("private", "172.16.0.0/12"), ("private", "192.168.0.0/16"),
        ("private", "fc00::/7"),
        ("link-local", "169.254.0.0/16"), ("link-local", "fe80::/10"),
        ("shared", "100.64.0.0/10"),
        ("multicast", "224.0.0.0/4"), ("multicast", "ff00::/8"),
        ("reserved", "240.0.0.0/4"), ("reserved", "192.0.0.0/24"), ("reserved", "198.18.0.0/15"),
        ("documentation", "192.0.2.0/24"), ("documentation", "198.51.100.0/24"),
        ("documentation", "203.0.113.0/24"), ("documentation", "2001:db8::/32"),
    ]
]


class TargetSkipped(IgnoreRequest):
    """A request the policy refused; the spider records it as `skipped`, not as broken."""


def _address(host: str) -> Address | None:
    try:
        addr = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


def block_of(addr: Address) -> tuple[str, Network] | None:
    """The non-public block an address lies in, or None for a public address."""
    for name, net in NON_PUBLIC:
        if addr.version == net.version and addr in net:
            return name, net
    if not addr.is_global:
        return "non-public", ipaddress.ip_network(addr)
    return None


class TargetPolicyMiddleware:
    def __init__(self, only_networks: list[str], allow_networks: list[str] | None = None,
                 crawler: Any = None) -> None:
        self.networks = [ipaddress.ip_network(n, strict=False) for n in only_networks]
        self.allow = [ipaddress.ip_network(n, strict=False) for n in (allow_networks or [])]
        self.crawler = crawler
        self._home_addr: dict[str, Address | None] = {}

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        s = crawler.settings
        return cls(s.getlist("GOVINSPECT_ONLY_NETWORKS"), s.getlist("GOVINSPECT_ALLOW_NETWORKS"), crawler)

    # --- the confinement of `only_networks` (no DNS at all) ------------------------------------

    def allowed(self, url: str) -> tuple[bool, str]:
        """The checks that need no resolution: scheme, and `only_networks`."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False, f"scheme {parts.scheme!r} is not checked"
        if not self.networks:
            return True, ""
        host = (parts.hostname or "").strip("[]").lower()
        if host == "localhost":
            host = "127.0.0.1"
        addr = _address(host)
        if addr is None:
            return False, f"host {host} is outside the allowed networks (crawl.only_networks)"
        if any(addr in net for net in self.networks):
            return True, ""
        return False, f"address {addr} is outside the allowed networks (crawl.only_networks)"

    # --- the private-address policy ---------------------------------------------------------

    def _home_url(self, request: Request) -> str | None:
        """The homepage (or account URL) of the site the request is made for."""
        states = getattr(getattr(self.crawler, "spider", None), "states", None) or {}
        state = states.get(request.meta.get("gi_site")) if request.meta.get("gi_site") else None
        if state is not None:
            return getattr(state, "home_url", None)
        # requests the spider did not make itself (robots.txt): the site whose host it is
        netloc = urlsplit(request.url).netloc.lower()
        for st in states.values():
            home = getattr(st, "home_url", None)
            if home and urlsplit(home).netloc.lower() == netloc:
                return home
        return None

    async def _resolve(self, host: str) -> Address:
        addr = _address(host)
        if addr is not None:
            return addr
        if host.lower() == "localhost":
            return ipaddress.ip_address("127.0.0.1")
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import reactor

        # the reactor's resolver is Scrapy's caching one: the download connects to this answer
        found = await maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[attr-defined]
        resolved = _address(str(found))
        if resolved is None:  # pragma: no cover - resolvers return dotted quads
            raise ValueError(f"resolver returned {found!r} for {host}")
        return resolved

    async def _home_address(self, home_host: str) -> Address | None:
        if home_host not in self._home_addr:
            try:
                self._home_addr[home_host] = await self._resolve(home_host)
            except Exception:
                self._home_addr[home_host] = None
        return self._home_addr[home_host]

    async def check_address(self, request: Request, host: str) -> str | None:
        """Why the request must not be made (None: it may)."""
        addr = await self._resolve(host)
        block = block_of(addr)
        if block is None or any(addr.version == n.version and addr in n for n in (*self.allow, *self.networks)):
            return None
        home = self._home_url(request)
        if home:
            home_host = (urlsplit(home).hostname or "").lower()
            if home_host == host.lower():
                return None  # the site's own homepage host: it lives there
            home_addr = await self._home_address(home_host)
            if home_addr is not None and (home_block := block_of(home_addr)) is not None and home_block[1] == block[1]:
                return None
        return (f"{host} resolves to {addr} ({block[0]} address {block[1]}): the inspector's own network is not "
                f"requested for a site that does not live there (allow it with crawl.allow_networks)")

    async def process_request(self, request: Request, spider: Any = None) -> None:
        ok, why = self.allowed(request.url)
        if not ok:
            raise TargetSkipped(why)
        if request.meta.get("gi_canary"):
            return None  # the operator's own reference URLs (crawl.canary_urls)
        host = (urlsplit(request.url).hostname or "").lower()
        reason = await self.check_address(request, host)
        if reason:
            raise TargetSkipped(reason)
        return None
