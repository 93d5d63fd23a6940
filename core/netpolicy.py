"""The one address policy: which URL may be requested, and at which address (no SSRF).

Crawled pages choose the URLs we request; a hostile or hijacked page could point us at the
inspector's intranet (10.x, 192.168.x), its own loopback services (127.x: the database, Redis) or a
cloud metadata endpoint (169.254.169.254, Alibaba Cloud's 100.100.100.200). Every request path —
the Scrapy downloader (each redirect hop, and the resolved address at connect time), the browser
(through crawler.policy_proxy), the availability probe and `recheck` — asks this module, with the
same answers and the same reasons.

A URL is judged twice: `check_url` before resolution (scheme, `crawl.only_networks`, IP literals),
and `check_address` for each address its host resolves to, right before connecting to it, so a
host name that resolves (or re-resolves: DNS rebinding) to a forbidden address is refused too.

An address that is not public — loopback, private, link-local, shared/CGNAT, unspecified, reserved,
multicast, documentation — is refused unless
- the address lies inside `crawl.allow_networks`, or
- the URL's host and port are an *own origin*: a host the registry names (a site's URL, its listed
  `hosts`, a configured column's URL, an account's URL, a canary URL) at that URL's port. "The
  site lives there" is exactly that host and port, never its network block: a site on
  127.0.9.1:8080 does not open 127.0.0.1:9999, nor 127.0.9.1:6379. A registered URL on a
  scheme's default port (80 or 443) stands for both, since sites move between http and https;
  a listed host may carry its own port (`hosts: ["10.1.2.3:8443"]`).
Even an own origin is never let into "this host" (0.0.0.0, ::), multicast, or a cloud metadata
address unless `crawl.allow_networks` lists it.

`only_networks` confines a scan further (the demo and the tests): only IP literals inside the
given networks (and `localhost`) are requested, so a footer link to bszs.conac.cn is recorded as
skipped and never looked up from a sandbox. It never allows anything by itself.

Pure: no sockets, no resolver, no framework. A refusal is a reason string (the `skipped` result's
error text); None means the request may go.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from core.registry import Registry

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
WEB_PORTS = frozenset(DEFAULT_PORTS.values())


def _nets(pairs: list[tuple[str, str]]) -> list[tuple[str, Network]]:
    return [(name, ipaddress.ip_network(net)) for name, net in pairs]


# Blocks that are not the public internet, each with the name used in the reason. Order matters:
# the first block containing an address is its block (the metadata hosts before their blocks).
NON_PUBLIC: list[tuple[str, Network]] = _nets([
    ("cloud metadata", "169.254.169.254/32"), ("cloud metadata", "fd00:ec2::254/128"),
    ("cloud metadata", "100.100.100.200/32"),
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
])
# blocks that even a registered host may not resolve into (only crawl.allow_networks opens them)
NEVER_OWN = frozenset({"cloud metadata", "unspecified", "multicast"})


def address(text: str) -> Address | None:
    """An IP literal as an address (IPv4-mapped IPv6 as its IPv4), else None."""
    try:
        addr = ipaddress.ip_address(text.strip("[]").split("%", 1)[0])
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


def host_key(host: str) -> str:
    """A host as compared here: lower case, no brackets or trailing dot, IP literals normalised."""
    host = host.strip().strip("[]").rstrip(".").lower()
    addr = address(host)
    if addr is not None:
        return str(addr)
    if not host.isascii():  # an IDN as the request carries it (punycode)
        try:
            return host.encode("idna").decode("ascii")
        except UnicodeError:
            return host
    return host


def origin(url: str) -> tuple[str, int] | None:
    """(host, port) of an http(s) URL, the port made explicit; None for anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in SCHEMES or not parts.hostname:
        return None
    return host_key(parts.hostname), port or DEFAULT_PORTS[parts.scheme]


def _ports(port: int) -> tuple[int, ...]:
    return tuple(WEB_PORTS) if port in WEB_PORTS else (port,)


def _in(addr: Address, nets: Iterable[Network]) -> bool:
    return any(addr.version == n.version and addr in n for n in nets)


