"""The address policy at connect time: Scrapy's caching DNS resolver, with every answer filtered
through core.netpolicy before Twisted may connect to it (`TWISTED_DNS_RESOLVER`).

TargetPolicyMiddleware judges a URL before the download (scheme, `only_networks`, IP literals);
what a host *name* resolves to is judged here, on the very addresses the connection is then made
to. A name that resolves to a forbidden address — or that answered a public address a moment ago
and a loopback one now (DNS rebinding) — leaves Twisted's HostnameEndpoint with no address to
connect to; the refusal is kept per (host, port), and the middleware turns the resulting lookup
error into the `skipped` result with this reason.

The resolver is process-wide (the reactor has one), so it is built from the crawl process's
settings, which crawler.safety fills from the registry.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.interfaces import IAddress, IHostnameResolver, IHostResolution, IResolutionReceiver
from zope.interface import implementer, provider

from core.netpolicy import AddressPolicy, host_key
from crawler.safety import policy_from_settings

_KEEP = 4096  # refusals remembered for the middleware (a bounded map: one entry per refused origin)


@provider(IResolutionReceiver)
class _Filter:
    """Passes on the addresses the policy allows for (host, port); remembers why others were not."""

    def __init__(self, receiver: IResolutionReceiver, resolver: PolicyResolver, host: str, port: int) -> None:
        self.receiver, self.resolver, self.host, self.port = receiver, resolver, host, port
        self.passed = 0
        self.why: str | None = None

    def resolutionBegan(self, resolution: IHostResolution) -> None:  # noqa: N802 - Twisted's interface
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: IAddress) -> None:  # noqa: N802
        why = self.resolver.policy.check_address(self.host, self.port, str(getattr(address, "host", "")))
        if why is None:
            self.passed += 1
            self.receiver.addressResolved(address)
        elif self.why is None:
            self.why = why

    def resolutionComplete(self) -> None:  # noqa: N802
        if self.passed == 0 and self.why is not None:
            self.resolver.remember(self.host, self.port, self.why)
        self.receiver.resolutionComplete()


@implementer(IHostnameResolver)
class PolicyResolver:
    """Scrapy's CachingThreadedResolver (DNS_TIMEOUT, DNSCACHE_*) with the policy on its answers."""

    def __init__(self, reactor: Any, inner: CachingThreadedResolver, policy: AddressPolicy) -> None:
        self.reactor = reactor
        self.inner = inner
        self.policy = policy
        self.refused: OrderedDict[tuple[str, int], str] = OrderedDict()
        self._names: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PolicyResolver:
        return cls(reactor, CachingThreadedResolver.from_crawler(crawler, reactor), policy_from_settings(crawler.settings))

    def install_on_reactor(self) -> None:
        # the inner resolver serves reactor.resolve(); connections ask reactor.nameResolver, which
        # Twisted builds around it — that one is wrapped here
        self.inner.install_on_reactor()
        self._names = self.reactor.nameResolver
        self.reactor.installNameResolver(self)

    def resolveHostName(  # noqa: N802 - Twisted's interface
        self, resolutionReceiver: IResolutionReceiver, hostName: str, portNumber: int = 0,  # noqa: N803
        addressTypes: Sequence[type[IAddress]] | None = None, transportSemantics: str = "TCP",  # noqa: N803
    ) -> IHostResolution:
        receiver = _Filter(resolutionReceiver, self, hostName, portNumber)
        return self._names.resolveHostName(receiver, hostName, portNumber, addressTypes, transportSemantics)

    def remember(self, host: str, port: int, why: str) -> None:
        key = (host_key(host), port)
        self.refused[key] = why
        self.refused.move_to_end(key)
        while len(self.refused) > _KEEP:
            self.refused.popitem(last=False)

    def refusal(self, host: str, port: int) -> str | None:
        """Why the last connection to (host, port) found no allowed address (taken: asked once)."""
        return self.refused.pop((host_key(host), port), None)


def installed() -> PolicyResolver | None:
    """The reactor's policy resolver, when the crawl process installed it."""
    from twisted.internet import reactor

    found = getattr(reactor, "nameResolver", None)
    return found if isinstance(found, PolicyResolver) else None
