"""IPv6 reachability of a site's homepage (for checks.ipv6_missing): the host's AAAA record looked
up with dnspython, then the homepage asked for over the first address — a TCP connection to the
homepage's port, TLS with the host's name for https, and a GET whose status line must come back.

Blocking (sockets and DNS); the spider runs `probe_ipv6` in a thread. Every connection passes the
address policy (core.netpolicy) first. Under `crawl.only_networks` (a sandbox) a host name is
looked up only through configured nameservers inside those networks, never the outside DNS.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

import dns.exception
import dns.resolver

from core.items import Ipv6Record
from core.netpolicy import AddressPolicy, address

STATUS_LINE_MAX = 1024


def _nameserver(entry: str) -> tuple[str, int]:
    entry = entry.strip()
    if entry.startswith("["):  # [::1]:5353
        host, _, port = entry[1:].partition("]:")
        return host.rstrip("]"), int(port or 53)
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        return host, int(port)
    return entry, 53


def lookup_aaaa(host: str, nameservers: list[str], timeout: float) -> tuple[list[str], str | None]:
    """The host's IPv6 addresses, or why there are none: nxdomain | no_answer | timeout | error."""
    resolver = dns.resolver.Resolver(configure=not nameservers)
    if nameservers:
        pairs = [_nameserver(n) for n in nameservers]
        resolver.nameservers = [h for h, _ in pairs]
        resolver.nameserver_ports = {h: p for h, p in pairs}
    resolver.lifetime = timeout
    resolver.timeout = timeout
    try:
        answer = resolver.resolve(host, "AAAA", search=False)
    except dns.resolver.NXDOMAIN:
        return [], "nxdomain"
    except dns.resolver.NoAnswer:
        return [], "no_answer"
    except dns.exception.Timeout:
        return [], "timeout"
    except dns.exception.DNSException:
        return [], "error"
    return [r.address for r in answer], None


def sandboxed_lookup_allowed(policy: AddressPolicy, nameservers: list[str]) -> bool:
    """Whether a DNS lookup may leave the machine's confinement: always without only_networks;
    with it, only through listed nameservers inside those networks."""
    if not policy.only_networks:
        return True
    if not nameservers:
        return False
    nets = [ipaddress.ip_network(n, strict=False) for n in policy.only_networks]
    for entry in nameservers:
        addr = ipaddress.ip_address(_nameserver(entry)[0])
        if not any(addr.version == n.version and addr in n for n in nets):
            return False
    return True


def _get_status(addr: str, host: str, port: int, https: bool, path: str, timeout: float,
                user_agent: str) -> int:
    """Connect to addr, GET the homepage by its host name, return the HTTP status."""
    with socket.create_connection((addr, port), timeout=timeout) as raw:
        conn: socket.socket = raw
        if https:
            conn = ssl.create_default_context().wrap_socket(raw, server_hostname=host)
        name = f"[{host}]" if ":" in host else host
        request = (f"GET {path} HTTP/1.1\r\nHost: {name}{'' if port in (80, 443) else f':{port}'}\r\n"
                   f"User-Agent: {user_agent}\r\nAccept: text/html\r\nConnection: close\r\n\r\n")
        conn.sendall(request.encode("ascii", "replace"))
        head = b""
        while b"\r\n" not in head and len(head) < STATUS_LINE_MAX:
            chunk = conn.recv(256)
            if not chunk:
                break
            head += chunk
    line = head.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split()
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise OSError(f"no HTTP answer ({line[:80]!r})")
    return int(parts[1])


def probe_ipv6(site_id: str, home_url: str, policy: AddressPolicy, nameservers: list[str], timeout: float,
               user_agent: str) -> Ipv6Record | None:
    """The site's Ipv6Record; None when it cannot be assessed here (a sandbox without nameservers)."""
    parts = urlsplit(home_url)
    host = (parts.hostname or "").lower()
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    record = Ipv6Record(site_id=site_id, host=host)
    literal = address(host)
    if isinstance(literal, ipaddress.IPv4Address):
        record.lookup_error = "ipv4_literal"
        return record
    if literal is not None:
        addresses: list[str] = [str(literal)]
    else:
        if not sandboxed_lookup_allowed(policy, nameservers):
            return None
        addresses, record.lookup_error = lookup_aaaa(host, nameservers, timeout)
        if not addresses:
            return record
    record.addresses = addresses
    addr = addresses[0]
    record.url = parts._replace(netloc=f"[{addr}]:{port}").geturl()
    why = policy.check_address(host, port, addr)
    if why:
        record.error = f"skipped: {why}"
        return record
    try:
        record.status = _get_status(addr, host, port, https, parts.path or "/", timeout, user_agent)
    except ssl.SSLError as exc:
        record.error = f"tls: {exc}"[:500]
    except TimeoutError:
        record.error = "timeout"
    except OSError as exc:
        record.error = f"{type(exc).__name__}: {exc}"[:500]
    else:
        record.ok = record.status < 500
        if not record.ok:
            record.error = f"HTTP {record.status}"
    return record