@dataclass(frozen=True)
class AddressPolicy:
    """The decision for one registry (see the module docstring). `own` holds "host:port" origins."""

    allow_networks: tuple[str, ...] = ()
    only_networks: tuple[str, ...] = ()
    own: tuple[str, ...] = ()
    _allow: tuple[Network, ...] = field(init=False, repr=False, compare=False)
    _only: tuple[Network, ...] = field(init=False, repr=False, compare=False)
    _own: frozenset[tuple[str, int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "_allow", tuple(ipaddress.ip_network(n, strict=False) for n in self.allow_networks))
        set_(self, "_only", tuple(ipaddress.ip_network(n, strict=False) for n in self.only_networks))
        own: set[tuple[str, int]] = set()
        for entry in self.own:
            found = origin(entry if "//" in entry else f"http://{entry}")
            if found is None:
                raise ValueError(f"not a host:port origin: {entry!r}")
            own.add(found)
        set_(self, "_own", frozenset(own))

    @classmethod
    def from_registry(cls, registry: Registry) -> AddressPolicy:
        crawl = registry.crawl
        return cls(tuple(crawl.allow_networks), tuple(crawl.only_networks), tuple(own_origins(registry)))

    def is_own(self, host: str, port: int) -> bool:
        return (host_key(host), port) in self._own

    # --- before resolution ------------------------------------------------------------------------

    def check_url(self, url: str) -> str | None:
        """Why `url` must not be requested, judged without DNS (None: resolve it and ask
        `check_address`). An IP-literal host is judged completely here."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return f"not a valid URL: {url[:200]}"
        if parts.scheme not in SCHEMES:
            return f"scheme {parts.scheme!r} is not checked"
        if not parts.hostname:
            return f"no host in {url[:200]}"
        host = host_key(parts.hostname)
        port = port or DEFAULT_PORTS[parts.scheme]
        addr = address(host)
        if addr is None and (host == "localhost" or host.endswith(".localhost")):
            addr = address("127.0.0.1")  # always loopback (RFC 6761): judged without a lookup
        if self._only:
            if addr is None:
                return f"host {host} is outside the allowed networks (crawl.only_networks)"
            if not _in(addr, self._only):
                return f"address {addr} is outside the allowed networks (crawl.only_networks)"
        return self.check_address(host, port, addr) if addr is not None else None

    # --- the address the connection goes to ---------------------------------------------------------

    def check_address(self, host: str, port: int, addr: Address | str) -> str | None:
        """Why a connection to `addr`, resolved from `host` for a URL on `port`, must not be made."""
        if isinstance(addr, str):
            parsed = address(addr)
            if parsed is None:
                return f"{host} resolved to {addr!r}, not an IP address"
            addr = parsed
        elif isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
            addr = addr.ipv4_mapped
        if self._only and not _in(addr, self._only):
            return f"address {addr} is outside the allowed networks (crawl.only_networks)"
        block = block_of(addr)
        if block is None or _in(addr, self._allow):
            return None
        name, net = block
        where = f"{host_key(host)}:{port}"
        if self.is_own(host, port):
            if name not in NEVER_OWN:
                return None
            return (f"{where} resolves to {addr} ({name} address {net}): never requested, not even for a "
                    f"registered site (allow it with crawl.allow_networks)")
        return (f"{where} resolves to {addr} ({name} address {net}): the inspector's own network is not "
                f"requested for a host and port no registered site lives on (allow it with crawl.allow_networks)")

    def check(self, url: str, addr: Address | str | None = None) -> str | None:
        """Both steps for one URL: `check_url`, then (given) the address it resolved to."""
        why = self.check_url(url)
        if why or addr is None:
            return why
        found = origin(url)
        assert found is not None  # check_url accepted it
        return self.check_address(found[0], found[1], addr)


def own_origins(registry: Registry) -> list[str]:
    """The "host:port" origins the registry names (see the module docstring)."""
    out: set[str] = set()

    def add(url: str, extra_hosts: Iterable[str] = ()) -> None:
        found = origin(url)
        if found is None:
            return
        host, port = found
        for p in _ports(port):
            out.add(_fmt(host, p))
        for entry in extra_hosts:
            entry = entry.strip()
            if not entry:
                continue
            listed = origin(f"http://{entry}")
            if listed is None:
                continue
            has_port = urlsplit(f"http://{entry}").port is not None
            for p in (listed[1],) if has_port else _ports(port):
                out.add(_fmt(listed[0], p))

    for _, site in registry.sites():
        add(site.url, site.hosts)
        for col in site.columns:
            add(col.url)
    for _, account in registry.accounts():
        add(account.url)
    for url in registry.crawl.canary_urls:
        add(url)
    return sorted(out)


def _fmt(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
